/** availableCommands (workflows/ticket/view.ts): what the console offers on a ticket, from each command's own rule. */
import { closeTicket, hotfix, reclassify, requestInformation, respond, ticketCommands } from '../../../workflows/ticket/commands';
import { availableCommands } from '../../../workflows/ticket/view';
import { at, engineer, TicketScenario } from './fixtures';

const MON_0900 = at('2026-03-02T09:00:00Z');
const standing = (s: TicketScenario, now: number) =>
  Object.fromEntries(availableCommands(s.machine, now).map((c) => [c.update, c.refusal]));

describe('the commands a ticket takes now', () => {
  it('lists every command once, in the order the workflow registers them', () => {
    const s = TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p2' }, MON_0900);
    expect(availableCommands(s.machine, MON_0900).map((c) => c.update)).toEqual(ticketCommands.map((c) => c.update.name));
  });

  it('an open ticket takes the vendor commands and refuses the ones of other states with their reason', () => {
    const s = TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p2' }, MON_0900);
    const now = standing(s, MON_0900);
    for (const ok of [
      'assign',
      'respond',
      'requestInformation',
      'reply',
      'reclassify',
      'forward',
      'relieve',
      'resolve',
      'closeTicket',
      'reject',
      'escalate',
    ]) {
      expect([ok, now[ok]]).toEqual([ok, null]);
    }
    expect(now.reopen).toBe('an open ticket cannot be reopened');
    expect(now.return).toBe('an open ticket cannot be returned from a team');
  });

  it('offers the hot-fix change a person would make: marking a P3 is refused with its rule, clearing one recorded before is not', () => {
    const s = TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p1' }, MON_0900);
    expect(standing(s, MON_0900).hotfixRequired).toBeNull();
    s.ok(hotfix, { by: engineer, required: true }, at('2026-03-02T09:30:00Z'));
    s.ok(reclassify, { by: engineer, severity: 'p3', reason: 'a test system after all' }, at('2026-03-02T10:00:00Z'));
    expect(standing(s, at('2026-03-02T10:00:00Z')).hotfixRequired).toBeNull(); // clearing it is allowed
    s.ok(hotfix, { by: engineer, required: false }, at('2026-03-02T10:30:00Z'));
    expect(standing(s, at('2026-03-02T10:30:00Z')).hotfixRequired).toMatch(/priority 1 and 2/);
  });

  it('a waiting ticket refuses a second request for information; a closed one takes only a reopening', () => {
    const s = TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p2' }, MON_0900);
    s.ok(requestInformation, { by: engineer, message: 'Which version?' }, at('2026-03-02T10:00:00Z'));
    expect(standing(s, at('2026-03-02T10:01:00Z')).requestInformation).toBe('a waiting-on-customer ticket cannot be asked for information');
    expect(standing(s, at('2026-03-02T10:01:00Z')).respond).toBeNull();
    s.ok(closeTicket, { by: engineer }, at('2026-03-02T11:00:00Z'));
    const closed = standing(s, at('2026-03-02T11:01:00Z'));
    expect(Object.entries(closed).filter(([, refusal]) => refusal === null)).toEqual([['reopen', null]]);
    expect(closed.respond).toBe('a closed ticket cannot be responded to');
  });

  it("speaks the policy's own rules: no hot fix for a low-priority Isode incident, no reopening after the window", () => {
    const p3 = TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p3' }, MON_0900);
    expect(standing(p3, MON_0900).hotfixRequired).toMatch(/^a hot fix is recorded for priority 1 and 2 incidents only/);
    p3.ok(respond, { by: engineer }, at('2026-03-02T10:00:00Z'));
    p3.ok(closeTicket, { by: engineer }, at('2026-03-02T11:00:00Z'));
    expect(standing(p3, at('2026-03-02T12:00:00Z')).reopen).toBeNull();
    expect(standing(p3, at('2027-03-02T12:00:00Z')).reopen).toBe('the reopen window of this ticket has passed; open a new ticket');
  });
});
