/**
 * The policy schema. Every policy in the catalog, and every policy or contract override a user
 * writes, is validated by these zod schemas; the TypeScript types are inferred from them.
 */
import { z } from 'zod';
import {
  notifiableEvents,
  recipientRoles,
  targetKinds,
  ticketChannels,
  ticketTypes,
  type NotifiableEvent,
  type RecipientRole,
} from './vocabulary';

export { notifiableEvents, recipientRoles, targetKinds, ticketChannels, ticketTypes };
export type { NotifiableEvent, RecipientRole, TargetKind } from './vocabulary';
import { calendarProblems, durationLimitProblem, openTimeProblem } from './calendar';
import { durationProblem, parseDuration } from './duration';
import { weekdayParts, weekdays, type Weekday } from './open-periods';
import { isValidZone, parseDate } from './zone';
import { agreementRulesSchema } from './agreement-rules';
import { quoteRulesSchema } from './quote-rules';

const id = z.string().regex(/^[a-z][a-zA-Z0-9-]*$/, 'expected an identifier such as "gold" or "us-eastern"');
const dateString = z.string().refine((s) => {
  try {
    parseDate(s);
    return true;
  } catch {
    return false;
  }
}, 'expected an existing date YYYY-MM-DD');
const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected a time HH:MM (00:00–24:00)');
/** A duration (policies/duration.ts); a refusal says why and lists the accepted spellings. */
export const durationSchema = z.string().refine(
  (s) => {
    try {
      parseDuration(s);
      return true;
    } catch {
      return false;
    }
  },
  { error: (issue) => durationProblem(issue.input) },
);
const source = z.string().min(1).describe('seed file and paragraph the rule comes from, e.g. "003 Target Response"');

// ---- Holidays --------------------------------------------------------------------------------

const years = { fromYear: z.number().int().optional(), toYear: z.number().int().optional() };
/** A rule listed but switched off (active: false) closes no day (docs/policies.md "Holidays"). */
const active = { active: z.boolean().optional().describe('false: listed but switched off; absent or true: on') };

/** Where a holiday that falls on a weekend is observed. */
export const observanceSchema = z.enum([
  'none', // not moved
  'substitute', // UK: the next weekday that is not already a holiday
  'nearestWeekday', // US: Saturday → the Friday before, Sunday → the Monday after
]);

export const holidayRuleSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('fixed'),
    name: z.string().min(1),
    month: z.number().int().min(1).max(12),
    day: z.number().int().min(1).max(31),
    observe: observanceSchema.default('none'),
    /** Years in which the rule's date moved (or did not apply: null), as published. */
    exceptions: z.record(z.string().regex(/^\d{4}$/), dateString.nullable()).optional(),
    ...years,
    ...active,
  }),
  z.strictObject({
    kind: z.literal('nthWeekday'),
    name: z.string().min(1),
    month: z.number().int().min(1).max(12),
    weekday: z.number().int().min(1).max(7).describe('ISO weekday, 1 = Monday'),
    nth: z.union([z.number().int().min(1).max(5), z.literal(-1)]).describe('1–5, or -1 for the last'),
    exceptions: z.record(z.string().regex(/^\d{4}$/), dateString.nullable()).optional(),
    ...years,
    ...active,
  }),
  z.strictObject({
    kind: z.literal('easter'),
    name: z.string().min(1),
    offsetDays: z.number().int().min(-60).max(60).describe('days after Western Easter Sunday'),
    ...years,
    ...active,
  }),
  z.strictObject({
    kind: z.literal('dayAfter'),
    name: z.string().min(1),
    of: z.string().min(1).describe('name of another rule in the same calendar'),
    days: z.number().int().min(1).max(7).default(1),
    ...years,
    ...active,
  }),
  z.strictObject({ kind: z.literal('date'), name: z.string().min(1), date: dateString, ...active }),
]);
export type HolidayRule = z.infer<typeof holidayRuleSchema>;

// ---- Calendars -------------------------------------------------------------------------------

/**
 * A local open period [from, to). One that runs past midnight says so (`overnight: true`, e.g. 22:00
 * to 06:00 the next day) and is split internally into its two days' parts (docs/policies.md
 * "Calendars"); without the flag a "to" before "from" stays an error, as a reversed day shift is a typo.
 */
const openPeriod = z
  .strictObject({ from: timeOfDay, to: timeOfDay, overnight: z.boolean().optional() })
  .refine((p) => p.overnight === true || p.from < p.to, {
    message:
      'expected "from" before "to" (use "24:00" for midnight; a period past midnight is { from: "22:00", to: "06:00", overnight: true })',
  })
  .refine((p) => p.overnight !== true || p.to < p.from, {
    message: 'an overnight period ends the next day before its "from" time (e.g. from "22:00" to "06:00")',
  });
export type { Weekday };

export const calendarSchema = z
  .strictObject({
    id,
    name: z.string().min(1),
    /** Bumped on every change; recorded with each computed deadline. */
    version: z.number().int().min(1),
    zone: z.string().refine(isValidZone, 'expected an IANA time zone such as "Europe/London"'),
    /** Open around the clock, every day: durations are wall-clock time. */
    alwaysOpen: z.boolean().default(false),
    open: z.partialRecord(z.enum(weekdays), z.array(openPeriod)).default({}),
    /** "N working days" on this calendar = N × this length (docs/policies.md "Business duration"). */
    workingDay: durationSchema.optional(),
    holidays: z.array(holidayRuleSchema).default([]),
    source: source.optional(),
  })
  .superRefine((cal, ctx) => {
    // A field refused already (a duration that does not parse, a reversed period) leaves the calendar uncompiled.
    const compiles = ctx.issues.length === 0;
    if (!cal.alwaysOpen && Object.values(cal.open).every((p) => !p || p.length === 0)) {
      ctx.addIssue({ code: 'custom', path: ['open'], message: 'a calendar that is not alwaysOpen needs open periods' });
    }
    // Overlaps are looked for after periods crossing midnight are split into their two days' parts.
    weekdayParts(cal.open).forEach((parts, d) => {
      for (let i = 1; i < parts.length; i++) {
        if (parts[i].from < parts[i - 1].to) {
          ctx.addIssue({ code: 'custom', path: ['open', weekdays[d]], message: 'open periods of one day must not overlap' });
        }
      }
    });
    const names = new Set(cal.holidays.map((h) => h.name));
    cal.holidays.forEach((h, i) => {
      if (h.kind === 'dayAfter' && !names.has(h.of)) {
        ctx.addIssue({ code: 'custom', path: ['holidays', i, 'of'], message: `no holiday rule named "${h.of}" in this calendar` });
      }
      // 29 February is kept: a leap year has it.
      if (h.kind === 'fixed' && h.day > daysInMonth[h.month - 1]) {
        ctx.addIssue({
          code: 'custom',
          path: ['holidays', i, 'day'],
          message: `${monthNames[h.month - 1]} has no day ${h.day} (it has ${daysInMonth[h.month - 1]}): the holiday would never fall`,
        });
      }
    });
    // What compileCalendar would throw (a working day in working time), and a working day past 24 hours.
    if (compiles)
      for (const problem of calendarProblems(cal)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  });
const daysInMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const monthNames = 'January February March April May June July August September October November December'.split(' ');
export type CalendarSpec = z.infer<typeof calendarSchema>;
export type CalendarInput = z.input<typeof calendarSchema>;

// ---- Policies --------------------------------------------------------------------------------

export const escalationSchema = z.enum(['supportManagement', 'accountManager', 'onCall', 'none']);

export const targetSchema = z.strictObject({
  duration: durationSchema,
  /** Calendar id; when absent the policy's calendar rules pick one. */
  calendar: id.optional(),
  /** A warning fires at this point of the budget (Xecuritas Sev-2: warn at 4 h, breach at 6 h). */
  warnAfter: durationSchema.optional(),
  /**
   * A warning fires this long before the due instant, counted the way the target's duration is (in
   * open time when it is working time); it takes precedence over warnAfter (docs/policies.md "Due instant").
   */
  warnBefore: durationSchema.optional(),
  escalateTo: escalationSchema.default('none'),
  source,
});
export type TargetSpec = z.infer<typeof targetSchema>;

/**
 * A published compliance goal: a share of a target kind met on time, a statistic over many tickets
 * that the SLA report computes (api/read-models/reports.ts), e.g. Isode 002's 90 % of incidents relieved in time.
 */
export const goalSchema = z.strictObject({
  id,
  target: z.enum(targetKinds).describe('the kind of target whose windows are counted'),
  share: z.number().gt(0).max(1).describe('the share of decided targets (met, or breached) to be met on time'),
  ticketTypes: z.array(z.enum(ticketTypes)).min(1).optional().describe('only tickets of these types count; all when absent'),
  text: z.string().min(1),
  source,
});
export type GoalSpec = z.infer<typeof goalSchema>;

const condition = z
  .object({
    severities: z.array(id).optional(),
    plans: z.array(id).optional(),
    products: z.array(z.string().min(1)).optional(),
    needsCodeChange: z.boolean().optional(),
    option: id.optional().describe('a plan option that must be on'),
  })
  .strict();

/** Who hears of what unless a policy says otherwise; an escalation also goes to its target's escalateTo. */
export const defaultNotify: Record<NotifiableEvent, RecipientRole[]> = {
  opened: ['customer'],
  rejected: ['customer'],
  warning: ['assignee'],
  breached: ['assignee'],
  escalated: [],
  paged: ['onCall'],
  reclassified: ['customer', 'assignee'],
  informationRequested: ['customer'],
  resolved: ['customer'],
  autoClosed: ['customer'],
};

export const calendarRuleSchema = z.strictObject({ when: condition, calendar: id, source });
type CalendarRule = z.infer<typeof calendarRuleSchema>;

export const severitySchema = z.strictObject({ id, name: z.string().min(1), definition: z.string().min(1), rank: z.number().int().min(1) });
export const planSchema = z.strictObject({
  id,
  name: z.string().min(1),
  prioritySetBy: z.enum(['vendor', 'customer']),
  /** Options a contract may switch on (Isode custom packages). */
  options: z.array(id).default([]),
  source,
});

/** A support-scope answer's text and the paragraph it comes from. */
const scopeTextSchema = z.strictObject({ text: z.string().min(1), source });

export const lifecycleRulesSchema = z.strictObject({
  /** EOMS = latest of EOS + eomsAfterEos, next major GA + eomsAfterNextMajorGa, GA + eomsAfterGa. */
  eomsAfterEos: z.number().int().min(0).describe('months'),
  eomsAfterNextMajorGa: z.number().int().min(0).describe('months'),
  eomsAfterGa: z.number().int().min(0).describe('months'),
  extendedSupportMonths: z.number().int().min(0),
  noticeMonths: z.number().int().min(0),
  /** What Extended Support (after EOMS) still covers: anything else is refused, or accepted as billable. */
  extendedSupport: z
    .strictObject({
      /** A covered kind of ticket: these types, at this severity rank or more urgent (1 = most urgent). */
      covered: z
        .array(z.strictObject({ types: z.array(z.enum(ticketTypes)).min(1), maxSeverityRank: z.number().int().min(1).optional() }))
        .min(1),
      billable: z.array(z.enum(ticketTypes)).default([]),
      /** What a billable ticket is told; a generic text when absent. */
      billableText: z.string().min(1).optional(),
      /** What a refused ticket is told; a generic text when absent. */
      refusedText: z.string().min(1).optional(),
      source,
    })
    .optional(),
  /** What a ticket on a version before its GA, in a pilot, or after its End of Life is told; generic texts when absent. */
  scope: z
    .strictObject({ announced: scopeTextSchema.optional(), pilot: scopeTextSchema.optional(), endOfLife: scopeTextSchema.optional() })
    .optional(),
  source,
});

/** Which minor releases of a major version are supported (ISPsystem 8.1); the first rule naming the product wins. */
export const minorSupportRuleSchema = z.strictObject({
  products: z.array(z.string().min(1)).optional(),
  supported: z.enum(['twoLatestStablePlusRegular', 'latestStable', 'all']),
  /** What a customer on an outdated minor still gets (ISPsystem 8.3), told to them when their minor becomes outdated. */
  outdated: z.string().min(1),
  /** The paragraph a ticket on an outdated minor cites (ISPsystem 8.3); `source` when absent. */
  outdatedSource: source.optional(),
  source,
});

/**
 * Case fields a ticket may be required to carry when it opens; "contact" means a contact name
 * with an email address or a phone number.
 */
export const caseFields = [
  'contractId',
  'product',
  'productVersion',
  'contact',
  'details.companyName',
  'details.environment',
  'details.workarounds',
  'details.initialRecommendation',
  'details.firstReportedAt',
] as const;
export type CaseField = (typeof caseFields)[number];

/** The case fields a policy requires at opening (Xecuritas 003), each with the error told when it is missing. */
const requiredCaseFieldsSchema = z.strictObject({
  fields: z.array(z.strictObject({ field: z.enum(caseFields), detail: z.string().min(1) })).min(1),
  source,
});

/** A major version's milestones as local dates (YYYY-MM-DD) and its advance-notice days: what lifecycleDates computes. */
export const lifecycleMilestonesSchema = z
  .object({
    eos: z.iso.date().optional(),
    eoms: z.iso.date().optional().describe('Absent only under a policy that publishes no lifecycle rules, until the vendor sets it.'),
    eol: z.iso.date().optional(),
    provisional: z.boolean().describe("EOMS may still move later: the next major version's GA is not known yet."),
    notices: z.array(z.object({ milestone: z.enum(['eos', 'eoms', 'eol']), sendOn: z.iso.date() })),
    policyVersion: z.number().int(),
  })
  .meta({ id: 'LifecycleMilestones' });

/** A minor release of a major version (ISPsystem 8.1). */
export const minorReleaseSchema = z.object({ version: z.string(), kind: z.enum(['stable', 'regular']), releasedOn: z.iso.date() });

export const policySchema = z
  .strictObject({
    id,
    name: z.string().min(1),
    version: z.number().int().min(1),
    source: z.string().min(1).describe('seed file'),
    calendars: z.array(calendarSchema).min(1),
    defaultCalendar: id,
    calendarRules: z.array(calendarRuleSchema).default([]),
    severities: z.array(severitySchema).min(1),
    plans: z.array(planSchema).min(1),
    /** targets[plan][severity][kind]; "*" stands for every plan or every severity. */
    targets: z.record(z.string(), z.record(z.string(), z.partialRecord(z.enum(targetKinds), targetSchema))).default({}),
    waitingOnCustomer: z.strictObject({
      clock: z.enum(['pause', 'restart']),
      autoCloseAfter: durationSchema.optional(),
      /** A vendor response hands the ticket to the customer, like a request for information (ISPsystem 2.6 *). */
      afterResponse: z.boolean().default(false),
      source,
    }),
    /** Share of a target's budget at which its warning fires when the target names no warnAfter. */
    warnAtShare: z.number().gt(0).lt(1).default(0.8),
    /** Opening a ticket of these severities through these channels pages the on-call engineer (Xecuritas). */
    pageOnCall: z.strictObject({ severities: z.array(id).min(1), channels: z.array(z.enum(ticketChannels)).min(1), source }).optional(),
    /** Ticket types forwarded at once and carrying no target (Xecuritas feature requests). */
    forwardOnOpen: z.strictObject({ types: z.array(z.enum(ticketTypes)).min(1), team: z.string().min(1), source }).optional(),
    /** After resolution and after closing: when an unanswered resolved ticket closes, how long a closed one may reopen. */
    closing: z
      .strictObject({ resolvedCloseAfter: durationSchema, reopenWithin: durationSchema, source: source.optional() })
      .default({ resolvedCloseAfter: '14 calendar days', reopenWithin: '30 calendar days' }),
    notify: z.partialRecord(z.enum(notifiableEvents), z.array(z.enum(recipientRoles))).default({}),
    /** States in which targets are suspended (ISPsystem 3.4 "forwarded"). */
    suspendIn: z.array(z.enum(['forwarded', 'waitingOnCustomer'])).default([]),
    rejectionReasons: z.array(z.strictObject({ id, text: z.string().min(1) })).default([]),
    /** Products with the option / condition inputs a ticket may carry. */
    products: z.array(z.string().min(1)).default([]),
    requiresProduct: z.boolean().default(false),
    lifecycle: lifecycleRulesSchema.optional(),
    minorVersions: z.array(minorSupportRuleSchema).default([]),
    requiredCaseFields: requiredCaseFieldsSchema.optional(),
    /** A hot fix may be recorded only on a ticket of this severity rank or more urgent (Isode 002: priority 1 and 2). */
    hotfix: z.strictObject({ maxSeverityRank: z.number().int().min(1), source }).optional(),
    /** Support agreements under this policy: term reminders, ticket quota, plan rules (policies/agreement-rules.ts). */
    agreements: agreementRulesSchema.optional(),
    /** Prices: support-year fees, co-terming a licence extension, back payment for missed Updates (policies/quote-rules.ts). */
    quotes: quoteRulesSchema.optional(),
    /** Compliance goals over many tickets, reported by GET /v1/reports/sla, never enforced on one ticket. */
    goals: z.array(goalSchema).default([]),
  })
  .superRefine((p, ctx) => {
    // What could not run is looked for in a policy otherwise valid (every duration parsed, every calendar compiling).
    const shapeValid = ctx.issues.length === 0;
    const calendars = new Set(p.calendars.map((c) => c.id));
    const plans = new Set(p.plans.map((x) => x.id));
    const severities = new Set(p.severities.map((x) => x.id));
    const options = new Set(p.plans.flatMap((x) => x.options));
    if (!calendars.has(p.defaultCalendar)) {
      ctx.addIssue({ code: 'custom', path: ['defaultCalendar'], message: `no calendar "${p.defaultCalendar}" in this policy` });
    }
    p.calendarRules.forEach((r, i) => {
      if (!calendars.has(r.calendar))
        ctx.addIssue({ code: 'custom', path: ['calendarRules', i, 'calendar'], message: `no calendar "${r.calendar}" in this policy` });
      r.when.severities?.forEach((s, j) => {
        if (!severities.has(s))
          ctx.addIssue({ code: 'custom', path: ['calendarRules', i, 'when', 'severities', j], message: `no severity "${s}"` });
      });
      r.when.plans?.forEach((s, j) => {
        if (!plans.has(s)) ctx.addIssue({ code: 'custom', path: ['calendarRules', i, 'when', 'plans', j], message: `no plan "${s}"` });
      });
      r.when.products?.forEach((s, j) => {
        if (!p.products.includes(s))
          ctx.addIssue({ code: 'custom', path: ['calendarRules', i, 'when', 'products', j], message: `no product "${s}"` });
      });
      if (r.when.option && !options.has(r.when.option)) {
        ctx.addIssue({ code: 'custom', path: ['calendarRules', i, 'when', 'option'], message: `no plan offers option "${r.when.option}"` });
      }
    });
    const agreementPlans: Array<[string, Array<string | number>]> = [
      ...(p.agreements?.ticketQuota?.plans ?? []).map((x, i): [string, Array<string | number>] => [x, ['ticketQuota', 'plans', i]]),
      ...(p.agreements?.ticketQuota?.exchangeFor
        ? [[p.agreements.ticketQuota.exchangeFor, ['ticketQuota', 'exchangeFor']] as [string, string[]]]
        : []),
      ...(p.agreements?.requiresPlan ?? []).flatMap(
        (r, i): Array<[string, Array<string | number>]> => [
          [r.plan, ['requiresPlan', i, 'plan']],
          [r.requires, ['requiresPlan', i, 'requires']],
        ],
      ),
    ];
    for (const [plan, path] of agreementPlans) {
      if (!plans.has(plan)) ctx.addIssue({ code: 'custom', path: ['agreements', ...path], message: `no plan "${plan}"` });
    }
    for (const [plan, bySeverity] of Object.entries(p.targets)) {
      if (plan !== '*' && !plans.has(plan)) ctx.addIssue({ code: 'custom', path: ['targets', plan], message: `no plan "${plan}"` });
      for (const [severity, byKind] of Object.entries(bySeverity)) {
        if (severity !== '*' && !severities.has(severity)) {
          ctx.addIssue({ code: 'custom', path: ['targets', plan, severity], message: `no severity "${severity}"` });
        }
        for (const [kind, target] of Object.entries(byKind)) {
          if (target?.calendar && !calendars.has(target.calendar)) {
            ctx.addIssue({
              code: 'custom',
              path: ['targets', plan, severity, kind, 'calendar'],
              message: `no calendar "${target.calendar}" in this policy`,
            });
          }
        }
      }
    }
    for (const issue of goalIssues(p)) ctx.addIssue({ code: 'custom', ...issue });
    if (shapeValid) for (const issue of runnabilityIssues(p)) ctx.addIssue({ code: 'custom', ...issue });
  });

/** A goal must name a target kind the policy sets somewhere, and goal ids are unique. */
function goalIssues(p: { goals: GoalSpec[]; targets: Record<string, Record<string, Partial<Record<string, unknown>>>> }): Issue[] {
  const kinds = new Set(Object.values(p.targets).flatMap((bySeverity) => Object.values(bySeverity).flatMap((k) => Object.keys(k))));
  const unknownKinds = p.goals.flatMap((g, i) =>
    kinds.has(g.target) ? [] : [{ path: ['goals', i, 'target'], message: `no target of kind "${g.target}" in this policy` }],
  );
  return [...unknownKinds, ...duplicateIds(p.goals, 'goal', 'goals')];
}

type Issue = { path: Array<string | number>; message: string };

/** The ids of a list that an earlier entry already has (the first would win in silence), each at its path. */
function duplicateIds(list: Array<{ id: string }>, what: string, key: string): Issue[] {
  const first = new Map<string, number>();
  return list.flatMap((x, i) => {
    const seen = first.get(x.id);
    if (seen === undefined) first.set(x.id, i);
    return seen === undefined
      ? []
      : [{ path: [key, i, 'id'], message: `${key}[${seen}] is already ${what} "${x.id}": ids must be unique` }];
  });
}

/** The calendars a target may be counted on: its own, else each calendar rule that may match it and, unless one always does, the default. */
function targetCalendars(
  p: { calendarRules: CalendarRule[]; defaultCalendar: string },
  plan: string,
  severity: string,
  own?: string,
): string[] {
  if (own) return [own];
  const out: string[] = [];
  for (const { when: w, calendar } of p.calendarRules) {
    const severityMay = !w.severities || severity === '*' || w.severities.includes(severity);
    const planMay = !w.plans || plan === '*' || w.plans.includes(plan);
    if (!severityMay || !planMay) continue;
    out.push(calendar);
    const always =
      (!w.severities || w.severities.includes(severity)) &&
      (!w.plans || w.plans.includes(plan)) &&
      !w.products &&
      w.needsCodeChange === undefined &&
      !w.option;
    if (always) return [...new Set(out)];
  }
  return [...new Set([...out, p.defaultCalendar])];
}

/** Ticket rules count these on the wall clock only (ticket-rules.ts): a working duration would fail each ticket. */
const wallClockFields = (p: Policy): Array<[Array<string | number>, string | undefined]> => [
  [['closing', 'resolvedCloseAfter'], p.closing.resolvedCloseAfter],
  [['closing', 'reopenWithin'], p.closing.reopenWithin],
  [['waitingOnCustomer', 'autoCloseAfter'], p.waitingOnCustomer.autoCloseAfter],
];

/**
 * What a shape-valid policy states that could never run, each at its path (docs/policies.md
 * "Writing a policy"): duplicate ids; a pageOnCall severity the policy lacks; a required product
 * with no products; a calendar without open time; a closing or auto-close duration in working time;
 * a duration of more than 366 days of wall-clock time or 366 working days of a calendar counting it.
 */
function runnabilityIssues(p: Policy): Issue[] {
  const issues: Issue[] = [
    ...duplicateIds(p.calendars, 'calendar', 'calendars'),
    ...duplicateIds(p.severities, 'severity', 'severities'),
    ...duplicateIds(p.plans, 'plan', 'plans'),
  ];
  const severities = new Set(p.severities.map((x) => x.id));
  p.pageOnCall?.severities.forEach((s, j) => {
    if (!severities.has(s)) issues.push({ path: ['pageOnCall', 'severities', j], message: `no severity "${s}"` });
  });
  if (p.requiresProduct && p.products.length === 0) {
    issues.push({
      path: ['requiresProduct'],
      message: 'requiresProduct: true needs at least one product in "products": no ticket could open',
    });
  }
  const runnable = new Map<string, CalendarSpec>();
  p.calendars.forEach((c, i) => {
    const problem = openTimeProblem(c);
    if (problem) issues.push({ path: ['calendars', i, ...problem.path], message: problem.message });
    else if (!runnable.has(c.id)) runnable.set(c.id, c);
  });
  for (const [path, text] of wallClockFields(p)) {
    if (text === undefined) continue;
    const problem = parseDuration(text).working ? `"${text}" must be a wall-clock duration (calendar days)` : durationLimitProblem(text);
    if (problem) issues.push({ path, message: problem });
  }
  for (const [plan, bySeverity] of Object.entries(p.targets)) {
    for (const [severity, byKind] of Object.entries(bySeverity)) {
      for (const [kind, target] of Object.entries(byKind)) {
        if (!target) continue;
        const specs = targetCalendars(p, plan, severity, target.calendar).flatMap((id) => runnable.get(id) ?? []);
        for (const field of ['duration', 'warnAfter', 'warnBefore'] as const) {
          const text = target[field];
          if (text === undefined) continue;
          const problem = specs.map((spec) => durationLimitProblem(text, spec)).find((x) => x !== undefined);
          if (problem) issues.push({ path: ['targets', plan, severity, kind, field], message: problem });
        }
      }
    }
  }
  return issues;
}
export type Policy = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;
export type LifecycleRules = z.infer<typeof lifecycleRulesSchema>;
export type { AgreementRules } from './agreement-rules';
export type Lifecycle = z.infer<typeof lifecycleMilestonesSchema>;
export type MinorRelease = z.infer<typeof minorReleaseSchema>;
export type MinorSupportRule = z.infer<typeof minorSupportRuleSchema>;
