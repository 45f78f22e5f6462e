/**
 * The lifecycle state machine (workflows/lifecycle/) without Temporal or a database: registration,
 * every advance, late and changed notice, every phase change in time order, every command with its
 * refusals, minor releases (ISPsystem 8.1/8.3) and pilots. Plans come from the real lifecyclePlan;
 * the fixtures chain the steps as the shell does and freeze every state handed to a transition.
 */
import { catalog } from '../../../policies/index';
import {
  announceNextMajor,
  checkMoves,
  extendSupport,
  lifecycleCommands,
  recordMinorRelease,
  requestPilot,
  setEndOfSales,
  todayIn,
} from '../../../workflows/lifecycle/commands';
import type { StartLifecycleInput } from '../../../workflows/lifecycle/contract';
import { nextInstant, refreshNext, registrationState, SYSTEM } from '../../../workflows/lifecycle/machine';
import { currentDetails } from '../../../workflows/lifecycle/view';
import { admin, at, customer, DAY, frozen, LifecycleScenario, manager, types, validate } from './fixtures';

const REGISTERED = at('2026-03-02T09:00:00Z');

/** An Infotecs product (000 §2 lifecycle rules); dates are days in Moscow (UTC+3, no summer time). */
const coordinator = (fields: Partial<StartLifecycleInput> = {}): StartLifecycleInput => ({
  product: 'vipnet-coordinator',
  productName: 'ViPNet Coordinator HW',
  policyId: 'infotecs',
  major: '4',
  zone: 'Europe/Moscow',
  ga: '2026-06-01',
  by: admin,
  ...fields,
});

/** An ISPsystem product (no major-version rules; minor releases per 8.1). */
const ispProduct = (productName: string, fields: Partial<StartLifecycleInput> = {}): StartLifecycleInput => ({
  product: productName.toLowerCase(),
  productName,
  policyId: 'ispsystem',
  major: '6',
  zone: 'UTC',
  ga: '2024-02-01',
  by: admin,
  ...fields,
});

const base = (s: LifecycleScenario) => ({ workflowId: s.state.workflowId, product: s.state.product, version: s.state.major });
const dated = (events: Array<{ type: string; occurredAt: string; data: Record<string, unknown> }>) =>
  events.map((e) => [e.type, e.occurredAt, e.data]);

describe('registration', () => {
  it('on time: announced before GA, each milestone to be announced six months ahead, GA next', () => {
    const s = LifecycleScenario.register(coordinator(), REGISTERED);
    const milestones = {
      eoms: '2030-06-01', // GA + 4 years (000 §2 five-year floor)
      eol: '2031-06-01',
      provisional: true,
      notices: [
        { milestone: 'eoms', sendOn: '2029-12-01' },
        { milestone: 'eol', sendOn: '2030-12-01' },
      ],
      policyVersion: 1,
    };
    expect(s.registration.plan).toMatchObject({
      milestones,
      changesAt: { ga: '2026-05-31T21:00:00.000Z', eoms: '2030-06-01T21:00:00.000Z', eol: '2031-06-01T21:00:00.000Z' },
      noticeDueAt: { eoms: '2029-11-30T21:00:00.000Z', eol: '2030-11-30T21:00:00.000Z' },
      today: '2026-03-02',
      earliest: '2026-09-02',
      rulesVersion: 'infotecs@1',
      rules: catalog.infotecs.lifecycle,
    });
    expect(s.events).toEqual([
      {
        ...base(s),
        seq: 1,
        type: 'registered',
        occurredAt: '2026-03-02T09:00:00.000Z',
        actor: admin,
        data: { ga: '2026-06-01', eos: null, milestones, phase: 'announced', zone: 'Europe/Moscow', rules: 'infotecs@1' },
      },
    ]);
    expect(s.state).toMatchObject({
      workflowId: 'lifecycle-vipnet-coordinator-4',
      phase: 'announced',
      onSale: false,
      inputs: { ga: '2026-06-01' },
      milestones,
      rulesVersion: 'infotecs@1',
      registeredAt: '2026-03-02T09:00:00.000Z',
      updatedAt: '2026-03-02T09:00:00.000Z',
      seq: 1,
    });
    expect(s.state.notices).toEqual([
      { milestone: 'eoms', kind: 'advance', date: '2030-06-01', sendOn: '2029-12-01', dueAt: '2029-11-30T21:00:00.000Z' },
      { milestone: 'eol', kind: 'advance', date: '2031-06-01', sendOn: '2030-12-01', dueAt: '2030-11-30T21:00:00.000Z' },
    ]);
    expect(s.state.minorRule).toBeUndefined();
    expect(nextInstant(s.state, REGISTERED)).toEqual({ at: at('2026-05-31T21:00:00Z'), what: 'General Availability' });
  });

  it('registrationState: announced, not on sale, no plan yet', () => {
    const state = registrationState(coordinator({ eos: '2028-06-30' }), 'lifecycle-x-4', at('2026-03-02T09:00:00.250Z'));
    expect(state).toEqual({
      workflowId: 'lifecycle-x-4',
      product: 'vipnet-coordinator',
      productName: 'ViPNet Coordinator HW',
      policyId: 'infotecs',
      major: '4',
      zone: 'Europe/Moscow',
      phase: 'announced',
      onSale: false,
      inputs: { ga: '2026-06-01', eos: '2028-06-30' },
      milestones: { provisional: false, notices: [], policyVersion: 0 },
      changesAt: {},
      notices: [],
      minors: [],
      supportedMinors: [],
      pilots: [],
      extensions: [],
      rulesVersion: '',
      registeredAt: '2026-03-02T09:00:00.250Z', // lifecycle instants are to the millisecond
      updatedAt: '2026-03-02T09:00:00.250Z',
      seq: 0,
    });
  });

  it('late: the phase comes from the dates, the past is not announced, a reached milestone needs no notice', () => {
    const s = LifecycleScenario.register(coordinator({ ga: '2022-05-16', eos: '2025-10-31' }), REGISTERED);
    // EOMS = EOS + 1 year (later than GA + 4 years).
    expect(s.state.milestones).toMatchObject({ eos: '2025-10-31', eoms: '2026-10-31', eol: '2027-10-31', provisional: true });
    expect(types(s.events)).toEqual(['registered']);
    expect(s.events[0].data).toMatchObject({ ga: '2022-05-16', eos: '2025-10-31', phase: 'mainstream' });
    expect(s.state).toMatchObject({ phase: 'mainstream', onSale: false });
    expect(s.state.notices.map((n) => [n.milestone, n.kind, n.date, n.dueAt])).toEqual([
      ['eoms', 'advance', '2026-10-31', '2026-04-29T21:00:00.000Z'],
      ['eol', 'advance', '2027-10-31', '2027-04-29T21:00:00.000Z'],
    ]);
    expect(nextInstant(s.state, REGISTERED)).toEqual({
      at: at('2026-04-29T21:00:00Z'),
      what: 'advance notice of End of Mainstream Support (2026-10-31)',
    });
    // Current behaviour (suspicious): the first move re-plans without the registration's exemption, so the End of Sales
    // reached before registration gets its advance notice then, late.
    const moved = s.ok(extendSupport, { by: manager, eoms: '2027-06-30', reason: 'x' }, at('2026-03-02T10:00:00Z'));
    expect(moved.events.map((e) => [e.type, e.data.milestone ?? null, e.data.kind ?? null, e.data.late ?? null])).toEqual([
      ['supportExtended', null, null, null],
      ['milestonesChanged', null, null, null],
      ['noticeSent', 'eos', 'advance', true],
    ]);
    expect(moved.events[2].data).toMatchObject({ date: '2025-10-31', dueAt: '2025-04-29T21:00:00.000Z' });
  });

  it('late: a notice whose day has passed goes out at registration, marked late', () => {
    const s = LifecycleScenario.register(coordinator({ ga: '2022-05-15' }), REGISTERED);
    expect(s.events).toEqual([
      expect.objectContaining({ seq: 1, type: 'registered' }),
      {
        ...base(s),
        seq: 2,
        type: 'noticeSent',
        occurredAt: '2026-03-02T09:00:00.000Z',
        actor: SYSTEM,
        data: {
          milestone: 'eoms',
          kind: 'advance',
          date: '2026-05-15',
          previousDate: null,
          sendOn: '2025-11-15',
          dueAt: '2025-11-14T21:00:00.000Z',
          late: true,
        },
        notify: { event: 'notice' },
      },
    ]);
    expect(s.state.notices[0]).toMatchObject({ sentAt: '2026-03-02T09:00:00.000Z', late: true });
    expect(s.state).toMatchObject({ phase: 'mainstream', onSale: true });
  });

  it('after End of Life: registered in endOfLife, nothing to announce, nothing next', () => {
    const s = LifecycleScenario.register(coordinator({ ga: '2020-03-02' }), REGISTERED);
    expect(types(s.events)).toEqual(['registered']);
    expect(s.state).toMatchObject({ phase: 'endOfLife', onSale: false, notices: [] });
    expect(s.state.milestones).toMatchObject({ eoms: '2024-03-02', eol: '2025-03-02' });
    expect(nextInstant(s.state, REGISTERED)).toBeUndefined();
  });

  it('an ISPsystem major without lifecycle rules: the milestones are only those the vendor sets', () => {
    const s = LifecycleScenario.register(ispProduct('VMmanager'), REGISTERED);
    expect(s.events[0].data).toEqual({
      ga: '2024-02-01',
      eos: null,
      milestones: { provisional: false, notices: [], policyVersion: 1 },
      phase: 'mainstream',
      zone: 'UTC',
      rules: 'ispsystem@1',
    });
    expect(s.state.changesAt).toEqual({ ga: '2024-02-01T00:00:00.000Z' });
    expect(s.state.rules).toBeUndefined();
    expect(s.state.minorRule).toEqual(catalog.ispsystem.minorVersions[0]);
    expect(nextInstant(s.state, REGISTERED)).toBeUndefined();
  });
});

describe('notices and phase changes, each at its instant', () => {
  it('GA → EOS → EOMS → EOL over six years: every notice once at its instant, every phase at its milestone', () => {
    const s = LifecycleScenario.register(coordinator(), REGISTERED);
    expect(s.tick(at('2026-05-31T20:59:59.999Z'))).toEqual([]);
    expect(s.tick(at('2026-05-31T21:00:00Z'))).toEqual([
      {
        ...base(s),
        seq: 2,
        type: 'milestoneReached',
        occurredAt: '2026-05-31T21:00:00.000Z',
        actor: SYSTEM,
        data: { milestone: 'ga', date: '2026-06-01', phase: 'mainstream', onSale: true, at: '2026-05-31T21:00:00.000Z' },
        notify: { event: 'milestone' },
      },
    ]);
    expect(s.tick(at('2026-06-01T00:00:00Z'))).toEqual([]);
    expect(nextInstant(s.state, at('2026-06-01T00:00:00Z'))).toEqual({
      at: at('2029-11-30T21:00:00Z'),
      what: 'advance notice of End of Mainstream Support (2030-06-01)',
    });

    const eos = s.ok(setEndOfSales, { by: manager, date: '2028-06-30', reason: 'replaced by ViPNet 5' }, at('2026-09-01T09:00:00Z'));
    expect(eos.events).toEqual([
      {
        ...base(s),
        seq: 3,
        type: 'endOfSalesSet',
        occurredAt: '2026-09-01T09:00:00.000Z',
        actor: manager,
        data: { date: '2028-06-30', previous: null, reason: 'replaced by ViPNet 5' },
      },
      {
        ...base(s),
        seq: 4,
        type: 'milestonesChanged',
        occurredAt: '2026-09-01T09:00:00.000Z',
        actor: manager,
        data: {
          reason: 'setEndOfSales',
          before: { eos: null, eoms: '2030-06-01', eol: '2031-06-01', provisional: true },
          after: { eos: '2028-06-30', eoms: '2030-06-01', eol: '2031-06-01', provisional: true },
          rules: 'infotecs@1',
        },
      },
    ]);
    expect(s.state.inputs).toEqual({ ga: '2026-06-01', eos: '2028-06-30' });
    expect(s.state.changesAt.eos).toBe('2028-06-30T21:00:00.000Z');
    expect(nextInstant(s.state, at('2026-09-01T09:00:00Z'))).toEqual({
      at: at('2027-12-29T21:00:00Z'),
      what: 'advance notice of End of Sales (2028-06-30)',
    });

    const next = s.ok(announceNextMajor, { by: manager, version: '5', ga: '2029-03-01' }, at('2027-01-15T09:00:00Z'));
    expect(dated(next.events)).toEqual([
      ['nextMajorAnnounced', '2027-01-15T09:00:00.000Z', { version: '5', ga: '2029-03-01' }],
      [
        'milestonesChanged',
        '2027-01-15T09:00:00.000Z',
        {
          reason: 'announceNextMajor',
          before: { eos: '2028-06-30', eoms: '2030-06-01', eol: '2031-06-01', provisional: true },
          // Next major GA + 2 years is now the latest; EOMS is no longer provisional.
          after: { eos: '2028-06-30', eoms: '2031-03-01', eol: '2032-03-01', provisional: false },
          rules: 'infotecs@1',
        },
      ],
    ]);
    expect(s.state.nextMajor).toEqual({ version: '5', ga: '2029-03-01' });
    // Not yet sent, the advance notices move with their milestones.
    expect(s.state.notices.map((n) => [n.milestone, n.kind, n.date, n.sendOn, n.dueAt])).toEqual([
      ['eos', 'advance', '2028-06-30', '2027-12-30', '2027-12-29T21:00:00.000Z'],
      ['eoms', 'advance', '2031-03-01', '2030-09-01', '2030-08-31T21:00:00.000Z'],
      ['eol', 'advance', '2032-03-01', '2031-09-01', '2031-08-31T21:00:00.000Z'],
    ]);

    const notice = (milestone: string, date: string, sendOn: string, dueAt: string) => ({
      milestone,
      kind: 'advance',
      date,
      previousDate: null,
      sendOn,
      dueAt,
      late: false,
    });
    expect(dated(s.tick(at('2027-12-29T21:00:00Z')))).toEqual([
      ['noticeSent', '2027-12-29T21:00:00.000Z', notice('eos', '2028-06-30', '2027-12-30', '2027-12-29T21:00:00.000Z')],
    ]);
    expect(nextInstant(s.state, at('2027-12-29T21:00:00Z'))).toEqual({ at: at('2028-06-30T21:00:00Z'), what: 'End of Sales' });
    expect(s.tick(at('2028-06-30T20:59:59.999Z'))).toEqual([]);
    expect(dated(s.tick(at('2028-06-30T21:00:00Z')))).toEqual([
      [
        'milestoneReached',
        '2028-06-30T21:00:00.000Z',
        { milestone: 'eos', date: '2028-06-30', phase: 'mainstream', onSale: false, at: '2028-06-30T21:00:00.000Z' },
      ],
    ]);
    expect(dated(s.tick(at('2030-08-31T21:00:00Z')))).toEqual([
      ['noticeSent', '2030-08-31T21:00:00.000Z', notice('eoms', '2031-03-01', '2030-09-01', '2030-08-31T21:00:00.000Z')],
    ]);
    expect(nextInstant(s.state, at('2030-08-31T21:00:00Z'))).toEqual({ at: at('2031-03-01T21:00:00Z'), what: 'End of Mainstream Support' });
    expect(dated(s.tick(at('2031-03-01T21:00:00Z')))).toEqual([
      [
        'milestoneReached',
        '2031-03-01T21:00:00.000Z',
        { milestone: 'eoms', date: '2031-03-01', phase: 'extended', onSale: false, at: '2031-03-01T21:00:00.000Z' },
      ],
    ]);
    expect(dated(s.tick(at('2031-08-31T21:00:00Z')))).toEqual([
      ['noticeSent', '2031-08-31T21:00:00.000Z', notice('eol', '2032-03-01', '2031-09-01', '2031-08-31T21:00:00.000Z')],
    ]);
    expect(nextInstant(s.state, at('2031-08-31T21:00:00Z'))).toEqual({ at: at('2032-03-01T21:00:00Z'), what: 'End of Life' });
    expect(dated(s.tick(at('2032-03-01T21:00:00Z')))).toEqual([
      [
        'milestoneReached',
        '2032-03-01T21:00:00.000Z',
        { milestone: 'eol', date: '2032-03-01', phase: 'endOfLife', onSale: false, at: '2032-03-01T21:00:00.000Z' },
      ],
    ]);
    expect(s.state.phase).toBe('endOfLife');
    expect(s.state.notices.every((n) => n.sentAt !== undefined && !n.late)).toBe(true);
    expect(nextInstant(s.state, at('2032-03-01T21:00:00Z'))).toBeUndefined();
    expect(s.tick(at('2040-01-01T00:00:00Z'))).toEqual([]);
    expect(s.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('a timer that comes long after everything sends the notices late, then the phases in time order', () => {
    const s = LifecycleScenario.register(coordinator(), REGISTERED);
    s.ok(setEndOfSales, { by: manager, date: '2028-06-30' }, at('2026-04-01T09:00:00Z'));
    const events = s.tick(at('2031-07-01T00:00:00Z'));
    expect(events.map((e) => [e.seq, e.type, e.data.milestone, e.data.late ?? e.data.phase])).toEqual([
      [4, 'noticeSent', 'eos', true],
      [5, 'noticeSent', 'eoms', true],
      [6, 'noticeSent', 'eol', true],
      [7, 'milestoneReached', 'ga', 'mainstream'],
      [8, 'milestoneReached', 'eos', 'mainstream'],
      [9, 'milestoneReached', 'eoms', 'extended'],
      [10, 'milestoneReached', 'eol', 'endOfLife'],
    ]);
    expect(events.every((e) => e.occurredAt === '2031-07-01T00:00:00.000Z')).toBe(true);
    expect(events.slice(3).map((e) => [e.data.onSale, e.data.at])).toEqual([
      [true, '2026-05-31T21:00:00.000Z'],
      [false, '2028-06-30T21:00:00.000Z'],
      [false, '2030-06-01T21:00:00.000Z'],
      [false, '2031-06-01T21:00:00.000Z'],
    ]);
  });

  it('a notice is late once it goes out a full day after its instant', () => {
    const onTime = LifecycleScenario.register(coordinator({ eos: '2028-06-30' }), REGISTERED);
    onTime.tick(at('2026-05-31T21:00:00Z'));
    expect(onTime.tick(at('2027-12-29T21:00:00Z') + DAY - 1).map((e) => [e.type, e.data.late])).toEqual([['noticeSent', false]]);
    const late = LifecycleScenario.register(coordinator({ eos: '2028-06-30' }), REGISTERED);
    late.tick(at('2026-05-31T21:00:00Z'));
    expect(late.tick(at('2027-12-29T21:00:00Z') + DAY).map((e) => [e.type, e.data.late])).toEqual([['noticeSent', true]]);
    expect(late.state.notices[0]).toMatchObject({ sentAt: '2027-12-30T21:00:00.000Z', late: true });
  });

  it('a command first fires what was due: GA is reached before the End of Sales is set', () => {
    const s = LifecycleScenario.register(coordinator(), REGISTERED);
    const out = s.ok(setEndOfSales, { by: manager, date: '2028-06-30' }, at('2026-09-01T09:00:00Z'));
    expect(out.events.map((e) => [e.seq, e.type, e.occurredAt])).toEqual([
      [2, 'milestoneReached', '2026-09-01T09:00:00.000Z'],
      [3, 'endOfSalesSet', '2026-09-01T09:00:00.000Z'],
      [4, 'milestonesChanged', '2026-09-01T09:00:00.000Z'],
    ]);
  });
});

describe('moved milestones: changed notices and re-announcements', () => {
  it('a milestone moved after its notice went out is told at once, and announced again six months before its new date', () => {
    const s = LifecycleScenario.register(coordinator({ ga: '2022-05-15' }), REGISTERED); // EOMS 2026-05-15, announced (late)
    const out = s.ok(extendSupport, { by: manager, eoms: '2027-01-31', reason: 'large installed base' }, at('2026-03-02T10:00:00Z'));
    expect(out.events).toEqual([
      {
        ...base(s),
        seq: 3,
        type: 'supportExtended',
        occurredAt: '2026-03-02T10:00:00.000Z',
        actor: manager,
        data: { eoms: '2027-01-31', eol: null, reason: 'large installed base' },
      },
      {
        ...base(s),
        seq: 4,
        type: 'milestonesChanged',
        occurredAt: '2026-03-02T10:00:00.000Z',
        actor: manager,
        data: {
          reason: 'extendSupport',
          before: { eos: null, eoms: '2026-05-15', eol: '2027-05-15', provisional: true },
          after: { eos: null, eoms: '2027-01-31', eol: '2028-01-31', provisional: true },
          rules: 'infotecs@1',
        },
      },
      {
        ...base(s),
        seq: 5,
        type: 'noticeSent',
        occurredAt: '2026-03-02T10:00:00.000Z',
        actor: SYSTEM,
        data: {
          milestone: 'eoms',
          kind: 'changed',
          date: '2027-01-31',
          previousDate: '2026-05-15',
          sendOn: '2026-03-02',
          dueAt: '2026-03-02T10:00:00.000Z',
          late: false,
        },
        notify: { event: 'notice' },
      },
    ]);
    expect(s.state.inputs).toEqual({ ga: '2022-05-15', eomsNotBefore: '2027-01-31' });
    expect(s.state.extensions).toEqual([{ eomsNotBefore: '2027-01-31', reason: 'large installed base', at: '2026-03-02T10:00:00.000Z' }]);
    expect(s.state.notices.map((n) => [n.milestone, n.kind, n.date, n.dueAt, n.sentAt ?? null])).toEqual([
      ['eoms', 'advance', '2026-05-15', '2025-11-14T21:00:00.000Z', '2026-03-02T09:00:00.000Z'],
      ['eoms', 'changed', '2027-01-31', '2026-03-02T10:00:00.000Z', '2026-03-02T10:00:00.000Z'],
      ['eoms', 'advance', '2027-01-31', '2026-07-30T21:00:00.000Z', null],
      // EOL's notice had not gone out: it simply moves.
      ['eol', 'advance', '2028-01-31', '2027-07-30T21:00:00.000Z', null],
    ]);
    expect(dated(s.tick(at('2026-07-30T21:00:00Z')))).toEqual([
      [
        'noticeSent',
        '2026-07-30T21:00:00.000Z',
        {
          milestone: 'eoms',
          kind: 'advance',
          date: '2027-01-31',
          previousDate: null,
          sendOn: '2026-07-31',
          dueAt: '2026-07-30T21:00:00.000Z',
          late: false,
        },
      ],
    ]);
    // The old date passes without a phase change; the new one changes the phase.
    expect(s.tick(at('2026-05-15T21:00:00Z'))).toEqual([]);
    expect(s.tick(at('2027-01-31T21:00:00Z')).map((e) => [e.type, e.data.milestone, e.data.phase])).toEqual([
      ['milestoneReached', 'eoms', 'extended'],
    ]);
  });

  it('moved later but within its notice period: told at once, with no second advance notice', () => {
    const s = LifecycleScenario.register(coordinator({ ga: '2022-05-15' }), REGISTERED);
    // Later than the current date, so allowed although less than six months ahead.
    const out = s.ok(extendSupport, { by: manager, eoms: '2026-06-30', reason: 'a last minor' }, at('2026-03-02T10:00:00Z'));
    expect(out.events.map((e) => [e.type, e.data.kind ?? null])).toEqual([
      ['supportExtended', null],
      ['milestonesChanged', null],
      ['noticeSent', 'changed'],
    ]);
    expect(s.state.notices.filter((n) => n.milestone === 'eoms').map((n) => [n.kind, n.date, n.sentAt])).toEqual([
      ['advance', '2026-05-15', '2026-03-02T09:00:00.000Z'],
      ['changed', '2026-06-30', '2026-03-02T10:00:00.000Z'],
    ]);
  });

  it('a move that changes only whether EOMS is provisional is still on record', () => {
    const s = LifecycleScenario.register(coordinator(), REGISTERED);
    const out = s.ok(announceNextMajor, { by: manager, version: '5', ga: '2027-06-01' }, at('2026-04-01T09:00:00Z'));
    expect(out.events.map((e) => [e.type, e.data])).toEqual([
      ['nextMajorAnnounced', { version: '5', ga: '2027-06-01' }],
      [
        'milestonesChanged',
        {
          reason: 'announceNextMajor',
          before: { eos: null, eoms: '2030-06-01', eol: '2031-06-01', provisional: true },
          after: { eos: null, eoms: '2030-06-01', eol: '2031-06-01', provisional: false },
          rules: 'infotecs@1',
        },
      ],
    ]);
    expect(s.state.notices.filter((n) => n.kind === 'changed')).toEqual([]);
  });

  it('an extension in Extended Support moves End of Life: told at once, announced again', () => {
    const s = LifecycleScenario.register(coordinator({ ga: '2021-09-01' }), REGISTERED);
    expect(s.state).toMatchObject({ phase: 'extended', onSale: false });
    // EOMS passed: no notice. EOL (2026-09-01) was due to be announced on 2026-03-01: late.
    expect(s.events.map((e) => [e.type, e.data.milestone ?? null, e.data.late ?? null])).toEqual([
      ['registered', null, null],
      ['noticeSent', 'eol', true],
    ]);
    const out = s.ok(extendSupport, { by: manager, eol: '2027-03-31', reason: 'security fixes until March' }, at('2026-03-02T10:00:00Z'));
    expect(out.events.map((e) => [e.type, e.data])).toEqual([
      ['supportExtended', { eoms: null, eol: '2027-03-31', reason: 'security fixes until March' }],
      [
        'milestonesChanged',
        {
          reason: 'extendSupport',
          before: { eos: null, eoms: '2025-09-01', eol: '2026-09-01', provisional: true },
          after: { eos: null, eoms: '2025-09-01', eol: '2027-03-31', provisional: true },
          rules: 'infotecs@1',
        },
      ],
      // Current behaviour (suspicious): the move re-plans EOMS, which was reached before registration and so never had a
      // notice; as the plan is no longer the registration's, its advance notice is scheduled and goes out at once, late,
      // six months after EOMS passed.
      [
        'noticeSent',
        {
          milestone: 'eoms',
          kind: 'advance',
          date: '2025-09-01',
          previousDate: null,
          sendOn: '2025-03-01',
          dueAt: '2025-02-28T21:00:00.000Z',
          late: true,
        },
      ],
      [
        'noticeSent',
        {
          milestone: 'eol',
          kind: 'changed',
          date: '2027-03-31',
          previousDate: '2026-09-01',
          sendOn: '2026-03-02',
          dueAt: '2026-03-02T10:00:00.000Z',
          late: false,
        },
      ],
    ]);
    expect(nextInstant(s.state, at('2026-03-02T10:00:00Z'))).toEqual({
      at: at('2026-09-29T21:00:00Z'), // the start of 30 September in Moscow
      what: 'advance notice of End of Life (2027-03-31)',
    });
  });
});

describe('refusals', () => {
  it('a milestone less than six months ahead, with the earliest allowed date (validator and handler agree)', () => {
    const s = LifecycleScenario.register(coordinator(), REGISTERED);
    s.tick(at('2026-05-31T21:00:00Z'));
    const c = { by: manager, date: '2026-12-31' };
    const now = at('2026-09-01T09:00:00Z');
    const refusal = {
      message:
        'End of Sales would be 2026-12-31, less than six months after today (2026-09-01): customers are told six months ahead; the earliest allowed date is 2027-03-01',
      details: { milestone: 'eos', earliestAllowed: '2027-03-01' },
    };
    expect(validate(s.state, setEndOfSales, c, now)).toEqual(refusal);
    const before = s.state;
    const out = s.run(setEndOfSales, c, now);
    expect(out.refused).toEqual(refusal);
    expect(out.events).toEqual([]);
    expect(s.state).toEqual(before);
    // The earliest allowed date itself is accepted.
    expect(validate(s.state, setEndOfSales, { by: manager, date: '2027-03-01' }, now)).toBeUndefined();
  });

  it("at a month's end the earliest date is the first whose notice day is not past (31 Aug → 1 Mar)", () => {
    const s = LifecycleScenario.register(coordinator(), REGISTERED);
    const now = at('2026-08-31T09:00:00Z');
    expect(validate(s.state, setEndOfSales, { by: manager, date: '2027-02-28' }, now)?.details).toEqual({
      milestone: 'eos',
      earliestAllowed: '2027-03-01',
    });
    // Without lifecycle rules (ISPsystem) the promise is the same six months.
    const isp = LifecycleScenario.register(ispProduct('VMmanager'), REGISTERED);
    expect(isp.run(extendSupport, { by: manager, eoms: '2026-06-30', reason: 'x' }, at('2026-03-02T10:00:00Z')).refused).toEqual({
      message:
        'End of Mainstream Support would be 2026-06-30, less than six months after today (2026-03-02): customers are told six months ahead; the earliest allowed date is 2026-09-02',
      details: { milestone: 'eoms', earliestAllowed: '2026-09-02' },
    });
  });

  it('"today" is the product\'s day: 21:30 UTC on 1 March is already 2 March in Moscow', () => {
    const s = LifecycleScenario.register(coordinator(), at('2026-03-01T21:30:00Z'));
    expect(s.registration.plan?.today).toBe('2026-03-02');
    expect(todayIn('Europe/Moscow', at('2026-03-01T21:30:00Z'))).toBe('2026-03-02');
    expect(todayIn('America/New_York', at('2026-03-01T21:30:00Z'))).toBe('2026-03-01');
    expect(todayIn('Not/A_Zone', at('2026-03-01T21:30:00Z'))).toBe('2026-03-01');
    expect(validate(s.state, setEndOfSales, { by: manager, date: '2026-09-01' }, at('2026-03-01T21:30:00Z'))?.details).toEqual({
      milestone: 'eos',
      earliestAllowed: '2026-09-02',
    });
  });

  it('a provisional EOMS only moves later; once the next major is known it may move earlier', () => {
    const s = LifecycleScenario.register(coordinator({ ga: '2024-01-15', eos: '2029-06-30' }), REGISTERED);
    expect(s.state.milestones).toMatchObject({ eos: '2029-06-30', eoms: '2030-06-30', eol: '2031-06-30', provisional: true });
    const now = at('2026-03-02T10:00:00Z');
    const refusal = {
      message:
        "End of Mainstream Support (2030-06-30) is provisional until the next major version's GA is known, and can only move later; it would move to 2029-01-31",
    };
    expect(validate(s.state, setEndOfSales, { by: manager, date: '2028-01-31' }, now)).toEqual(refusal);
    expect(s.run(setEndOfSales, { by: manager, date: '2028-01-31' }, now).refused).toEqual(refusal);
    // Later is fine.
    expect(validate(s.state, setEndOfSales, { by: manager, date: '2029-12-31' }, now)).toBeUndefined();
    s.ok(announceNextMajor, { by: manager, version: '5', ga: '2025-06-01' }, now);
    expect(s.state.milestones).toMatchObject({ eoms: '2030-06-30', provisional: false });
    const out = s.ok(setEndOfSales, { by: manager, date: '2028-01-31', reason: 'sales stop early' }, now);
    expect(out.events.at(-1)?.data).toMatchObject({
      reason: 'setEndOfSales',
      after: { eos: '2028-01-31', eoms: '2029-01-31', eol: '2030-01-31', provisional: false },
    });
  });

  it('a reached milestone can no longer move', () => {
    const late = LifecycleScenario.register(coordinator({ ga: '2022-05-16', eos: '2025-10-31' }), REGISTERED);
    expect(late.run(setEndOfSales, { by: manager, date: '2027-01-31' }, at('2026-03-02T10:00:00Z')).refused).toEqual({
      message: 'End of Sales was reached on 2025-10-31; it can no longer move',
    });
    const extended = LifecycleScenario.register(coordinator({ ga: '2021-09-01' }), REGISTERED);
    const now = at('2026-03-02T10:00:00Z');
    const reached = { message: 'End of Mainstream Support was reached on 2025-09-01; it can no longer move' };
    // Announcing the next major would move EOMS (next GA + 2 years): the plan says so, and the move is refused.
    const announce = { by: manager, version: '5', ga: '2024-06-01' };
    expect(validate(extended.state, announceNextMajor, announce, now)).toEqual(reached);
    const out = extended.run(announceNextMajor, announce, now);
    expect(out.refused).toEqual(reached);
    expect(out.plan?.milestones.eoms).toBe('2026-06-01');
    expect(extended.state.nextMajor).toBeUndefined();
    expect(extended.run(extendSupport, { by: manager, eoms: '2027-01-31', reason: 'x' }, now).refused).toEqual(reached);
  });

  it('nothing moves and no minor is recorded after End of Life', () => {
    const s = LifecycleScenario.register(coordinator({ ga: '2020-03-02' }), REGISTERED);
    const now = at('2026-03-02T10:00:00Z');
    const eol = { message: 'ViPNet Coordinator HW 4 has reached End of Life' };
    expect(s.run(setEndOfSales, { by: manager, date: '2027-01-31' }, now).refused).toEqual(eol);
    expect(s.run(announceNextMajor, { by: manager, version: '5', ga: '2027-01-31' }, now).refused).toEqual(eol);
    expect(s.run(extendSupport, { by: manager, eol: '2027-01-31', reason: 'x' }, now).refused).toEqual(eol);
    expect(s.run(recordMinorRelease, { by: manager, version: '4.9', kind: 'stable', releasedOn: '2026-03-01' }, now).refused).toEqual(eol);
    expect(s.run(requestPilot, { by: manager, customerId: 'bank-7' }, now).refused).toEqual({
      message: 'a pilot is requested before GA; ViPNet Coordinator HW 4 is already in endOfLife',
    });
    expect(validate(s.state, extendSupport, { by: manager, eol: '2027-01-31', reason: 'x' }, now)).toEqual(eol);
    expect(s.events).toHaveLength(1);
  });

  it('an extension moves support later, and names what it moves', () => {
    const s = LifecycleScenario.register(coordinator(), REGISTERED);
    const now = at('2026-04-01T09:00:00Z');
    expect(s.run(extendSupport, { by: manager, reason: 'x' }, now).refused).toEqual({
      message: 'an extension names a new End of Mainstream Support (eoms), End of Life (eol), or both',
    });
    expect(s.run(extendSupport, { by: manager, eoms: '2030-06-01', reason: 'x' }, now).refused).toEqual({
      message: 'an extension moves support later: End of Mainstream Support is already 2030-06-01',
    });
    expect(s.run(extendSupport, { by: manager, eoms: '2030-12-01', eol: '2031-01-01', reason: 'x' }, now).refused).toEqual({
      message: 'an extension moves support later: End of Life is already 2031-06-01',
    });
    // Both later: EOL follows EOMS by a year unless its own floor is later.
    const out = s.ok(extendSupport, { by: manager, eoms: '2030-12-01', eol: '2032-06-30', reason: 'government contract' }, now);
    expect(out.events.at(-1)?.data).toMatchObject({ after: { eos: null, eoms: '2030-12-01', eol: '2032-06-30', provisional: true } });
    expect(s.state.inputs).toEqual({ ga: '2026-06-01', eomsNotBefore: '2030-12-01', eolNotBefore: '2032-06-30' });
  });

  it('dates against GA, and dates the policy refuses (validator dry run and the plan agree)', () => {
    const s = LifecycleScenario.register(coordinator(), REGISTERED);
    const now = at('2026-04-01T09:00:00Z');
    expect(s.run(setEndOfSales, { by: manager, date: '2026-05-31' }, now).refused).toEqual({
      message: 'End of Sales (2026-05-31) cannot be before GA (2026-06-01)',
    });
    expect(s.run(announceNextMajor, { by: manager, version: '5', ga: '2026-06-01' }, now).refused).toEqual({
      message: "the next major version's GA (2026-06-01) must be after this version's GA (2026-06-01)",
    });
    const bad = { by: manager, date: '2027-02-30' };
    expect(validate(s.state, setEndOfSales, bad, now)).toEqual({ message: 'eos: no such date "2027-02-30"' });
    expect(s.run(setEndOfSales, bad, now).refused).toEqual({ message: 'eos: no such date "2027-02-30"' });
    const isp = LifecycleScenario.register(ispProduct('VMmanager'), REGISTERED);
    const inverted = { by: manager, eoms: '2028-01-31', eol: '2027-12-31', reason: 'x' };
    const message = { message: 'eolNotBefore: End of Life cannot be before End of Mainstream Support' };
    expect(validate(isp.state, extendSupport, inverted, now)).toEqual(message);
    expect(isp.run(extendSupport, inverted, now).refused).toEqual(message);
    isp.ok(extendSupport, { by: manager, eoms: '2027-12-31', reason: 'x' }, now);
    expect(isp.run(setEndOfSales, { by: manager, date: '2028-03-31' }, now).refused).toEqual({
      message: 'eos: End of Sales cannot be after End of Mainstream Support',
    });
    expect(s.events).toHaveLength(1);
  });

  it('checkMoves: a milestone cannot be withdrawn; a move needs its plan', () => {
    const s = LifecycleScenario.register(coordinator(), REGISTERED);
    const next = { ...s.state.milestones, eoms: undefined };
    expect(checkMoves(frozen(s.state), next, '2026-03-02', '2026-09-02', REGISTERED)).toEqual({
      message: 'End of Mainstream Support (2030-06-01) cannot be withdrawn',
    });
    expect(checkMoves(frozen(s.state), s.state.milestones, '2026-03-02', '2026-09-02', REGISTERED)).toBeUndefined();
    expect(() => setEndOfSales.apply(frozen(s.state), { by: manager, date: '2028-06-30' }, REGISTERED)).toThrow(
      'setEndOfSales moves milestones: it needs the plan of its new dates',
    );
  });
});

describe('minor releases (ISPsystem 8.1–8.3)', () => {
  it('VMmanager: the two latest stable minors and the regular ones since the older; customers on an outdated one are told', () => {
    const s = LifecycleScenario.register(ispProduct('VMmanager'), REGISTERED);
    const release = (version: string, kind: 'stable' | 'regular', releasedOn: string, t: string) =>
      s.ok(recordMinorRelease, { by: manager, version, kind, releasedOn }, at(t)).events;
    const first = release('6.1', 'stable', '2025-06-01', '2026-03-02T10:00:00Z');
    expect(first).toEqual([
      {
        ...base(s),
        seq: 2,
        type: 'minorReleased',
        occurredAt: '2026-03-02T10:00:00.000Z',
        actor: manager,
        data: { version: '6.1', kind: 'stable', releasedOn: '2025-06-01', supportedMinors: ['6.1'], rule: 'twoLatestStablePlusRegular' },
      },
    ]);
    expect(release('6.2', 'regular', '2025-09-01', '2026-03-02T10:01:00Z')[0].data.supportedMinors).toEqual(['6.1', '6.2']);
    expect(release('6.3', 'stable', '2025-12-01', '2026-03-02T10:02:00Z')[0].data.supportedMinors).toEqual(['6.1', '6.2', '6.3']);
    expect(release('6.4', 'regular', '2026-01-15', '2026-03-02T10:03:00Z')[0].data.supportedMinors).toEqual(['6.1', '6.2', '6.3', '6.4']);
    const outdating = release('6.5', 'stable', '2026-03-01', '2026-03-02T10:04:00Z');
    const rule = catalog.ispsystem.minorVersions[0];
    expect(outdating).toEqual([
      expect.objectContaining({ seq: 6, type: 'minorReleased', data: expect.objectContaining({ supportedMinors: ['6.3', '6.4', '6.5'] }) }),
      {
        ...base(s),
        seq: 7,
        type: 'minorOutdated',
        occurredAt: '2026-03-02T10:04:00.000Z',
        actor: SYSTEM,
        data: { minor: '6.1', replacedBy: '6.5', text: rule.outdated, source: '001 8.1.1, 8.2–8.3' },
        notify: { event: 'minorOutdated', minor: '6.1' },
      },
      {
        ...base(s),
        seq: 8,
        type: 'minorOutdated',
        occurredAt: '2026-03-02T10:04:00.000Z',
        actor: SYSTEM,
        data: { minor: '6.2', replacedBy: '6.5', text: rule.outdated, source: '001 8.1.1, 8.2–8.3' },
        notify: { event: 'minorOutdated', minor: '6.2' },
      },
    ]);
    expect(s.state.minors.map((m) => m.version)).toEqual(['6.1', '6.2', '6.3', '6.4', '6.5']);
    expect(s.state.supportedMinors).toEqual(['6.3', '6.4', '6.5']);
    expect(currentDetails(s.state)).toContain('supported minors: 6.3, 6.4, 6.5');
  });

  it('DNSmanager (8.1.2): only the latest stable minor', () => {
    const s = LifecycleScenario.register(ispProduct('DNSmanager'), REGISTERED);
    const now = at('2026-03-02T10:00:00Z');
    s.ok(recordMinorRelease, { by: manager, version: '6.1', kind: 'stable', releasedOn: '2025-06-01' }, now);
    s.ok(recordMinorRelease, { by: manager, version: '6.2', kind: 'regular', releasedOn: '2025-08-01' }, now);
    expect(s.state.supportedMinors).toEqual(['6.1']);
    const out = s.ok(recordMinorRelease, { by: manager, version: '6.3', kind: 'stable', releasedOn: '2025-12-01' }, now);
    expect(out.events.map((e) => [e.type, e.data.minor ?? e.data.rule])).toEqual([
      ['minorReleased', 'latestStable'],
      ['minorOutdated', '6.1'],
    ]);
    expect(s.state.supportedMinors).toEqual(['6.3']);
  });

  it('a policy without a minor rule supports every minor (Infotecs)', () => {
    const s = LifecycleScenario.register(coordinator({ ga: '2022-05-15' }), REGISTERED);
    const now = at('2026-03-02T10:00:00Z');
    s.ok(recordMinorRelease, { by: manager, version: '4.1', kind: 'stable', releasedOn: '2023-01-10' }, now);
    s.ok(recordMinorRelease, { by: manager, version: '4.2', kind: 'stable', releasedOn: '2024-01-10' }, now);
    const out = s.ok(recordMinorRelease, { by: manager, version: '4.3', kind: 'stable', releasedOn: '2025-01-10' }, now);
    expect(out.events.map((e) => [e.type, e.data.supportedMinors, e.data.rule])).toEqual([['minorReleased', ['4.1', '4.2', '4.3'], 'all']]);
  });

  it('names its release date, once per version', () => {
    const s = LifecycleScenario.register(ispProduct('VMmanager'), REGISTERED);
    const now = at('2026-03-02T10:00:00Z');
    const dateRule = { message: 'a minor release names its release date (releasedOn, YYYY-MM-DD)' };
    expect(s.run(recordMinorRelease, { by: manager, version: '6.1', kind: 'stable', releasedOn: '' }, now).refused).toEqual(dateRule);
    expect(s.run(recordMinorRelease, { by: manager, version: '6.1', kind: 'stable', releasedOn: '01.06.2025' }, now).refused).toEqual(
      dateRule,
    );
    s.ok(recordMinorRelease, { by: manager, version: '6.1', kind: 'stable', releasedOn: '2025-06-01' }, now);
    expect(s.run(recordMinorRelease, { by: manager, version: '6.1', kind: 'regular', releasedOn: '2025-07-01' }, now).refused).toEqual({
      message: 'minor release 6.1 is already recorded',
    });
    expect(
      validate(s.state, recordMinorRelease, { by: manager, version: '6.2', kind: 'regular', releasedOn: '2025-07-01' }, now),
    ).toBeUndefined();
    // Only the shape is checked: a day that does not exist is recorded as given.
    s.ok(recordMinorRelease, { by: manager, version: '6.2', kind: 'regular', releasedOn: '2025-02-30' }, now);
    expect(s.state.minors.at(-1)).toEqual({ version: '6.2', kind: 'regular', releasedOn: '2025-02-30' });
  });
});

describe('pilots (Infotecs 000 §2: a pilot version before the start of sales)', () => {
  it('a pilot before GA puts the version in pilot; GA then makes it mainstream; after GA none is taken', () => {
    const s = LifecycleScenario.register(coordinator(), REGISTERED);
    const out = s.ok(requestPilot, { by: customer, customerId: 'bank-7' }, at('2026-04-01T09:00:00Z'));
    expect(out.events).toEqual([
      {
        ...base(s),
        seq: 2,
        type: 'pilotRequested',
        occurredAt: '2026-04-01T09:00:00.000Z',
        actor: customer,
        data: { customerId: 'bank-7', phase: 'pilot' },
      },
    ]);
    expect(s.state.phase).toBe('pilot');
    s.ok(requestPilot, { by: manager, customerId: 'bank-9' }, at('2026-04-02T09:00:00Z'));
    // The same customer again is recorded again.
    s.ok(requestPilot, { by: manager, customerId: 'bank-9' }, at('2026-04-03T09:00:00Z'));
    expect(s.state.pilots).toEqual([
      { customerId: 'bank-7', requestedAt: '2026-04-01T09:00:00.000Z' },
      { customerId: 'bank-9', requestedAt: '2026-04-02T09:00:00.000Z' },
      { customerId: 'bank-9', requestedAt: '2026-04-03T09:00:00.000Z' },
    ]);
    expect(nextInstant(s.state, at('2026-04-03T09:00:00Z'))).toEqual({ at: at('2026-05-31T21:00:00Z'), what: 'General Availability' });
    expect(s.tick(at('2026-05-31T21:00:00Z')).map((e) => [e.type, e.data.phase])).toEqual([['milestoneReached', 'mainstream']]);
    expect(s.run(requestPilot, { by: customer, customerId: 'bank-11' }, at('2026-06-02T09:00:00Z')).refused).toEqual({
      message: 'a pilot is requested before GA; ViPNet Coordinator HW 4 is already in mainstream',
    });
    expect(s.run(requestPilot, { by: customer, customerId: '' }, at('2026-04-01T09:00:00Z')).refused).toEqual({
      message: 'a pilot request names the customer',
    });
  });
});

describe('the next instant and the view', () => {
  it('refreshNext shows the next notice or phase change, and nothing once End of Life is reached', () => {
    const s = LifecycleScenario.register(coordinator({ eos: '2028-06-30' }), REGISTERED);
    const shown = frozen(s.state);
    const copy = JSON.parse(JSON.stringify(shown)) as typeof shown;
    refreshNext(copy, REGISTERED);
    expect([copy.nextAt, copy.nextWhat]).toEqual(['2026-05-31T21:00:00.000Z', 'General Availability']);
    expect(currentDetails(copy).split('\n')).toEqual([
      '**announced** · infotecs · dates are days in Europe/Moscow',
      'GA 2026-06-01 · EOS 2028-06-30 · EOMS 2030-06-01 (provisional) · EOL 2031-06-01',
      'next: General Availability at 2026-05-31T21:00:00.000Z',
    ]);
    // A phase change already reached but not yet fired is not "next"; the earliest notice is.
    expect(nextInstant(s.state, at('2026-06-01T00:00:00Z'))).toEqual({
      at: at('2027-12-29T21:00:00Z'),
      what: 'advance notice of End of Sales (2028-06-30)',
    });
    s.tick(at('2031-06-01T21:00:00Z'));
    const ended = JSON.parse(JSON.stringify(s.state)) as typeof s.state;
    ended.nextAt = 'stale';
    ended.nextWhat = 'stale';
    refreshNext(ended, at('2031-06-01T21:00:00Z'));
    expect(ended.nextAt).toBeUndefined();
    expect(ended.nextWhat).toBeUndefined();
    expect(currentDetails(ended).split('\n')[0]).toBe('**endOfLife** · infotecs · dates are days in Europe/Moscow');
  });

  it('the command table lists every change once, each on its own Update; only moves plan dates', () => {
    expect(lifecycleCommands.map((c) => [c.update.name, Boolean(c.dates)])).toEqual([
      ['setEndOfSales', true],
      ['announceNextMajor', true],
      ['extendSupport', true],
      ['recordMinorRelease', false],
      ['requestPilot', false],
    ]);
  });

  it('transitions return new state and never write to the state they were given', () => {
    const s = LifecycleScenario.register(coordinator(), REGISTERED);
    const before = JSON.stringify(s.state);
    const state = s.state;
    const out = s.ok(setEndOfSales, { by: manager, date: '2028-06-30' }, at('2026-04-01T09:00:00Z'));
    expect(out.state).not.toBe(state);
    expect(out.state.notices).not.toBe(state.notices);
    expect(JSON.stringify(state)).toBe(before);
    expect(() => {
      (frozen(state) as { phase: string }).phase = 'pilot';
    }).toThrow(TypeError);
  });
});
