/**
 * ticketTargetFacts (common/report-facts.ts): the report's rows from a ticket's state alone, on the
 * catalog's real calendars, with states made by the pure ticket machine under the real rules.
 */
import { ticketTargetFacts } from '../../common/report-facts';
import { calendarsOf, catalog } from '../../policies/index';
import { closeTicket, relieve, reply, requestInformation, respond } from '../../workflows/ticket/commands';
import { at, customer, engineer, HOUR, TicketScenario } from './workflows/fixtures';

const isode = calendarsOf(catalog.isode);

// Monday 2 March 2026: London on GMT, so office hours are 09:00–17:00 UTC.
const MON_1600 = at('2026-03-02T16:00:00Z');

describe('ticketTargetFacts', () => {
  it('counts a target met while its clock was paused (no due instant then) as met on time, as the machine does', () => {
    const s = TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p2' }, MON_1600);
    s.ok(requestInformation, { by: engineer, message: 'Which version?' }, at('2026-03-03T10:00:00Z'));
    s.ok(relieve, { by: engineer, note: 'Restart the relay' }, at('2026-03-03T11:00:00Z')); // still waiting: relief has no dueAt
    const relief = ticketTargetFacts(s.state, isode).find((f) => f.kind === 'relief');
    expect(s.events.find((e) => e.type === 'targetMet' && e.data.kind === 'relief')?.data).toMatchObject({ late: false });
    expect(relief).toMatchObject({ status: 'met', metOnTime: true, breachedAt: null });
  });

  it("counts only the calendar's open hours: Monday 16:00 to Tuesday 10:00 is 2 business hours", () => {
    const s = TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p2' }, MON_1600);
    s.ok(respond, { by: engineer }, at('2026-03-03T10:00:00Z'));
    const [response, relief] = ticketTargetFacts(s.state, isode);
    expect(response).toMatchObject({
      kind: 'firstResponse',
      window: 1,
      status: 'met',
      metOnTime: true,
      elapsedMs: 2 * HOUR,
      elapsedUntil: '2026-03-03T10:00:00.000Z',
      ticketRow: true,
      policyId: 'isode',
      plan: 'silver',
      severity: 'p2',
      customerId: 'acme',
      ticketType: 'incident',
      openedAt: '2026-03-02T16:00:00.000Z',
      escalateTo: 'supportManagement',
    });
    // Still running: undecided, counted up to the state's last event (the response).
    expect(relief).toMatchObject({
      kind: 'relief',
      status: 'running',
      metOnTime: null,
      elapsedMs: 2 * HOUR,
      ticketRow: false,
      metAt: null,
    });
    expect(relief.elapsedUntil).toBe('2026-03-03T10:00:00.000Z');
    expect(relief.asOf).toBe('2026-03-03T10:00:00.000Z');
  });

  it('leaves the time waiting on the customer out of the clocks, and reports it as wall time', () => {
    const s = TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p2' }, MON_1600);
    s.ok(respond, { by: engineer }, at('2026-03-03T10:00:00Z'));
    s.ok(requestInformation, { by: engineer, message: 'Which version?' }, at('2026-03-03T11:00:00Z'));
    s.ok(reply, { by: customer, message: '19.1' }, at('2026-03-04T11:00:00Z'));
    s.ok(relieve, { by: engineer }, at('2026-03-04T12:00:00Z'));
    const facts = ticketTargetFacts(s.state, isode);
    // Monday 16–17, Tuesday 9–11, Wednesday 11–12; Tuesday 11 to Wednesday 11 waited (8 business hours, 24 wall).
    expect(facts[1]).toMatchObject({ kind: 'relief', status: 'met', metOnTime: true, elapsedMs: 4 * HOUR });
    expect(facts.map((f) => f.waitingMs)).toEqual([24 * HOUR, 24 * HOUR]);
    expect(facts.map((f) => f.ticketRow)).toEqual([true, false]);
  });

  it('counts a 24/7 target on the wall clock, and a late one as breached and not on time', () => {
    const s = TicketScenario.open(
      { policyId: 'isode', plan: 'gold', severity: 'p1', options: { p1TwentyFourSeven: true } },
      at('2026-03-07T10:00:00Z'), // a Saturday
    );
    s.ok(respond, { by: engineer }, at('2026-03-07T11:30:00Z'));
    s.ok(relieve, { by: engineer }, at('2026-03-08T08:00:00Z'));
    const [response, relief] = ticketTargetFacts(s.state, isode);
    expect(response).toMatchObject({ status: 'met', metOnTime: true, elapsedMs: 1.5 * HOUR });
    // 22 hours against 12: the breach fired first (escalated to support management), then the relief.
    expect(relief).toMatchObject({
      status: 'met',
      metOnTime: false,
      elapsedMs: 22 * HOUR,
      breachedAt: '2026-03-08T08:00:00.000Z',
      escalatedAt: '2026-03-08T08:00:00.000Z',
      dueAt: '2026-03-07T22:00:00.000Z',
    });
  });

  it('counts an unmet target of a closed ticket up to the close, cancelled and undecided', () => {
    const s = TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p2' }, MON_1600);
    s.ok(respond, { by: engineer }, at('2026-03-03T10:00:00Z'));
    s.ok(closeTicket, { by: customer, reason: 'fixed it' }, at('2026-03-03T12:00:00Z'));
    const relief = ticketTargetFacts(s.state, isode)[1];
    expect(relief).toMatchObject({ status: 'cancelled', metOnTime: null, elapsedMs: 4 * HOUR, elapsedUntil: '2026-03-03T12:00:00.000Z' });
  });

  it('gives a ticket without targets one row, so it is still counted', () => {
    const s = TicketScenario.open(
      {
        policyId: 'xecuritas',
        plan: 'standard',
        severity: 'sev3',
        type: 'featureRequest',
        contractId: 'C-1',
        productVersion: '4.2',
        details: { environment: 'Linux' },
      },
      at('2026-03-02T14:00:00Z'),
    );
    expect(s.state.targets).toEqual([]);
    expect(ticketTargetFacts(s.state, calendarsOf(catalog.xecuritas))).toEqual([
      expect.objectContaining({
        kind: 'none',
        window: 0,
        status: 'none',
        ticketRow: true,
        ticketType: 'featureRequest',
        elapsedMs: null,
        metOnTime: null,
      }),
    ]);
  });

  it('leaves elapsed null when the calendar is not known, and reads nothing but the state', () => {
    const s = TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p2' }, MON_1600);
    const facts = ticketTargetFacts(s.state, () => undefined);
    expect(facts.map((f) => f.elapsedMs)).toEqual([null, null]);
    expect(ticketTargetFacts(s.state, isode)).toEqual(ticketTargetFacts(JSON.parse(JSON.stringify(s.state)), isode));
  });
});
