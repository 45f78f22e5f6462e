import { WorkflowUpdateFailedError } from '@temporalio/client';
import { catalog } from '../../policies/catalog';
import { getTicketQuery, requestInformationUpdate } from '../../workflows/ticket/contract';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';
import { engineer, eventsOf, openTicket, replayOpenedTickets } from './ticket-helpers';

// Inputs the policy refuses inside the workflow (the API checks them first; another client may
// not): the ticket is rejected visibly, never a failed workflow that refuses every command.
describe('inputs the rules refuse, inside the ticket workflow (time-skipping)', () => {
  let ll: RunningLifeline;

  beforeAll(async () => {
    ll = await startLifeline();
  });

  afterAll(async () => {
    await ll?.stop();
  });

  it('a ticket the policy refuses at opening is rejected with the reason, and its workflow completes', async () => {
    // ISPsystem Standard needs the product to pick its working hours (3.1).
    const { handle, ticketId } = await openTicket(ll, { policyId: 'ispsystem', plan: 'standard', severity: 'high' });
    const result = (await handle.result()) as { status: string; rejection?: { reasonId: string; text: string } };
    expect(result.status).toBe('rejected');
    expect(result.rejection?.reasonId).toBe('invalidRequest');
    expect(result.rejection?.text).toMatch(/^product: policy "ispsystem" needs the product/);
    const events = await eventsOf(ll, ticketId);
    expect(events.map((e) => e.type)).toEqual(['opened', 'rejected']);
    expect((await handle.query(getTicketQuery).catch(() => undefined))?.status ?? 'rejected').toBe('rejected');
  });

  it('a policy change that refuses an open ticket leaves its deadlines and says so; a command needing a recompute is a 409', async () => {
    const { handle, ticketId, state } = await openTicket(ll, {
      policyId: 'isode',
      plan: 'silver',
      severity: 'p1',
      options: { p1TwentyFourSeven: true },
    });
    const plans = catalog.isode.plans.map((p) => (p.id === 'silver' ? { ...p, options: [] } : { ...p }));
    const changed = await call(ll.url, 'PUT', '/v1/policies/isode/override', {
      key: ll.adminKey,
      body: { override: { plans }, reason: 'Silver loses 24/7' },
    });
    expect(changed.status).toBe(200);
    const deadline = Date.now() + 30_000;
    let events = await eventsOf(ll, ticketId);
    while (!events.some((e) => e.type === 'targetsRecomputed') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      events = await eventsOf(ll, ticketId);
    }
    const recomputed = events.find((e) => e.type === 'targetsRecomputed');
    expect(recomputed?.data.refused).toMatch(/offers no option "p1TwentyFourSeven"/);
    const now = await handle.query(getTicketQuery);
    expect(now.status).toBe('open');
    expect(now.targets.map((t) => t.dueAt)).toEqual(state.targets.map((t) => t.dueAt));
    const refused = await handle
      .executeUpdate(requestInformationUpdate, { args: [{ by: engineer, message: 'Which host?' }] })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(refused.cause.message).toMatch(/^the current rules refuse this: /);
  });

  it('every ticket opened above replays on the current code', async () => {
    expect(await replayOpenedTickets()).toBeGreaterThan(0);
  });
});
