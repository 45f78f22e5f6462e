import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { TicketIdParamSchema, WhatIfRequestSchema, WhatIfResponseSchema } from '../schemas';
import { body, errors, json, secured } from './shared';

/** What-if replays (api/routes/what-if.ts). */
export function registerWhatIfPaths(registry: OpenAPIRegistry): void {
  registry.registerPath({
    method: 'post',
    path: '/v1/tickets/{ticketId}/what-if',
    summary: 'Would this ticket have met its targets under other rules?',
    description:
      "Replays the ticket's recorded commands, at their recorded instants, through the pure ticket state machine under another plan, severity, policy version (stored, or a draft) or contract terms, and returns the targets, due instants and breaches it would have had beside what it had. The ticket's own instants (warnings, breaches, auto-close) fire as its timer would have fired them, up to now. The recorded entitlement decision stands; a split's children are not replayed. Nothing is written. Roles: engineer, manager, admin.",
    tags: ['tickets'],
    security: secured,
    request: { params: TicketIdParamSchema, ...body(WhatIfRequestSchema) },
    responses: {
      200: json('What the ticket had, and what it would have had', WhatIfResponseSchema),
      ...errors('role', {
        400: 'Invalid body: an unknown plan or severity, a policy version that is not stored, a draft or terms that do not validate',
        404: 'No such ticket',
      }),
    },
  });
}
