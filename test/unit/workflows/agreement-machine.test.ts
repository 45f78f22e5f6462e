/**
 * The agreement state machine (workflows/agreement/) without Temporal or a database: the calendar
 * of agreement years, the term starting, its years turning over with their rollover (Infotecs
 * 000 §3), reminders, lapse, and every command (change, renew, end, exchange) and ticket count.
 * The scenario chains the steps as the shell does (fire what is due, check `allowed`, apply) and
 * hands every transition a deep-frozen state, so one that wrote to its input would throw.
 */
import type { UpdateDefinition } from '@temporalio/common';
import { renderTermReminder } from '../../../activities/notifications/agreement-messages';
import { catalog } from '../../../policies/index';
import type { CommandBase } from '../../../workflows/contract';
import { addMonths, daysBefore, yearOfTerm } from '../../../workflows/agreement/calendar';
import { agreementCommands, renewalStart, type AgreementCommand } from '../../../workflows/agreement/commands';
import {
  changeAgreementUpdate,
  endAgreementUpdate,
  exchangeTicketsUpdate,
  renewAgreementUpdate,
  type AgreementState,
  type ChangeAgreementCommand,
  type StartAgreementInput,
  type TicketResolved,
} from '../../../workflows/agreement/contract';
import {
  agreedState,
  draft,
  fireDue,
  nextDue,
  rolloverOf,
  scheduleReminders,
  SYSTEM,
  type AgreementEventDraft,
  type AgreementStep,
} from '../../../workflows/agreement/machine';
import { countTicket } from '../../../workflows/agreement/quota';
import { at, frozen, manager, types } from './fixtures';

const command = <C extends CommandBase>(u: UpdateDefinition<AgreementState, [C]>) =>
  agreementCommands.find((c) => c.update === u) as unknown as AgreementCommand<C>;
const change = command(changeAgreementUpdate);
const renew = command(renewAgreementUpdate);
const end = command(endAgreementUpdate);
const exchange = command(exchangeTicketsUpdate);

const infotecs = catalog.infotecs.agreements!;
const ispsystem = catalog.ispsystem.agreements!;

/** A 3-year Infotecs Basic agreement: 40 tickets a year, rollover, exchange for Premium. */
const basic = (fields: Partial<StartAgreementInput> = {}): StartAgreementInput => ({
  contractId: 'C1',
  customerId: 'acme',
  policyId: 'infotecs',
  plan: 'basic',
  options: {},
  override: {},
  licences: [],
  rules: infotecs,
  startsAt: '2027-01-01T00:00:00Z',
  endsAt: '2030-01-01T00:00:00Z',
  by: manager,
  ...fields,
});

const changeOf = (s: AgreementState, fields: Partial<ChangeAgreementCommand> = {}): ChangeAgreementCommand => ({
  by: manager,
  customerId: s.customerId,
  policyId: s.policyId,
  plan: s.plan,
  options: s.options,
  override: s.override,
  licences: s.licences,
  rules: s.rules,
  reason: 'agreed with the customer',
  ...fields,
});

const dated = (events: AgreementEventDraft[]) => events.map((e) => [e.type, e.occurredAt, e.data]);

/** An agreement driven by a test, as the shell drives it; its events' seq must run 1, 2, 3… without a gap. */
class Agreement {
  state!: AgreementState;
  readonly events: AgreementEventDraft[] = [];

  /** The shell's agree(): reminders of the first term, `agreed`, then whatever is already due. */
  static agree(input: StartAgreementInput, now: number): Agreement & { agreed: AgreementEventDraft[] } {
    const a = new Agreement() as Agreement & { agreed: AgreementEventDraft[] };
    const d = draft(frozen(agreedState(input, `contract-${input.contractId}`, now)), now);
    scheduleReminders(d.state, now);
    d.record('agreed', input.by, { startsAt: input.startsAt, endsAt: input.endsAt ?? null });
    fireDue(d);
    a.agreed = a.take(d.step());
    return a;
  }

  tick(now: number): AgreementEventDraft[] {
    const d = draft(frozen(this.state), now);
    fireDue(d);
    return this.take(d.step());
  }

  /** Fires what is due by `now` (kept in `fired`), then the command's rule, then its transition (its events). */
  run<C extends CommandBase>(
    cmd: AgreementCommand<C>,
    c: C,
    now: number,
  ): { refused?: string; fired: AgreementEventDraft[]; events: AgreementEventDraft[] } {
    const fired = this.tick(now);
    const refused = cmd.allowed(frozen(this.state), c, now);
    if (refused !== undefined) return { refused, fired, events: [] };
    return { fired, events: this.take(cmd.apply(frozen(this.state), c, now)) };
  }

  /** Runs a command the test expects to be allowed; returns the events of its transition. */
  ok<C extends CommandBase>(cmd: AgreementCommand<C>, c: C, now: number): AgreementEventDraft[] {
    const out = this.run(cmd, c, now);
    if (out.refused !== undefined) throw new Error(`refused: ${out.refused}`);
    return out.events;
  }

  resolved(ticketId: string, resolvedAt: string, now = at(resolvedAt), billable = false): AgreementEventDraft[] {
    const t: TicketResolved = { ticketId, resolvedAt, billable };
    return this.take(countTicket(frozen(this.state), t, now));
  }

  /** `n` tickets resolved at one instant. */
  resolveMany(prefix: string, n: number, resolvedAt: string): void {
    for (let i = 0; i < n; i++) this.resolved(`${prefix}-${i}`, resolvedAt);
  }

  year(index: number) {
    const y = this.state.years.find((x) => x.index === index);
    if (!y) throw new Error(`no year ${index}`);
    return y;
  }

  private take(step: AgreementStep): AgreementEventDraft[] {
    this.state = step.state;
    for (const e of step.events) {
      const expected = this.events.length + 1;
      if (e.seq !== expected) throw new Error(`event ${e.type} has seq ${e.seq}, expected ${expected}`);
      this.events.push(e);
    }
    if (this.state.seq !== this.events.length) throw new Error(`seq ${this.state.seq} but ${this.events.length} events`);
    return step.events;
  }
}

/** The 3-year agreement, made a month before it starts. */
const made = () => Agreement.agree(basic(), at('2026-12-01T09:00:00Z'));
/** The same, started (its first year open). */
const started = () => {
  const a = made();
  a.tick(at('2027-01-01T00:00:00Z'));
  return a;
};

describe('calendar', () => {
  it('addMonths clamps a day the month lacks to its last day, leap years included, and keeps the time of day', () => {
    const iso = (ms: number) => new Date(ms).toISOString();
    expect(iso(addMonths(at('2027-01-31T00:00:00Z'), 1))).toBe('2027-02-28T00:00:00.000Z');
    expect(iso(addMonths(at('2028-01-31T00:00:00Z'), 1))).toBe('2028-02-29T00:00:00.000Z');
    expect(iso(addMonths(at('2027-01-31T13:45:30.250Z'), 1))).toBe('2027-02-28T13:45:30.250Z');
    expect(iso(addMonths(at('2027-03-31T23:59:59Z'), 1))).toBe('2027-04-30T23:59:59.000Z');
    expect(iso(addMonths(at('2027-11-30T06:00:00Z'), 3))).toBe('2028-02-29T06:00:00.000Z');
    expect(iso(addMonths(at('2028-03-31T00:00:00Z'), -1))).toBe('2028-02-29T00:00:00.000Z');
    expect(iso(addMonths(at('2027-01-15T08:00:00Z'), -13))).toBe('2025-12-15T08:00:00.000Z');
    expect(iso(addMonths(at('2028-02-29T00:00:00Z'), 12))).toBe('2029-02-28T00:00:00.000Z');
  });

  it('yearOfTerm counts each year from the start, so a Feb 29 start never drifts to the 28th for good', () => {
    const start = at('2028-02-29T10:00:00Z');
    const year = (k: number, end?: number) => {
      const b = yearOfTerm(start, end, k);
      return [new Date(b.startsAt).toISOString(), b.endsAt === undefined ? undefined : new Date(b.endsAt).toISOString()];
    };
    expect(year(0)).toEqual(['2028-02-29T10:00:00.000Z', '2029-02-28T10:00:00.000Z']);
    expect(year(1)).toEqual(['2029-02-28T10:00:00.000Z', '2030-02-28T10:00:00.000Z']);
    expect(year(3)).toEqual(['2031-02-28T10:00:00.000Z', '2032-02-29T10:00:00.000Z']);
    expect(year(4)).toEqual(['2032-02-29T10:00:00.000Z', '2033-02-28T10:00:00.000Z']);
    // A term's end cuts its last year short.
    expect(year(1, at('2029-09-01T00:00:00Z'))).toEqual(['2029-02-28T10:00:00.000Z', '2029-09-01T00:00:00.000Z']);
  });

  it('daysBefore is whole 24-hour days back from the instant', () => {
    expect(new Date(daysBefore(at('2030-01-01T00:00:00Z'), 60)).toISOString()).toBe('2029-11-02T00:00:00.000Z');
    expect(new Date(daysBefore(at('2028-03-01T12:00:00Z'), 1)).toISOString()).toBe('2028-02-29T12:00:00.000Z');
  });
});

describe('agreedState and the term', () => {
  it('is made pending with its first term, no years, version 1, the rules it was made under', () => {
    const now = at('2026-12-01T09:00:00Z');
    const s = agreedState(frozen(basic()), 'contract-C1', now);
    expect(s).toEqual({
      workflowId: 'contract-C1',
      contractId: 'C1',
      customerId: 'acme',
      policyId: 'infotecs',
      plan: 'basic',
      options: {},
      override: {},
      licences: [],
      status: 'pending',
      periods: [{ startsAt: '2027-01-01T00:00:00Z', endsAt: '2030-01-01T00:00:00Z', renewal: false, at: '2026-12-01T09:00:00.000Z' }],
      years: [],
      reminders: [],
      rules: infotecs,
      version: 1,
      createdAt: '2026-12-01T09:00:00.000Z',
      updatedAt: '2026-12-01T09:00:00.000Z',
      seq: 0,
    });
    const open = agreedState(basic({ endsAt: undefined, contactEmail: 'ops@acme.example' }), 'contract-C1', now);
    expect(open.periods[0]).toEqual({ startsAt: '2027-01-01T00:00:00Z', renewal: false, at: '2026-12-01T09:00:00.000Z' });
    expect(open.contactEmail).toBe('ops@acme.example');
  });

  it('agreed before its start: the reminders of its end are set, the next thing due is the start', () => {
    const a = made();
    expect(types(a.agreed)).toEqual(['agreed']);
    expect(a.state.status).toBe('pending');
    expect(a.state.reminders).toEqual([
      { period: 0, daysBefore: 60, endsAt: '2030-01-01T00:00:00.000Z', dueAt: '2029-11-02T00:00:00.000Z' },
      { period: 0, daysBefore: 30, endsAt: '2030-01-01T00:00:00.000Z', dueAt: '2029-12-02T00:00:00.000Z' },
      { period: 0, daysBefore: 7, endsAt: '2030-01-01T00:00:00.000Z', dueAt: '2029-12-25T00:00:00.000Z' },
    ]);
    const due = nextDue(a.state)!;
    expect([new Date(due.at).toISOString(), due.what]).toEqual(['2027-01-01T00:00:00.000Z', 'start of the term']);
    expect(a.tick(at('2026-12-31T23:59:59.999Z'))).toEqual([]);
  });

  it('starts at its start: active, year 1 opens with the 40 tickets of Basic', () => {
    const a = made();
    expect(dated(a.tick(at('2027-01-01T00:00:00Z')))).toEqual([
      ['started', '2027-01-01T00:00:00.000Z', { period: 0, startsAt: '2027-01-01T00:00:00Z' }],
      [
        'yearStarted',
        '2027-01-01T00:00:00.000Z',
        { year: 1, startsAt: '2027-01-01T00:00:00.000Z', endsAt: '2028-01-01T00:00:00.000Z', allowance: 40, rolledOver: 0 },
      ],
    ]);
    expect(a.state.status).toBe('active');
    expect(a.events.slice(1).map((e) => e.actor)).toEqual([SYSTEM, SYSTEM]);
    expect(a.year(1)).toEqual({
      index: 1,
      period: 0,
      startsAt: '2027-01-01T00:00:00.000Z',
      endsAt: '2028-01-01T00:00:00.000Z',
      included: 40,
      rolledOver: 0,
      used: 0,
      billable: 0,
      exchanged: [],
      ticketIds: [],
    });
    const due = nextDue(a.state)!;
    expect([new Date(due.at).toISOString(), due.what]).toEqual(['2028-01-01T00:00:00.000Z', 'end of agreement year 1']);
  });

  it('a plan without a quota has years of 0 tickets; an open-ended term turns its years over and has no reminders', () => {
    const a = Agreement.agree(basic({ plan: 'premium', endsAt: undefined }), at('2027-01-01T00:00:00Z'));
    expect(a.state.reminders).toEqual([]);
    expect(a.year(1)).toMatchObject({ included: 0, endsAt: '2028-01-01T00:00:00.000Z' });
    a.tick(at('2029-06-01T00:00:00Z'));
    expect(a.state.years.map((y) => [y.index, y.startsAt, y.endsAt, y.rolledOverToNext])).toEqual([
      [1, '2027-01-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z', 0],
      [2, '2028-01-01T00:00:00.000Z', '2029-01-01T00:00:00.000Z', 0],
      [3, '2029-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z', undefined],
    ]);
    expect(a.state.status).toBe('active');
  });
});

describe('quota years and rollover (Infotecs 000 §3)', () => {
  it('year 1 with 30 used rolls 10 into year 2 (allowance 50); billable tickets do not use the quota', () => {
    const a = started();
    a.resolveMany('y1', 30, '2027-06-01T10:00:00Z');
    a.resolved('bill', '2027-06-02T10:00:00Z', undefined, true);
    expect(dated(a.tick(at('2028-01-01T00:00:00Z')))).toEqual([
      ['yearEnded', '2028-01-01T00:00:00.000Z', { year: 1, used: 30, billable: 1, exchanged: 0, rolledOverToNext: 10 }],
      [
        'yearStarted',
        '2028-01-01T00:00:00.000Z',
        { year: 2, startsAt: '2028-01-01T00:00:00.000Z', endsAt: '2029-01-01T00:00:00.000Z', allowance: 50, rolledOver: 10 },
      ],
    ]);
    expect(a.year(1).rolledOverToNext).toBe(10);
    expect(a.year(2)).toMatchObject({ included: 40, rolledOver: 10, used: 0 });
  });

  it('rolls over only the year’s own unused tickets: 45 used of 50 rolls 0; 35 used of 50 rolls 5 (the 10 rolled over are not carried twice)', () => {
    const a = started();
    a.resolveMany('y1', 30, '2027-06-01T10:00:00Z');
    a.tick(at('2028-01-01T00:00:00Z'));
    a.resolveMany('y2', 45, '2028-06-01T10:00:00Z');
    a.tick(at('2029-01-01T00:00:00Z'));
    expect(a.year(2)).toMatchObject({ used: 45, rolledOver: 10, rolledOverToNext: 0 });
    expect(a.year(3)).toMatchObject({ rolledOver: 0, included: 40 });
    expect(rolloverOf(a.state, a.year(2))).toBe(0);

    const b = started();
    b.resolveMany('y1', 30, '2027-06-01T10:00:00Z');
    b.tick(at('2028-01-01T00:00:00Z'));
    b.resolveMany('y2', 35, '2028-06-01T10:00:00Z');
    b.tick(at('2029-01-01T00:00:00Z'));
    // rolloverOf: min(own unused 40 − 35, left 50 − 35) = 5: used tickets are taken from the year's own first.
    expect(b.year(2).rolledOverToNext).toBe(5);
    expect(b.year(3)).toMatchObject({ rolledOver: 5 });
  });

  it('exchanging unused tickets for Premium services reduces what is left and what rolls over', () => {
    const a = started();
    a.resolveMany('y1', 10, '2027-03-01T10:00:00Z');
    const events = a.ok(exchange, { by: manager, tickets: 20, for: 'Premium: one on-site visit' }, at('2027-09-01T12:00:00Z'));
    expect(dated(events)).toEqual([
      [
        'ticketsExchanged',
        '2027-09-01T12:00:00.000Z',
        { year: 1, tickets: 20, for: 'Premium: one on-site visit', exchanged: 20, left: 10 },
      ],
    ]);
    expect(events[0].actor).toEqual(manager);
    expect(a.year(1).exchanged).toEqual([{ tickets: 20, for: 'Premium: one on-site visit', at: '2027-09-01T12:00:00.000Z', by: manager }]);
    expect(a.run(exchange, { by: manager, tickets: 11, for: 'x' }, at('2027-09-02T00:00:00Z')).refused).toBe(
      'agreement year 1 has 10 unused tickets left, fewer than 11',
    );
    a.tick(at('2028-01-01T00:00:00Z'));
    expect(a.year(1).rolledOverToNext).toBe(10);
    expect(a.year(2).rolledOver).toBe(10);
    // Rolled-over tickets may be exchanged too; what is exchanged comes out of the year's own first.
    a.ok(exchange, { by: manager, tickets: 45, for: 'Premium: training' }, at('2028-02-01T00:00:00Z'));
    a.tick(at('2029-01-01T00:00:00Z'));
    expect(a.year(2).rolledOverToNext).toBe(0);
  });

  it('exchange is refused without a quota to exchange', () => {
    const ex = { by: manager, tickets: 1, for: 'x' };
    expect(made().run(exchange, ex, at('2026-12-02T00:00:00Z')).refused).toBe(
      'contract C1 is pending: only a year in force has tickets to exchange',
    );
    const premium = Agreement.agree(basic({ plan: 'premium' }), at('2027-01-01T00:00:00Z'));
    expect(premium.run(exchange, ex, at('2027-02-01T00:00:00Z')).refused).toBe('plan premium has no ticket quota');
    const isp = Agreement.agree(basic({ policyId: 'ispsystem', plan: 'standard', rules: ispsystem }), at('2027-01-01T00:00:00Z'));
    expect(isp.run(exchange, ex, at('2027-02-01T00:00:00Z')).refused).toBe('policy ispsystem offers no exchange of unused tickets');
    const one = started();
    one.resolveMany('y1', 39, '2027-03-01T10:00:00Z');
    expect(one.run(exchange, { ...ex, tickets: 2 }, at('2027-04-01T00:00:00Z')).refused).toBe(
      'agreement year 1 has 1 unused ticket left, fewer than 2',
    );
  });
});

describe('reminders and lapse', () => {
  it('60, 30 and 7 days before the end, each once at its instant; the term lapses at its end', () => {
    const a = started();
    a.tick(at('2029-11-01T23:59:59Z'));
    for (const [due, days] of [
      ['2029-11-02T00:00:00.000Z', 60],
      ['2029-12-02T00:00:00.000Z', 30],
      ['2029-12-25T00:00:00.000Z', 7],
    ] as const) {
      const events = a.tick(at(due));
      expect(dated(events)).toEqual([['reminderSent', due, { daysBefore: days, endsAt: '2030-01-01T00:00:00Z', dueAt: due, late: false }]]);
      expect(events[0].notify).toEqual({ event: 'termReminder', daysBefore: days, endsAt: '2030-01-01T00:00:00Z' });
      expect(a.tick(at(due))).toEqual([]);
    }
    expect(a.state.reminders.map((r) => [r.daysBefore, r.sentAt, r.late])).toEqual([
      [60, '2029-11-02T00:00:00.000Z', undefined],
      [30, '2029-12-02T00:00:00.000Z', undefined],
      [7, '2029-12-25T00:00:00.000Z', undefined],
    ]);
    expect(dated(a.tick(at('2030-01-01T00:00:00Z')))).toEqual([
      ['yearEnded', '2030-01-01T00:00:00.000Z', { year: 3, used: 0, billable: 0, exchanged: 0, rolledOverToNext: 40 }],
      ['lapsed', '2030-01-01T00:00:00.000Z', { endedOn: '2030-01-01T00:00:00Z' }],
    ]);
    expect(a.state.status).toBe('lapsed');
    expect(nextDue(a.state)).toBeUndefined();
    expect(a.tick(at('2031-01-01T00:00:00Z'))).toEqual([]);
  });

  it('woken late, it catches up in time order, each event at its own instant; woken after the end, it sends no reminder', () => {
    const a = made();
    const events = a.tick(at('2030-02-01T00:00:00Z'));
    expect(events.map((e) => [e.type, e.occurredAt])).toEqual([
      ['started', '2027-01-01T00:00:00.000Z'],
      ['yearStarted', '2027-01-01T00:00:00.000Z'],
      ['yearEnded', '2028-01-01T00:00:00.000Z'],
      ['yearStarted', '2028-01-01T00:00:00.000Z'],
      ['yearEnded', '2029-01-01T00:00:00.000Z'],
      ['yearStarted', '2029-01-01T00:00:00.000Z'],
      ['yearEnded', '2030-01-01T00:00:00.000Z'],
      ['lapsed', '2030-01-01T00:00:00.000Z'],
    ]);
    expect(a.state.years.map((y) => [y.rolledOver, y.rolledOverToNext])).toEqual([
      [0, 40],
      [40, 40],
      [40, 40],
    ]);
    // Each reminder is of an end already past when the workflow woke: skipped, none sent.
    expect(a.state.reminders).toEqual([
      { period: 0, daysBefore: 60, endsAt: '2030-01-01T00:00:00.000Z', dueAt: '2029-11-02T00:00:00.000Z', skipped: true },
      { period: 0, daysBefore: 30, endsAt: '2030-01-01T00:00:00.000Z', dueAt: '2029-12-02T00:00:00.000Z', skipped: true },
      { period: 0, daysBefore: 7, endsAt: '2030-01-01T00:00:00.000Z', dueAt: '2029-12-25T00:00:00.000Z', skipped: true },
    ]);
    expect(nextDue(a.state)).toBeUndefined();
    expect(a.tick(at('2031-01-01T00:00:00Z'))).toEqual([]);
  });

  it('woken between the 30- and the 7-day instants: only the 30-day reminder goes out, late, recorded when sent', () => {
    const a = made();
    const events = a.tick(at('2029-12-10T08:00:00Z'));
    expect(dated(events.filter((e) => e.type === 'reminderSent'))).toEqual([
      [
        'reminderSent',
        '2029-12-10T08:00:00.000Z',
        { daysBefore: 30, endsAt: '2030-01-01T00:00:00Z', dueAt: '2029-12-02T00:00:00.000Z', late: true },
      ],
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'started',
      'yearStarted',
      'yearEnded',
      'yearStarted',
      'yearEnded',
      'yearStarted',
      'reminderSent',
    ]);
    // The 60-day one is superseded by the 30-day one, also due; the 7-day one is still to come.
    expect(a.state.reminders).toEqual([
      { period: 0, daysBefore: 60, endsAt: '2030-01-01T00:00:00.000Z', dueAt: '2029-11-02T00:00:00.000Z', skipped: true },
      {
        period: 0,
        daysBefore: 30,
        endsAt: '2030-01-01T00:00:00.000Z',
        dueAt: '2029-12-02T00:00:00.000Z',
        sentAt: '2029-12-10T08:00:00.000Z',
        late: true,
      },
      { period: 0, daysBefore: 7, endsAt: '2030-01-01T00:00:00.000Z', dueAt: '2029-12-25T00:00:00.000Z' },
    ]);
    expect(renderTermReminder(events.at(-1)!, a.state).body.daysLeft).toBe(22);
    expect(dated(a.tick(at('2029-12-25T00:00:00Z')))).toEqual([
      [
        'reminderSent',
        '2029-12-25T00:00:00.000Z',
        { daysBefore: 7, endsAt: '2030-01-01T00:00:00Z', dueAt: '2029-12-25T00:00:00.000Z', late: false },
      ],
    ]);
  });

  it('woken after the 7-day instant but before the end: the 7-day reminder alone goes out, late', () => {
    const a = started();
    a.tick(at('2029-10-01T00:00:00Z'));
    const events = a.tick(at('2029-12-28T00:00:00Z'));
    expect(dated(events)).toEqual([
      [
        'reminderSent',
        '2029-12-28T00:00:00.000Z',
        { daysBefore: 7, endsAt: '2030-01-01T00:00:00Z', dueAt: '2029-12-25T00:00:00.000Z', late: true },
      ],
    ]);
    expect(a.state.reminders.map((r) => [r.daysBefore, r.skipped, r.sentAt, r.late])).toEqual([
      [60, true, undefined, undefined],
      [30, true, undefined, undefined],
      [7, undefined, '2029-12-28T00:00:00.000Z', true],
    ]);
  });

  it('within a minute of its instant a reminder is on time, recorded at its due instant; past a minute it is late', () => {
    const a = started();
    a.tick(at('2029-11-01T00:00:00Z'));
    const onTime = a.tick(at('2029-11-02T00:01:00Z'));
    expect(onTime.map((e) => [e.type, e.occurredAt, e.data.late])).toEqual([['reminderSent', '2029-11-02T00:00:00.000Z', false]]);
    expect(a.state.reminders[0]).toEqual({
      period: 0,
      daysBefore: 60,
      endsAt: '2030-01-01T00:00:00.000Z',
      dueAt: '2029-11-02T00:00:00.000Z',
      sentAt: '2029-11-02T00:01:00.000Z',
    });
    const late = a.tick(at('2029-12-02T00:01:00.001Z'));
    expect(late.map((e) => [e.type, e.occurredAt, e.data.late])).toEqual([['reminderSent', '2029-12-02T00:01:00.001Z', true]]);
    expect(a.state.reminders[1]).toMatchObject({ sentAt: '2029-12-02T00:01:00.001Z', late: true });
  });

  it('a reminder sent late tells how many days are really left', () => {
    const a = started();
    a.tick(at('2029-12-24T00:00:00Z'));
    const sent = a.tick(at('2029-12-29T00:00:00Z'));
    expect(dated(sent)).toEqual([
      [
        'reminderSent',
        '2029-12-29T00:00:00.000Z',
        { daysBefore: 7, endsAt: '2030-01-01T00:00:00Z', dueAt: '2029-12-25T00:00:00.000Z', late: true },
      ],
    ]);
    expect(a.state.reminders[2]).toMatchObject({ sentAt: '2029-12-29T00:00:00.000Z', late: true });
    // Recorded at the instant it went out, so the message counts the days really left.
    const message = renderTermReminder(sent[0], a.state);
    expect(message.body.daysLeft).toBe(3);
    expect(message.subject).toBe('Your support agreement C1 ends on 2030-01-01 00:00 UTC (in 3 days)');
  });

  it('made 20 days before its end: 60 is skipped, 30 (the nearest past) goes out at once, late, 7 at its instant', () => {
    const now = at('2029-12-12T09:30:00Z');
    const a = Agreement.agree(basic({ startsAt: '2029-12-12T09:30:00Z' }), now);
    // The 30-day reminder keeps its own due instant (2029-12-02), before the start, so it fires first; it is recorded when sent.
    expect(dated(a.agreed).slice(1)).toEqual([
      [
        'reminderSent',
        '2029-12-12T09:30:00.000Z',
        { daysBefore: 30, endsAt: '2030-01-01T00:00:00Z', dueAt: '2029-12-02T00:00:00.000Z', late: true },
      ],
      ['started', '2029-12-12T09:30:00.000Z', { period: 0, startsAt: '2029-12-12T09:30:00Z' }],
      [
        'yearStarted',
        '2029-12-12T09:30:00.000Z',
        { year: 1, startsAt: '2029-12-12T09:30:00.000Z', endsAt: '2030-01-01T00:00:00.000Z', allowance: 40, rolledOver: 0 },
      ],
    ]);
    expect(renderTermReminder(a.agreed[1], a.state).body.daysLeft).toBe(20);
    expect(a.state.reminders).toEqual([
      { period: 0, daysBefore: 60, endsAt: '2030-01-01T00:00:00.000Z', dueAt: '2029-11-02T00:00:00.000Z', skipped: true },
      {
        period: 0,
        daysBefore: 30,
        endsAt: '2030-01-01T00:00:00.000Z',
        dueAt: '2029-12-02T00:00:00.000Z',
        sentAt: '2029-12-12T09:30:00.000Z',
        late: true,
      },
      { period: 0, daysBefore: 7, endsAt: '2030-01-01T00:00:00.000Z', dueAt: '2029-12-25T00:00:00.000Z' },
    ]);
    expect(a.tick(at('2029-12-24T23:59:59Z'))).toEqual([]);
    expect(types(a.tick(at('2029-12-25T00:00:00Z')))).toEqual(['reminderSent']);
    expect(a.state.reminders[2].sentAt).toBe('2029-12-25T00:00:00.000Z');
  });
});

describe('renew', () => {
  it('contiguous: year 4 opens at the old end with the rollover; the old end’s unsent reminders give way to the new end’s', () => {
    const a = started();
    a.tick(at('2029-06-01T10:00:00Z'));
    a.resolveMany('y3', 25, '2029-06-01T10:00:00Z');
    const events = a.ok(renew, { by: manager, endsAt: '2031-01-01T00:00:00Z', reason: 'renewed for a year' }, at('2029-10-15T00:00:00Z'));
    expect(dated(events)).toEqual([
      [
        'renewed',
        '2029-10-15T00:00:00.000Z',
        { startsAt: '2030-01-01T00:00:00.000Z', endsAt: '2031-01-01T00:00:00Z', reason: 'renewed for a year', version: 2 },
      ],
    ]);
    expect(a.state.version).toBe(2);
    expect(a.state.periods[1]).toEqual({
      startsAt: '2030-01-01T00:00:00.000Z',
      endsAt: '2031-01-01T00:00:00Z',
      renewal: true,
      at: '2029-10-15T00:00:00.000Z',
    });
    expect(a.state.reminders).toEqual([
      { period: 1, daysBefore: 60, endsAt: '2031-01-01T00:00:00.000Z', dueAt: '2030-11-02T00:00:00.000Z' },
      { period: 1, daysBefore: 30, endsAt: '2031-01-01T00:00:00.000Z', dueAt: '2030-12-02T00:00:00.000Z' },
      { period: 1, daysBefore: 7, endsAt: '2031-01-01T00:00:00.000Z', dueAt: '2030-12-25T00:00:00.000Z' },
    ]);
    expect(dated(a.tick(at('2030-01-01T00:00:00Z')))).toEqual([
      ['yearEnded', '2030-01-01T00:00:00.000Z', { year: 3, used: 25, billable: 0, exchanged: 0, rolledOverToNext: 15 }],
      [
        'yearStarted',
        '2030-01-01T00:00:00.000Z',
        { year: 4, startsAt: '2030-01-01T00:00:00.000Z', endsAt: '2031-01-01T00:00:00.000Z', allowance: 55, rolledOver: 15 },
      ],
    ]);
    expect(a.state.status).toBe('active');
    expect(a.year(4).period).toBe(1);
  });

  it('after a lapse: starts now, forfeits the rollover, lapsed → active', () => {
    const a = started();
    a.tick(at('2030-01-01T00:00:00Z'));
    expect(a.state.status).toBe('lapsed');
    expect(a.year(3).rolledOverToNext).toBe(40);
    const events = a.ok(renew, { by: manager, endsAt: '2031-03-01T00:00:00Z' }, at('2030-03-01T12:00:00Z'));
    expect(dated(events)).toEqual([
      [
        'renewed',
        '2030-03-01T12:00:00.000Z',
        { startsAt: '2030-03-01T12:00:00.000Z', endsAt: '2031-03-01T00:00:00Z', reason: null, version: 2 },
      ],
      ['started', '2030-03-01T12:00:00.000Z', { period: 1, startsAt: '2030-03-01T12:00:00.000Z' }],
      [
        'yearStarted',
        '2030-03-01T12:00:00.000Z',
        { year: 4, startsAt: '2030-03-01T12:00:00.000Z', endsAt: '2031-03-01T00:00:00.000Z', allowance: 40, rolledOver: 0 },
      ],
    ]);
    expect(a.state.status).toBe('active');
    expect(a.state.reminders.filter((r) => r.period === 1).map((r) => r.dueAt)).toEqual([
      '2030-12-31T00:00:00.000Z',
      '2031-01-30T00:00:00.000Z',
      '2031-02-22T00:00:00.000Z',
    ]);
  });

  it('renewalStart without a start: the current end, or after a lapse now truncated to the second', () => {
    const a = started();
    expect(renewalStart(a.state, { by: manager, endsAt: '2031-01-01T00:00:00Z' }, at('2029-10-15T08:30:45.678Z'))).toBe(
      at('2030-01-01T00:00:00Z'),
    );
    a.tick(at('2030-01-01T00:00:00Z'));
    const now = at('2030-03-01T12:00:07.999Z');
    expect(renewalStart(a.state, { by: manager, endsAt: '2031-03-01T00:00:00Z' }, now)).toBe(at('2030-03-01T12:00:07Z'));
    expect(renewalStart(a.state, { by: manager, startsAt: '2030-04-01T00:00:00Z', endsAt: '2031-03-01T00:00:00Z' }, now)).toBe(
      at('2030-04-01T00:00:00Z'),
    );
    const events = a.ok(renew, { by: manager, endsAt: '2031-03-01T00:00:00Z' }, now);
    expect(dated(events).slice(0, 2)).toEqual([
      [
        'renewed',
        '2030-03-01T12:00:07.999Z',
        { startsAt: '2030-03-01T12:00:07.000Z', endsAt: '2031-03-01T00:00:00Z', reason: null, version: 2 },
      ],
      ['started', '2030-03-01T12:00:07.000Z', { period: 1, startsAt: '2030-03-01T12:00:07.000Z' }],
    ]);
    expect(a.year(4).startsAt).toBe('2030-03-01T12:00:07.000Z');
  });

  it('a later start leaves a gap: the term lapses at its end and the renewal starts at its own start', () => {
    const a = started();
    a.ok(renew, { by: manager, startsAt: '2030-02-01T00:00:00Z', endsAt: '2031-02-01T00:00:00Z' }, at('2029-12-01T00:00:00Z'));
    const events = a.tick(at('2030-02-01T00:00:00Z'));
    expect(events.map((e) => [e.type, e.occurredAt])).toEqual([
      ['yearEnded', '2030-01-01T00:00:00.000Z'],
      ['lapsed', '2030-01-01T00:00:00.000Z'],
      ['started', '2030-02-01T00:00:00.000Z'],
      ['yearStarted', '2030-02-01T00:00:00.000Z'],
    ]);
    expect(events[2].data).toEqual({ period: 1, startsAt: '2030-02-01T00:00:00.000Z' });
    expect(events[3].data).toEqual({
      year: 4,
      startsAt: '2030-02-01T00:00:00.000Z',
      endsAt: '2031-02-01T00:00:00.000Z',
      allowance: 40,
      rolledOver: 0,
    });
    expect(a.state.status).toBe('active');
  });

  it('the lapse before a later renewal names the end of the term that lapsed', () => {
    const a = started();
    a.ok(renew, { by: manager, startsAt: '2030-02-01T00:00:00Z', endsAt: '2031-02-01T00:00:00Z' }, at('2029-12-01T00:00:00Z'));
    const lapsed = a.tick(at('2030-01-15T00:00:00Z')).find((e) => e.type === 'lapsed');
    expect(a.state.status).toBe('lapsed');
    // Not the end of the renewal still to come (2031-02-01).
    expect(lapsed?.data).toEqual({ endedOn: '2030-01-01T00:00:00Z' });
  });

  it('is refused for an open-ended term, before the current end, ending before it starts, and once ended', () => {
    const open = Agreement.agree(basic({ endsAt: undefined }), at('2027-01-01T00:00:00Z'));
    expect(open.run(renew, { by: manager, endsAt: '2031-01-01T00:00:00Z' }, at('2028-01-01T00:00:00Z')).refused).toBe(
      'contract C1 is open-ended: there is no end to renew from',
    );
    const a = started();
    expect(
      a.run(renew, { by: manager, startsAt: '2029-12-31T23:59:59Z', endsAt: '2031-01-01T00:00:00Z' }, at('2029-06-01T00:00:00Z')).refused,
    ).toBe('a renewal starts when the current term ends (2030-01-01T00:00:00Z) or later');
    expect(a.run(renew, { by: manager, endsAt: '2030-01-01T00:00:00Z' }, at('2029-06-01T00:00:00Z')).refused).toBe(
      'the renewed term ends after it starts (2030-01-01T00:00:00.000Z)',
    );
    a.ok(end, { by: manager, reason: 'customer left' }, at('2029-06-01T00:00:00Z'));
    expect(a.run(renew, { by: manager, endsAt: '2031-01-01T00:00:00Z' }, at('2029-06-02T00:00:00Z')).refused).toBe(
      'contract C1 was ended on 2029-06-01',
    );
    expect(a.state.version).toBe(2);
  });
});

describe('end', () => {
  it('ends for good: status ended, its open year rolls nothing, unsent reminders dropped, nothing more due', () => {
    const a = started();
    a.tick(at('2029-06-01T10:00:00Z'));
    a.resolveMany('y3', 5, '2029-06-01T10:00:00Z');
    a.tick(at('2029-11-02T00:00:00Z')); // the 60-day reminder went out
    const events = a.ok(end, { by: manager, reason: 'customer left' }, at('2029-11-10T08:00:00Z'));
    expect(dated(events)).toEqual([['ended', '2029-11-10T08:00:00.000Z', { reason: 'customer left', version: 2, exchanged: 0 }]]);
    expect(a.state).toMatchObject({ status: 'ended', endedAt: '2029-11-10T08:00:00.000Z', endedReason: 'customer left', version: 2 });
    expect(a.year(3)).toMatchObject({ used: 5, rolledOverToNext: 0 });
    expect(a.state.reminders).toEqual([
      {
        period: 0,
        daysBefore: 60,
        endsAt: '2030-01-01T00:00:00.000Z',
        dueAt: '2029-11-02T00:00:00.000Z',
        sentAt: '2029-11-02T00:00:00.000Z',
      },
    ]);
    expect(nextDue(a.state)).toBeUndefined();
    expect(a.tick(at('2031-01-01T00:00:00Z'))).toEqual([]);
    expect(a.run(end, { by: manager, reason: 'again' }, at('2029-11-11T00:00:00Z')).refused).toBe('contract C1 was ended on 2029-11-10');
  });
});

describe('change', () => {
  it('moving the end earlier rebounds the open year and reschedules the reminders; the term lapses at the new end', () => {
    const a = started();
    a.tick(at('2028-03-01T00:00:00Z'));
    const events = a.ok(change, changeOf(a.state, { endsAt: '2028-09-01T00:00:00Z' }), at('2028-03-01T00:00:00Z'));
    expect(dated(events)).toEqual([
      [
        'changed',
        '2028-03-01T00:00:00.000Z',
        { version: 2, reason: 'agreed with the customer', changed: ['endsAt'], endsAt: '2028-09-01T00:00:00.000Z' },
      ],
    ]);
    expect(events[0].actor).toEqual(manager);
    expect(a.state.version).toBe(2);
    expect(a.state.periods[0].endsAt).toBe('2028-09-01T00:00:00.000Z');
    expect(a.year(2)).toMatchObject({ startsAt: '2028-01-01T00:00:00.000Z', endsAt: '2028-09-01T00:00:00.000Z' });
    expect(a.state.reminders).toEqual([
      { period: 0, daysBefore: 60, endsAt: '2028-09-01T00:00:00.000Z', dueAt: '2028-07-03T00:00:00.000Z' },
      { period: 0, daysBefore: 30, endsAt: '2028-09-01T00:00:00.000Z', dueAt: '2028-08-02T00:00:00.000Z' },
      { period: 0, daysBefore: 7, endsAt: '2028-09-01T00:00:00.000Z', dueAt: '2028-08-25T00:00:00.000Z' },
    ]);
    // Woken at each instant (a single wake-up at the end would skip them all: their end is past).
    const sent = ['2028-07-03T00:00:00Z', '2028-08-02T00:00:00Z', '2028-08-25T00:00:00Z'].flatMap((t) => a.tick(at(t)));
    expect(sent.map((e) => [e.type, e.occurredAt, e.data.late])).toEqual([
      ['reminderSent', '2028-07-03T00:00:00.000Z', false],
      ['reminderSent', '2028-08-02T00:00:00.000Z', false],
      ['reminderSent', '2028-08-25T00:00:00.000Z', false],
    ]);
    expect(a.tick(at('2028-09-01T00:00:00Z')).map((e) => [e.type, e.occurredAt])).toEqual([
      ['yearEnded', '2028-09-01T00:00:00.000Z'],
      ['lapsed', '2028-09-01T00:00:00.000Z'],
    ]);
  });

  it('open-ended: the open year keeps its twelve months, the unsent reminders go', () => {
    const a = started();
    a.ok(change, changeOf(a.state, { endsAt: null }), at('2027-03-01T00:00:00Z'));
    expect(a.state.periods[0].endsAt).toBeUndefined();
    expect(a.state.reminders).toEqual([]);
    expect(a.year(1).endsAt).toBe('2028-01-01T00:00:00.000Z');
  });

  it('other terms: what changed is named, the version bumps, the reminders and years stay', () => {
    const a = started();
    const before = JSON.stringify([a.state.years, a.state.reminders, a.state.periods]);
    const licences = [{ licenceId: 'L-1', product: 'ViPNet Coordinator HW', major: '4', extensions: [] }];
    const events = a.ok(
      change,
      changeOf(a.state, { licences, contactEmail: 'it@acme.example', reason: 'new licence' }),
      at('2027-05-01T00:00:00Z'),
    );
    expect(events[0].data).toEqual({
      version: 2,
      reason: 'new licence',
      changed: ['licences', 'contactEmail'],
      endsAt: '2030-01-01T00:00:00Z',
    });
    expect(a.state).toMatchObject({ version: 2, licences, contactEmail: 'it@acme.example' });
    expect(JSON.stringify([a.state.years, a.state.reminders, a.state.periods])).toBe(before);
    a.ok(change, changeOf(a.state, { contactEmail: undefined }), at('2027-05-02T00:00:00Z'));
    expect(a.state.version).toBe(3);
    expect('contactEmail' in a.state).toBe(false);
  });

  it('is refused for another customer or policy, an end before the start or in the past, and once ended', () => {
    const a = started();
    const now = at('2028-03-01T00:00:00Z');
    expect(a.run(change, changeOf(a.state, { customerId: 'globex' }), now).refused).toBe(
      "contract C1 is customer acme's; its customer cannot change",
    );
    expect(a.run(change, changeOf(a.state, { policyId: 'ispsystem' }), now).refused).toBe(
      'contract C1 is under policy infotecs; make a new agreement for another policy',
    );
    expect(a.run(change, changeOf(a.state, { endsAt: '2027-01-01T00:00:00Z' }), now).refused).toBe(
      'the term ends after it starts (2027-01-01T00:00:00Z)',
    );
    expect(a.run(change, changeOf(a.state, { endsAt: '2028-02-01T00:00:00Z' }), now).refused).toBe(
      'the term cannot be moved to end in the past; end the agreement instead',
    );
    expect(a.state.version).toBe(1);
    a.ok(end, { by: manager, reason: 'x' }, now);
    expect(a.run(change, changeOf(a.state), now).refused).toBe('contract C1 was ended on 2028-03-01');
  });

  it('extending the end after some reminders went out reminds again, each once, before the new end', () => {
    const a = started();
    for (const t of ['2029-11-02T00:00:00Z', '2029-12-02T00:00:00Z', '2029-12-10T00:00:00Z']) a.tick(at(t)); // 60 and 30 days before 2030-01-01 sent
    a.ok(change, changeOf(a.state, { endsAt: '2030-07-01T00:00:00Z', reason: 'extended by six months' }), at('2029-12-10T00:00:00Z'));
    const old = { period: 0, endsAt: '2030-01-01T00:00:00.000Z' };
    const next = { period: 0, endsAt: '2030-07-01T00:00:00.000Z' };
    // Once per (term, daysBefore, end): those sent for the old end stay; the new end gets its own, the old end's unsent 7-day one goes.
    expect(a.state.reminders).toEqual([
      { ...old, daysBefore: 60, dueAt: '2029-11-02T00:00:00.000Z', sentAt: '2029-11-02T00:00:00.000Z' },
      { ...old, daysBefore: 30, dueAt: '2029-12-02T00:00:00.000Z', sentAt: '2029-12-02T00:00:00.000Z' },
      { ...next, daysBefore: 60, dueAt: '2030-05-02T00:00:00.000Z' },
      { ...next, daysBefore: 30, dueAt: '2030-06-01T00:00:00.000Z' },
      { ...next, daysBefore: 7, dueAt: '2030-06-24T00:00:00.000Z' },
    ]);
    const instants = [
      '2030-01-01T00:00:00Z',
      '2030-05-02T00:00:00Z',
      '2030-06-01T00:00:00Z',
      '2030-06-24T00:00:00Z',
      '2030-07-01T00:00:00Z',
    ];
    expect(instants.flatMap((t) => a.tick(at(t))).map((e) => [e.type, e.occurredAt, e.data.endsAt ?? e.data.endedOn])).toEqual([
      ['yearEnded', '2030-01-01T00:00:00.000Z', undefined],
      ['yearStarted', '2030-01-01T00:00:00.000Z', '2030-07-01T00:00:00.000Z'],
      ['reminderSent', '2030-05-02T00:00:00.000Z', '2030-07-01T00:00:00.000Z'],
      ['reminderSent', '2030-06-01T00:00:00.000Z', '2030-07-01T00:00:00.000Z'],
      ['reminderSent', '2030-06-24T00:00:00.000Z', '2030-07-01T00:00:00.000Z'],
      ['yearEnded', '2030-07-01T00:00:00.000Z', undefined],
      ['lapsed', '2030-07-01T00:00:00.000Z', '2030-07-01T00:00:00.000Z'],
    ]);
  });

  it('extending the end to one whose reminders are partly past: the nearest past goes out at once, late', () => {
    const a = started();
    for (const t of ['2029-11-02T00:00:00Z', '2029-12-02T00:00:00Z']) a.tick(at(t));
    const events = a.ok(change, changeOf(a.state, { endsAt: '2030-01-20T00:00:00Z' }), at('2029-12-10T06:00:00Z'));
    expect(dated(events)).toEqual([
      [
        'changed',
        '2029-12-10T06:00:00.000Z',
        { version: 2, reason: 'agreed with the customer', changed: ['endsAt'], endsAt: '2030-01-20T00:00:00.000Z' },
      ],
      [
        'reminderSent',
        '2029-12-10T06:00:00.000Z',
        { daysBefore: 60, endsAt: '2030-01-20T00:00:00.000Z', dueAt: '2029-11-21T00:00:00.000Z', late: true },
      ],
    ]);
    expect(a.state.reminders.filter((r) => r.endsAt === '2030-01-20T00:00:00.000Z').map((r) => [r.daysBefore, r.dueAt, r.sentAt])).toEqual([
      [60, '2029-11-21T00:00:00.000Z', '2029-12-10T06:00:00.000Z'],
      [30, '2029-12-21T00:00:00.000Z', undefined],
      [7, '2030-01-13T00:00:00.000Z', undefined],
    ]);
  });

  it('the end is compared as an instant: another spelling of the same end changes nothing; a new one is stored normalised', () => {
    const a = started();
    a.tick(at('2029-11-02T00:00:00Z'));
    const before = JSON.stringify([a.state.years, a.state.reminders, a.state.periods]);
    const same = a.ok(change, changeOf(a.state, { endsAt: '2030-01-01T03:00:00.000+03:00' }), at('2029-11-03T00:00:00Z'));
    expect(same.map((e) => e.data)).toEqual([
      { version: 2, reason: 'agreed with the customer', changed: [], endsAt: '2030-01-01T00:00:00Z' },
    ]);
    expect(JSON.stringify([a.state.years, a.state.reminders, a.state.periods])).toBe(before);
    // Moved an hour earlier, in another offset.
    const moved = a.ok(change, changeOf(a.state, { endsAt: '2030-01-01T00:00:00+01:00' }), at('2029-11-03T00:00:00Z'));
    expect(dated(moved)).toEqual([
      [
        'changed',
        '2029-11-03T00:00:00.000Z',
        { version: 3, reason: 'agreed with the customer', changed: ['endsAt'], endsAt: '2029-12-31T23:00:00.000Z' },
      ],
      [
        'reminderSent',
        '2029-11-03T00:00:00.000Z',
        { daysBefore: 60, endsAt: '2029-12-31T23:00:00.000Z', dueAt: '2029-11-01T23:00:00.000Z', late: true },
      ],
    ]);
    expect(a.state.periods[0].endsAt).toBe('2029-12-31T23:00:00.000Z');
    expect(a.year(3).endsAt).toBe('2029-12-31T23:00:00.000Z');
    // A new end: the 60-day reminder of the old end stays sent; that of the new end is already past and goes out at once.
    expect(a.state.reminders.map((r) => [r.daysBefore, r.endsAt, r.sentAt])).toEqual([
      [60, '2030-01-01T00:00:00.000Z', '2029-11-02T00:00:00.000Z'],
      [60, '2029-12-31T23:00:00.000Z', '2029-11-03T00:00:00.000Z'],
      [30, '2029-12-31T23:00:00.000Z', undefined],
      [7, '2029-12-31T23:00:00.000Z', undefined],
    ]);
  });

  it('a lapsed agreement’s end is not moved: renew it for a new term instead; its other terms still change', () => {
    const a = started();
    a.tick(at('2030-01-01T00:00:00Z'));
    const now = at('2030-02-01T00:00:00Z');
    const refusal = 'contract C1 has lapsed: renew it for a new term instead';
    expect(a.run(change, changeOf(a.state, { endsAt: '2031-01-01T00:00:00Z' }), now).refused).toBe(refusal);
    expect(a.run(change, changeOf(a.state, { endsAt: null }), now).refused).toBe(refusal);
    expect(a.state).toMatchObject({ status: 'lapsed', version: 1 });
    // The same end (in any spelling), or none given, is no move.
    const events = a.ok(
      change,
      changeOf(a.state, { endsAt: '2030-01-01T00:00:00.000Z', contactEmail: 'it@acme.example', reason: 'new contact' }),
      now,
    );
    expect(events.map((e) => e.data)).toEqual([
      { version: 2, reason: 'new contact', changed: ['contactEmail'], endsAt: '2030-01-01T00:00:00Z' },
    ]);
    a.ok(change, changeOf(a.state, { contactEmail: 'ops@acme.example' }), now);
    expect(a.state).toMatchObject({ status: 'lapsed', version: 3, contactEmail: 'ops@acme.example' });
    expect(a.state.periods[0].endsAt).toBe('2030-01-01T00:00:00Z');
    expect(nextDue(a.state)).toBeUndefined();
    // Renewing is the way back.
    a.ok(renew, { by: manager, endsAt: '2031-01-01T00:00:00Z' }, now);
    expect(a.state.status).toBe('active');
  });
});

describe('countTicket', () => {
  it('counts a resolved ticket once, in the year of its resolution; a repeated report is a no-op', () => {
    const a = started();
    expect(dated(a.resolved('T-1', '2027-02-01T10:00:00Z', at('2027-02-01T10:00:05Z')))).toEqual([
      ['ticketCounted', '2027-02-01T10:00:05.000Z', { ticketId: 'T-1', year: 1, billable: false, used: 1, left: 39 }],
    ]);
    expect(a.year(1)).toMatchObject({ used: 1, billable: 0, ticketIds: ['T-1'] });
    const before = a.state;
    const again = countTicket(
      frozen(before),
      { ticketId: 'T-1', resolvedAt: '2027-03-01T00:00:00Z', billable: false },
      at('2027-03-01T00:00:00Z'),
    );
    expect(again.events).toEqual([]);
    expect(again.state).toEqual(before);
  });

  it('a billable ticket is counted apart and leaves the quota as it was', () => {
    const a = started();
    expect(a.resolved('T-2', '2027-02-01T10:00:00Z', undefined, true)[0].data).toEqual({
      ticketId: 'T-2',
      year: 1,
      billable: true,
      used: 0,
      left: 40,
    });
    expect(a.year(1)).toMatchObject({ used: 0, billable: 1, ticketIds: ['T-2'] });
  });

  it('a late report into a year already ended settles its rollover again, and the next year’s rolledOver', () => {
    const a = started();
    a.resolveMany('y1', 30, '2027-06-01T10:00:00Z');
    a.tick(at('2028-01-01T00:00:00Z'));
    expect([a.year(1).rolledOverToNext, a.year(2).rolledOver]).toEqual([10, 10]);
    expect(a.resolved('late', '2027-12-31T23:59:59Z', at('2028-01-01T00:05:00Z'))[0].data).toEqual({
      ticketId: 'late',
      year: 1,
      billable: false,
      used: 31,
      left: 9,
    });
    expect([a.year(1).rolledOverToNext, a.year(2).rolledOver, a.year(2).used]).toEqual([9, 9, 0]);
  });

  it('a ticket resolved after the term counts in its last year; before any year there is nothing to count', () => {
    const a = started();
    a.tick(at('2030-01-01T00:00:00Z'));
    a.resolved('after', '2030-01-05T00:00:00Z');
    expect(a.year(3)).toMatchObject({ used: 1, rolledOverToNext: 39 });
    const pending = made();
    const step = countTicket(
      frozen(pending.state),
      { ticketId: 'x', resolvedAt: '2026-12-02T00:00:00Z', billable: false },
      at('2026-12-02T00:00:00Z'),
    );
    expect(step.events).toEqual([]);
  });

  it('a ticket resolved past a year end the workflow has not fired yet counts in the new year; the fired events come back too', () => {
    const a = started();
    a.resolveMany('y1', 40, '2027-06-01T10:00:00Z');
    // The year-end timer and the ticket's signal can reach the shell in one activation, signal first.
    const events = a.resolved('new', '2028-01-01T00:00:05Z', at('2028-01-01T00:00:10Z'));
    expect(dated(events)).toEqual([
      ['yearEnded', '2028-01-01T00:00:00.000Z', { year: 1, used: 40, billable: 0, exchanged: 0, rolledOverToNext: 0 }],
      [
        'yearStarted',
        '2028-01-01T00:00:00.000Z',
        { year: 2, startsAt: '2028-01-01T00:00:00.000Z', endsAt: '2029-01-01T00:00:00.000Z', allowance: 40, rolledOver: 0 },
      ],
      ['ticketCounted', '2028-01-01T00:00:10.000Z', { ticketId: 'new', year: 2, billable: false, used: 1, left: 39 }],
    ]);
    expect(a.state.years.map((y) => [y.index, y.used])).toEqual([
      [1, 40],
      [2, 1],
    ]);
  });

  it('reported after an unfired year end, a ticket resolved before it lands in its own year and settles the rollover', () => {
    const a = started();
    a.resolveMany('y1', 30, '2027-06-01T10:00:00Z');
    const events = a.resolved('late', '2027-12-31T23:59:59Z', at('2028-01-01T00:00:10Z'));
    expect(types(events)).toEqual(['yearEnded', 'yearStarted', 'ticketCounted']);
    expect(events[2].data).toEqual({ ticketId: 'late', year: 1, billable: false, used: 31, left: 9 });
    expect([a.year(1).rolledOverToNext, a.year(2).rolledOver, a.year(2).used]).toEqual([9, 9, 0]);
  });

  it('a repeated report still returns what time did before it, and counts nothing', () => {
    const a = started();
    a.resolved('T-1', '2027-06-01T10:00:00Z');
    const events = a.resolved('T-1', '2027-06-01T10:00:00Z', at('2028-01-01T00:00:00Z'));
    expect(types(events)).toEqual(['yearEnded', 'yearStarted']);
    expect([a.year(1).used, a.year(2).used]).toEqual([1, 0]);
  });
});

describe('purity', () => {
  it('no transition changes the state it is given', () => {
    const a = started();
    a.resolveMany('y1', 12, '2027-06-01T10:00:00Z');
    const s = a.state;
    const json = JSON.stringify(s);
    const now = at('2029-01-15T00:00:00Z');
    const steps: AgreementStep[] = [
      change.apply(s, changeOf(s, { endsAt: '2029-06-01T00:00:00Z' }), now),
      renew.apply(s, { by: manager, endsAt: '2031-01-01T00:00:00Z' }, now),
      end.apply(s, { by: manager, reason: 'x' }, now),
      exchange.apply(s, { by: manager, tickets: 3, for: 'x' }, now),
      countTicket(s, { ticketId: 'p', resolvedAt: '2027-07-01T00:00:00Z', billable: false }, now),
    ];
    const d = draft(s, now);
    fireDue(d);
    expect(JSON.stringify(s)).toBe(json);
    for (const step of steps) expect(step.state).not.toBe(s);
    expect(d.state.years).toHaveLength(3);
    expect(s.years).toHaveLength(1);
  });
});
