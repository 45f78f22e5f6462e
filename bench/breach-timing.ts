/**
 * How breach lag is measured, shared by bench/breach-lag.ts and bench/scale.ts: Xecuritas Standard
 * Sev-1 tickets started as POST /v1/tickets starts them, their first response shortened to seconds,
 * and the times a ticket's history records of its timer (asked, fired, taken, written).
 */
import { createHash } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import type { temporal } from '@temporalio/proto';
import type { Pool } from '../common/db';
import { TICKET_WORKFLOW, ticketWorkflowId, type OpenTicketInput } from '../workflows/ticket/contract';

const CUSTOMER = { kind: 'customer' as const, id: 'bench-customer' };

/** A Xecuritas Standard Sev-1 incident: its calendar is always open, so its first response is wall-clock time. */
export function breachTicketInput(ticketId: string): OpenTicketInput {
  return {
    ticketId,
    customerId: 'bench-customer',
    policyId: 'xecuritas',
    plan: 'standard',
    severity: 'sev1',
    type: 'incident',
    title: 'Mail service down',
    description: 'No mail delivered since 09:10.',
    channel: 'email',
    openedBy: CUSTOMER,
  };
}

/** Starts a ticket exactly as POST /v1/tickets does (api/routes/tickets-open.ts). */
export function startTicket(client: Client, taskQueue: string, input: OpenTicketInput): Promise<WorkflowHandle> {
  return client.workflow.start(TICKET_WORKFLOW, {
    taskQueue,
    workflowId: ticketWorkflowId(input.ticketId),
    args: [input],
    memo: { requestHash: createHash('sha256').update(JSON.stringify(input)).digest('hex') },
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    staticSummary: `${input.policyId}/${input.plan} ${input.severity}: ${input.title}`,
    staticDetails: `Customer ${input.customerId}; ${input.type} via ${input.channel}`,
  });
}

/** Xecuritas Standard Sev-1's first response shortened to `budgetS` seconds (wall clock: its calendar is always open). */
export async function setBudget(pool: Pool, budgetS: number, by: string): Promise<void> {
  await pool.query(
    `INSERT INTO policy_overrides (policy_id, override, version, updated_by) VALUES ('xecuritas', $1, 1, $2)
     ON CONFLICT (policy_id) DO UPDATE SET override = EXCLUDED.override, version = policy_overrides.version + 1, updated_at = now()`,
    [JSON.stringify({ targets: { standard: { sev1: { firstResponse: { duration: `PT${budgetS}S` } } } } }), by],
  );
}

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function summaryOf(e: HistoryEvent): string | undefined {
  const data = e.userMetadata?.summary?.data;
  if (!data) return undefined;
  try {
    const v = JSON.parse(Buffer.from(data).toString('utf8')) as unknown;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** A local activity marker's own record of when the worker scheduled it (its `data` payload). */
function markerScheduledAt(e: HistoryEvent): number | undefined {
  const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
  if (!data) return undefined;
  const meta = JSON.parse(Buffer.from(data).toString('utf8')) as { original_schedule_time?: { seconds: number; nanos: number } };
  return meta.original_schedule_time ? meta.original_schedule_time.seconds * 1000 + meta.original_schedule_time.nanos / 1e6 : undefined;
}

/** After a timer fired: when a worker took the next workflow task, and when that task scheduled its first local activity. */
function afterFire(events: HistoryEvent[], firedIndex: number): { taskStartedAt?: number; activityScheduledAt?: number } {
  const later = events.slice(firedIndex + 1);
  const task = later.find((x) => x.workflowTaskStartedEventAttributes);
  const marker = later.find((x) => x.markerRecordedEventAttributes?.markerName === 'core_local_activity');
  return { taskStartedAt: task ? tsToMs(task.eventTime) : undefined, activityScheduledAt: marker ? markerScheduledAt(marker) : undefined };
}

/** The first fired timer whose summary matches: when it was asked to fire (start + duration) and when it fired. */
export function firedTimer(events: HistoryEvent[], match: (summary: string | undefined) => boolean) {
  for (const e of events) {
    const fired = e.timerFiredEventAttributes;
    if (!fired) continue;
    const started = events.find((x) => Number(x.eventId) === Number(fired.startedEventId));
    if (!started?.timerStartedEventAttributes || !match(summaryOf(started))) continue;
    const startedAt = tsToMs(started.eventTime);
    return {
      scheduledAt: startedAt + tsToMs(started.timerStartedEventAttributes.startToFireTimeout),
      firedAt: tsToMs(e.eventTime),
      ...afterFire(events, events.indexOf(e)),
    };
  }
  return undefined;
}
