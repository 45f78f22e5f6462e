/**
 * The ticket state machine (workflows/ticket/) without Temporal or a database: every command with
 * its allowed and refused paths, and every transition a timer drives, on the four catalog policies.
 * Deadlines come from the real rule engine (ticketTargets); the fixtures chain the steps as the
 * shell does and freeze every machine they hand to a transition.
 */
import { catalog, supportScope } from '../../../policies/index';
import { isoToSecond } from '../../../workflows/kernel/instants';
import { nextWake, refreshNextDue } from '../../../workflows/ticket/clocks';
import {
  assign,
  closeTicket,
  escalate,
  forward,
  hotfix,
  reclassify,
  rejectTicket,
  relieve,
  reopen,
  reply,
  requestInformation,
  resolve,
  respond,
  returnFromTeam,
  split,
  ticketCommands,
} from '../../../workflows/ticket/commands';
import type { TicketStatus } from '../../../workflows/ticket/contract';
import { carryOver, cloneMachine, machineForRun, SYSTEM, type TicketCarry } from '../../../workflows/ticket/machine';
import { beginOpening, fireDueAt, refusedOpeningDigest } from '../../../workflows/ticket/opening';
import { currentDetails, searchAttributeValues } from '../../../workflows/ticket/view';
import {
  at,
  customer,
  DAY,
  engineer,
  frozen,
  manager,
  openTicket,
  rulesOf,
  runCommand,
  ticketInput,
  TicketScenario,
  types,
} from './fixtures';

// Monday 2 March 2026: London is on GMT (UTC+0), New York on EST (UTC−5) until 8 March.
const MON_0900 = at('2026-03-02T09:00:00Z');
const isodeSilverP2 = () => TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p2' }, MON_0900);
/** ISPsystem Standard, VMmanager (24/7, 3.1), High: one 16-hour response window (2.6). */
const ispHigh = () => TicketScenario.open({ policyId: 'ispsystem', plan: 'standard', severity: 'high', product: 'VMmanager' }, MON_0900);
/** Xecuritas Sev-2 opened Monday 09:00 New York. */
const xecSev2 = (channel: 'portal' | 'email' = 'email') =>
  TicketScenario.open({ policyId: 'xecuritas', plan: 'standard', severity: 'sev2', channel }, at('2026-03-02T14:00:00Z'));

/** A ticket in the given status, reached through the commands themselves (Isode Silver P2). */
function isodeIn(status: TicketStatus): TicketScenario {
  const s = isodeSilverP2();
  const t = at('2026-03-02T10:00:00Z');
  if (status === 'waitingOnCustomer') s.ok(requestInformation, { by: engineer, message: 'Which version?' }, t);
  if (status === 'forwarded') s.ok(forward, { by: engineer, team: 'M-Link developers' }, t);
  if (status === 'relieved') s.ok(relieve, { by: engineer }, t);
  if (status === 'resolved') s.ok(resolve, { by: engineer, kind: 'resolution', note: 'Patched' }, t);
  if (status === 'closed') s.ok(closeTicket, { by: engineer }, t);
  if (status === 'rejected') s.ok(rejectTicket, { by: engineer, reasonId: 'duplicate' }, t);
  expect(s.state.status).toBe(status);
  return s;
}

describe('opening', () => {
  it('an Isode Silver P2 is opened with its targets on record, the customer told, counting from the opening', () => {
    const s = isodeSilverP2();
    expect(s.opening).toEqual([
      {
        ticketId: s.input.ticketId,
        seq: 1,
        type: 'opened',
        occurredAt: '2026-03-02T09:00:00.000Z',
        actor: customer,
        data: { channel: 'email', type: 'incident', suggestedSeverity: null },
        notify: { event: 'opened', roles: ['customer'] },
      },
      {
        ticketId: s.input.ticketId,
        seq: 2,
        type: 'targetsComputed',
        occurredAt: '2026-03-02T09:00:00.000Z',
        actor: SYSTEM,
        data: {
          rules: 'isode@1',
          targets: [
            {
              kind: 'firstResponse',
              dueAt: '2026-03-02T17:00:00.000Z', // 1 working day of 09:00–17:00
              warnAt: '2026-03-02T15:24:00.000Z', // 80 % of it
              calendar: 'uk-office',
              source: '002 support packages table',
            },
            {
              kind: 'relief',
              dueAt: '2026-03-04T17:00:00.000Z', // 3 working days
              warnAt: '2026-03-04T12:12:00.000Z',
              calendar: 'uk-office',
              source: '002 Relief and Resolution: relief within three times the response time, waiting on the customer excluded',
            },
          ],
        },
      },
    ]);
    expect(s.state).toMatchObject({
      status: 'open',
      openedAt: '2026-03-02T09:00:00.000Z',
      rulesVersion: 'isode@1',
      policyVersion: 1,
      eventCount: 2,
      run: 1,
      breached: false,
      pauses: [],
      childTicketIds: [],
    });
    expect(s.state.targets.map((t) => [t.kind, t.window, t.status, t.startedAt, t.computedAt, t.rulesVersion])).toEqual([
      ['firstResponse', 1, 'running', '2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z', 'isode@1'],
      ['relief', 1, 'running', '2026-03-02T09:00:00.000Z', '2026-03-02T09:00:00.000Z', 'isode@1'],
    ]);
    expect(s.machine.digest).toMatchObject({ clock: 'pause', targetKinds: ['firstResponse', 'relief'], reopenWithinMs: 30 * DAY });
    expect(s.state.history.map((h) => [h.seq, h.type, h.at])).toEqual([
      [1, 'opened', '2026-03-02T09:00:00.000Z'],
      [2, 'targetsComputed', '2026-03-02T09:00:00.000Z'],
    ]);
    expect(nextWake(s.state, s.machine.reopenUntil)).toEqual({ at: at('2026-03-02T15:24:00Z'), what: 'firstResponse warning' });
  });

  it('beginOpening records `opened` without an audience and asks for every kind of target, with entitlement', () => {
    const input = ticketInput({ policyId: 'isode', plan: 'bronze', severity: 'p3', suggestedSeverity: 'p1' });
    const m = machineForRun(input, undefined, at('2026-03-02T09:00:00.400Z'));
    const begun = beginOpening(frozen(m), input, at('2026-03-02T09:00:00.400Z'));
    expect(begun.events).toEqual([
      {
        ticketId: input.ticketId,
        seq: 1,
        type: 'opened',
        occurredAt: '2026-03-02T09:00:00.000Z', // ticket times are to the second
        actor: customer,
        data: { channel: 'email', type: 'incident', suggestedSeverity: 'p1' },
      },
    ]);
    expect(begun.recompute).toEqual({
      why: 'opened',
      actor: SYSTEM,
      added: ['firstResponse', 'nextResponse', 'relief', 'resolution'],
      entitlement: true,
    });
    expect(m.ticket.eventCount).toBe(0);
  });

  it('Xecuritas: a Sev-1 opened online pages the on-call engineer (003 How to Report a Problem); by email it does not', () => {
    const online = TicketScenario.open({ policyId: 'xecuritas', plan: 'standard', severity: 'sev1', channel: 'portal' }, MON_0900);
    expect(types(online.opening)).toEqual(['opened', 'targetsComputed', 'paged']);
    expect(online.opening[2]).toMatchObject({
      seq: 3,
      type: 'paged',
      actor: SYSTEM,
      occurredAt: '2026-03-02T09:00:00.000Z',
      data: { severity: 'sev1', channel: 'portal' },
      notify: { event: 'paged', roles: ['onCall'] },
    });
    expect(online.state.pagedAt).toBe('2026-03-02T09:00:00.000Z');
    // 24/7 for Sev-1: 1 hour to respond, 24 hours to resolve.
    expect(online.state.targets.map((t) => [t.kind, t.dueAt, t.warnAt, t.calendar])).toEqual([
      ['firstResponse', '2026-03-02T10:00:00.000Z', '2026-03-02T09:48:00.000Z', 'always-open'],
      ['resolution', '2026-03-03T09:00:00.000Z', '2026-03-03T04:12:00.000Z', 'always-open'],
    ]);
    const byEmail = TicketScenario.open({ policyId: 'xecuritas', plan: 'standard', severity: 'sev1', channel: 'email' }, MON_0900);
    expect(types(byEmail.opening)).toEqual(['opened', 'targetsComputed']);
    expect(byEmail.state.pagedAt).toBeUndefined();
  });

  it('Xecuritas: a feature request goes to product management at once, with no target (003 Overview)', () => {
    const s = TicketScenario.open({ policyId: 'xecuritas', plan: 'standard', severity: 'sev3', type: 'featureRequest' }, MON_0900);
    expect(types(s.opening)).toEqual(['opened', 'forwarded']);
    expect(s.opening[1]).toMatchObject({
      seq: 2,
      actor: SYSTEM,
      data: { team: 'product management', source: '003 Overview and Applicability', note: 'not a problem: no target applies' },
    });
    expect(s.state).toMatchObject({ status: 'forwarded', forwardedTo: 'product management', targets: [] });
    expect(nextWake(s.state, s.machine.reopenUntil)).toBeUndefined();
    // Back from product management it is an open ticket without deadlines.
    const back = s.ok(returnFromTeam, { by: engineer, note: 'logged as FR-12' }, at('2026-03-03T09:00:00Z'));
    expect(types(back.events)).toEqual(['returned']);
    expect(back.recompute).toBeUndefined();
    expect(s.state).toMatchObject({ status: 'open', targets: [] });
    expect(s.state.forwardedTo).toBeUndefined();
  });

  it('a ticket the policy refuses at opening is rejected, visibly: ISPsystem Standard needs the product for its hours (3.1)', () => {
    const s = TicketScenario.open({ policyId: 'ispsystem', plan: 'standard', severity: 'high' }, MON_0900);
    // The activity's message (activities/rules.ts `invalid`) is the policy's, which names the field.
    const text =
      'product: policy "ispsystem" needs the product to pick its working hours; expected one of VMmanager, DCImanager, BILLmanager, DNSmanager';
    expect(s.opening).toEqual([
      {
        ticketId: s.input.ticketId,
        seq: 1,
        type: 'opened',
        occurredAt: '2026-03-02T09:00:00.000Z',
        actor: customer,
        data: { channel: 'email', type: 'incident', suggestedSeverity: null },
      },
      {
        ticketId: s.input.ticketId,
        seq: 2,
        type: 'rejected',
        occurredAt: '2026-03-02T09:00:00.000Z',
        actor: SYSTEM,
        data: { reasonId: 'invalidRequest', text, note: null },
        notify: { event: 'rejected', roles: ['customer'] },
      },
    ]);
    expect(s.state).toMatchObject({
      status: 'rejected',
      rejectedAt: '2026-03-02T09:00:00.000Z',
      rejection: { reasonId: 'invalidRequest', text },
      targets: [],
      rulesVersion: '',
    });
    expect(s.machine.digest).toEqual(refusedOpeningDigest);
    expect(s.machine.digest).not.toBe(refusedOpeningDigest);
    expect(nextWake(s.state, s.machine.reopenUntil)).toBeUndefined();
    expect(assign.allowed(s.machine, { by: engineer, engineer: { id: 'eng-2' } }, MON_0900)).toBe('a rejected ticket cannot be assigned');
  });

  it('a customer without an entitlement is opened and rejected at once, so they see why (ISPsystem 3.8)', () => {
    const entitlement = {
      entitled: false as const,
      reasonId: 'contractInactive',
      text: 'Contract C-9 ended on 2026-01-31; there is no support outside its term.',
    };
    const s = TicketScenario.open(
      { policyId: 'isode', plan: 'silver', severity: 'p2', contractId: 'C-9' },
      MON_0900,
      undefined,
      entitlement,
    );
    expect(types(s.opening)).toEqual(['opened', 'targetsComputed', 'entitlementRefused', 'rejected']);
    expect(s.opening[2]).toMatchObject({ seq: 3, actor: SYSTEM, data: { reasonId: 'contractInactive', text: entitlement.text } });
    expect(s.opening[3]).toMatchObject({
      seq: 4,
      data: { reasonId: 'contractInactive', text: entitlement.text, note: null },
      notify: { event: 'rejected', roles: ['customer'] },
    });
    expect(s.state.status).toBe('rejected');
    expect(s.state.targets.map((t) => t.status)).toEqual(['cancelled', 'cancelled']);
    expect(nextWake(s.state, s.machine.reopenUntil)).toBeUndefined();
  });

  it('Infotecs 000 §2: a bug on a version in Extended Support is accepted as billable (limited scope on record)', () => {
    const answer = supportScope(catalog.infotecs.lifecycle, undefined, { phase: 'extended', type: 'bug', severityRank: 2 });
    const scope = { ...answer, phase: 'extended' as const };
    const s = TicketScenario.open(
      { policyId: 'infotecs', plan: 'basic', severity: 'major', type: 'bug', product: 'ViPNet Client', productVersion: '4.5' },
      MON_0900,
      undefined,
      { entitled: true, scope },
    );
    // Infotecs publishes no response times (000 §1): the agreement sets them, so there is no targetsComputed.
    expect(types(s.opening)).toEqual(['opened', 'supportLimited']);
    expect(s.opening[1]).toMatchObject({
      seq: 2,
      actor: SYSTEM,
      data: {
        decision: 'billable',
        text: 'Extended Support: this is fixed only under an additional, paid agreement.',
        source: '000 §2 Extended Support period',
        phase: 'extended',
      },
    });
    expect(s.state).toMatchObject({ status: 'open', supportScope: scope, targets: [] });
  });

  it('ISPsystem 8.3: a ticket on an outdated minor gets known solutions only; a covered one records nothing', () => {
    const rule = catalog.ispsystem.minorVersions[0];
    const answer = supportScope(undefined, rule, { phase: 'mainstream', minorOutdated: true, type: 'incident', severityRank: 2 });
    const limited = TicketScenario.open(
      { policyId: 'ispsystem', plan: 'standard', severity: 'high', product: 'VMmanager', productVersion: '6.1' },
      MON_0900,
      undefined,
      { entitled: true, scope: { ...answer, phase: 'mainstream' } },
    );
    expect(types(limited.opening)).toEqual(['opened', 'targetsComputed', 'supportLimited']);
    expect(limited.opening[2].data).toEqual({
      decision: 'knownSolutionsOnly',
      text: rule.outdated,
      source: '001 8.3',
      phase: 'mainstream',
    });
    const covered = TicketScenario.open(
      { policyId: 'ispsystem', plan: 'standard', severity: 'high', product: 'VMmanager', productVersion: '6.5' },
      MON_0900,
      undefined,
      { entitled: true, scope: { decision: 'covered', text: 'Covered.', source: 'mainstream support', phase: 'mainstream' } },
    );
    expect(types(covered.opening)).toEqual(['opened', 'targetsComputed']);
    expect(covered.state.supportScope).toBeUndefined();
  });
});

describe('timers: warning, breach, escalation', () => {
  it('warns at the warning instant exactly, once', () => {
    const s = isodeSilverP2();
    expect(s.tick(at('2026-03-02T15:23:59.999Z'))).toEqual([]);
    const events = s.tick(at('2026-03-02T15:24:00Z'));
    expect(events).toEqual([
      {
        ticketId: s.input.ticketId,
        seq: 3,
        type: 'warning',
        occurredAt: '2026-03-02T15:24:00.000Z',
        actor: SYSTEM,
        data: { kind: 'firstResponse', window: 1, warnAt: '2026-03-02T15:24:00.000Z', dueAt: '2026-03-02T17:00:00.000Z' },
        notify: { event: 'warning', roles: ['assignee'] },
      },
    ]);
    expect(s.target('firstResponse').warnedAt).toBe('2026-03-02T15:24:00.000Z');
    expect(s.tick(at('2026-03-02T15:30:00Z'))).toEqual([]);
    expect(nextWake(s.state, s.machine.reopenUntil)).toEqual({ at: at('2026-03-02T17:00:00Z'), what: 'firstResponse due' });
  });

  it('woken after both its warning and its deadline (a worker down): the breach alone, no late warning', () => {
    // docs/policies.md "Due instant": the breach supersedes a warning whose deadline has also passed.
    const s = isodeSilverP2();
    const events = s.tick(at('2026-03-02T17:30:00Z'));
    expect(events.filter((e) => e.data.kind === 'firstResponse').map((e) => e.type)).toEqual(['breached', 'escalated']);
    expect(s.target('firstResponse').warnedAt).toBeUndefined();
    expect(s.target('firstResponse').breachedAt).toBe('2026-03-02T17:30:00.000Z');
  });

  it('breaches at the deadline and escalates to support management once per window', () => {
    const s = isodeSilverP2();
    s.tick(at('2026-03-02T15:24:00Z'));
    const events = s.tick(at('2026-03-02T17:00:00Z'));
    expect(events).toEqual([
      {
        ticketId: s.input.ticketId,
        seq: 4,
        type: 'breached',
        occurredAt: '2026-03-02T17:00:00.000Z',
        actor: SYSTEM,
        data: { kind: 'firstResponse', window: 1, dueAt: '2026-03-02T17:00:00.000Z', source: '002 support packages table' },
        notify: { event: 'breached', roles: ['assignee'] },
      },
      {
        ticketId: s.input.ticketId,
        seq: 5,
        type: 'escalated',
        occurredAt: '2026-03-02T17:00:00.000Z',
        actor: SYSTEM,
        data: { kind: 'firstResponse', window: 1, to: 'supportManagement', automatic: true, source: '002 support packages table' },
        notify: { event: 'escalated', roles: ['supportManagement'] },
      },
    ]);
    expect(s.state.breached).toBe(true);
    expect(s.target('firstResponse')).toMatchObject({ breachedAt: '2026-03-02T17:00:00.000Z', escalatedAt: '2026-03-02T17:00:00.000Z' });
    expect(s.tick(at('2026-03-03T09:00:00Z'))).toEqual([]);
    // The breached target no longer wakes the ticket: the relief warning is next.
    expect(nextWake(s.state, s.machine.reopenUntil)).toEqual({ at: at('2026-03-04T12:12:00Z'), what: 'relief warning' });
    // A late response is met late.
    const late = s.ok(respond, { by: engineer, message: 'Looking at it' }, at('2026-03-03T09:30:00Z'));
    expect(late.events.map((e) => [e.seq, e.type, e.data])).toEqual([
      [6, 'responded', { message: 'Looking at it' }],
      [7, 'targetMet', { kind: 'firstResponse', window: 1, dueAt: '2026-03-02T17:00:00.000Z', late: true }],
    ]);
    expect(s.state).toMatchObject({ status: 'open', respondedAt: '2026-03-03T09:30:00.000Z', breached: true });
  });

  it('a timer that comes after both instants breaches without warning first', () => {
    const s = isodeSilverP2();
    const events = s.tick(at('2026-03-02T18:00:00Z'));
    expect(types(events)).toEqual(['breached', 'escalated']);
    expect(events[0].occurredAt).toBe('2026-03-02T18:00:00.000Z');
    expect(s.target('firstResponse').warnedAt).toBeUndefined();
    // A command waits for what was due: the response is late however it arrived.
    const s2 = isodeSilverP2();
    const out = s2.ok(respond, { by: engineer }, at('2026-03-02T17:00:01Z'));
    expect(types(out.events)).toEqual(['breached', 'escalated', 'responded', 'targetMet']);
    expect(out.events[3].data).toMatchObject({ late: true });
  });

  it('Xecuritas Sev-2 warns at 4 business hours and breaches at 6, in New York hours (003 Target Response)', () => {
    const s = xecSev2();
    expect(s.state.targets.map((t) => [t.kind, t.dueAt, t.warnAt, t.calendar])).toEqual([
      ['firstResponse', '2026-03-02T20:00:00.000Z', '2026-03-02T18:00:00.000Z', 'us-eastern'],
      // 2 working days of 11 hours from Monday 09:00 EST: Wednesday 09:00 EST.
      ['resolution', '2026-03-04T14:00:00.000Z', '2026-03-03T20:36:00.000Z', 'us-eastern'],
    ]);
    expect(s.tick(at('2026-03-02T18:00:00Z')).map((e) => [e.type, e.data.kind])).toEqual([['warning', 'firstResponse']]);
    expect(s.tick(at('2026-03-02T20:00:00Z')).map((e) => [e.type, e.data.kind, e.notify?.roles])).toEqual([
      ['breached', 'firstResponse', ['assignee']],
      ['escalated', 'firstResponse', ['supportManagement']],
    ]);
    expect(s.tick(at('2026-03-03T20:36:00Z')).map((e) => [e.type, e.data.kind])).toEqual([['warning', 'resolution']]);
  });

  it('ISPsystem targets have no escalation path: a breach is not escalated', () => {
    const s = ispHigh();
    expect(s.tick(at('2026-03-03T01:00:00Z')).map((e) => [e.type, e.data])).toEqual([
      ['breached', { kind: 'nextResponse', window: 1, dueAt: '2026-03-03T01:00:00.000Z', source: '001 2.6 response time table' }],
    ]);
  });

  it('an escalating response window escalates again in its next window (ISPsystem 2.6 restart, contract C-7)', () => {
    const rules = rulesOf('ispsystem', {
      override: { targets: { standard: { high: { nextResponse: { escalateTo: 'supportManagement' } } } } },
      version: 'ispsystem@1+contract:C-7#1',
    });
    const s = TicketScenario.open({ policyId: 'ispsystem', plan: 'standard', severity: 'high', product: 'VMmanager' }, MON_0900, rules);
    expect(types(s.tick(at('2026-03-03T01:00:00Z')))).toEqual(['breached', 'escalated']);
    s.ok(respond, { by: engineer, message: 'Please send the logs' }, at('2026-03-03T08:00:00Z'));
    const back = s.ok(reply, { by: customer, message: 'Attached' }, at('2026-03-03T12:00:00Z'));
    expect(back.events.at(-1)?.data).toMatchObject({
      changes: [{ kind: 'nextResponse', window: 2, oldDueAt: null, newDueAt: '2026-03-04T04:00:00.000Z', status: 'running' }],
    });
    expect(s.state.breached).toBe(false);
    expect(s.tick(at('2026-03-04T04:00:00Z')).map((e) => [e.type, e.data.window])).toEqual([
      ['breached', 2],
      ['escalated', 2],
    ]);
    expect(s.state.targets.map((t) => [t.window, t.status, t.escalatedAt])).toEqual([[2, 'running', '2026-03-04T04:00:00.000Z']]);
  });
});

describe('timers: auto-close and the reopen window', () => {
  it('Xecuritas closes a ticket 10 days after an unanswered request for information (003 Troubleshooting)', () => {
    const s = xecSev2();
    s.ok(requestInformation, { by: engineer, message: 'Please send the relay logs' }, at('2026-03-02T15:00:00Z'));
    expect(s.state.autoCloseAt).toBe('2026-03-12T15:00:00.000Z');
    expect(nextWake(s.state, s.machine.reopenUntil)).toEqual({ at: at('2026-03-12T15:00:00Z'), what: 'auto-close' });
    expect(s.tick(at('2026-03-12T14:59:59Z'))).toEqual([]);
    const events = s.tick(at('2026-03-12T15:00:00Z'));
    expect(events).toEqual([
      {
        ticketId: s.input.ticketId,
        seq: 6,
        type: 'autoClosed',
        occurredAt: '2026-03-12T15:00:00.000Z',
        actor: SYSTEM,
        data: { reason: 'no answer from the customer after the request for information' },
        notify: { event: 'autoClosed', roles: ['customer'] },
      },
    ]);
    expect(s.state).toMatchObject({
      status: 'closed',
      closedAt: '2026-03-12T15:00:00.000Z',
      closedBy: SYSTEM,
      closeReason: 'no answer from the customer after the request for information',
      pauses: [{ start: '2026-03-02T15:00:00.000Z', end: '2026-03-12T15:00:00.000Z', reason: 'waitingOnCustomer' }],
    });
    expect(s.state.autoCloseAt).toBeUndefined();
    expect(s.machine.closedTargets).toEqual(['resolution#1']);
    expect(s.machine.reopenUntil).toBe(at('2026-04-11T15:00:00Z'));
    expect(nextWake(s.state, s.machine.reopenUntil)).toEqual({ at: at('2026-04-11T15:00:00Z'), what: 'end of the reopen window' });
    const shown = cloneMachine(s.machine).ticket;
    refreshNextDue(shown, s.machine.reopenUntil);
    expect(shown.nextDueAt).toBeUndefined();
    expect(shown.nextDueWhat).toBeUndefined();
    expect(s.tick(at('2026-04-11T15:00:00Z'))).toEqual([]);
  });

  it('Isode closes a resolved ticket after 14 days without an answer; the customer may reopen within 30 days', () => {
    const s = isodeSilverP2();
    const out = s.ok(resolve, { by: engineer, kind: 'workaround', note: 'Restart the MTA with -r' }, at('2026-03-03T10:00:00Z'));
    expect(out.events.map((e) => [e.seq, e.type, e.data, e.notify])).toEqual([
      [
        3,
        'breached',
        { kind: 'firstResponse', window: 1, dueAt: '2026-03-02T17:00:00.000Z', source: '002 support packages table' },
        { event: 'breached', roles: ['assignee'] },
      ],
      [
        4,
        'escalated',
        { kind: 'firstResponse', window: 1, to: 'supportManagement', automatic: true, source: '002 support packages table' },
        { event: 'escalated', roles: ['supportManagement'] },
      ],
      [5, 'resolved', { kind: 'workaround', note: 'Restart the MTA with -r' }, { event: 'resolved', roles: ['customer'] }],
      [6, 'targetMet', { kind: 'firstResponse', window: 1, dueAt: '2026-03-02T17:00:00.000Z', late: true }, undefined],
      [7, 'targetMet', { kind: 'relief', window: 1, dueAt: '2026-03-04T17:00:00.000Z', late: false }, undefined],
    ]);
    expect(s.state).toMatchObject({
      status: 'resolved',
      resolvedAt: '2026-03-03T10:00:00.000Z',
      relievedAt: '2026-03-03T10:00:00.000Z',
      resolution: { kind: 'workaround', note: 'Restart the MTA with -r' },
      autoCloseAt: '2026-03-17T10:00:00.000Z',
    });
    expect(nextWake(s.state, s.machine.reopenUntil)).toEqual({ at: at('2026-03-17T10:00:00Z'), what: 'auto-close' });
    const closed = s.tick(at('2026-03-17T10:00:00Z'));
    expect(closed.map((e) => [e.seq, e.type, e.data])).toEqual([
      [8, 'autoClosed', { reason: 'no answer from the customer after the resolution' }],
    ]);
    expect(s.machine.closedTargets).toEqual([]);
    expect(s.machine.reopenUntil).toBe(at('2026-04-16T10:00:00Z'));
    // The reopen window ends at its instant: reopening then is still allowed, a second later it is not.
    const c = { by: customer, reason: 'It came back' };
    expect(reopen.allowed(s.machine, c, at('2026-04-16T10:00:00Z'))).toBeUndefined();
    expect(reopen.allowed(s.machine, c, at('2026-04-16T10:00:01Z'))).toBe('the reopen window of this ticket has passed; open a new ticket');
  });

  it('ISPsystem 3.6: a ticket closes 7 calendar days after the last response, each response counting again', () => {
    const s = ispHigh();
    const first = s.ok(respond, { by: engineer, message: 'Try the new kernel' }, at('2026-03-02T10:00:00Z'));
    expect(first.events.map((e) => [e.type, e.data])).toEqual([
      ['responded', { message: 'Try the new kernel' }],
      ['targetMet', { kind: 'nextResponse', window: 1, dueAt: '2026-03-03T01:00:00.000Z', late: false }],
    ]);
    expect(first.recompute).toBeUndefined(); // nothing still runs
    expect(s.state).toMatchObject({
      status: 'waitingOnCustomer',
      autoCloseAt: '2026-03-09T10:00:00.000Z',
      pauses: [{ start: '2026-03-02T10:00:00.000Z', reason: 'waitingOnCustomer' }],
    });
    s.ok(respond, { by: engineer, message: 'And the new driver' }, at('2026-03-05T16:00:00Z'));
    expect(s.state.autoCloseAt).toBe('2026-03-12T16:00:00.000Z');
    expect(s.state.pauses).toHaveLength(1);
    expect(s.tick(at('2026-03-09T10:00:00Z'))).toEqual([]);
    expect(s.tick(at('2026-03-12T16:00:00Z')).map((e) => [e.type, e.data])).toEqual([
      ['autoClosed', { reason: 'no answer from the customer after the request for information' }],
    ]);
  });

  it('a command that arrives after the auto-close instant finds the ticket closed (the handler fires what was due first)', () => {
    const s = ispHigh();
    s.ok(respond, { by: engineer, message: 'Try the new kernel' }, at('2026-03-02T10:00:00Z'));
    // The validator saw a waiting ticket; the handler fires the auto-close first, then checks again.
    expect(respond.allowed(s.machine, { by: engineer }, at('2026-03-09T10:00:05Z'))).toBeUndefined();
    const out = s.run(respond, { by: engineer, message: 'Any news?' }, at('2026-03-09T10:00:05Z'));
    expect(out.refused).toBe('a closed ticket cannot be responded to');
    expect(out.events.map((e) => [e.seq, e.type, e.occurredAt])).toEqual([[5, 'autoClosed', '2026-03-09T10:00:05.000Z']]);
    expect(s.state.status).toBe('closed');
  });

  it('ISPsystem resolution closes after 7 days too (3.6 counts from any last response)', () => {
    const s = ispHigh();
    s.ok(resolve, { by: engineer, kind: 'resolution', note: 'Fixed in 6.4' }, at('2026-03-02T11:00:00Z'));
    expect(s.state.autoCloseAt).toBe('2026-03-09T11:00:00.000Z');
  });
});

describe('pauses while waiting on the customer', () => {
  it('Isode 002: the clock pauses, and relief moves by exactly the business time paused', () => {
    const s = isodeSilverP2();
    const asked = s.ok(requestInformation, { by: engineer, message: 'Which version?' }, at('2026-03-02T11:00:00Z'));
    expect(asked.events.map((e) => [e.seq, e.type, e.data, e.notify])).toEqual([
      [3, 'informationRequested', { message: 'Which version?' }, { event: 'informationRequested', roles: ['customer'] }],
      [4, 'targetMet', { kind: 'firstResponse', window: 1, dueAt: '2026-03-02T17:00:00.000Z', late: false }, undefined],
      [
        5,
        'targetsRecomputed',
        {
          reason: 'waiting on the customer',
          rules: 'isode@1',
          changes: [{ kind: 'relief', window: 1, oldDueAt: '2026-03-04T17:00:00.000Z', newDueAt: null, status: 'paused' }],
        },
        undefined,
      ],
    ]);
    expect(asked.recompute).toEqual({ why: 'waiting on the customer', actor: SYSTEM });
    expect(s.state).toMatchObject({ status: 'waitingOnCustomer', respondedAt: '2026-03-02T11:00:00.000Z' });
    expect(s.state.autoCloseAt).toBeUndefined(); // Isode sets no auto-close while waiting
    const relief = s.target('relief');
    expect(relief.status).toBe('paused');
    expect(relief.dueAt).toBeUndefined();
    expect(relief.warnAt).toBeUndefined();
    expect(relief.remainingMs).toBe(22 * 3_600_000); // 24 business hours less the 2 counted
    expect(nextWake(s.state, s.machine.reopenUntil)).toBeUndefined();
    // Nothing fires while paused, however long.
    expect(s.tick(at('2026-03-04T17:00:00Z'))).toEqual([]);
    const answered = s.ok(reply, { by: customer, message: '4.2' }, at('2026-03-05T10:00:00Z'));
    expect(answered.events.map((e) => [e.seq, e.type, e.data])).toEqual([
      [6, 'customerReplied', { message: '4.2', from: 'waitingOnCustomer' }],
      [
        7,
        'targetsRecomputed',
        {
          reason: 'the customer answered',
          rules: 'isode@1',
          changes: [{ kind: 'relief', window: 1, oldDueAt: null, newDueAt: '2026-03-09T16:00:00.000Z', status: 'running' }],
        },
      ],
    ]);
    expect(answered.recompute).toEqual({ why: 'the customer answered', actor: customer, added: [] });
    // 22 business hours left from Thursday 10:00: Thursday 7, Friday 8, Monday 7 → Monday 16:00.
    expect(s.target('relief')).toMatchObject({
      status: 'running',
      window: 1,
      dueAt: '2026-03-09T16:00:00.000Z',
      warnAt: '2026-03-09T11:12:00.000Z',
    });
    expect(s.state.pauses).toEqual([{ start: '2026-03-02T11:00:00.000Z', end: '2026-03-05T10:00:00.000Z', reason: 'waitingOnCustomer' }]);
    expect(s.state.status).toBe('open');
  });

  it("Infotecs 000 §1 with an agreement's targets: the clock pauses on the wall clock (24/7), no auto-close", () => {
    const sla = { escalateTo: 'supportManagement' as const, source: 'contract C-42 SLA' };
    const rules = rulesOf('infotecs', {
      override: {
        targets: {
          premium: { critical: { firstResponse: { duration: '2 hours', ...sla }, resolution: { duration: '24 hours', ...sla } } },
        },
      },
      version: 'infotecs@1+contract:C-42#1',
    });
    const s = TicketScenario.open({ policyId: 'infotecs', plan: 'premium', severity: 'critical' }, MON_0900, rules);
    expect(s.state.targets.map((t) => [t.kind, t.dueAt, t.warnAt])).toEqual([
      ['firstResponse', '2026-03-02T11:00:00.000Z', '2026-03-02T10:36:00.000Z'],
      ['resolution', '2026-03-03T09:00:00.000Z', '2026-03-03T04:12:00.000Z'],
    ]);
    expect(s.state.rulesVersion).toBe('infotecs@1+contract:C-42#1');
    s.ok(requestInformation, { by: engineer, message: 'Coordinator logs, please' }, at('2026-03-02T10:00:00Z'));
    expect(s.state.autoCloseAt).toBeUndefined();
    expect(s.target('resolution').status).toBe('paused');
    s.ok(reply, { by: customer, message: 'Sent' }, at('2026-03-02T16:00:00Z'));
    // Six hours paused: the same window, six hours later.
    expect(s.target('resolution')).toMatchObject({
      window: 1,
      status: 'running',
      dueAt: '2026-03-03T15:00:00.000Z',
      warnAt: '2026-03-03T10:12:00.000Z',
    });
  });

  it('ISPsystem 2.6 *: a response hands the ticket to the customer; their answer restarts the response window in full', () => {
    const s = ispHigh();
    expect(s.state.targets.map((t) => [t.kind, t.window, t.dueAt, t.warnAt])).toEqual([
      ['nextResponse', 1, '2026-03-03T01:00:00.000Z', '2026-03-02T21:48:00.000Z'],
    ]);
    s.ok(respond, { by: engineer, message: 'Try the new kernel' }, at('2026-03-02T10:00:00Z'));
    const back = s.ok(reply, { by: customer, message: 'Still failing' }, at('2026-03-04T12:00:00Z'));
    expect(back.events.map((e) => [e.seq, e.type, e.data])).toEqual([
      [5, 'customerReplied', { message: 'Still failing', from: 'waitingOnCustomer' }],
      [
        6,
        'targetsRecomputed',
        {
          reason: 'the customer answered',
          rules: 'ispsystem@1',
          changes: [{ kind: 'nextResponse', window: 2, oldDueAt: null, newDueAt: '2026-03-05T04:00:00.000Z', status: 'running' }],
        },
      ],
    ]);
    expect(back.recompute).toEqual({ why: 'the customer answered', actor: customer, added: ['nextResponse'] });
    expect(s.state.targets).toHaveLength(1);
    const t = s.target('nextResponse');
    expect(t).toMatchObject({
      window: 2,
      status: 'running',
      startedAt: '2026-03-04T12:00:00.000Z',
      dueAt: '2026-03-05T04:00:00.000Z',
      warnAt: '2026-03-05T00:48:00.000Z',
    });
    for (const k of ['metAt', 'warnedAt', 'breachedAt', 'escalatedAt'] as const) expect(t[k]).toBeUndefined();
    expect(s.state.autoCloseAt).toBeUndefined();
    expect(s.state.status).toBe('open');
  });

  it('a deadline that passed before the pause stands: the breached target keeps its deadline and counts as running', () => {
    const s = TicketScenario.open({ policyId: 'xecuritas', plan: 'standard', severity: 'sev1' }, MON_0900);
    expect(s.tick(at('2026-03-03T09:30:00Z')).map((e) => [e.type, e.data.kind])).toEqual([
      ['breached', 'firstResponse'],
      ['escalated', 'firstResponse'],
      ['breached', 'resolution'],
      ['escalated', 'resolution'],
    ]);
    const out = s.ok(requestInformation, { by: engineer, message: 'Logs?' }, at('2026-03-03T10:00:00Z'));
    // The recompute moved nothing, so nothing is recorded besides the request and the late response.
    expect(out.recompute).toEqual({ why: 'waiting on the customer', actor: SYSTEM });
    expect(out.events.map((e) => [e.type, e.data.late ?? null])).toEqual([
      ['informationRequested', null],
      ['targetMet', true],
    ]);
    expect(s.target('resolution')).toMatchObject({
      status: 'running',
      dueAt: '2026-03-03T09:00:00.000Z',
      breachedAt: '2026-03-03T09:30:00.000Z',
    });
    expect(s.state.breached).toBe(true);
    expect(s.tick(at('2026-03-04T10:00:00Z'))).toEqual([]);
  });

  it('relieving a waiting ticket ends the pause and runs the clocks again (Xecuritas resolution)', () => {
    const s = xecSev2();
    s.ok(requestInformation, { by: engineer, message: 'Logs?' }, at('2026-03-02T15:00:00Z'));
    expect(s.target('resolution').status).toBe('paused');
    const out = s.ok(relieve, { by: engineer, note: 'Restarted the relay' }, at('2026-03-03T14:00:00Z'));
    expect(out.events.map((e) => [e.seq, e.type, e.data])).toEqual([
      [6, 'relieved', { note: 'Restarted the relay' }],
      [
        7,
        'targetsRecomputed',
        {
          reason: 'relieved: the clocks run again',
          rules: 'xecuritas@1',
          changes: [{ kind: 'resolution', window: 1, oldDueAt: null, newDueAt: '2026-03-05T00:00:00.000Z', status: 'running' }],
        },
      ],
    ]);
    // Ten business hours paused (Monday 10:00–19:00 and Tuesday 08:00–09:00 New York).
    expect(s.target('resolution')).toMatchObject({ dueAt: '2026-03-05T00:00:00.000Z', warnAt: '2026-03-04T19:36:00.000Z' });
    expect(s.state).toMatchObject({ status: 'relieved', relievedAt: '2026-03-03T14:00:00.000Z' });
    expect(s.state.autoCloseAt).toBeUndefined();
    expect(s.state.pauses[0].end).toBe('2026-03-03T14:00:00.000Z');
  });
});

describe('forwarding', () => {
  it('ISPsystem 3.4: a forwarded ticket is processed without a response time; back from the team, it counts on', () => {
    const s = ispHigh();
    const out = s.ok(forward, { by: engineer, team: 'VMmanager developers', note: 'kernel panic' }, at('2026-03-02T11:00:00Z'));
    expect(out.events.map((e) => [e.seq, e.type, e.actor, e.data])).toEqual([
      [3, 'forwarded', engineer, { team: 'VMmanager developers', note: 'kernel panic', suspends: true }],
      [
        4,
        'targetsRecomputed',
        engineer,
        {
          reason: 'forwarded: targets suspended',
          rules: 'ispsystem@1',
          changes: [{ kind: 'nextResponse', window: 1, oldDueAt: '2026-03-03T01:00:00.000Z', newDueAt: null, status: 'suspended' }],
        },
      ],
    ]);
    expect(s.state).toMatchObject({
      status: 'forwarded',
      forwardedTo: 'VMmanager developers',
      pauses: [{ start: '2026-03-02T11:00:00.000Z', reason: 'forwarded' }],
    });
    expect(s.target('nextResponse').status).toBe('suspended');
    expect(nextWake(s.state, s.machine.reopenUntil)).toBeUndefined();
    // The customer writes meanwhile: on record, the team still has it.
    const wrote = s.ok(reply, { by: customer, message: 'Any news?' }, at('2026-03-02T12:00:00Z'));
    expect(wrote.events.map((e) => [e.type, e.data])).toEqual([['customerReplied', { message: 'Any news?', from: 'forwarded' }]]);
    expect(wrote.recompute).toBeUndefined();
    expect(s.state.status).toBe('forwarded');
    const back = s.ok(returnFromTeam, { by: engineer, note: 'fixed upstream' }, at('2026-03-02T15:00:00Z'));
    expect(back.events.map((e) => [e.seq, e.type, e.data])).toEqual([
      [6, 'returned', { from: 'VMmanager developers', note: 'fixed upstream' }],
      [
        7,
        'targetsRecomputed',
        {
          reason: 'returned from the team',
          rules: 'ispsystem@1',
          changes: [{ kind: 'nextResponse', window: 1, oldDueAt: null, newDueAt: '2026-03-03T05:00:00.000Z', status: 'running' }],
        },
      ],
    ]);
    // Four hours suspended: the same window, four hours later (not restarted: it was never met).
    expect(s.target('nextResponse')).toMatchObject({
      window: 1,
      status: 'running',
      dueAt: '2026-03-03T05:00:00.000Z',
      warnAt: '2026-03-03T01:48:00.000Z',
    });
    expect(s.state.status).toBe('open');
    expect(s.state.forwardedTo).toBeUndefined();
  });

  it('Isode forwards without suspending: the targets keep running', () => {
    const s = isodeSilverP2();
    const out = s.ok(forward, { by: engineer, team: 'M-Link developers' }, at('2026-03-02T10:00:00Z'));
    expect(out.events.map((e) => [e.type, e.data])).toEqual([['forwarded', { team: 'M-Link developers', note: null, suspends: false }]]);
    expect(out.recompute).toBeUndefined();
    expect(s.state.pauses).toEqual([]);
    expect(s.state.targets.map((t) => t.status)).toEqual(['running', 'running']);
    expect(types(s.tick(at('2026-03-02T17:00:00Z')))).toEqual(['breached', 'escalated']);
    const back = s.ok(returnFromTeam, { by: engineer }, at('2026-03-02T18:00:00Z'));
    expect(back.events.map((e) => [e.type, e.data])).toEqual([['returned', { from: 'M-Link developers', note: null }]]);
    expect(back.recompute).toBeUndefined();
  });
});

describe('reopen', () => {
  it('resumes the targets the close stopped, the closed time not counted (Isode relief)', () => {
    const s = isodeSilverP2();
    s.ok(respond, { by: engineer, message: 'On it' }, at('2026-03-02T10:00:00Z'));
    const closed = s.ok(closeTicket, { by: engineer, reason: 'confirmed by phone' }, at('2026-03-02T12:00:00Z'));
    expect(closed.events.map((e) => [e.seq, e.type, e.actor, e.data, e.notify])).toEqual([
      [5, 'closed', engineer, { reason: 'confirmed by phone' }, undefined],
    ]);
    expect(s.machine.closedTargets).toEqual(['relief#1']);
    expect(s.machine.reopenUntil).toBe(at('2026-04-01T12:00:00Z'));
    expect(s.target('relief').status).toBe('cancelled');
    const out = s.ok(reopen, { by: customer, reason: 'The relay stopped again' }, at('2026-03-04T10:00:00Z'));
    expect(out.events.map((e) => [e.seq, e.type, e.actor, e.data])).toEqual([
      [6, 'reopened', customer, { reason: 'The relay stopped again' }],
      [
        7,
        'targetsRecomputed',
        customer,
        {
          reason: 'reopened',
          rules: 'isode@1',
          changes: [
            { kind: 'relief', window: 1, oldDueAt: '2026-03-04T17:00:00.000Z', newDueAt: '2026-03-06T15:00:00.000Z', status: 'running' },
          ],
        },
      ],
    ]);
    expect(out.recompute).toEqual({ why: 'reopened', actor: customer, added: [] });
    expect(s.state.pauses).toEqual([{ start: '2026-03-02T12:00:00.000Z', end: '2026-03-04T10:00:00.000Z', reason: 'closed' }]);
    // 3 business hours used before the close, 21 left from Wednesday 10:00: Friday 15:00.
    expect(s.target('relief')).toMatchObject({ status: 'running', dueAt: '2026-03-06T15:00:00.000Z', warnAt: '2026-03-06T10:12:00.000Z' });
    expect(s.target('firstResponse').status).toBe('met');
    expect(s.state).toMatchObject({ status: 'open', reopenCount: 1 });
    for (const k of ['closedAt', 'closedBy', 'closeReason', 'resolvedAt', 'resolution', 'relievedAt'] as const)
      expect(s.state[k]).toBeUndefined();
    expect(s.machine.reopenUntil).toBeUndefined();
    expect(s.machine.closedTargets).toEqual([]);
    expect(nextWake(s.state, s.machine.reopenUntil)).toEqual({ at: at('2026-03-06T10:12:00Z'), what: 'relief warning' });
  });

  it('ISPsystem: a reopened ticket gets a new response window in full (2.6 *)', () => {
    const s = ispHigh();
    s.ok(respond, { by: engineer }, at('2026-03-02T10:00:00Z'));
    s.ok(closeTicket, { by: customer, reason: 'works now' }, at('2026-03-02T11:00:00Z'));
    expect(s.machine.closedTargets).toEqual([]);
    expect(s.state.pauses).toEqual([{ start: '2026-03-02T10:00:00.000Z', end: '2026-03-02T11:00:00.000Z', reason: 'waitingOnCustomer' }]);
    const out = s.ok(reopen, { by: customer, reason: 'broken again' }, at('2026-03-03T09:00:00Z'));
    expect(out.recompute).toEqual({ why: 'reopened', actor: customer, added: ['nextResponse'] });
    expect(out.events.at(-1)?.data).toEqual({
      reason: 'reopened',
      rules: 'ispsystem@1',
      changes: [{ kind: 'nextResponse', window: 2, oldDueAt: null, newDueAt: '2026-03-04T01:00:00.000Z', status: 'running' }],
    });
    // Nothing resumed, so no closed pause is on record.
    expect(s.state.pauses).toHaveLength(1);
  });

  it('a reopening with nothing to resume or restart asks for no recompute (Isode, all targets met)', () => {
    const s = isodeIn('resolved');
    s.ok(closeTicket, { by: customer }, at('2026-03-02T11:00:00Z'));
    const out = s.ok(reopen, { by: customer, reason: 'one more question' }, at('2026-03-02T12:00:00Z'));
    expect(types(out.events)).toEqual(['reopened']);
    expect(out.recompute).toBeUndefined();
    expect(s.state.pauses).toEqual([]);
  });

  it('is refused without a reason, on a ticket that is not closed, and after its window', () => {
    const closed = isodeIn('closed');
    expect(reopen.allowed(closed.machine, { by: customer, reason: '  ' }, at('2026-03-03T10:00:00Z'))).toBe('reopening gives its reason');
    expect(reopen.allowed(isodeIn('open').machine, { by: customer, reason: 'x' }, MON_0900)).toBe('an open ticket cannot be reopened');
    expect(reopen.allowed(isodeIn('rejected').machine, { by: customer, reason: 'x' }, MON_0900)).toBe(
      'a rejected ticket cannot be reopened',
    );
    const late = closed.run(reopen, { by: customer, reason: 'x' }, at('2026-04-01T10:00:01Z'));
    expect(late.refused).toBe('the reopen window of this ticket has passed; open a new ticket');
    expect(late.events).toEqual([]);
  });
});

describe('reclassify', () => {
  it("counts the new severity's targets from the opening: Isode Silver P3 → P1 at 14:00 is already past its 13:00 response", () => {
    const s = TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p3', suggestedSeverity: 'p2' }, MON_0900);
    expect(s.state.targets.map((t) => [t.kind, t.dueAt])).toEqual([
      ['firstResponse', '2026-03-03T17:00:00.000Z'],
      ['relief', '2026-03-09T17:00:00.000Z'],
    ]);
    const c = { by: engineer, severity: 'p1', reason: 'production outage' };
    const out = s.ok(reclassify, c, at('2026-03-02T14:00:00Z'));
    expect(out.recompute).toEqual({
      why: 'reclassified from p3 to p1: production outage',
      actor: engineer,
      added: ['firstResponse', 'nextResponse', 'relief', 'resolution'],
      severity: 'p1',
    });
    expect(out.events.map((e) => [e.seq, e.type, e.actor, e.data, e.notify])).toEqual([
      [
        3,
        'targetsRecomputed',
        engineer,
        {
          reason: 'reclassified from p3 to p1: production outage',
          rules: 'isode@1',
          changes: [
            {
              kind: 'firstResponse',
              window: 1,
              oldDueAt: '2026-03-03T17:00:00.000Z',
              newDueAt: '2026-03-02T13:00:00.000Z',
              status: 'running',
            },
            { kind: 'relief', window: 1, oldDueAt: '2026-03-09T17:00:00.000Z', newDueAt: '2026-03-03T13:00:00.000Z', status: 'running' },
          ],
        },
        undefined,
      ],
      [
        4,
        'reclassified',
        engineer,
        { from: 'p3', to: 'p1', reason: 'production outage' },
        { event: 'reclassified', roles: ['customer', 'assignee'] },
      ],
      [
        5,
        'breached',
        SYSTEM,
        { kind: 'firstResponse', window: 1, dueAt: '2026-03-02T13:00:00.000Z', source: '002 support packages table' },
        { event: 'breached', roles: ['assignee'] },
      ],
      [
        6,
        'escalated',
        SYSTEM,
        { kind: 'firstResponse', window: 1, to: 'supportManagement', automatic: true, source: '002 support packages table' },
        { event: 'escalated', roles: ['supportManagement'] },
      ],
    ]);
    expect(s.state.severity).toBe('p1');
    expect(s.state.suggestedSeverity).toBeUndefined();
    expect(s.state.targets.map((t) => [t.kind, t.startedAt, t.dueAt, t.warnAt])).toEqual([
      ['firstResponse', '2026-03-02T09:00:00.000Z', '2026-03-02T13:00:00.000Z', '2026-03-02T12:12:00.000Z'],
      ['relief', '2026-03-02T09:00:00.000Z', '2026-03-03T13:00:00.000Z', '2026-03-03T10:36:00.000Z'],
    ]);
  });

  it('the policy answers before the ticket takes the severity: apply changes nothing, merge moves deadlines, settle reclassifies', () => {
    const s = TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p3' }, MON_0900);
    const before = JSON.stringify(s.machine);
    const step = reclassify.apply(
      frozen(s.machine),
      { by: engineer, severity: 'p1', reason: 'outage' },
      at('2026-03-02T10:00:00Z'),
      s.input,
    );
    expect(step.events).toEqual([]);
    expect(step.machine.ticket.severity).toBe('p3');
    expect(step.machine).not.toBe(s.machine);
    expect(JSON.stringify(s.machine)).toBe(before);
  });

  it('a downgrade moves a breached deadline past now: the breach is undone and may come again, the escalation does not', () => {
    const s = TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p1' }, MON_0900);
    expect(types(s.tick(at('2026-03-02T13:00:00Z')))).toEqual(['breached', 'escalated']);
    const out = s.ok(reclassify, { by: manager, severity: 'p4', reason: 'a test system after all' }, at('2026-03-02T15:00:00Z'));
    expect(out.events.map((e) => [e.type, e.data])).toEqual([
      [
        'targetsRecomputed',
        {
          reason: 'reclassified from p1 to p4: a test system after all',
          rules: 'isode@1',
          changes: [
            {
              kind: 'firstResponse',
              window: 1,
              oldDueAt: '2026-03-02T13:00:00.000Z',
              newDueAt: '2026-03-03T17:00:00.000Z',
              status: 'running',
            },
            { kind: 'relief', window: 1, oldDueAt: '2026-03-03T13:00:00.000Z', newDueAt: '2026-03-09T17:00:00.000Z', status: 'running' },
          ],
        },
      ],
      ['reclassified', { from: 'p1', to: 'p4', reason: 'a test system after all' }],
    ]);
    expect(s.state.breached).toBe(false);
    expect(s.target('firstResponse').breachedAt).toBeUndefined();
    expect(s.target('firstResponse').escalatedAt).toBe('2026-03-02T13:00:00.000Z');
    expect(s.tick(at('2026-03-03T17:00:00Z')).map((e) => [e.type, e.data.kind])).toEqual([['breached', 'firstResponse']]);
    expect(s.state.breached).toBe(true);
  });

  it('Xecuritas: reclassified to Sev-1 on a portal ticket pages the on-call engineer, once per ticket', () => {
    const s = xecSev2('portal');
    const up = s.ok(reclassify, { by: engineer, severity: 'sev1', reason: 'all users affected' }, at('2026-03-02T14:30:00Z'));
    expect(types(up.events)).toEqual(['targetsRecomputed', 'reclassified', 'paged']);
    expect(up.events[2]).toMatchObject({
      actor: engineer,
      data: { severity: 'sev1', channel: 'portal' },
      notify: { event: 'paged', roles: ['onCall'] },
    });
    expect(s.state.pagedAt).toBe('2026-03-02T14:30:00.000Z');
    // Sev-1 runs around the clock: one hour from the opening.
    expect(s.state.targets.map((t) => [t.kind, t.dueAt, t.calendar])).toEqual([
      ['firstResponse', '2026-03-02T15:00:00.000Z', 'always-open'],
      ['resolution', '2026-03-03T14:00:00.000Z', 'always-open'],
    ]);
    s.ok(reclassify, { by: engineer, severity: 'sev2', reason: 'only the relay' }, at('2026-03-02T14:40:00Z'));
    const again = s.ok(reclassify, { by: engineer, severity: 'sev1', reason: 'spreading' }, at('2026-03-02T14:50:00Z'));
    // No second page; the Sev-1 warning point (48 minutes) has passed, so it fires at once.
    expect(again.events.map((e) => [e.type, e.data.kind])).toEqual([
      ['targetsRecomputed', undefined],
      ['reclassified', undefined],
      ['warning', 'firstResponse'],
    ]);
    expect(s.state.pagedAt).toBe('2026-03-02T14:30:00.000Z');
  });

  it('is refused without a reason, for an unknown or the same severity, and once closed', () => {
    const s = isodeSilverP2();
    const now = at('2026-03-02T10:00:00Z');
    expect(reclassify.allowed(s.machine, { by: engineer, severity: 'p1', reason: ' ' }, now)).toBe('a reclassification gives its reason');
    expect(reclassify.allowed(s.machine, { by: engineer, severity: 'sev1', reason: 'x' }, now)).toBe(
      'unknown severity "sev1"; expected one of p1, p2, p3, p4',
    );
    expect(reclassify.allowed(s.machine, { by: engineer, severity: 'p2', reason: 'x' }, now)).toBe('the ticket already has severity p2');
    expect(reclassify.allowed(s.machine, { by: engineer, severity: 'p1', reason: 'x' }, now)).toBeUndefined();
    expect(isodeIn('closed').run(reclassify, { by: engineer, severity: 'p1', reason: 'x' }, now).refused).toBe(
      'a closed ticket cannot be reclassified',
    );
  });
});

describe('a change of the rules', () => {
  const fasterSilver = rulesOf('isode', {
    override: { targets: { silver: { p2: { firstResponse: { duration: '4 working hours' } } } } },
    version: 'isode@1+policy#2',
  });

  it('recomputes the pending deadlines under the new rules, on record, and fires what became due', () => {
    const s = isodeSilverP2();
    const reason = 'policy changed (version 2): faster Silver P2 responses';
    const events = s.rulesChanged(reason, at('2026-03-02T14:00:00Z'), fasterSilver);
    expect(events.map((e) => [e.seq, e.type, e.actor, e.data])).toEqual([
      [
        3,
        'targetsRecomputed',
        SYSTEM,
        {
          reason,
          oldRules: 'isode@1',
          newRules: 'isode@1+policy#2',
          changes: [
            {
              kind: 'firstResponse',
              window: 1,
              oldDueAt: '2026-03-02T17:00:00.000Z',
              newDueAt: '2026-03-02T13:00:00.000Z',
              status: 'running',
            },
          ],
        },
      ],
      [
        4,
        'breached',
        SYSTEM,
        { kind: 'firstResponse', window: 1, dueAt: '2026-03-02T13:00:00.000Z', source: '002 support packages table' },
      ],
      [
        5,
        'escalated',
        SYSTEM,
        { kind: 'firstResponse', window: 1, to: 'supportManagement', automatic: true, source: '002 support packages table' },
      ],
    ]);
    expect(s.state.rulesVersion).toBe('isode@1+policy#2');
    expect(s.state.targets.map((t) => [t.kind, t.rulesVersion, t.computedAt])).toEqual([
      ['firstResponse', 'isode@1+policy#2', '2026-03-02T14:00:00.000Z'],
      ['relief', 'isode@1+policy#2', '2026-03-02T14:00:00.000Z'],
    ]);
    // Met targets keep the figures they were met under.
    s.ok(respond, { by: engineer }, at('2026-03-02T14:30:00Z'));
    s.rulesChanged('policy changed (version 3): wording', at('2026-03-02T15:00:00Z'), { ...fasterSilver, version: 'isode@1+policy#3' });
    expect(s.target('firstResponse').rulesVersion).toBe('isode@1+policy#2');
    expect(s.target('relief').rulesVersion).toBe('isode@1+policy#3');
  });

  it('records nothing when the same rules move nothing', () => {
    const s = isodeSilverP2();
    expect(s.rulesChanged('calendar changed (version 1): no-op', at('2026-03-02T10:00:00Z'), rulesOf('isode'))).toEqual([]);
    expect(s.target('relief').computedAt).toBe('2026-03-02T10:00:00.000Z');
  });

  it("new rules that refuse the ticket's inputs leave its deadlines as they were, and say so", () => {
    const rules24x7 = rulesOf('isode');
    const s = TicketScenario.open(
      { policyId: 'isode', plan: 'silver', severity: 'p1', options: { p1TwentyFourSeven: true } },
      MON_0900,
      rules24x7,
    );
    expect(s.state.targets.map((t) => [t.kind, t.dueAt, t.calendar])).toEqual([
      ['firstResponse', '2026-03-02T13:00:00.000Z', 'always-open'],
      ['relief', '2026-03-02T21:00:00.000Z', 'always-open'],
    ]);
    const plans = catalog.isode.plans.map((p) => (p.id === 'silver' ? { ...p, options: [] } : { ...p }));
    const withoutOption = rulesOf('isode', { override: { plans }, version: 'isode@1+policy#4' });
    const reason = 'policy changed (version 4): Silver loses 24/7';
    const refused =
      'options.p1TwentyFourSeven: plan "silver" of policy "isode" offers no option "p1TwentyFourSeven"; expected one of (none)';
    const before = s.state.targets;
    const events = s.rulesChanged(reason, at('2026-03-02T10:00:00Z'), withoutOption);
    expect(events.map((e) => [e.seq, e.type, e.actor, e.data])).toEqual([
      [3, 'targetsRecomputed', SYSTEM, { reason, refused, changes: [] }],
    ]);
    expect(s.state.targets).toEqual(before);
    expect(s.state.rulesVersion).toBe('isode@1');
    // The deadlines it kept still fire.
    expect(types(s.rulesChanged(reason, at('2026-03-02T13:00:00Z'), withoutOption))).toEqual([
      'targetsRecomputed',
      'breached',
      'escalated',
    ]);
    // A command that needs a recompute under those rules is refused, after what it applied was recorded (as the shell does).
    const out = s.run(requestInformation, { by: engineer, message: 'Which host?' }, at('2026-03-02T13:30:00Z'));
    expect(out.refused).toBe(`the current rules refuse this: ${refused}`);
    expect(types(out.events)).toEqual(['informationRequested', 'targetMet']);
    expect(s.state.status).toBe('waitingOnCustomer');
    // One that needs none goes through.
    expect(s.ok(assign, { by: manager, engineer: { id: 'eng-7', name: 'Grace' } }, at('2026-03-02T13:40:00Z')).events).toHaveLength(1);
  });
});

describe('the other commands, allowed and refused', () => {
  it('assign: names the engineer; any live ticket', () => {
    const s = isodeSilverP2();
    const out = s.ok(assign, { by: manager, engineer: { id: 'eng-7', name: 'Grace' } }, at('2026-03-02T09:05:00Z'));
    expect(out.events).toEqual([
      {
        ticketId: s.input.ticketId,
        seq: 3,
        type: 'assigned',
        occurredAt: '2026-03-02T09:05:00.000Z',
        actor: manager,
        data: { engineer: { id: 'eng-7', name: 'Grace' } },
      },
    ]);
    expect(s.state.assignee).toEqual({ id: 'eng-7', name: 'Grace' });
    expect(assign.allowed(s.machine, { by: manager, engineer: { id: '' } }, MON_0900)).toBe('an assignment names the engineer');
    for (const status of ['waitingOnCustomer', 'forwarded', 'relieved', 'resolved'] as const) {
      expect(assign.allowed(isodeIn(status).machine, { by: manager, engineer: { id: 'e' } }, MON_0900)).toBeUndefined();
    }
    expect(assign.allowed(isodeIn('closed').machine, { by: manager, engineer: { id: 'e' } }, MON_0900)).toBe(
      'a closed ticket cannot be assigned',
    );
  });

  it('respond: meets the response targets; may hand the ticket to the customer; not once resolved', () => {
    const s = isodeSilverP2();
    const out = s.ok(respond, { by: engineer, awaitCustomer: true }, at('2026-03-02T10:00:00Z'));
    expect(types(out.events)).toEqual(['responded', 'targetMet', 'targetsRecomputed']);
    expect(out.events[0].data).toEqual({ message: null });
    expect(s.state.status).toBe('waitingOnCustomer');
    // Responding again while waiting changes nothing else for Isode (no auto-close).
    const again = s.ok(respond, { by: engineer, message: 'Reminder' }, at('2026-03-03T10:00:00Z'));
    expect(types(again.events)).toEqual(['responded']);
    expect(s.state.autoCloseAt).toBeUndefined();
    expect(respond.allowed(isodeIn('forwarded').machine, { by: engineer }, MON_0900)).toBeUndefined();
    expect(respond.allowed(isodeIn('resolved').machine, { by: engineer }, MON_0900)).toBe('a resolved ticket cannot be responded to');
    expect(respond.allowed(isodeIn('closed').machine, { by: engineer }, MON_0900)).toBe('a closed ticket cannot be responded to');
  });

  it('requestInformation: says what is needed; only from open or relieved', () => {
    const s = isodeSilverP2();
    expect(requestInformation.allowed(s.machine, { by: engineer, message: '' }, MON_0900)).toBe(
      'a request for information says what is needed',
    );
    expect(requestInformation.allowed(isodeIn('relieved').machine, { by: engineer, message: 'x' }, MON_0900)).toBeUndefined();
    expect(requestInformation.allowed(isodeIn('waitingOnCustomer').machine, { by: engineer, message: 'x' }, MON_0900)).toBe(
      'a waiting-on-customer ticket cannot be asked for information',
    );
    expect(requestInformation.allowed(isodeIn('forwarded').machine, { by: engineer, message: 'x' }, MON_0900)).toBe(
      'a forwarded ticket cannot be asked for information',
    );
  });

  it('reply: from a resolved ticket it opens the ticket again; not once closed', () => {
    const s = isodeIn('resolved');
    expect(s.state.autoCloseAt).toBe('2026-03-16T10:00:00.000Z');
    const out = s.ok(reply, { by: customer, message: 'Not fixed' }, at('2026-03-03T10:00:00Z'));
    expect(out.events.map((e) => [e.type, e.data])).toEqual([['customerReplied', { message: 'Not fixed', from: 'resolved' }]]);
    expect(out.recompute).toBeUndefined();
    expect(s.state.status).toBe('open');
    for (const k of ['resolvedAt', 'resolution', 'relievedAt', 'autoCloseAt'] as const) expect(s.state[k]).toBeUndefined();
    // ISPsystem: the answer to a resolution restarts the response window.
    const isp = ispHigh();
    isp.ok(resolve, { by: engineer, kind: 'resolution', note: 'Fixed' }, at('2026-03-02T10:00:00Z'));
    const ans = isp.ok(reply, { by: customer, message: 'Not fixed' }, at('2026-03-02T12:00:00Z'));
    expect(ans.recompute).toEqual({ why: 'the customer wrote again', actor: customer, added: ['nextResponse'] });
    expect(isp.target('nextResponse', 2).dueAt).toBe('2026-03-03T04:00:00.000Z');
    expect(reply.allowed(isodeIn('closed').machine, { by: customer }, MON_0900)).toBe('a closed ticket cannot be replied to');
    expect(reply.allowed(isodeIn('rejected').machine, { by: customer }, MON_0900)).toBe('a rejected ticket cannot be replied to');
  });

  it('forward and return: forwarding names the team; only open or relieved tickets go, only forwarded ones come back', () => {
    const s = isodeSilverP2();
    expect(forward.allowed(s.machine, { by: engineer, team: ' ' }, MON_0900)).toBe('forwarding names the team');
    expect(forward.allowed(isodeIn('relieved').machine, { by: engineer, team: 'dev' }, MON_0900)).toBeUndefined();
    expect(forward.allowed(isodeIn('waitingOnCustomer').machine, { by: engineer, team: 'dev' }, MON_0900)).toBe(
      'a waiting-on-customer ticket cannot be forwarded',
    );
    expect(returnFromTeam.allowed(s.machine, { by: engineer }, MON_0900)).toBe('an open ticket cannot be returned from a team');
    expect(returnFromTeam.allowed(isodeIn('forwarded').machine, { by: engineer }, MON_0900)).toBeUndefined();
    // A relieved ticket comes back relieved.
    const r = isodeIn('relieved');
    r.ok(forward, { by: engineer, team: 'dev' }, at('2026-03-02T11:00:00Z'));
    r.ok(returnFromTeam, { by: engineer }, at('2026-03-02T12:00:00Z'));
    expect(r.state.status).toBe('relieved');
  });

  it('relieve: meets relief and the responses; not twice, not once resolved', () => {
    const s = isodeSilverP2();
    const out = s.ok(relieve, { by: engineer, note: 'workaround in place' }, at('2026-03-02T10:00:00Z'));
    expect(out.events.map((e) => [e.seq, e.type, e.data])).toEqual([
      [3, 'relieved', { note: 'workaround in place' }],
      [4, 'targetMet', { kind: 'firstResponse', window: 1, dueAt: '2026-03-02T17:00:00.000Z', late: false }],
      [5, 'targetMet', { kind: 'relief', window: 1, dueAt: '2026-03-04T17:00:00.000Z', late: false }],
    ]);
    expect(out.recompute).toBeUndefined();
    expect(s.state).toMatchObject({ status: 'relieved', relievedAt: '2026-03-02T10:00:00.000Z' });
    expect(relieve.allowed(s.machine, { by: engineer }, MON_0900)).toBe('a relieved ticket cannot be marked relieved');
    expect(relieve.allowed(isodeIn('resolved').machine, { by: engineer }, MON_0900)).toBe('a resolved ticket cannot be marked relieved');
    // Isode relief paused while waiting: met at once, so nothing is left paused to recompute.
    const w = isodeIn('waitingOnCustomer');
    const fromWaiting = w.ok(relieve, { by: engineer }, at('2026-03-02T12:00:00Z'));
    expect(types(fromWaiting.events)).toEqual(['relieved', 'targetMet']);
    expect(fromWaiting.recompute).toBeUndefined();
    expect(w.state.pauses).toEqual([{ start: '2026-03-02T10:00:00.000Z', end: '2026-03-02T12:00:00.000Z', reason: 'waitingOnCustomer' }]);
  });

  it('resolve: a resolution, workaround or plan, saying what was delivered; from a forwarded ticket too', () => {
    const s = isodeSilverP2();
    expect(resolve.allowed(s.machine, { by: engineer, kind: 'patch' as never, note: 'x' }, MON_0900)).toBe(
      'a resolution is a resolution, a workaround or a resolutionPlan',
    );
    expect(resolve.allowed(s.machine, { by: engineer, kind: 'resolutionPlan', note: ' ' }, MON_0900)).toBe(
      'a resolution says what was delivered',
    );
    expect(resolve.allowed(isodeIn('resolved').machine, { by: engineer, kind: 'resolution', note: 'x' }, MON_0900)).toBe(
      'a resolved ticket cannot be resolved',
    );
    const isp = ispHigh();
    isp.ok(forward, { by: engineer, team: 'VMmanager developers' }, at('2026-03-02T10:00:00Z'));
    const out = isp.ok(resolve, { by: engineer, kind: 'resolutionPlan', note: 'Fix in 6.5' }, at('2026-03-02T12:00:00Z'));
    expect(out.events.map((e) => [e.type, e.data])).toEqual([
      ['resolved', { kind: 'resolutionPlan', note: 'Fix in 6.5' }],
      // Suspended since 10:00, the deadline was unknown: met, not late.
      ['targetMet', { kind: 'nextResponse', window: 1, dueAt: null, late: false }],
    ]);
    expect(isp.state.forwardedTo).toBeUndefined();
    expect(isp.state.pauses).toEqual([{ start: '2026-03-02T10:00:00.000Z', end: '2026-03-02T12:00:00.000Z', reason: 'forwarded' }]);
  });

  it('closeTicket: any live ticket, with or without a reason; not twice', () => {
    const s = isodeIn('waitingOnCustomer');
    const out = s.ok(closeTicket, { by: customer }, at('2026-03-02T12:00:00Z'));
    expect(out.events.map((e) => [e.type, e.actor, e.data])).toEqual([['closed', customer, { reason: null }]]);
    expect(s.state).toMatchObject({ status: 'closed', closedAt: '2026-03-02T12:00:00.000Z', closedBy: customer });
    expect(s.state.pauses[0].end).toBe('2026-03-02T12:00:00.000Z');
    expect(s.machine.closedTargets).toEqual(['relief#1']);
    expect(closeTicket.allowed(s.machine, { by: customer }, MON_0900)).toBe('a closed ticket cannot be closed');
    expect(closeTicket.allowed(isodeIn('resolved').machine, { by: customer }, MON_0900)).toBeUndefined();
  });

  it("rejectTicket: with one of the policy's reasons (ISPsystem 3.2) or a built-in one; not once resolved", () => {
    const s = ispHigh();
    expect(rejectTicket.allowed(s.machine, { by: engineer, reasonId: 'boring' }, MON_0900)).toBe(
      'unknown rejection reason "boring"; expected one of levelNotCovered, informationRefused, notReproducible, productModified, outOfScope, improperlyWorded, alreadyAnswered, unsupportedUse, priorityGaming, contractInactive, versionUnsupported, duplicate',
    );
    const out = s.ok(rejectTicket, { by: engineer, reasonId: 'notReproducible', note: 'three attempts' }, at('2026-03-02T10:00:00Z'));
    expect(out.events.map((e) => [e.seq, e.type, e.data, e.notify])).toEqual([
      [
        3,
        'rejected',
        { reasonId: 'notReproducible', text: 'The incident described in the Ticket cannot be reproduced.', note: 'three attempts' },
        { event: 'rejected', roles: ['customer'] },
      ],
    ]);
    expect(s.state).toMatchObject({
      status: 'rejected',
      rejectedAt: '2026-03-02T10:00:00.000Z',
      rejection: { reasonId: 'notReproducible', text: 'The incident described in the Ticket cannot be reproduced.' },
    });
    expect(s.target('nextResponse').status).toBe('cancelled');
    expect(nextWake(s.state, s.machine.reopenUntil)).toBeUndefined();
    const isode = isodeSilverP2();
    expect(rejectTicket.allowed(isode.machine, { by: engineer, reasonId: 'notReproducible' }, MON_0900)).toBe(
      'unknown rejection reason "notReproducible"; expected one of contractInactive, versionUnsupported, duplicate',
    );
    isode.ok(rejectTicket, { by: engineer, reasonId: 'duplicate' }, at('2026-03-02T10:00:00Z'));
    expect(isode.state.rejection).toEqual({ reasonId: 'duplicate', text: 'The ticket duplicates another ticket.' });
    expect(rejectTicket.allowed(isodeIn('resolved').machine, { by: engineer, reasonId: 'duplicate' }, MON_0900)).toBe(
      'a resolved ticket cannot be rejected',
    );
  });

  it('split (ISPsystem 3.3): each task its own ticket, with its own severity; a retry is answered as is', () => {
    const s = ispHigh();
    const children = [
      { ticketId: 'TKT-CHILD-A', title: 'Backups fail', description: 'Since 6.4', severity: 'medium' },
      { ticketId: 'TKT-CHILD-B', title: 'UI typo', description: 'Settings page', severity: 'low' },
    ];
    const out = s.ok(split, { by: engineer, children }, at('2026-03-02T10:00:00Z'));
    expect(out.children?.map((c) => c.staticSummary)).toEqual([
      'ispsystem/standard medium: Backups fail',
      'ispsystem/standard low: UI typo',
    ]);
    expect(out.children?.[0].input).toEqual({
      ...s.input,
      ticketId: 'TKT-CHILD-A',
      severity: 'medium',
      suggestedSeverity: undefined,
      title: 'Backups fail',
      description: 'Since 6.4',
      parentTicketId: s.input.ticketId,
      openedBy: engineer,
    });
    expect(out.events.map((e) => [e.seq, e.type, e.data])).toEqual([
      [
        3,
        'split',
        {
          children: [
            { ticketId: 'TKT-CHILD-A', severity: 'medium', title: 'Backups fail' },
            { ticketId: 'TKT-CHILD-B', severity: 'low', title: 'UI typo' },
          ],
        },
      ],
    ]);
    expect(s.state.childTicketIds).toEqual(['TKT-CHILD-A', 'TKT-CHILD-B']);
    // The child opens as a ticket of its own, counting from its own opening.
    const child = openTicket(out.children![0].input, at('2026-03-02T10:00:00Z'), s.rules);
    expect(child.machine.ticket).toMatchObject({ parentTicketId: s.input.ticketId, severity: 'medium', openedBy: engineer });
    expect(child.machine.ticket.targets.map((t) => [t.kind, t.dueAt])).toEqual([['nextResponse', '2026-03-03T10:00:00.000Z']]);
    const retry = s.ok(split, { by: engineer, children }, at('2026-03-02T10:05:00Z'));
    expect(retry.events).toEqual([]);
    expect(retry.children).toBeUndefined();
    expect(split.allowed(s.machine, { by: engineer, children: [] }, MON_0900)).toBe('a split names at least one child ticket');
    expect(split.allowed(s.machine, { by: engineer, children: [children[0], { ...children[1], ticketId: 'TKT-CHILD-C' }] }, MON_0900)).toBe(
      'some of these child tickets already exist; split the others separately',
    );
    expect(
      split.allowed(s.machine, { by: engineer, children: [{ ...children[0], ticketId: 'TKT-D', severity: 'urgent' }] }, MON_0900),
    ).toBe('unknown severity "urgent" for a child ticket');
    expect(split.allowed(isodeIn('closed').machine, { by: engineer, children }, MON_0900)).toBe('a closed ticket cannot be split');
  });

  it('escalate: a customer escalates through the account manager, staff to support management (Xecuritas 003)', () => {
    const s = xecSev2();
    const byCustomer = s.ok(escalate, { by: customer, reason: 'no progress' }, at('2026-03-02T15:00:00Z'));
    expect(byCustomer.events.map((e) => [e.type, e.actor, e.data, e.notify])).toEqual([
      [
        'escalated',
        customer,
        { reason: 'no progress', via: 'accountManager', automatic: false },
        { event: 'escalated', roles: ['accountManager', 'supportManagement'] },
      ],
    ]);
    const byStaff = s.ok(escalate, { by: engineer, reason: 'needs a developer' }, at('2026-03-02T15:05:00Z'));
    expect(byStaff.events.map((e) => [e.data, e.notify])).toEqual([
      [
        { reason: 'needs a developer', via: 'supportManagement', automatic: false },
        { event: 'escalated', roles: ['supportManagement'] },
      ],
    ]);
    const explicit = s.ok(escalate, { by: engineer, reason: 'contract', via: 'accountManager' }, at('2026-03-02T15:10:00Z'));
    expect(explicit.events[0].data.via).toBe('accountManager');
    expect(escalate.allowed(s.machine, { by: customer, reason: '' }, MON_0900)).toBe('an escalation gives its reason');
    expect(escalate.allowed(isodeIn('rejected').machine, { by: customer, reason: 'x' }, MON_0900)).toBe(
      'a rejected ticket cannot be escalated',
    );
  });

  it('hotfix: Isode records a hot fix for priority 1 and 2 only (002); withdrawing one is always allowed', () => {
    const p2 = isodeSilverP2();
    const out = p2.ok(hotfix, { by: engineer, required: true, note: 'patch for 19.0' }, at('2026-03-02T10:00:00Z'));
    expect(out.events.map((e) => [e.type, e.data])).toEqual([['hotfixRequired', { required: true, note: 'patch for 19.0' }]]);
    expect(p2.state.hotfixRequired).toBe(true);
    const p3 = TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p3' }, MON_0900);
    expect(hotfix.allowed(p3.machine, { by: engineer, required: true }, MON_0900)).toBe(
      'a hot fix is recorded for priority 1 and 2 incidents only (002 Relief and Resolution)',
    );
    expect(hotfix.allowed(p3.machine, { by: engineer, required: false }, MON_0900)).toBeUndefined();
    // Xecuritas has no such rule.
    expect(
      hotfix.allowed(
        TicketScenario.open({ policyId: 'xecuritas', plan: 'standard', severity: 'sev3' }, MON_0900).machine,
        { by: engineer, required: true },
        MON_0900,
      ),
    ).toBeUndefined();
    // A digest recorded before the rule was policy data keeps the rule it ran under.
    const legacy = cloneMachine(p3.machine);
    delete (legacy.digest as { hotfixRule?: unknown }).hotfixRule;
    expect(hotfix.allowed(legacy, { by: engineer, required: true }, MON_0900)).toBe(
      'a hot fix is recorded for priority 1 and 2 incidents only (Isode 002 Relief and Resolution)',
    );
    const rankOne = cloneMachine(p3.machine);
    rankOne.digest!.hotfixRule = { maxSeverityRank: 1, source: 'contract C-1' };
    expect(hotfix.allowed(rankOne, { by: engineer, required: true }, MON_0900)).toBe(
      'a hot fix is recorded for priority 1 incidents only (contract C-1)',
    );
    rankOne.digest!.hotfixRule = { maxSeverityRank: 2, source: 'x' };
    rankOne.ticket.severity = 'p4';
    rankOne.digest!.hotfixRule.maxSeverityRank = 3;
    expect(hotfix.allowed(rankOne, { by: engineer, required: true }, MON_0900)).toBe(
      'a hot fix is recorded for priority 1, 2 and 3 incidents only (x)',
    );
    expect(hotfix.allowed(isodeIn('closed').machine, { by: engineer, required: false }, MON_0900)).toBe(
      'a closed ticket cannot be marked as needing a hot fix',
    );
  });

  it('before the opening has read the policy, only the status rule applies', () => {
    const input = ticketInput({ policyId: 'isode', plan: 'silver', severity: 'p2' });
    const m = machineForRun(input, undefined, MON_0900);
    expect(reclassify.allowed(m, { by: engineer, severity: 'nonsense', reason: '' }, MON_0900)).toBeUndefined();
    expect(() => respond.apply(m, { by: engineer }, MON_0900, input)).toThrow(
      'the ticket has no rules yet: the opening has not read its policy',
    );
  });

  it('the command table lists every command once, each on its own Update', () => {
    expect(ticketCommands.map((c) => c.update.name)).toEqual([
      'assign',
      'respond',
      'requestInformation',
      'reply',
      'reclassify',
      'forward',
      'return',
      'relieve',
      'resolve',
      'closeTicket',
      'reopen',
      'reject',
      'split',
      'escalate',
      'hotfixRequired',
    ]);
    expect(ticketCommands.filter((c) => c.settle)).toEqual([reclassify]);
  });

  it.each([
    ['closed', 'a closed ticket'],
    ['rejected', 'a rejected ticket'],
  ] as const)('no command but reopen is allowed on %s ticket', (status, subject) => {
    const m = isodeIn(status).machine;
    const allowed = ticketCommands.filter((c) => c.allowed(m, { by: engineer, reason: 'x' } as never, MON_0900) === undefined);
    expect(allowed.map((c) => c.update.name)).toEqual(status === 'closed' ? ['reopen'] : []);
    expect(assign.allowed(m, { by: engineer, engineer: { id: 'e' } }, MON_0900)).toBe(`${subject} cannot be assigned`);
  });
});

describe('the machine is data: transitions return new state; continue-as-new carries it', () => {
  it('no transition writes to the machine it was given', () => {
    const s = isodeSilverP2();
    // The fixtures hand every transition a deep-frozen copy: a write to it would throw.
    expect(() => {
      (frozen(s.machine).ticket as { status: string }).status = 'closed';
    }).toThrow(TypeError);
    const before = JSON.stringify(s.machine);
    const t = at('2026-03-02T18:00:00Z');
    fireDueAt(s.machine, t);
    for (const [command, c] of [
      [respond, { by: engineer }],
      [requestInformation, { by: engineer, message: 'x' }],
      [resolve, { by: engineer, kind: 'resolution', note: 'x' }],
      [closeTicket, { by: engineer }],
      [rejectTicket, { by: engineer, reasonId: 'duplicate' }],
    ] as const) {
      const out = runCommand(s.machine, command as never, c as never, t, s.input, s.rules);
      expect(out.machine).not.toBe(s.machine);
      expect(out.machine.ticket).not.toBe(s.machine.ticket);
    }
    expect(JSON.stringify(s.machine)).toBe(before);
  });

  it('carryOver → JSON → machineForRun: the next run continues exactly where this one stopped', () => {
    const s = xecSev2();
    s.ok(requestInformation, { by: engineer, message: 'Logs?' }, at('2026-03-02T15:00:00Z'));
    s.tick(at('2026-03-12T15:00:00Z')); // auto-closed: a reopen window and a stopped target to carry
    const carry = carryOver(s.machine, [41, 42], { reason: 'policy changed (version 2): x' });
    expect(carry).toEqual({
      state: s.state,
      digest: s.machine.digest,
      reopenUntil: '2026-04-11T15:00:00.000Z',
      closedTargets: ['resolution#1'],
      undelivered: [41, 42],
      rulesChange: { reason: 'policy changed (version 2): x' },
    });
    const wire = JSON.parse(JSON.stringify(carry)) as TicketCarry;
    const next = machineForRun(s.input, wire, at('2026-03-20T00:00:00Z'));
    expect(next.ticket.run).toBe(2);
    // machineForRun counts the run on a copy: the carried state it was given is left as it was.
    expect(next.ticket).not.toBe(wire.state);
    expect(wire.state.run).toBe(1);
    expect(next.reopenUntil).toBe(s.machine.reopenUntil);
    expect(next.closedTargets).toEqual(['resolution#1']);
    expect(next.digest).toEqual(s.machine.digest);
    expect({ ...next.ticket, run: 1 }).toEqual(s.state);
    // Reopened in the new run, the stopped target resumes with the closed time as a pause.
    const out = runCommand(next, reopen, { by: customer, reason: 'still broken' }, at('2026-03-20T14:00:00Z'), s.input, s.rules);
    expect(out.events.map((e) => [e.seq, e.type])).toEqual([
      [7, 'reopened'],
      [8, 'targetsRecomputed'],
    ]);
    expect(out.machine.ticket.pauses.at(-1)).toEqual({
      start: '2026-03-12T15:00:00.000Z',
      end: '2026-03-20T14:00:00.000Z',
      reason: 'closed',
    });
    // A ticket that is not closed carries no reopen window and no rules change.
    const open = isodeSilverP2();
    const plain = carryOver(open.machine, [], undefined);
    expect(plain).toEqual({ state: open.state, digest: open.machine.digest, closedTargets: [], undelivered: [] });
    const again = machineForRun(open.input, JSON.parse(JSON.stringify(plain)) as TicketCarry, MON_0900);
    expect(again.reopenUntil).toBeUndefined();
    expect(again.ticket.run).toBe(2);
  });

  it('machineForRun starts a new ticket in its opening state, run 1', () => {
    const input = ticketInput({ policyId: 'isode', plan: 'gold', severity: 'p1', productVersion: '19.0', product: 'M-Link' });
    const m = machineForRun(input, undefined, at('2026-03-02T09:00:00.750Z'));
    expect(m).toEqual({
      ticket: expect.objectContaining({
        ticketId: input.ticketId,
        status: 'open',
        openedAt: '2026-03-02T09:00:00.000Z',
        product: 'M-Link',
        productVersion: '19.0',
        targets: [],
        pauses: [],
        history: [],
        eventCount: 0,
        run: 1,
        rulesVersion: '',
        policyVersion: 0,
      }),
      closedTargets: [],
    });
    expect(m.digest).toBeUndefined();
  });

  it("keeps the latest 50 events in the state's history", () => {
    const s = isodeSilverP2();
    for (let i = 0; i < 60; i += 1) s.ok(escalate, { by: engineer, reason: `nudge ${i}` }, MON_0900 + i * 1000);
    expect(s.state.eventCount).toBe(62);
    expect(s.state.history).toHaveLength(50);
    expect(s.state.history[0].seq).toBe(13);
    // The reason is the summary's note.
    expect(s.state.history.at(-1)).toEqual({
      seq: 62,
      type: 'escalated',
      at: isoToSecond(MON_0900 + 59_000),
      actor: engineer,
      note: 'nudge 59',
    });
  });
});

describe('what the shell shows', () => {
  it('refreshNextDue, the search attributes and the current details follow the next instant', () => {
    const s = isodeSilverP2();
    const state = cloneMachine(s.machine).ticket;
    refreshNextDue(state, undefined);
    expect([state.nextDueAt, state.nextDueWhat]).toEqual(['2026-03-02T15:24:00.000Z', 'firstResponse warning']);
    const v = searchAttributeValues(state);
    expect(v).toMatchObject({ status: 'open', severity: 'p2', policyId: 'isode', plan: 'silver', breached: false });
    expect(v.nextDueAt?.toISOString()).toBe('2026-03-02T15:24:00.000Z');
    expect(currentDetails(state).split('\n')).toEqual([
      '**open** · isode/silver · p2',
      'next: firstResponse warning at 2026-03-02T15:24:00.000Z',
      '- firstResponse#1: running, due 2026-03-02T17:00:00.000Z',
      '- relief#1: running, due 2026-03-04T17:00:00.000Z',
    ]);
    s.tick(at('2026-03-02T17:00:00Z'));
    const later = cloneMachine(s.machine).ticket;
    refreshNextDue(later, undefined);
    expect(currentDetails(later)).toContain('- firstResponse#1: running, due 2026-03-02T17:00:00.000Z — BREACHED');
    expect(later.nextDueWhat).toBe('relief warning');
  });
});
