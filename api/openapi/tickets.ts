import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  CommandIdempotencyHeaderSchema,
  commandSchemas,
  IdempotencyHeaderSchema,
  OpenTicketRequestSchema,
  TicketEventListSchema,
  TicketIdParamSchema,
  TicketListQuerySchema,
  TicketListSchema,
  TicketSchema,
  TicketCommandsSchema,
  QueueQuerySchema,
  QueueSchema,
} from '../schemas';
import { body, errors, json, secured } from './shared';

/** Opening, reading and listing tickets, and every ticket command (api/routes/tickets*.ts). */
export function registerTicketPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/v1/tickets',
    summary: 'Open a ticket',
    description:
      "Starts the ticket's workflow. With an `Idempotency-Key` header a retried request returns the same ticket (200, `Idempotent-Replayed: true`) instead of opening another.",
    tags: ['tickets'],
    security: secured,
    request: {
      ...body(OpenTicketRequestSchema),
      headers: IdempotencyHeaderSchema,
    },
    responses: {
      201: json('Opened', TicketSchema),
      200: json('Already opened with this Idempotency-Key', TicketSchema),
      202: json(
        'Accepted and durable, not yet opened by a worker within 10 s (the workers are behind): poll the Location; retry with the same Idempotency-Key, never without one',
        z.object({ ticketId: z.string(), status: z.literal('opening') }),
      ),
      ...errors('role', {
        400: 'Malformed JSON or a body failing validation',
        403: 'A customer key opening a ticket for another customer',
        422: 'Idempotency-Key reused with a different body',
      }),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/tickets/{ticketId}',
    summary: "A ticket's live state (workflow query)",
    tags: ['tickets'],
    security: secured,
    request: { params: TicketIdParamSchema },
    responses: { 200: json('The ticket', TicketSchema), ...errors('role', { 404: 'No such ticket' }) },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/tickets/{ticketId}/events',
    summary: "A ticket's persisted events, in order",
    tags: ['tickets'],
    security: secured,
    request: { params: TicketIdParamSchema },
    responses: { 200: json('The events', TicketEventListSchema), ...errors('role', { 404: 'No such ticket' }) },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/tickets/{ticketId}/commands',
    summary: 'The commands this caller may send the ticket now, and why not the others',
    description:
      "Combines the role each command needs with the ticket workflow's `availableCommands` query, which runs each command's own rule on the live state.",
    tags: ['tickets'],
    security: secured,
    request: { params: TicketIdParamSchema },
    responses: { 200: json('Every command with its refusal, if any', TicketCommandsSchema), ...errors('role', { 404: 'No such ticket' }) },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/queue',
    summary: 'The support queue: open tickets by next due instant, each target clock read at asOf',
    description:
      "From the read model, soonest due first (tickets with nothing due last), in pages of `limit`; follow `nextCursor`. Each target's remaining business time is computed at `asOf` on its calendar, with whether it counts down at that instant and when that next changes, so a page can count down exactly between polls. A customer key sees its own tickets only.",
    tags: ['tickets'],
    security: secured,
    request: { query: QueueQuerySchema },
    responses: { 200: json('A page of the queue', QueueSchema), ...errors('role', { 400: 'Invalid filter or cursor' }) },
  });
  registerTicketCommandPaths(registry);
  registry.registerPath({
    method: 'get',
    path: '/v1/tickets',
    summary: 'List tickets from the read model',
    description: 'Newest first, in pages of `limit`; follow `nextCursor`. A customer key sees its own tickets only.',
    tags: ['tickets'],
    security: secured,
    request: { query: TicketListQuerySchema },
    responses: { 200: json('A page of tickets', TicketListSchema), ...errors('role', { 400: 'Invalid filter or cursor' }) },
  });
}

function registerTicketCommandPaths(registry: OpenAPIRegistry): void {
  const commandDocs: Record<keyof typeof commandSchemas, [string, string]> = {
    assign: ['Assign an engineer', 'engineer'],
    respond: ['Respond to the customer (meets a response target; ISPsystem hands the ticket to the user)', 'engineer'],
    'request-information': [
      'Ask the customer for information: the ticket waits on the customer (clocks pause, or restart on the answer)',
      'engineer',
    ],
    reply: ["The customer's answer: the ticket comes back to the vendor", 'customer, engineer'],
    reclassify: ['Change the severity, with a reason; targets are recomputed from the original start', 'engineer'],
    forward: ['Forward to a team (ISPsystem 3.4: targets suspended)', 'engineer'],
    return: ['Take a forwarded ticket back from the team', 'engineer'],
    relieve: ['The system is back in operation (Isode relief)', 'engineer'],
    resolve: ['Deliver a resolution, a workaround or a resolution plan', 'engineer'],
    close: ['Close the ticket (the customer agrees)', 'customer, engineer'],
    reopen: ["Reopen a closed ticket within the policy's reopen window", 'engineer'],
    reject: ["Reject with one of the policy's reasons (ISPsystem 3.2)", 'engineer'],
    split: ['Split into child tickets, each with its own severity and targets (ISPsystem 3.3)', 'engineer'],
    escalate: ['Escalate by hand (a customer escalates through the account manager)', 'customer, engineer'],
    'hotfix-required': ['Record that a P1/P2 needs a hot fix (Isode)', 'engineer'],
  };
  for (const [name, schema] of Object.entries(commandSchemas) as Array<[keyof typeof commandSchemas, z.ZodType]>) {
    const [summary, roles] = commandDocs[name];
    registry.registerPath({
      method: 'post',
      path: `/v1/tickets/{ticketId}/${name}`,
      summary,
      description: `An Update of the ticket's workflow with a validator: refused with 409 and the reason when the ticket's state does not allow it. With an \`Idempotency-Key\` header a retried request is the same Update: it changes the ticket once and answers with the first outcome (\`Idempotent-Replayed: true\`). Roles: ${roles} (managers and admins too, except for customer-only commands).`,
      tags: ['ticket commands'],
      security: secured,
      request: { params: TicketIdParamSchema, ...body(schema), headers: CommandIdempotencyHeaderSchema },
      responses: {
        200: json('The ticket after the command', TicketSchema),
        ...errors('role', {
          400: 'Invalid body',
          404: "No such ticket (or not the customer's)",
          409: "Not allowed in the ticket's current state",
          422: 'Idempotency-Key already used on this ticket for a different request',
        }),
      },
    });
  }
}
