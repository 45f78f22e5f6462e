import type { WorkflowHandle } from '@temporalio/client';
import { addMonths, formatDate, parseDate } from '../../policies/dates';
import { localDateOf, localToUtc } from '../../policies/zone';
import {
  getLifecycleQuery,
  LIFECYCLE_WORKFLOW,
  lifecycleWorkflowId,
  type LifecycleState,
  type StartLifecycleInput,
} from '../../workflows/lifecycle/contract';
import type { RunningLifeline } from '../helpers/lifeline';

export const manager = { kind: 'manager' as const, id: 'product-manager' };

/** A date `months` calendar months after the test server's today in the zone, on day `day`. */
export async function monthsFromNow(ll: RunningLifeline, zone: string, months: number, day = 15): Promise<string> {
  const today = localDateOf(zone, await ll.env.currentTimeMs());
  const d = addMonths(today, months);
  return formatDate({ ...d, day });
}

export const plusMonths = (date: string, months: number) => formatDate(addMonths(parseDate(date), months));
/** The instant a date starts in the zone. */
export const startOfDay = (zone: string, date: string) => new Date(localToUtc(zone, parseDate(date), 0)).toISOString();

export async function startVersion(
  ll: RunningLifeline,
  fields: Partial<StartLifecycleInput> & Pick<StartLifecycleInput, 'product' | 'major' | 'ga'>,
  options: { taskQueue?: string } = {},
): Promise<WorkflowHandle> {
  const input: StartLifecycleInput = {
    productName: fields.product,
    policyId: 'infotecs',
    zone: 'Europe/Moscow',
    by: manager,
    ...fields,
  };
  return ll.env.client.workflow.start(LIFECYCLE_WORKFLOW, {
    taskQueue: options.taskQueue ?? ll.taskQueue,
    workflowId: lifecycleWorkflowId(input.product, input.major),
    args: [input],
  });
}

/** Waits, in real time, until the lifecycle satisfies `ready` (never `handle.result()`: see untilStatus). */
export async function untilLifecycle(
  handle: WorkflowHandle,
  ready: (s: LifecycleState) => boolean,
  timeoutMs = 20_000,
): Promise<LifecycleState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await handle.query(getLifecycleQuery);
    if (ready(state)) return state;
    if (Date.now() > deadline) throw new Error(`lifecycle ${handle.workflowId} not ready in ${timeoutMs} ms: ${JSON.stringify(state)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function lifecycleEvents(ll: RunningLifeline, workflowId: string) {
  const { rows } = await ll.db.pool.query<{ seq: number; type: string; occurred_at: Date; data: Record<string, any> }>(
    'SELECT seq, type, occurred_at, data FROM lifecycle_events WHERE workflow_id = $1 ORDER BY seq',
    [workflowId],
  );
  return rows.map((r) => ({ seq: r.seq, type: r.type, at: r.occurred_at.toISOString(), data: r.data }));
}
