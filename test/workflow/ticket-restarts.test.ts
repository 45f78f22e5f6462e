import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { startLifeline, type RunningLifeline } from '../helpers/lifeline';
import { eventsOf, openTicket, replayOpenedTickets, sec } from './ticket-helpers';

// A worker that keeps no workflow in its cache rebuilds each ticket from its history on every
// task: as if the worker restarted between any two steps. Timers must still fire exactly once.
describe('ticket workflow without a workflow cache (time-skipping)', () => {
  let ll: RunningLifeline;
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    ll = await startLifeline({ worker: { maxCachedWorkflows: 0 } });
    env = ll.env;
  });

  afterAll(async () => {
    await ll?.stop();
  });

  it('warns, breaches and escalates once per target, when every step is replayed from history (a worker restart at every step)', async () => {
    const { ticketId } = await openTicket(ll, { policyId: 'xecuritas', plan: 'standard', severity: 'sev2' });
    await env.sleep('12 days');
    const events = await eventsOf(ll, ticketId);
    const count = (type: string, kind: string) => events.filter((e) => e.type === type && e.data.kind === kind).length;
    for (const kind of ['firstResponse', 'resolution']) {
      expect([kind, count('warning', kind), count('breached', kind), count('escalated', kind)]).toEqual([kind, 1, 1, 1]);
    }
    // Sev-2 response: warn at 4 business hours, breach at 6 (003 "4-6 hours").
    const warn = events.find((e) => e.type === 'warning' && e.data.kind === 'firstResponse')!;
    const breach = events.find((e) => e.type === 'breached' && e.data.kind === 'firstResponse')!;
    expect([sec(warn.at), sec(breach.at)]).toEqual([sec(warn.data.warnAt), sec(breach.data.dueAt)]);
    const { rows } = await ll.db.pool.query(
      "SELECT count(*)::int AS n FROM notifications WHERE ticket_id = $1 AND event_type = 'escalated'",
      [ticketId],
    );
    expect(rows[0].n).toBe(2); // one per target, to support management (unrouted here, but recorded)
  });

  it('replays', async () => {
    expect(await replayOpenedTickets()).toBeGreaterThan(0);
  }, 120_000);
});
