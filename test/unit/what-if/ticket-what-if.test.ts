/**
 * What-if replays (api/what-if/) on histories made by the pure ticket machine with the real rules:
 * the same rules give back the same ticket, other rules give the deadlines those rules set, and the
 * recorded commands keep their instants.
 */
import { ticketOutcome } from '../../../api/what-if/outcome';
import { recordedCommands, type RecordedEvent } from '../../../api/what-if/recorded-commands';
import { replayTicket } from '../../../api/what-if/ticket-what-if';
import { nextWake } from '../../../workflows/ticket/clocks';
import type { CommandBase } from '../../../workflows/contract';
import type { TicketCommand } from '../../../workflows/ticket/commands';
import { reclassify, relieve, reply, requestInformation, respond, resolve } from '../../../workflows/ticket/commands';
import { at, customer, engineer, rulesOf, TicketScenario } from '../workflows/fixtures';

// Monday 2 March 2026: London is on GMT, so the uk-office day is 09:00–17:00 UTC.
const MON_0900 = at('2026-03-02T09:00:00Z');
const NOW = at('2026-04-01T00:00:00Z');
const isode = rulesOf('isode');

/** The ticket's own instants up to t, each at its instant, as its wake-up timer fires them (the end of the reopen window fires nothing). */
function wakeUntil(s: TicketScenario, t: number): void {
  for (let wake = nextWake(s.state, s.machine.reopenUntil); wake && wake.at <= t && wake.what !== 'end of the reopen window'; ) {
    s.tick(wake.at);
    wake = nextWake(s.state, s.machine.reopenUntil);
  }
}

/** A command at its instant, after everything due before it: the history the workflow records. */
function live<C extends CommandBase>(s: TicketScenario, command: TicketCommand<C>, c: C, t: number): void {
  wakeUntil(s, t);
  s.ok(command, c, t);
}

const recorded = (s: TicketScenario): RecordedEvent[] =>
  s.events.map(({ seq, type, occurredAt, actor, data }) => ({ seq, type, occurredAt, actor, data }));

/** Isode Silver P2: responded Monday 11:00, relieved Thursday 10:00 (relief due Wednesday 17:00: late). */
function silverRelievedLate(): TicketScenario {
  const s = TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p2' }, MON_0900);
  live(s, respond, { by: engineer, message: 'Looking at it' }, at('2026-03-02T11:00:00Z'));
  live(s, relieve, { by: engineer }, at('2026-03-05T10:00:00Z'));
  wakeUntil(s, NOW);
  return s;
}

const dues = (targets: Array<{ kind: string; dueAt?: string; metOnTime: boolean | null; breachedAt?: string }>) =>
  targets.map((t) => [t.kind, t.dueAt, t.metOnTime, t.breachedAt]);

describe('what-if replay of a ticket', () => {
  it('under its own rules gives back the ticket it had: targets, due instants, breaches', () => {
    const s = silverRelievedLate();
    const replayed = replayTicket(recorded(s), s.state, isode, {}, NOW);
    expect(replayed.skipped).toEqual([]);
    expect(ticketOutcome(replayed.state, replayed.events)).toEqual(ticketOutcome(s.state, s.events));
    expect(replayed.events.map((e) => e.type)).toEqual(s.events.map((e) => e.type));
    expect(dues(ticketOutcome(s.state, s.events).targets)).toEqual([
      ['firstResponse', '2026-03-02T17:00:00.000Z', true, undefined],
      ['relief', '2026-03-04T17:00:00.000Z', false, '2026-03-04T17:00:00.000Z'],
    ]);
  });

  it('under Gold (P2: response in 4 working hours, relief in 12) the relief breach comes a day earlier', () => {
    const s = silverRelievedLate();
    const r = replayTicket(recorded(s), s.state, isode, { plan: 'gold' }, NOW);
    const out = ticketOutcome(r.state, r.events);
    expect(out.plan).toBe('gold');
    expect(dues(out.targets)).toEqual([
      ['firstResponse', '2026-03-02T13:00:00.000Z', true, undefined],
      ['relief', '2026-03-03T13:00:00.000Z', false, '2026-03-03T13:00:00.000Z'], // Mon 8 h + Tue 4 h
    ]);
    expect(out.breaches).toEqual([{ kind: 'relief', window: 1, dueAt: '2026-03-03T13:00:00.000Z', at: '2026-03-03T13:00:00.000Z' }]);
  });

  it('under Bronze (P2: response in 2 working days, relief in 6) every target is met on time', () => {
    const s = silverRelievedLate();
    const r = replayTicket(recorded(s), s.state, isode, { plan: 'bronze' }, NOW);
    const out = ticketOutcome(r.state, r.events);
    expect(dues(out.targets)).toEqual([
      ['firstResponse', '2026-03-03T17:00:00.000Z', true, undefined],
      ['relief', '2026-03-09T17:00:00.000Z', true, undefined], // Mon 2 … Fri 6, Mon 9
    ]);
    expect(out.breaches).toEqual([]);
    expect(out.breached).toBe(false);
  });

  it('waiting on the customer is replayed: the relief clock pauses from the request to the answer', () => {
    const s = TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p2' }, MON_0900);
    live(s, requestInformation, { by: engineer, message: 'Which version?' }, at('2026-03-02T10:00:00Z'));
    live(s, reply, { by: customer, message: '17.0' }, at('2026-03-03T10:00:00Z')); // 7 working hours waited
    live(s, resolve, { by: engineer, kind: 'resolution', note: 'Patched' }, at('2026-03-05T16:00:00Z'));
    wakeUntil(s, NOW);
    const same = replayTicket(recorded(s), s.state, isode, {}, NOW);
    expect(ticketOutcome(same.state, same.events)).toEqual(ticketOutcome(s.state, s.events));
    const gold = replayTicket(recorded(s), s.state, isode, { plan: 'gold' }, NOW);
    // Gold relief: 12 working hours, 1 before the wait and 11 after it: Tue 10:00 + 7 h = 17:00, + 4 h = Wed 13:00.
    expect(dues(ticketOutcome(gold.state, gold.events).targets)).toEqual([
      ['firstResponse', '2026-03-02T13:00:00.000Z', true, undefined],
      ['relief', '2026-03-04T13:00:00.000Z', false, '2026-03-04T13:00:00.000Z'],
    ]);
  });

  it('a response that handed the ticket to the customer is replayed as one', () => {
    const s = TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p2' }, MON_0900);
    live(s, respond, { by: engineer, message: 'Try this', awaitCustomer: true }, at('2026-03-02T10:00:00Z'));
    const commands = recordedCommands(recorded(s), s.state);
    expect(commands.map((c) => [c.name, c.c.awaitCustomer])).toEqual([['responded', true]]);
    const same = replayTicket(recorded(s), s.state, isode, {}, NOW);
    expect(same.state.status).toBe('waitingOnCustomer');
    expect(same.state.pauses).toEqual(s.state.pauses);
  });

  it('a response to a ticket already waiting re-arms the auto-close as the policy does (ISPsystem 3.6)', () => {
    // ISPsystem Standard, VMmanager (24/7), High: a response hands the ticket to the user; 7 days of silence close it.
    const s = TicketScenario.open({ policyId: 'ispsystem', plan: 'standard', severity: 'high', product: 'VMmanager' }, MON_0900);
    live(s, respond, { by: engineer, message: 'Try the patch' }, at('2026-03-02T10:00:00Z'));
    live(s, respond, { by: engineer, message: 'Any news?' }, at('2026-03-05T10:00:00Z')); // Thursday: 7 days from here
    live(s, reply, { by: customer, message: 'Works now' }, at('2026-03-10T10:00:00Z')); // after Monday's 7 days, within Thursday's
    wakeUntil(s, NOW);
    expect(s.events.some((e) => e.type === 'autoClosed')).toBe(false);
    const same = replayTicket(recorded(s), s.state, rulesOf('ispsystem'), {}, NOW);
    expect(same.skipped).toEqual([]);
    expect(ticketOutcome(same.state, same.events)).toEqual(ticketOutcome(s.state, s.events));
    expect(same.events.map((e) => e.type)).toEqual(s.events.map((e) => e.type));
  });

  it('a scenario that fixes the severity does not replay the recorded reclassification, and says so', () => {
    const s = TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p3' }, MON_0900);
    live(s, reclassify, { by: engineer, severity: 'p1', reason: 'production is down' }, at('2026-03-02T09:30:00Z'));
    wakeUntil(s, NOW);
    const same = replayTicket(recorded(s), s.state, isode, {}, NOW);
    expect(same.state.severity).toBe('p1');
    expect(ticketOutcome(same.state, same.events)).toEqual(ticketOutcome(s.state, s.events));
    const p3 = replayTicket(recorded(s), s.state, isode, { severity: 'p3' }, NOW);
    expect(p3.state.severity).toBe('p3');
    expect(p3.skipped).toEqual([
      { seq: expect.any(Number), command: 'reclassified', at: '2026-03-02T09:30:00.000Z', reason: 'the scenario fixes the severity' },
    ]);
    // P3 on Silver: response in 2 working days.
    expect(p3.state.targets.find((t) => t.kind === 'firstResponse')?.dueAt).toBe('2026-03-03T17:00:00.000Z');
  });

  it('an open ticket is followed to `until`: under tighter rules it breaches before now', () => {
    const s = TicketScenario.open({ policyId: 'isode', plan: 'bronze', severity: 'p2' }, MON_0900);
    live(s, respond, { by: engineer }, at('2026-03-03T16:00:00Z')); // on time under Bronze (Tue 17:00)
    const gold = replayTicket(recorded(s), s.state, isode, { plan: 'gold' }, at('2026-03-04T09:00:00Z'));
    const out = ticketOutcome(gold.state, gold.events);
    expect(out.breaches.map((b) => [b.kind, b.at])).toEqual([
      ['firstResponse', '2026-03-02T13:00:00.000Z'],
      ['relief', '2026-03-03T13:00:00.000Z'],
    ]);
    expect(out.targets.find((t) => t.kind === 'firstResponse')?.metOnTime).toBe(false);
    expect(out.targets.find((t) => t.kind === 'relief')?.status).toBe('running');
  });
});
