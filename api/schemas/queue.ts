import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { targetKinds } from '../../policies/schema';
import { finalStatuses } from '../../workflows/ticket/contract';
import { ticketStatuses } from '../../workflows/ticket/vocabulary';
import { inSupportedRange, text } from './common';

extendZodWithOpenApi(z);

/** The support queue (api/routes/queue.ts): open tickets by their next due instant, each target's clock at `asOf`. */

const TICKET_ID = /^TKT-[0-9A-F]{16}$/;
export const openStatuses = ticketStatuses.filter((s) => !(finalStatuses as readonly string[]).includes(s)) as [string, ...string[]];

/**
 * A queue page's cursor: base64url of the JSON `[nextDueAt | null, ticketId]` of the last ticket
 * of the previous page; undefined unless both parts are what a page writes.
 */
export function decodeQueueCursor(cursor: string): [string | null, string] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 2) return undefined;
  const [dueAt, ticketId] = value as unknown[];
  if (typeof ticketId !== 'string' || !TICKET_ID.test(ticketId)) return undefined;
  if (dueAt === null) return [null, ticketId];
  if (typeof dueAt !== 'string' || !z.iso.datetime({ offset: true }).safeParse(dueAt).success || !inSupportedRange(dueAt)) return undefined;
  return [dueAt, ticketId];
}

export function encodeQueueCursor(nextDueAt: string | null, ticketId: string): string {
  return Buffer.from(JSON.stringify([nextDueAt, ticketId])).toString('base64url');
}

export const QueueQuerySchema = z
  .object({
    policyId: text(50).optional(),
    plan: text(50).optional(),
    severity: text(50).optional(),
    status: z.enum(openStatuses).optional().openapi({ description: 'One of the open statuses; by default all of them.' }),
    customerId: text(200).optional().openapi({ description: 'Ignored for a customer key: it sees its own tickets only.' }),
    assigneeId: text(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z
      .string()
      .max(300)
      .refine((c) => decodeQueueCursor(c) !== undefined, { message: "not a cursor from a previous page's nextCursor" })
      .optional()
      .openapi({ description: "From the previous page's nextCursor." }),
  })
  .strict();
export type QueueQuery = z.infer<typeof QueueQuerySchema>;

export const QueueTargetSchema = z
  .object({
    kind: z.enum(targetKinds),
    window: z.number().int(),
    status: z.enum(['running', 'paused', 'suspended', 'met', 'cancelled']),
    dueAt: z.string().nullable().openapi({ description: 'Null while the clock is paused or suspended.' }),
    remainingMs: z.number().openapi({ description: 'Budget left at asOf: business time on a working calendar (negative once overdue).' }),
    counting: z
      .boolean()
      .openapi({ description: 'Whether remainingMs decreases at asOf (running and the calendar open, or not counted).' }),
    changesAt: z
      .string()
      .nullable()
      .openapi({ description: 'When `counting` next flips (the calendar opens or closes); null when it does not on its own.' }),
    working: z.boolean(),
    calendar: z.string(),
    calendarZone: z.string().nullable().openapi({ description: "The calendar's IANA time zone." }),
    warned: z.boolean(),
    breached: z.boolean(),
  })
  .openapi('QueueTarget');

export const QueueSchema = z
  .object({
    asOf: z.string().openapi({ description: 'The instant every target clock is read at.' }),
    tickets: z.array(
      z.object({
        ticketId: z.string(),
        customerId: z.string(),
        policyId: z.string(),
        plan: z.string(),
        severity: z.string(),
        status: z.string(),
        title: z.string(),
        product: z.string().nullable(),
        assigneeId: z.string().nullable(),
        openedAt: z.string(),
        nextDueAt: z.string().nullable(),
        breached: z.boolean(),
        targets: z.array(QueueTargetSchema),
      }),
    ),
    nextCursor: z.string().nullable(),
  })
  .openapi('Queue');
