/** The API's shapes, inferred from its zod schemas (api/schemas/): the console declares none of its own. */
import type { z } from 'zod';
import type { QueueSchema, QueueTargetSchema } from '../../api/schemas/queue';
import type { TicketCommandsSchema, TicketEventListSchema, TicketSchema } from '../../api/schemas/tickets';
import type { LifecycleStateSchema } from '../../api/schemas/lifecycle';
import type { WhatIfResponseSchema } from '../../api/schemas/what-if';
import type { SlaReportSchema } from '../../api/schemas/reports';

export type Queue = z.infer<typeof QueueSchema>;
export type QueueTicket = Queue['tickets'][number];
export type QueueTarget = z.infer<typeof QueueTargetSchema>;
export type Ticket = z.infer<typeof TicketSchema>;
export type TicketEvent = z.infer<typeof TicketEventListSchema>['events'][number];
export type TicketCommands = z.infer<typeof TicketCommandsSchema>;
export type LifecycleState = z.infer<typeof LifecycleStateSchema>;
export type WhatIf = z.infer<typeof WhatIfResponseSchema>;
export type SlaReport = z.infer<typeof SlaReportSchema>;

/** GET /console/config.json (api/console.ts). */
export interface ConsoleConfig {
  temporalUiUrl: string;
  temporalNamespace: string;
  pollSeconds: number;
}

/** GET /v1/products. */
export interface ProductList {
  items: Array<{
    product: string;
    name: string;
    policyId: string;
    zone: string;
    link: string | null;
    versions: Array<{ version: string; phase: string }>;
  }>;
}
