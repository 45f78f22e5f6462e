import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { recordTicketEvent } from '../../activities/ticket-events';
import {
  closeTicketUpdate,
  getTicketQuery,
  TICKET_WORKFLOW,
  ticketWorkflowId,
  type OpenTicketInput,
  type TicketEventRecord,
} from '../../workflows/definitions';
import { CustomerIdKey, TicketStatusKey } from '../../workflows/search-attributes';
import { startLifeline, type RunningLifeline } from '../helpers/lifeline';

const input = (ticketId: string): OpenTicketInput => ({
  ticketId,
  customerId: 'acme',
  policyId: 'xecuritas',
  plan: 'standard',
  severity: 'sev2',
  type: 'incident',
  title: 'Scanner stalls',
  description: 'Nightly scan stops at 40 %.',
  channel: 'email',
  openedBy: { kind: 'engineer', id: 'eng-1' },
});

describe('ticket workflow (time-skipping)', () => {
  let ll: RunningLifeline;
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    ll = await startLifeline();
    env = ll.env;
  });

  afterAll(async () => {
    await ll?.stop();
  });

  it('records each event with the workflow time at which it happened, not the wall clock', async () => {
    const ticketId = 'TKT-00000000000000A1';
    const handle = await env.client.workflow.start(TICKET_WORKFLOW, {
      taskQueue: ll.taskQueue,
      workflowId: ticketWorkflowId(ticketId),
      args: [input(ticketId)],
    });
    const opened = await handle.query(getTicketQuery);
    await env.sleep('3 days');
    await handle.executeUpdate(closeTicketUpdate, { args: [{ by: { kind: 'customer', id: 'acme-portal' }, reason: 'fixed' }] });
    const final = await handle.result();
    expect(final.status).toBe('closed');
    // `LIFELINE_RECORD_HISTORIES=1 npm test -- test/workflow/ticket` refreshes the replay fixture.
    if (process.env.LIFELINE_RECORD_HISTORIES) {
      const history = temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish();
      writeFileSync(path.join(__dirname, '../histories/ticket-open-close.binpb'), history);
    }

    const { rows } = await ll.db.pool.query<{ type: string; occurred_at: Date; actor_kind: string }>(
      'SELECT type, occurred_at, actor_kind FROM ticket_events WHERE ticket_id = $1 ORDER BY seq',
      [ticketId],
    );
    expect(rows.map((r) => r.type)).toEqual(['opened', 'closed']);
    expect(rows[0].occurred_at.toISOString()).toBe(opened.openedAt);
    const gap = rows[1].occurred_at.getTime() - rows[0].occurred_at.getTime();
    expect(gap).toBeGreaterThanOrEqual(3 * 24 * 3600 * 1000);
    expect(rows[1].actor_kind).toBe('customer');

    // Search attributes make the ticket findable in the Temporal UI.
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(TicketStatusKey)).toBe('closed');
    expect(described.typedSearchAttributes.get(CustomerIdKey)).toBe('acme');
  });

  it('accepts one of two concurrent close commands and refuses the other', async () => {
    const ticketId = 'TKT-00000000000000A2';
    const handle = await env.client.workflow.start(TICKET_WORKFLOW, {
      taskQueue: ll.taskQueue,
      workflowId: ticketWorkflowId(ticketId),
      args: [input(ticketId)],
    });
    await handle.query(getTicketQuery);
    const by = { kind: 'engineer' as const, id: 'eng-1' };
    const outcomes = await Promise.allSettled([
      handle.executeUpdate(closeTicketUpdate, { args: [{ by, reason: 'first' }] }),
      handle.executeUpdate(closeTicketUpdate, { args: [{ by, reason: 'second' }] }),
    ]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    // Refused by the validator, or by the server once the workflow had completed: never applied twice.
    if (rejected.reason instanceof WorkflowUpdateFailedError) {
      expect(String(rejected.reason.cause?.message)).toMatch(/already closed/);
    }
    const { rows } = await ll.db.pool.query("SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1 AND type = 'closed'", [
      ticketId,
    ]);
    expect(rows[0].n).toBe(1);
  });

  it('writes an event once however often the activity is retried, and never moves the read model back', async () => {
    const ticketId = 'TKT-00000000000000A3';
    const base = input(ticketId);
    const snapshot = { ...base, status: 'open' as const, openedAt: '2026-01-05T10:00:00.000Z', eventCount: 1 };
    const opened: TicketEventRecord = {
      workflowId: ticketWorkflowId(ticketId),
      ticketId,
      seq: 1,
      type: 'opened',
      occurredAt: '2026-01-05T10:00:00.000Z',
      actor: base.openedBy,
      data: {},
      snapshot,
    };
    const closed: TicketEventRecord = {
      ...opened,
      seq: 2,
      type: 'closed',
      occurredAt: '2026-01-06T10:00:00.000Z',
      snapshot: { ...snapshot, status: 'closed', closedAt: '2026-01-06T10:00:00.000Z', eventCount: 2 },
    };
    expect(await recordTicketEvent(ll.db.pool, opened)).toEqual({ inserted: true });
    expect(await recordTicketEvent(ll.db.pool, closed)).toEqual({ inserted: true });
    // A late retry of the first write: no duplicate, and the read model stays at the newer state.
    expect(await recordTicketEvent(ll.db.pool, opened)).toEqual({ inserted: false });
    const events = await ll.db.pool.query('SELECT seq FROM ticket_events WHERE ticket_id = $1 ORDER BY seq', [ticketId]);
    expect(events.rows.map((r) => r.seq)).toEqual([1, 2]);
    const row = await ll.db.pool.query('SELECT status, last_seq FROM tickets WHERE ticket_id = $1', [ticketId]);
    expect(row.rows[0]).toEqual({ status: 'closed', last_seq: 2 });
  });
});
