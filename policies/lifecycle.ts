/** computeLifecycle: a major version's milestones and their notices, as local dates (YYYY-MM-DD). */
import { PolicyInputError } from './errors';
import type { Policy } from './schema';
import { policyById } from './sla';
import { formatDate, parseDate, type LocalDate } from './zone';

export interface LifecycleInput {
  policy: string;
  ga: string;
  eos?: string;
  nextMajorGa?: string;
}

export type Milestone = 'eos' | 'eoms' | 'eol';

export interface Lifecycle {
  eos?: string;
  eoms: string;
  eol: string;
  /** EOMS may still move later: the next major version's GA is not known yet. */
  provisional: boolean;
  notices: Array<{ milestone: Milestone; sendOn: string }>;
  policyVersion: number;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Calendar-month arithmetic, clamped to the month's end (31 Aug − 6 months = 28/29 Feb). */
export function addMonths(d: LocalDate, months: number): LocalDate {
  const index = d.year * 12 + (d.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { year, month, day: Math.min(d.day, daysInMonth(year, month)) };
}

function date(field: string, value: unknown): LocalDate {
  if (typeof value !== 'string') throw new PolicyInputError(field, 'expected a date YYYY-MM-DD');
  try {
    return parseDate(value);
  } catch (err) {
    throw new PolicyInputError(field, (err as Error).message);
  }
}

const later = (a: LocalDate, b: LocalDate) => (formatDate(a) >= formatDate(b) ? a : b);

export function computeLifecycleFor(policy: Policy, input: Omit<LifecycleInput, 'policy'>): Lifecycle {
  const rules = policy.lifecycle;
  if (!rules) throw new PolicyInputError('policy', `policy "${policy.id}" has no lifecycle rules`, ['infotecs']);
  const ga = date('ga', input.ga);
  const eos = input.eos === undefined ? undefined : date('eos', input.eos);
  const nextMajorGa = input.nextMajorGa === undefined ? undefined : date('nextMajorGa', input.nextMajorGa);
  if (eos && formatDate(eos) < formatDate(ga)) throw new PolicyInputError('eos', 'End of Sales cannot be before GA');
  if (nextMajorGa && formatDate(nextMajorGa) <= formatDate(ga)) {
    throw new PolicyInputError('nextMajorGa', "the next major version's GA must be after this version's GA");
  }
  // 000 §2: EOMS is the latest of EOS + 1 year, next major GA + 2 years, and GA + 4 years (5-year floor).
  let eoms = addMonths(ga, rules.eomsAfterGa);
  if (eos) eoms = later(eoms, addMonths(eos, rules.eomsAfterEos));
  if (nextMajorGa) eoms = later(eoms, addMonths(nextMajorGa, rules.eomsAfterNextMajorGa));
  const eol = addMonths(eoms, rules.extendedSupportMonths);
  const milestones: Array<[Milestone, LocalDate]> = [...(eos ? [['eos', eos] as [Milestone, LocalDate]] : []), ['eoms', eoms], ['eol', eol]];
  return {
    ...(eos ? { eos: formatDate(eos) } : {}),
    eoms: formatDate(eoms),
    eol: formatDate(eol),
    provisional: nextMajorGa === undefined,
    // Each milestone is announced six calendar months ahead ("not later than half a year before").
    notices: milestones.map(([milestone, d]) => ({ milestone, sendOn: formatDate(addMonths(d, -rules.noticeMonths)) })),
    policyVersion: policy.version,
  };
}

export function computeLifecycle(input: LifecycleInput): Lifecycle {
  return computeLifecycleFor(policyById(input.policy), input);
}
