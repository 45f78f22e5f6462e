/**
 * The lifecycle of one product major version (GA → EOS → EOMS → EOL), sleeping for years on one
 * durable timer at a time: the next advance notice or phase change. Milestones come from the
 * policy's rules through a local activity (recorded in history); every change is an Update whose
 * validator refuses a milestone that would break the six-month notice promise.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  proxyLocalActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../activities/index';
import {
  earliestMilestoneDate,
  lifecycleDates,
  milestoneNames,
  phaseAt,
  supportedMinors,
  type Milestone,
} from '../policies/lifecycle-dates';
import {
  announceNextMajorUpdate,
  extendSupportUpdate,
  getLifecycleQuery,
  ILLEGAL_TRANSITION,
  INVALID_LIFECYCLE_INPUT,
  recordMinorReleaseUpdate,
  requestPilotUpdate,
  setEndOfSalesUpdate,
  type Actor,
  type CommandBase,
  type LifecycleAudience,
  type LifecycleDateInputs,
  type LifecycleEventRecord,
  type LifecycleEventType,
  type LifecyclePlan,
  type LifecycleState,
  type RequestPilotCommand,
  type StartLifecycleInput,
} from './definitions';
import { NextDueAtKey, PolicyIdKey, ProductKey } from './search-attributes';
import { delivery, untilDone } from './kernel/activity-options';

// The same stance as the ticket: a database outage delays a lifecycle, it never fails one.
const { planLifecycle } = proxyLocalActivities<Activities>(untilDone([INVALID_LIFECYCLE_INPUT]));
const { persistLifecycleEvents } = proxyLocalActivities<Activities>(untilDone());
const { deliverNotifications } = proxyActivities<Activities>(delivery);

/** A run continues as new past this many history events: a lifecycle's runs stay under 200. */
const MAX_HISTORY_EVENTS = 120;
const DAY = 86_400_000;
const SYSTEM: Actor = { kind: 'system', id: 'lifecycle-clock' };
const MILESTONES: Milestone[] = ['eos', 'eoms', 'eol'];

export interface LifecycleCarry {
  state: LifecycleState;
  /** Outbox rows whose delivery was still under way: the new run delivers them (sending is idempotent). */
  undelivered?: number[];
}

function refuse(message: string, details?: Record<string, unknown>): never {
  throw ApplicationFailure.create({ type: ILLEGAL_TRANSITION, message, nonRetryable: true, ...(details ? { details: [details] } : {}) });
}

/** Today's date in the zone, for validators (which are not replayed); handlers use the recorded plan's. */
function todayIn(zone: string, at: number): string {
  try {
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
    const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
    return `${part('year')}-${part('month')}-${part('day')}`;
  } catch {
    return new Date(at).toISOString().slice(0, 10);
  }
}

export async function productLifecycle(input: StartLifecycleInput, carried?: LifecycleCarry): Promise<LifecycleState> {
  const info = workflowInfo();
  const now = () => Date.now();
  const iso = (t: number) => new Date(t).toISOString();

  const state: LifecycleState = carried?.state ?? {
    workflowId: info.workflowId,
    product: input.product,
    productName: input.productName,
    policyId: input.policyId,
    major: input.major,
    zone: input.zone,
    phase: 'announced',
    onSale: false,
    inputs: { ga: input.ga, ...(input.eos ? { eos: input.eos } : {}) },
    milestones: { provisional: false, notices: [], policyVersion: 0 },
    changesAt: {},
    notices: [],
    minors: [],
    supportedMinors: [],
    pilots: [],
    extensions: [],
    rulesVersion: '',
    registeredAt: iso(now()),
    updatedAt: iso(now()),
    seq: 0,
  };

  // ---- Events, persistence, notices ---------------------------------------------------------------

  let pending: LifecycleEventRecord[] = [];
  let changes = 0;
  const record = (type: LifecycleEventType, actor: Actor, data: Record<string, unknown>, notify?: LifecycleAudience) => {
    state.seq += 1;
    state.updatedAt = iso(now());
    pending.push({
      workflowId: info.workflowId,
      product: state.product,
      version: state.major,
      seq: state.seq,
      type,
      occurredAt: iso(now()),
      actor,
      data,
      ...(notify ? { notify } : {}),
    });
    changes += 1;
  };

  const inFlight = new Set<number>();
  const deliver = (ids: number[]) => {
    ids.forEach((id) => inFlight.add(id));
    deliverNotifications({ ids, at: iso(now()) }).then(
      () => ids.forEach((id) => inFlight.delete(id)),
      () => undefined, // retried by Temporal without limit; a failure here means the run ended
    );
  };

  const snapshot = (): LifecycleState => JSON.parse(JSON.stringify(state)) as LifecycleState;

  let published = '';
  const publish = () => {
    refreshNext();
    const key = JSON.stringify([state.nextAt, state.phase]);
    if (key !== published) {
      published = key;
      upsertSearchAttributes([
        { key: ProductKey, value: state.productName },
        { key: PolicyIdKey, value: state.policyId },
        { key: NextDueAtKey, value: state.nextAt ? new Date(state.nextAt) : null },
      ]);
    }
    setCurrentDetails(currentDetails());
  };

  const flush = async () => {
    while (pending.length > 0) {
      const batch = pending;
      pending = [];
      publish();
      batch[batch.length - 1].snapshot = snapshot();
      const { deliveries } = await persistLifecycleEvents(batch);
      if (deliveries.length > 0) deliver(deliveries);
    }
  };

  let lock: Promise<unknown> = Promise.resolve();
  /** Everything that awaits a local activity runs one at a time, so replay resolves them in order. */
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = lock.then(fn);
    lock = run.catch(() => undefined);
    return run;
  };

  // ---- Milestones and notices ---------------------------------------------------------------------

  const reached = (what: 'ga' | Milestone, at = now()) => state.changesAt[what] !== undefined && at >= Date.parse(state.changesAt[what]!);

  /** Takes a recorded plan: milestones move, advance notices are (re)scheduled, a moved milestone already announced gets a changed notice. */
  const applyPlan = (plan: LifecyclePlan, registering: boolean) => {
    state.milestones = plan.milestones;
    state.changesAt = plan.changesAt;
    state.rulesVersion = plan.rulesVersion;
    state.rules = plan.rules;
    state.minorRule = plan.minorRule;
    for (const m of MILESTONES) {
      const date = plan.milestones[m];
      const dueAt = plan.noticeDueAt[m];
      const sendOn = plan.milestones.notices.find((n) => n.milestone === m)?.sendOn;
      if (!date || !dueAt || !sendOn) continue;
      const sent = state.notices.filter((n) => n.milestone === m && n.sentAt);
      const lastSent = sent.at(-1);
      state.notices = state.notices.filter((n) => n.milestone !== m || n.sentAt !== undefined);
      if (!lastSent) {
        // A version registered after a milestone passed: that milestone needs no notice any more.
        if (registering && reached(m)) continue;
        state.notices.push({ milestone: m, kind: 'advance', date, sendOn, dueAt });
        continue;
      }
      if (lastSent.date !== date) {
        state.notices.push({ milestone: m, kind: 'changed', date, previousDate: lastSent.date, sendOn: plan.today, dueAt: iso(now()) });
      }
      // Moved later, the milestone is announced again six months before its new date.
      if (!sent.some((n) => n.kind === 'advance' && n.date === date) && Date.parse(dueAt) > now()) {
        state.notices.push({ milestone: m, kind: 'advance', date, sendOn, dueAt });
      }
    }
  };

  /** Sends the notices that are due and moves the phase past every milestone reached, in time order. */
  const fireDue = () => {
    const t = now();
    const due = state.notices
      .filter((n) => !n.sentAt && Date.parse(n.dueAt) <= t)
      .sort((a, b) => Date.parse(a.dueAt) - Date.parse(b.dueAt));
    for (const n of due) {
      n.sentAt = iso(t);
      if (t - Date.parse(n.dueAt) >= DAY) n.late = true;
      record(
        'noticeSent',
        SYSTEM,
        {
          milestone: n.milestone,
          kind: n.kind,
          date: n.date,
          previousDate: n.previousDate ?? null,
          sendOn: n.sendOn,
          dueAt: n.dueAt,
          late: n.late ?? false,
        },
        { event: 'notice' },
      );
    }
    const transitions: Array<['ga' | Milestone, () => boolean, () => void]> = [
      [
        'ga',
        () => state.phase === 'announced' || state.phase === 'pilot',
        () => {
          state.phase = 'mainstream';
          state.onSale = true;
        },
      ],
      [
        'eos',
        () => state.onSale,
        () => {
          state.onSale = false;
        },
      ],
      [
        'eoms',
        () => state.phase === 'mainstream',
        () => {
          state.phase = 'extended';
          state.onSale = false;
        },
      ],
      [
        'eol',
        () => state.phase !== 'endOfLife',
        () => {
          state.phase = 'endOfLife';
          state.onSale = false;
        },
      ],
    ];
    const ordered = transitions
      .filter(([m]) => reached(m, t))
      .sort((a, b) => Date.parse(state.changesAt[a[0]]!) - Date.parse(state.changesAt[b[0]]!));
    for (const [m, applies, apply] of ordered) {
      if (!applies()) continue;
      apply();
      const date = m === 'ga' ? state.inputs.ga : state.milestones[m];
      record(
        'milestoneReached',
        SYSTEM,
        { milestone: m, date, phase: state.phase, onSale: state.onSale, at: state.changesAt[m] },
        { event: 'milestone' },
      );
    }
  };

  const refreshNext = () => {
    const candidates: Array<[number, string]> = [];
    for (const n of state.notices)
      if (!n.sentAt) candidates.push([Date.parse(n.dueAt), `${n.kind} notice of ${milestoneNames[n.milestone]} (${n.date})`]);
    const upcoming: Array<['ga' | Milestone, boolean]> = [
      ['ga', state.phase === 'announced' || state.phase === 'pilot'],
      ['eos', state.onSale || state.phase === 'announced' || state.phase === 'pilot'],
      ['eoms', state.phase !== 'extended' && state.phase !== 'endOfLife'],
      ['eol', state.phase !== 'endOfLife'],
    ];
    for (const [m, pendingChange] of upcoming) {
      const at = state.changesAt[m];
      if (pendingChange && at && !reached(m)) candidates.push([Date.parse(at), m === 'ga' ? 'General Availability' : milestoneNames[m]]);
    }
    candidates.sort((a, b) => a[0] - b[0]);
    state.nextAt = candidates.length ? iso(candidates[0][0]) : undefined;
    state.nextWhat = candidates.length ? candidates[0][1] : undefined;
  };

  // ---- Changes: each an Update whose validator keeps the six-month promise ------------------------

  /** Refuses milestones that would break the notice promise; `today` and `earliest` in the product's zone. */
  const checkMoves = (next: LifecycleState['milestones'], today: string, earliest: string) => {
    for (const m of MILESTONES) {
      const current = state.milestones[m];
      const proposed = next[m];
      if (proposed === current) continue;
      const name = milestoneNames[m];
      if (current && reached(m)) refuse(`${name} was reached on ${current}; it can no longer move`);
      if (!proposed) refuse(`${name} (${current}) cannot be withdrawn`);
      if (proposed < earliest && (!current || proposed < current)) {
        refuse(
          `${name} would be ${proposed}, less than six months after today (${today}): customers are told six months ahead; the earliest allowed date is ${earliest}`,
          { milestone: m, earliestAllowed: earliest },
        );
      }
      if (m === 'eoms' && current && state.milestones.provisional && proposed < current) {
        refuse(
          `End of Mainstream Support (${current}) is provisional until the next major version's GA is known, and can only move later; it would move to ${proposed}`,
        );
      }
    }
  };

  /** The validator's dry run: the same pure rules the local activity applies, on the rules it last recorded. */
  const validateDates = (dates: LifecycleDateInputs) => {
    let next: LifecycleState['milestones'];
    try {
      next = lifecycleDates(state.rules, state.milestones.policyVersion, dates);
    } catch (err) {
      refuse((err as Error).message);
    }
    const today = todayIn(state.zone, now());
    checkMoves(next, today, earliestMilestoneDate(today, state.rules?.noticeMonths ?? 6));
  };

  let updatesThisRun = 0;

  function dateChange<C extends CommandBase>(
    def: UpdateDefinition<LifecycleState, [C]>,
    check: (c: C) => void,
    datesFor: (c: C) => LifecycleDateInputs,
    after: (c: C, before: LifecycleState['milestones']) => void,
  ) {
    setHandler(
      def,
      (c: C) =>
        exclusive(async () => {
          fireDue();
          if (state.phase === 'endOfLife') refuse(`${state.productName} ${state.major} has reached End of Life`);
          check(c);
          updatesThisRun += 1;
          const dates = datesFor(c);
          let plan: LifecyclePlan;
          try {
            plan = await planLifecycle({ policyId: state.policyId, product: state.productName, zone: state.zone, dates, now: iso(now()) });
          } catch (err) {
            const cause = (err as { cause?: { type?: string; message?: string } }).cause;
            if (cause?.type === INVALID_LIFECYCLE_INPUT) refuse(cause.message ?? 'the policy refuses these dates');
            throw err;
          }
          checkMoves(plan.milestones, plan.today, plan.earliest); // the recorded plan is the authority
          const before = state.milestones;
          state.inputs = dates;
          applyPlan(plan, false);
          after(c, before);
          const moved = MILESTONES.filter((m) => before[m] !== plan.milestones[m]);
          if (moved.length > 0 || before.provisional !== plan.milestones.provisional) {
            record('milestonesChanged', c.by, {
              reason: def.name,
              before: { eos: before.eos ?? null, eoms: before.eoms ?? null, eol: before.eol ?? null, provisional: before.provisional },
              after: {
                eos: plan.milestones.eos ?? null,
                eoms: plan.milestones.eoms ?? null,
                eol: plan.milestones.eol ?? null,
                provisional: plan.milestones.provisional,
              },
              rules: plan.rulesVersion,
            });
          }
          fireDue(); // a changed notice goes out now
          await flush();
          return snapshot();
        }),
      {
        validator: (c: C) => {
          if (state.phase === 'endOfLife') refuse(`${state.productName} ${state.major} has reached End of Life`);
          check(c);
          validateDates(datesFor(c));
        },
      },
    );
  }

  dateChange(
    setEndOfSalesUpdate,
    (c) => {
      if (state.inputs.eos && reached('eos')) refuse(`End of Sales was reached on ${state.inputs.eos}; it can no longer move`);
      if (c.date < state.inputs.ga) refuse(`End of Sales (${c.date}) cannot be before GA (${state.inputs.ga})`);
    },
    (c) => ({ ...state.inputs, eos: c.date }),
    (c, before) => record('endOfSalesSet', c.by, { date: c.date, previous: before.eos ?? null, reason: c.reason ?? null }),
  );

  dateChange(
    announceNextMajorUpdate,
    (c) => {
      if (c.ga <= state.inputs.ga) refuse(`the next major version's GA (${c.ga}) must be after this version's GA (${state.inputs.ga})`);
    },
    (c) => ({ ...state.inputs, nextMajorGa: c.ga }),
    (c) => {
      state.nextMajor = { version: c.version, ga: c.ga };
      record('nextMajorAnnounced', c.by, { version: c.version, ga: c.ga });
    },
  );

  dateChange(
    extendSupportUpdate,
    (c) => {
      if (!c.eoms && !c.eol) refuse('an extension names a new End of Mainstream Support (eoms), End of Life (eol), or both');
      for (const [m, date] of [
        ['eoms', c.eoms],
        ['eol', c.eol],
      ] as const) {
        const current = state.milestones[m];
        if (date && current && date <= current) refuse(`an extension moves support later: ${milestoneNames[m]} is already ${current}`);
      }
    },
    (c) => ({
      ...state.inputs,
      ...(c.eoms ? { eomsNotBefore: c.eoms } : {}),
      ...(c.eol ? { eolNotBefore: c.eol } : {}),
    }),
    (c) => {
      state.extensions.push({
        ...(c.eoms ? { eomsNotBefore: c.eoms } : {}),
        ...(c.eol ? { eolNotBefore: c.eol } : {}),
        reason: c.reason,
        at: iso(now()),
      });
      record('supportExtended', c.by, { eoms: c.eoms ?? null, eol: c.eol ?? null, reason: c.reason });
    },
  );

  const checkMinor = (c: { version: string; kind: string; releasedOn?: string }) => {
    if (state.phase === 'endOfLife') refuse(`${state.productName} ${state.major} has reached End of Life`);
    if (!c.releasedOn || !/^\d{4}-\d{2}-\d{2}$/.test(c.releasedOn))
      refuse('a minor release names its release date (releasedOn, YYYY-MM-DD)');
    if (state.minors.some((m) => m.version === c.version)) refuse(`minor release ${c.version} is already recorded`);
  };
  setHandler(
    recordMinorReleaseUpdate,
    (c) =>
      exclusive(async () => {
        fireDue();
        checkMinor(c);
        updatesThisRun += 1;
        const releasedOn = c.releasedOn;
        const before = state.supportedMinors;
        state.minors.push({ version: c.version, kind: c.kind, releasedOn });
        state.supportedMinors = supportedMinors(state.minorRule, state.minors);
        record('minorReleased', c.by, {
          version: c.version,
          kind: c.kind,
          releasedOn,
          supportedMinors: state.supportedMinors,
          rule: state.minorRule?.supported ?? 'all',
        });
        // 8.3: customers on a minor that just became outdated are told what they still get.
        for (const minor of before.filter((v) => !state.supportedMinors.includes(v))) {
          record(
            'minorOutdated',
            SYSTEM,
            { minor, replacedBy: c.version, text: state.minorRule?.outdated ?? null, source: state.minorRule?.source ?? null },
            { event: 'minorOutdated', minor },
          );
        }
        await flush();
        return snapshot();
      }),
    { validator: checkMinor },
  );

  const checkPilot = (c: RequestPilotCommand) => {
    if (!c.customerId) refuse('a pilot request names the customer');
    if (state.phase !== 'announced' && state.phase !== 'pilot')
      refuse(`a pilot is requested before GA; ${state.productName} ${state.major} is already in ${state.phase}`);
  };
  setHandler(
    requestPilotUpdate,
    (c) =>
      exclusive(async () => {
        fireDue();
        checkPilot(c);
        updatesThisRun += 1;
        state.pilots.push({ customerId: c.customerId, requestedAt: iso(now()) });
        if (state.phase === 'announced') state.phase = 'pilot';
        record('pilotRequested', c.by, { customerId: c.customerId, phase: state.phase });
        await flush();
        return snapshot();
      }),
    { validator: checkPilot },
  );

  setHandler(getLifecycleQuery, () => snapshot());

  // ---- Registration -------------------------------------------------------------------------------

  if (!carried) {
    await exclusive(async () => {
      const plan = await planLifecycle({
        policyId: state.policyId,
        product: state.productName,
        zone: state.zone,
        dates: state.inputs,
        now: iso(now()),
      });
      applyPlan(plan, true);
      // A version registered late starts in the phase its dates give, without announcing the past.
      state.phase = phaseAt(state.changesAt, state.pilots.length > 0, now());
      state.onSale = reached('ga') && !reached('eos') && !reached('eoms') && !reached('eol');
      record('registered', input.by, {
        ga: state.inputs.ga,
        eos: state.inputs.eos ?? null,
        milestones: state.milestones,
        phase: state.phase,
        zone: state.zone,
        rules: state.rulesVersion,
      });
      fireDue();
    });
  }

  // ---- Main loop: one timer on the next notice or phase change ------------------------------------

  if (carried?.undelivered?.length) deliver(carried.undelivered);
  publish(); // a continued run shows its phase and dates in the UI before its next event
  for (;;) {
    await exclusive(flush);
    if (state.phase === 'endOfLife' && state.notices.every((n) => n.sentAt)) break;
    if (workflowInfo().historyLength > MAX_HISTORY_EVENTS || workflowInfo().continueAsNewSuggested || updatesThisRun >= 500) {
      do {
        await condition(allHandlersFinished);
        await exclusive(flush);
      } while (pending.length > 0 || !allHandlersFinished());
      await continueAsNew<typeof productLifecycle>(input, { state, undelivered: [...inFlight] });
    }
    refreshNext();
    const seen = changes;
    const wakeUp = () => changes !== seen || pending.length > 0;
    if (state.nextAt === undefined) {
      await condition(wakeUp);
    } else if (Date.parse(state.nextAt) > now()) {
      await condition(wakeUp, Date.parse(state.nextAt) - now(), { summary: `${state.nextWhat} at ${state.nextAt}` });
    }
    await exclusive(async () => fireDue());
  }

  // End of Life: the last notices go out before the workflow ends; the read model keeps the story.
  do {
    await condition(allHandlersFinished);
    await exclusive(flush);
  } while (pending.length > 0 || !allHandlersFinished());
  await condition(() => inFlight.size === 0);
  return snapshot();

  function currentDetails(): string {
    const m = state.milestones;
    const lines = [
      `**${state.phase}**${state.onSale ? ' · on sale' : ''} · ${state.policyId} · dates are days in ${state.zone}`,
      `GA ${state.inputs.ga} · EOS ${m.eos ?? '—'} · EOMS ${m.eoms ?? '—'}${m.provisional ? ' (provisional)' : ''} · EOL ${m.eol ?? '—'}`,
    ];
    if (state.nextAt) lines.push(`next: ${state.nextWhat} at ${state.nextAt}`);
    if (state.supportedMinors.length) lines.push(`supported minors: ${state.supportedMinors.join(', ')}`);
    return lines.join('\n');
  }
}
