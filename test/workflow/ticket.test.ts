import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  closeTicketUpdate,
  getTicketQuery,
  replyUpdate,
  requestInformationUpdate,
  resolveUpdate,
  respondUpdate,
} from '../../workflows/ticket/contract';
import { CustomerIdKey, NextDueAtKey, SlaBreachedKey, TicketStatusKey } from '../../workflows/search-attributes';
import { createActivities } from '../../activities';
import { startLifeline, type RunningLifeline } from '../helpers/lifeline';
import { customer, engineer, eventsOf, openTicket, recordHistory, replayOpenedTickets, sec, skipTo, target } from './ticket-helpers';

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

  it('an Isode Silver P2 opened on 24 December 2026 at 16:30 London breaches at 29 December 16:30 and escalates once', async () => {
    await skipTo(env, '2026-12-24T16:30:00Z'); // London is on GMT in December
    const { handle, ticketId, state } = await openTicket(ll, { policyId: 'isode', plan: 'silver', severity: 'p2' });
    expect(sec(state.openedAt)).toBe('2026-12-24T16:30:00Z');
    // 1 working day = 8 h: 30 min on the 24th; 25, 26 (Boxing Day → substitute Monday 28), 27 closed; 7 h 30 on the 29th.
    expect(sec(target(state, 'firstResponse').dueAt)).toBe('2026-12-29T16:30:00Z');
    await skipTo(env, '2027-01-20T00:00:00Z');
    const events = await eventsOf(ll, ticketId);
    const breaches = events.filter((e) => e.type === 'breached' && e.data.kind === 'firstResponse');
    expect(breaches.map((e) => sec(e.at))).toEqual(['2026-12-29T16:30:00Z']);
    const escalations = events.filter((e) => e.type === 'escalated' && e.data.kind === 'firstResponse');
    expect(escalations).toHaveLength(1);
    expect(sec(escalations[0].at)).toBe('2026-12-29T16:30:00Z');
    expect(escalations[0].data).toMatchObject({ to: 'supportManagement', automatic: true });
    // The warning came first, at 80 % of the budget (6 h 24 min of business time: 30 min on the 24th, 5 h 54 min on the 29th).
    expect(sec(events.find((e) => e.type === 'warning' && e.data.kind === 'firstResponse')?.at)).toBe('2026-12-29T14:54:00Z');
    const live = await handle.query(getTicketQuery);
    expect(live.breached).toBe(true);
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(SlaBreachedKey)).toBe(true);
    expect(described.typedSearchAttributes.get(CustomerIdKey)).toBe('acme');
    await handle.executeUpdate(respondUpdate, { args: [{ by: engineer, message: 'Looking at it' }] });
    const met = target(await handle.query(getTicketQuery), 'firstResponse');
    expect(met.status).toBe('met');
    expect(sec(met.breachedAt)).toBe('2026-12-29T16:30:00Z');
    await recordHistory(handle, 'ticket-breach-escalation');
  });

  it('three days waiting on the customer move an Isode relief deadline by exactly the business time paused', async () => {
    await skipTo(env, '2027-02-01T10:00:00Z'); // Monday
    const { handle, ticketId, state } = await openTicket(ll, { policyId: 'isode', plan: 'silver', severity: 'p2' });
    // Relief = 3 working days = 24 business hours: Mon 7 h, Tue 8, Wed 8, Thu 1 → Thursday 10:00.
    expect(sec(target(state, 'relief').dueAt)).toBe('2027-02-04T10:00:00Z');
    await skipTo(env, '2027-02-01T12:00:00Z');
    const waiting = await handle.executeUpdate(requestInformationUpdate, { args: [{ by: engineer, message: 'Logs, please' }] });
    expect(waiting.status).toBe('waitingOnCustomer');
    expect(target(waiting, 'firstResponse').status).toBe('met');
    expect(target(waiting, 'relief').status).toBe('paused');
    expect(Math.round(target(waiting, 'relief').remainingMs / 1000)).toBe(22 * 3600);
    expect(target(waiting, 'relief').dueAt).toBeUndefined();
    await skipTo(env, '2027-02-04T12:00:00Z'); // Thursday: 3 days, 24 business hours paused
    const back = await handle.executeUpdate(replyUpdate, { args: [{ by: customer, message: 'Attached' }] });
    // The old deadline plus 24 business hours: Thu 7 h, Fri 8, Mon 8, Tue 1 → Tuesday 10:00.
    expect(target(back, 'relief').status).toBe('running');
    expect(sec(target(back, 'relief').dueAt)).toBe('2027-02-09T10:00:00Z');
    // The warning point (19 h 12 min of budget) fell inside the pause: it fires after it, not skipped.
    await skipTo(env, '2027-02-10T00:00:00Z');
    const events = await eventsOf(ll, ticketId);
    expect(events.filter((e) => e.type === 'warning' && e.data.kind === 'relief').map((e) => sec(e.at))).toEqual(['2027-02-08T13:12:00Z']);
    expect(events.filter((e) => e.type === 'breached' && e.data.kind === 'relief').map((e) => sec(e.at))).toEqual(['2027-02-09T10:00:00Z']);
    const changes = events.filter((e) => e.type === 'targetsRecomputed').flatMap((e) => e.data.changes);
    expect(changes.find((c: { kind: string }) => c.kind === 'relief')).toMatchObject({ status: 'paused', newDueAt: null });
    await recordHistory(handle, 'ticket-pause-resume');
    const relief = changes.find((c: { kind: string; newDueAt: string | null }) => c.kind === 'relief' && c.newDueAt);
    expect(sec(relief?.newDueAt)).toBe('2027-02-09T10:00:00Z');
  });

  it('a typical ticket: respond, request information, reply, resolve, close, recorded in workflow time', async () => {
    const { handle, ticketId } = await openTicket(ll, { policyId: 'xecuritas', plan: 'standard', severity: 'sev2' });
    await handle.executeUpdate(respondUpdate, { args: [{ by: engineer, message: 'On it' }] });
    await handle.executeUpdate(requestInformationUpdate, { args: [{ by: engineer, message: 'Which version?' }] });
    await env.sleep('2 days');
    await handle.executeUpdate(replyUpdate, { args: [{ by: customer, message: '7.2' }] });
    await handle.executeUpdate(resolveUpdate, { args: [{ by: engineer, kind: 'workaround', note: 'Disable the cache' }] });
    const closed = await handle.executeUpdate(closeTicketUpdate, { args: [{ by: customer, reason: 'works' }] });
    expect(closed.status).toBe('closed');
    // A second close is refused with the reason, and nothing changes.
    const refused = await handle.executeUpdate(closeTicketUpdate, { args: [{ by: customer }] }).catch((e) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(String(refused.cause?.message)).toMatch(/a closed ticket cannot be closed/);
    await env.sleep('31 days'); // the reopen window passes and the workflow completes
    const final = await handle.result();
    expect(final.status).toBe('closed');
    const events = await eventsOf(ll, ticketId);
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'opened',
        'targetsComputed',
        'responded',
        'targetMet',
        'informationRequested',
        'customerReplied',
        'resolved',
        'closed',
      ]),
    );
    expect(new Set(events.map((e) => e.seq)).size).toBe(events.length);
    await recordHistory(handle, 'ticket-typical');
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(TicketStatusKey)).toBe('closed');
    expect(described.typedSearchAttributes.get(NextDueAtKey)).toBeUndefined();
  });

  it('a database outage delays the writes and never fails the ticket', async () => {
    await ll.db.pool.query('ALTER TABLE ticket_events RENAME TO ticket_events_offline');
    const ticketId = 'TKT-00000000000DB0FF';
    const handle = await env.client.workflow.start('ticket', {
      taskQueue: ll.taskQueue,
      workflowId: `ticket-${ticketId}`,
      args: [
        {
          ticketId,
          customerId: 'acme',
          policyId: 'isode',
          plan: 'gold',
          severity: 'p4',
          type: 'question',
          title: 'q',
          description: 'd',
          channel: 'email',
          openedBy: customer,
        },
      ],
    });
    await new Promise((r) => setTimeout(r, 3_000));
    const during = await ll.db.pool.query('SELECT count(*)::int AS n FROM ticket_events_offline WHERE ticket_id = $1', [ticketId]);
    expect(during.rows[0].n).toBe(0);
    await ll.db.pool.query('ALTER TABLE ticket_events_offline RENAME TO ticket_events');
    let rows: unknown[] = [];
    for (let i = 0; i < 300 && rows.length < 3; i++) {
      rows = await eventsOf(ll, ticketId);
      if (rows.length < 3) await new Promise((r) => setTimeout(r, 100));
    }
    expect((rows as Array<{ type: string }>).map((e) => e.type)).toEqual(['opened', 'targetsComputed', 'entitlementDecided']);
    expect((await handle.query(getTicketQuery)).status).toBe('open');
    expect((await handle.describe()).status.name).toBe('RUNNING');
  }, 60_000);

  it('writes each event and notification once however often persistence is retried, and never moves the read model back', async () => {
    const { handle, ticketId } = await openTicket(ll, { policyId: 'isode', plan: 'gold', severity: 'p4' });
    await handle.executeUpdate(respondUpdate, { args: [{ by: engineer }] });
    const state = await handle.query(getTicketQuery);
    const events = await eventsOf(ll, ticketId);
    const before = await ll.db.pool.query('SELECT count(*)::int AS n FROM notifications WHERE ticket_id = $1', [ticketId]);
    // Replay the opening batch as a late retry would: same keys, older snapshot.
    const first = {
      workflowId: `ticket-${ticketId}`,
      ticketId,
      seq: 1,
      type: 'opened' as const,
      occurredAt: events[0].at,
      actor: customer,
      data: {},
      notify: { event: 'opened' as const, roles: ['customer' as const] },
      snapshot: { ...state, status: 'open' as const, eventCount: 1 },
    };
    const acts = createActivities({ pool: ll.db.pool });
    await acts.persistTicketEvents([first]);
    await acts.persistTicketEvents([first]);
    expect(await eventsOf(ll, ticketId)).toHaveLength(events.length);
    const after = await ll.db.pool.query('SELECT count(*)::int AS n FROM notifications WHERE ticket_id = $1', [ticketId]);
    expect(after.rows[0].n).toBe(before.rows[0].n);
    const row = await ll.db.pool.query('SELECT last_seq, snapshot FROM tickets WHERE ticket_id = $1', [ticketId]);
    expect(row.rows[0].last_seq).toBe(events[events.length - 1].seq);
    expect(row.rows[0].snapshot.respondedAt).toBe(state.respondedAt);
  });

  it('every ticket opened above replays on the current code', async () => {
    expect(await replayOpenedTickets()).toBeGreaterThan(0);
  }, 120_000);
});
