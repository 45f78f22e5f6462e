import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { type Actor } from '../../workflows/contract';
import { getTicketQuery, TICKET_WORKFLOW, ticketWorkflowId, type OpenTicketInput, type TicketState } from '../../workflows/ticket/contract';
import type { RunningLifeline } from '../helpers/lifeline';

export const engineer: Actor = { kind: 'engineer', id: 'eng-1' };
export const customer: Actor = { kind: 'customer', id: 'acme-portal' };

let counter = 0;
/** Every ticket a test file opened, so its live histories can be replayed at the end. */
const opened: WorkflowHandle[] = [];
/** A fresh ticket id per test (TKT- and 16 hex digits, like the API's). */
export function newTicketId(prefix: number): string {
  counter += 1;
  return `TKT-${(prefix * 1_000_000 + counter).toString(16).toUpperCase().padStart(16, '0')}`;
}

/** Skips the test server's clock to an instant (it starts at the real now) and returns it. */
export async function skipTo(env: TestWorkflowEnvironment, instant: string): Promise<void> {
  const target = Date.parse(instant);
  const now = await env.currentTimeMs();
  if (target < now) throw new Error(`${instant} is in the test server's past (${new Date(now).toISOString()})`);
  if (target > now) await env.sleep(target - now);
}

export async function openTicket(
  ll: RunningLifeline,
  fields: Partial<OpenTicketInput> & Pick<OpenTicketInput, 'policyId' | 'plan' | 'severity'>,
): Promise<{ handle: WorkflowHandle; ticketId: string; state: TicketState }> {
  const ticketId = fields.ticketId ?? newTicketId(1);
  const input: OpenTicketInput = {
    ticketId,
    customerId: 'acme',
    type: 'incident',
    title: 'Mail relay down',
    description: 'No mail is delivered since 09:00.',
    channel: 'email',
    contact: { name: 'Ada', email: 'ada@acme.example' },
    openedBy: customer,
    ...fields,
  };
  const handle = await ll.env.client.workflow.start(TICKET_WORKFLOW, {
    taskQueue: ll.taskQueue,
    workflowId: ticketWorkflowId(ticketId),
    args: [input],
  });
  opened.push(handle);
  // A query can be answered while the opening's local activities still run (a loaded machine makes
  // its first task outlast the task heartbeat): wait, bounded, until the opening is on record.
  let state = await handle.query(getTicketQuery);
  for (let i = 0; i < 200 && state.eventCount < 2; i++) {
    await new Promise((r) => setTimeout(r, 100));
    state = await handle.query(getTicketQuery);
  }
  return { handle, ticketId, state };
}

export async function eventsOf(ll: RunningLifeline, ticketId: string) {
  const { rows } = await ll.db.pool.query<{ seq: number; type: string; occurred_at: Date; actor_kind: string; data: any }>(
    'SELECT seq, type, occurred_at, actor_kind, data FROM ticket_events WHERE ticket_id = $1 ORDER BY seq',
    [ticketId],
  );
  return rows.map((r) => ({ ...r, at: r.occurred_at.toISOString() }));
}

export const target = (state: TicketState, kind: string) => {
  const t = state.targets.find((x) => x.kind === kind);
  if (!t) throw new Error(`no ${kind} target in ${JSON.stringify(state.targets)}`);
  return t;
};

/** An instant to the second (the test server's clock runs on in real time between steps, by milliseconds). */
export const sec = (instant: string | undefined) => (instant === undefined ? undefined : `${instant.slice(0, 19)}Z`);

/**
 * Waits, in real time, until the ticket reaches a status. Never `handle.result()` in a file with
 * other idle tickets: the time-skipping server may then skip to their 3,650-day execution cap.
 */
export async function untilStatus(handle: WorkflowHandle, status: string, timeoutMs = 20_000): Promise<TicketState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await handle.query(getTicketQuery);
    if (state.status === status || Date.now() > deadline) return state;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * `LIFELINE_RECORD_HISTORIES=1 npm test -- test/workflow test/api` refreshes the replay fixtures
 * in test/histories/ (do it only for a deliberate, patched() or pre-release change).
 */
export async function recordHistory(handle: WorkflowHandle, name: string): Promise<void> {
  if (!process.env.LIFELINE_RECORD_HISTORIES) return;
  const history = await handle.fetchHistory();
  writeFileSync(path.join(__dirname, '../histories', `${name}.binpb`), temporal.api.history.v1.History.encode(history).finish());
}

/**
 * Replays the histories of every ticket this file opened (as far as they got) on the current code:
 * a nondeterminism that depends on timing (an update arriving during a local activity) shows here.
 */
export async function replayOpenedTickets(): Promise<number> {
  const histories = await Promise.all(opened.map(async (h) => ({ workflowId: h.workflowId, history: await h.fetchHistory() })));
  for (const { workflowId, history } of histories) {
    try {
      await Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, history, workflowId);
    } catch (err) {
      // Name the ticket and keep its history: a timing-dependent nondeterminism must be reproducible.
      const file = path.join(os.tmpdir(), `lifeline-nondeterminism-${workflowId}.binpb`);
      writeFileSync(file, temporal.api.history.v1.History.encode(history).finish());
      throw new Error(`${workflowId} does not replay (history saved to ${file}): ${(err as Error).message}`);
    }
  }
  return histories.length;
}
