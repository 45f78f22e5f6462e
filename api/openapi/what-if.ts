import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import {
  ReportWhatIfRequestSchema,
  ReportWhatIfResponseSchema,
  TicketIdParamSchema,
  WhatIfRequestSchema,
  WhatIfResponseSchema,
} from '../schemas';
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
        409: 'A first-slice ticket, from before SLA targets: nothing to replay',
      }),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/reports/what-if',
    summary: "A report's tickets under other rules: the figures before and after",
    description:
      "Every ticket of the report (one policy's, at most 5,000) replayed as POST /v1/tickets/{id}/what-if does, under the scenario; the same report statement run over the replayed tickets' facts beside the report as it is (e.g. this quarter's share met on time under the proposed policy version). The replayed tickets keep their recorded plan and severity in the report's columns, so the same filters select the same tickets. Nothing is written. Roles: engineer, manager, admin.",
    tags: ['reports'],
    security: secured,
    request: body(ReportWhatIfRequestSchema),
    responses: {
      200: json('The report before and under the scenario', ReportWhatIfResponseSchema),
      ...errors('role', { 400: 'Invalid body: the report without its policy, a scenario it cannot run, more than 5,000 tickets' }),
    },
  });
}
