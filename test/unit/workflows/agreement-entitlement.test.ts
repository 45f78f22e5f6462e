/**
 * A ticket's entitlement under an agreement, pure: the agreement's answer at the ticket's instant
 * (workflows/agreement/entitlement.ts: term, coverage, quota), its combination with the version's
 * (activities/entitlement.ts combineEntitlement), and the ticket's one report of its first
 * resolution to the agreement (workflows/ticket/agreement-report.ts). Every state handed in is frozen.
 */
import { combineEntitlement } from '../../../activities/entitlement';
import { catalog } from '../../../policies/index';
import { agreementCommands, type AgreementCommand } from '../../../workflows/agreement/commands';
import {
  endAgreementUpdate,
  renewAgreementUpdate,
  type AgreementAnswer,
  type AgreementState,
  type EndAgreementCommand,
  type EntitlementQuestion,
  type RenewAgreementCommand,
  type StartAgreementInput,
} from '../../../workflows/agreement/contract';
import { agreedState, draft, fireDue, scheduleReminders } from '../../../workflows/agreement/machine';
import { countTicket } from '../../../workflows/agreement/quota';
import { answerEntitlement } from '../../../workflows/agreement/entitlement';
import { resolutionReport } from '../../../workflows/ticket/agreement-report';
import { closeTicket, reopen, resolve } from '../../../workflows/ticket/commands';
import type { ComputeTargetsResult, SupportScopeRecord } from '../../../workflows/ticket/contract';
import { at, customer, engineer, frozen, manager, TicketScenario, types } from './fixtures';

const renew = agreementCommands.find((c) => c.update === renewAgreementUpdate) as unknown as AgreementCommand<RenewAgreementCommand>;
const end = agreementCommands.find((c) => c.update === endAgreementUpdate) as unknown as AgreementCommand<EndAgreementCommand>;

const term = { startsAt: '2027-01-01T00:00:00Z', endsAt: '2028-01-01T00:00:00Z' };
/** An ISPsystem Standard agreement for one VMmanager 6 licence; 3.8 says what is left after its term. */
const isp = (fields: Partial<StartAgreementInput> = {}): StartAgreementInput => ({
  contractId: 'C2',
  customerId: 'acme',
  policyId: 'ispsystem',
  plan: 'standard',
  options: {},
  override: {},
  licences: [{ licenceId: 'LIC-7', product: 'VMmanager', major: '6', minor: '6.2', extensions: [] }],
  rules: catalog.ispsystem.agreements!,
  ...term,
  by: manager,
  ...fields,
});
/** An Infotecs Basic agreement: 40 tickets a year (000 §3). */
const basic = (fields: Partial<StartAgreementInput> = {}): StartAgreementInput =>
  isp({ contractId: 'C1', policyId: 'infotecs', plan: 'basic', licences: [], rules: catalog.infotecs.agreements!, ...fields });

/** As the shell agrees and then lets time run to `until` (never past it). */
function agreement(input: StartAgreementInput, madeAt: number, until = madeAt): AgreementState {
  const d = draft(agreedState(input, `contract-${input.contractId}`, madeAt), madeAt);
  scheduleReminders(d.state, madeAt);
  d.record('agreed', input.by, {});
  fireDue(d);
  const later = draft(d.state, until);
  fireDue(later);
  return later.state;
}

function resolveTickets(s: AgreementState, n: number, resolvedAt: string): AgreementState {
  for (let i = 0; i < n; i++) s = countTicket(frozen(s), { ticketId: `T-${i}`, resolvedAt, billable: false }, at(resolvedAt)).state;
  return s;
}

const ask = (s: AgreementState, q: Partial<EntitlementQuestion> & { at: string }): AgreementAnswer => {
  const given = frozen(s);
  const json = JSON.stringify(given);
  const answer = answerEntitlement(given, { customerId: 'acme', ...q });
  expect(JSON.stringify(given)).toBe(json);
  return answer;
};

const afterTermText = catalog.ispsystem.agreements!.afterTerm!.text;

describe('answerEntitlement: the term', () => {
  const s = agreement(isp(), at('2026-12-01T00:00:00Z'), at('2027-03-01T00:00:00Z'));

  it('before its start: contractNotStarted, to the second', () => {
    expect(ask(s, { at: '2026-12-31T23:59:59Z' })).toEqual({
      contractVersion: 1,
      decision: 'rejected',
      reasonId: 'contractNotStarted',
      text: 'Contract C2 starts on 2027-01-01; there is no support before its term.',
    });
    expect(ask(agreement(isp(), at('2026-12-01T00:00:00Z')), { at: '2027-01-01T00:00:00Z' })).toEqual({
      contractVersion: 1,
      decision: 'accepted',
    });
  });

  it('in its term without a quota: accepted; at its end (exclusive): contractEnded in ISPsystem 3.8’s words', () => {
    expect(ask(s, { at: '2027-12-31T23:59:59Z' })).toEqual({ contractVersion: 1, decision: 'accepted' });
    const ended = {
      contractVersion: 1,
      decision: 'rejected',
      reasonId: 'contractEnded',
      text: `Contract C2 ended on 2028-01-01. ${afterTermText}`,
      source: '001 3.8',
    };
    // The workflow has not fired the lapse yet: the answer is what time makes of it at the question's instant.
    expect(s.status).toBe('active');
    expect(ask(s, { at: '2028-01-01T00:00:00Z' })).toEqual(ended);
    const lapsed = agreement(isp(), at('2026-12-01T00:00:00Z'), at('2028-02-01T00:00:00Z'));
    expect(lapsed.status).toBe('lapsed');
    expect(ask(lapsed, { at: '2028-02-01T00:00:00Z' })).toEqual(ended);
  });

  it('after an early end: ended on the day it was ended; a policy without 3.8’s words says so plainly', () => {
    const ended = end.apply(frozen(s), { by: manager, reason: 'unpaid' }, at('2027-06-01T12:00:00Z')).state;
    expect(ask(ended, { at: '2027-06-01T12:00:00Z' })).toEqual({
      contractVersion: 2,
      decision: 'rejected',
      reasonId: 'contractEnded',
      text: `Contract C2 ended on 2027-06-01. ${afterTermText}`,
      source: '001 3.8',
    });
    expect(ask(ended, { at: '2027-06-01T11:59:59Z' }).decision).toBe('accepted');
    const infotecs = agreement(basic(), at('2026-12-01T00:00:00Z'), at('2028-01-01T00:00:00Z'));
    expect(ask(infotecs, { at: '2028-01-01T00:00:00Z' })).toEqual({
      contractVersion: 1,
      decision: 'rejected',
      reasonId: 'contractEnded',
      text: 'Contract C1 ended on 2028-01-01. There is no support outside its term.',
    });
  });

  it('between a lapse and a later renewal: ended on the lapsed term’s end; in the renewal: accepted', () => {
    const lapsed = agreement(isp(), at('2026-12-01T00:00:00Z'), at('2028-02-01T00:00:00Z'));
    const renewed = renew.apply(
      frozen(lapsed),
      { by: manager, startsAt: '2028-03-01T00:00:00Z', endsAt: '2029-03-01T00:00:00Z' },
      at('2028-02-01T00:00:00Z'),
    ).state;
    expect(ask(renewed, { at: '2028-02-15T00:00:00Z' })).toMatchObject({
      reasonId: 'contractEnded',
      text: `Contract C2 ended on 2028-01-01. ${afterTermText}`,
    });
    expect(ask(renewed, { at: '2028-03-01T00:00:00Z' })).toEqual({ contractVersion: 2, decision: 'accepted' });
  });

  it('renewed late without a start: in force from the second of the renewal, so a ticket opened in that second is covered', () => {
    const lapsed = agreement(isp(), at('2026-12-01T00:00:00Z'), at('2028-02-01T00:00:00Z'));
    const renewed = renew.apply(frozen(lapsed), { by: manager, endsAt: '2029-02-01T00:00:00Z' }, at('2028-02-01T09:15:30.999Z')).state;
    expect(renewed.periods[1].startsAt).toBe('2028-02-01T09:15:30.000Z');
    expect(ask(renewed, { at: '2028-02-01T09:15:30Z' })).toEqual({ contractVersion: 2, decision: 'accepted' });
    expect(ask(renewed, { at: '2028-02-01T09:15:29Z' })).toMatchObject({
      reasonId: 'contractEnded',
      text: `Contract C2 ended on 2028-01-01. ${afterTermText}`,
    });
  });

  it('another customer: contractInactive, whatever the instant', () => {
    const inactive = {
      contractVersion: 1,
      decision: 'rejected',
      reasonId: 'contractInactive',
      text: 'Contract C2 is not an agreement of this customer.',
    };
    expect(ask(s, { at: '2027-03-01T00:00:00Z', customerId: 'globex' })).toEqual(inactive);
    expect(ask(s, { at: '2026-01-01T00:00:00Z', customerId: 'globex' })).toEqual(inactive);
  });
});

describe('answerEntitlement: coverage', () => {
  const s = agreement(isp(), at('2027-01-01T00:00:00Z'));
  const q = (product?: string, productVersion?: string) => ask(s, { at: '2027-02-01T00:00:00Z', product, productVersion });

  it('covers the listed licences’ products and majors, in any case', () => {
    expect(q('VMmanager', '6.2').decision).toBe('accepted');
    expect(q('vmmanager', '6').decision).toBe('accepted');
    expect(q('VMmanager').decision).toBe('accepted');
    expect(q().decision).toBe('accepted');
  });

  it('another major or product: notCovered, naming what it covers', () => {
    expect(q('VMmanager', '5.4')).toEqual({
      contractVersion: 1,
      decision: 'rejected',
      reasonId: 'notCovered',
      text: 'Contract C2 does not cover VMmanager 5.4; it covers VMmanager 6.',
    });
    expect(q('DCImanager')).toEqual({
      contractVersion: 1,
      decision: 'rejected',
      reasonId: 'notCovered',
      text: 'Contract C2 does not cover DCImanager; it covers VMmanager 6.',
    });
  });

  it('an agreement that lists no licences covers every product', () => {
    expect(
      ask(agreement(isp({ licences: [] }), at('2027-01-01T00:00:00Z')), {
        at: '2027-02-01T00:00:00Z',
        product: 'DCImanager',
        productVersion: '6',
      }).decision,
    ).toBe('accepted');
  });
});

describe('answerEntitlement: the quota (Infotecs 000 §3)', () => {
  const quota = catalog.infotecs.agreements!.ticketQuota!;

  it('accepted with the year’s figures while tickets are left; acceptedBillable once they are used', () => {
    let s = agreement(basic(), at('2027-01-01T00:00:00Z'));
    s = resolveTickets(s, 39, '2027-05-01T00:00:00Z');
    expect(ask(s, { at: '2027-05-02T00:00:00Z' })).toEqual({
      contractVersion: 1,
      decision: 'accepted',
      quota: { year: 1, allowance: 40, used: 39, left: 1 },
    });
    s = countTicket(frozen(s), { ticketId: 'T-40', resolvedAt: '2027-05-03T00:00:00Z', billable: false }, at('2027-05-03T00:00:00Z')).state;
    expect(ask(s, { at: '2027-05-04T00:00:00Z' })).toEqual({
      contractVersion: 1,
      decision: 'acceptedBillable',
      reasonId: 'quotaUsed',
      text: quota.billableText,
      source: '000 §3 Basic Support Plan: up to 40 Tickets per year',
      quota: { year: 1, allowance: 40, used: 40, left: 0 },
    });
  });

  it('a plan without a quota is accepted without figures', () => {
    expect(ask(agreement(basic({ plan: 'premium' }), at('2027-01-01T00:00:00Z')), { at: '2027-05-02T00:00:00Z' })).toEqual({
      contractVersion: 1,
      decision: 'accepted',
    });
  });

  it('past a year end the workflow has not fired yet: the answer is the next year’s, with its rollover', () => {
    const used = resolveTickets(
      agreement(basic({ endsAt: '2030-01-01T00:00:00Z' }), at('2027-01-01T00:00:00Z')),
      40,
      '2027-05-01T00:00:00Z',
    );
    expect(used.years).toHaveLength(1);
    expect(ask(used, { at: '2027-12-31T23:59:59Z' }).decision).toBe('acceptedBillable');
    expect(ask(used, { at: '2028-01-01T00:00:00Z' })).toEqual({
      contractVersion: 1,
      decision: 'accepted',
      quota: { year: 2, allowance: 40, used: 0, left: 40 },
    });
    const some = resolveTickets(
      agreement(basic({ endsAt: '2030-01-01T00:00:00Z' }), at('2027-01-01T00:00:00Z')),
      30,
      '2027-05-01T00:00:00Z',
    );
    expect(ask(some, { at: '2028-01-01T00:00:01Z' }).quota).toEqual({ year: 2, allowance: 50, used: 0, left: 50 });
    expect(some.years).toHaveLength(1);
  });
});

describe('combineEntitlement', () => {
  const accepted: AgreementAnswer = { decision: 'accepted', contractVersion: 3, quota: { year: 2, allowance: 50, used: 10, left: 40 } };
  const billable: AgreementAnswer = {
    decision: 'acceptedBillable',
    reasonId: 'quotaUsed',
    text: 'quota used',
    source: '000 §3',
    contractVersion: 3,
    quota: { year: 2, allowance: 50, used: 50, left: 0 },
  };
  const rejected: AgreementAnswer = {
    decision: 'rejected',
    reasonId: 'contractEnded',
    text: 'ended',
    source: '001 3.8',
    contractVersion: 4,
  };
  const refused = { refused: { reasonId: 'versionUnsupported', text: 'ViPNet 3 has not been supported since 2026-01-01.' } };
  const scope = (decision: SupportScopeRecord['decision']): { scope: SupportScopeRecord } => ({
    scope: { decision, text: `${decision} text`, source: '000 §2', phase: decision === 'billable' ? 'extended' : 'mainstream' },
  });

  it('an agreement’s rejection comes first, whatever the version says', () => {
    expect(combineEntitlement(rejected, 'C1', refused)).toEqual({
      entitled: false,
      reasonId: 'contractEnded',
      text: 'ended',
      decision: { decision: 'rejected', reasonId: 'contractEnded', text: 'ended', source: '001 3.8', contractId: 'C1', contractVersion: 4 },
    });
    expect(combineEntitlement({ decision: 'rejected', contractVersion: 0 }, 'C9', {})).toEqual({
      entitled: false,
      reasonId: 'contractInactive',
      text: 'not entitled',
      decision: { decision: 'rejected', contractId: 'C9', contractVersion: 0 },
    });
  });

  it('then the version’s refusal, carrying the agreement’s id, version and quota', () => {
    expect(combineEntitlement(billable, 'C1', refused)).toEqual({
      entitled: false,
      reasonId: 'versionUnsupported',
      text: refused.refused.text,
      decision: {
        decision: 'rejected',
        reasonId: 'versionUnsupported',
        text: refused.refused.text,
        contractId: 'C1',
        contractVersion: 3,
        quota: billable.quota,
      },
    });
  });

  it('then billable: the quota used beats Extended Support; Extended Support alone is billable too', () => {
    expect(combineEntitlement(billable, 'C1', scope('knownSolutionsOnly'))).toEqual({
      entitled: true,
      scope: scope('knownSolutionsOnly').scope,
      decision: {
        decision: 'acceptedBillable',
        reasonId: 'quotaUsed',
        text: 'quota used',
        source: '000 §3',
        contractId: 'C1',
        contractVersion: 3,
        quota: billable.quota,
      },
    });
    expect(combineEntitlement(billable, 'C1', scope('billable')).decision).toMatchObject({
      decision: 'acceptedBillable',
      reasonId: 'quotaUsed',
    });
    expect(combineEntitlement(accepted, 'C1', scope('billable'))).toEqual({
      entitled: true,
      scope: scope('billable').scope,
      decision: {
        decision: 'acceptedBillable',
        reasonId: 'extendedSupportBillable',
        text: 'billable text',
        source: '000 §2',
        contractId: 'C1',
        contractVersion: 3,
        quota: accepted.quota,
      },
    });
    expect(combineEntitlement(undefined, undefined, scope('billable')).decision).toEqual({
      decision: 'acceptedBillable',
      reasonId: 'extendedSupportBillable',
      text: 'billable text',
      source: '000 §2',
    });
  });

  it('then known solutions only (an outdated minor); else accepted', () => {
    expect(combineEntitlement(accepted, 'C1', scope('knownSolutionsOnly')).decision).toEqual({
      decision: 'knownSolutionsOnly',
      reasonId: 'minorOutdated',
      text: 'knownSolutionsOnly text',
      source: '000 §2',
      contractId: 'C1',
      contractVersion: 3,
      quota: accepted.quota,
    });
    expect(combineEntitlement(accepted, 'C1', scope('covered'))).toEqual({
      entitled: true,
      scope: scope('covered').scope,
      decision: { decision: 'accepted', contractId: 'C1', contractVersion: 3, quota: accepted.quota },
    });
    expect(combineEntitlement({ decision: 'accepted', contractVersion: 1 }, 'C1', {})).toEqual({
      entitled: true,
      decision: { decision: 'accepted', contractId: 'C1', contractVersion: 1 },
    });
    expect(combineEntitlement(undefined, undefined, {})).toEqual({ entitled: true, decision: { decision: 'accepted' } });
  });
});

describe('resolutionReport', () => {
  const OPENED = at('2026-03-02T09:00:00Z');
  const under = (decision: 'accepted' | 'acceptedBillable', contractId: string | null = 'C1'): ComputeTargetsResult['entitlement'] => ({
    entitled: true,
    decision: { decision, ...(contractId ? { contractId, contractVersion: 2 } : {}) },
  });
  const opened = (entitlement: ComputeTargetsResult['entitlement']) =>
    TicketScenario.open({ policyId: 'isode', plan: 'silver', severity: 'p2', contractId: 'C1' }, OPENED, undefined, entitlement);
  const resolution = { by: engineer, kind: 'resolution' as const, note: 'Patched' };

  it('after the first resolution of a ticket under an agreement: the report, and a machine that remembers it', () => {
    const s = opened(under('accepted'));
    expect(types(s.opening)).toContain('entitlementDecided');
    const out = s.ok(resolve, resolution, at('2026-03-02T10:00:00Z'));
    const given = frozen(s.machine);
    const due = resolutionReport(given, out.events, at('2026-03-02T10:00:00.750Z'))!;
    expect(due.contractId).toBe('C1');
    expect(due.report).toEqual({ ticketId: s.input.ticketId, resolvedAt: s.state.resolvedAt, billable: false });
    expect(s.state.resolvedAt).toBe('2026-03-02T10:00:00.000Z');
    expect(due.machine.ticket.entitlement!.reportedAt).toBe('2026-03-02T10:00:00.000Z');
    expect(given.ticket.entitlement!.reportedAt).toBeUndefined();
    // Once: the machine that remembers the report has nothing more to report, resolved again or not.
    expect(resolutionReport(due.machine, out.events, at('2026-03-02T10:00:01Z'))).toBeUndefined();
    s.machine = due.machine;
    s.ok(closeTicket, { by: engineer }, at('2026-03-02T10:30:00Z'));
    s.ok(reopen, { by: customer, reason: 'broken again' }, at('2026-03-02T11:00:00Z'));
    const again = s.ok(resolve, resolution, at('2026-03-02T12:00:00Z'));
    expect(types(again.events)).toContain('resolved');
    expect(resolutionReport(s.machine, again.events, at('2026-03-02T12:00:00Z'))).toBeUndefined();
  });

  it('billable when the ticket was accepted as billable at opening', () => {
    const s = opened(under('acceptedBillable'));
    const out = s.ok(resolve, resolution, at('2026-03-02T10:00:00Z'));
    expect(resolutionReport(frozen(s.machine), out.events, at('2026-03-02T10:00:00Z'))?.report.billable).toBe(true);
  });

  it('none without an agreement’s contractId, or after events that are not a resolution', () => {
    const noContract = opened(under('accepted', null));
    const out = noContract.ok(resolve, resolution, at('2026-03-02T10:00:00Z'));
    expect(resolutionReport(frozen(noContract.machine), out.events, at('2026-03-02T10:00:00Z'))).toBeUndefined();
    const s = opened(under('accepted'));
    expect(resolutionReport(frozen(s.machine), s.opening, OPENED)).toBeUndefined();
    const resolved = s.ok(resolve, resolution, at('2026-03-02T10:00:00Z'));
    expect(
      resolutionReport(
        frozen(s.machine),
        resolved.events.filter((e) => e.type !== 'resolved'),
        at('2026-03-02T10:00:00Z'),
      ),
    ).toBeUndefined();
  });
});
