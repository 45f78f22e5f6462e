/**
 * The lifecycle rules as pure date arithmetic (no time-zone data, no zod, no luxon): the API, the
 * local activity and the lifecycle workflow's Update validators all compute the same dates.
 */
import { addDays, addMonths, formatDate, parseDate, type LocalDate } from './dates';
import { PolicyInputError } from './errors';
import type { Lifecycle, LifecycleRules, MinorRelease, MinorSupportRule } from './schema';

export type { Lifecycle, MinorRelease };

export type Milestone = 'eos' | 'eoms' | 'eol';
export const milestones: readonly Milestone[] = ['eos', 'eoms', 'eol'];
export const milestoneNames: Record<Milestone, string> = {
  eos: 'End of Sales',
  eoms: 'End of Mainstream Support',
  eol: 'End of Life',
};

export interface LifecycleInput {
  policy: string;
  ga: string;
  eos?: string;
  nextMajorGa?: string;
  /** The vendor extended support: End of Mainstream Support not before this date. */
  eomsNotBefore?: string;
  /** The vendor extended support: End of Life not before this date. */
  eolNotBefore?: string;
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
const optionalDate = (field: string, value: string | undefined) => (value === undefined ? undefined : date(field, value));

/**
 * The milestones of one major version. With rules (Infotecs 000 §2): EOMS is the latest of
 * EOS + 1 year, next major GA + 2 years and GA + 4 years (the 5-year floor), EOL = EOMS + 1 year,
 * and a vendor's extension is a floor under either. Without rules (a policy that publishes no
 * major-version lifecycle) the milestones are exactly the dates the vendor set.
 */
export function lifecycleDates(rules: LifecycleRules | undefined, policyVersion: number, input: Omit<LifecycleInput, 'policy'>): Lifecycle {
  const ga = date('ga', input.ga);
  const eos = optionalDate('eos', input.eos);
  const nextMajorGa = optionalDate('nextMajorGa', input.nextMajorGa);
  const eomsFloor = optionalDate('eomsNotBefore', input.eomsNotBefore);
  const eolFloor = optionalDate('eolNotBefore', input.eolNotBefore);
  if (eos && formatDate(eos) < formatDate(ga)) throw new PolicyInputError('eos', 'End of Sales cannot be before GA');
  if (nextMajorGa && formatDate(nextMajorGa) <= formatDate(ga)) {
    throw new PolicyInputError('nextMajorGa', "the next major version's GA must be after this version's GA");
  }
  let eoms: LocalDate | undefined;
  let eol: LocalDate | undefined;
  if (rules) {
    // 000 §2: EOMS is the latest of EOS + 1 year, next major GA + 2 years, and GA + 4 years (5-year floor).
    eoms = addMonths(ga, rules.eomsAfterGa);
    if (eos) eoms = later(eoms, addMonths(eos, rules.eomsAfterEos));
    if (nextMajorGa) eoms = later(eoms, addMonths(nextMajorGa, rules.eomsAfterNextMajorGa));
    if (eomsFloor) eoms = later(eoms, eomsFloor);
    eol = addMonths(eoms, rules.extendedSupportMonths);
    if (eolFloor) eol = later(eol, eolFloor);
  } else {
    eoms = eomsFloor;
    eol = eolFloor ?? undefined;
    if (eoms && eol && formatDate(eol) < formatDate(eoms))
      throw new PolicyInputError('eolNotBefore', 'End of Life cannot be before End of Mainstream Support');
  }
  if (eos && eoms && formatDate(eoms) < formatDate(eos))
    throw new PolicyInputError('eos', 'End of Sales cannot be after End of Mainstream Support');
  const noticeMonths = rules?.noticeMonths ?? 6;
  const all: Array<[Milestone, LocalDate | undefined]> = [
    ['eos', eos],
    ['eoms', eoms],
    ['eol', eol],
  ];
  return {
    ...(eos ? { eos: formatDate(eos) } : {}),
    ...(eoms ? { eoms: formatDate(eoms) } : {}),
    ...(eol ? { eol: formatDate(eol) } : {}),
    provisional: rules !== undefined && nextMajorGa === undefined,
    // Each milestone is announced six calendar months ahead ("not later than half a year before").
    notices: all
      .filter((m): m is [Milestone, LocalDate] => m[1] !== undefined)
      .map(([milestone, d]) => ({ milestone, sendOn: formatDate(addMonths(d, -noticeMonths)) })),
    policyVersion,
  };
}

/**
 * The earliest date a milestone may be set or moved to on `today`: its notice, `noticeMonths`
 * calendar months before it, must not be in the past (docs/policies.md "Infotecs (000)"). Clamping
 * makes "today + 6 months" too early at a month's end (31 Aug + 6 = 28 Feb, whose notice day is
 * 28 Aug), so the answer is the first day whose notice day is today or later.
 */
export function earliestMilestoneDate(today: string, noticeMonths = 6): string {
  const t = date('today', today);
  let d = addMonths(t, noticeMonths);
  while (formatDate(addMonths(d, -noticeMonths)) < today) d = addDays(d, 1);
  return formatDate(d);
}

/** The rule for a product: the first naming it, else the first naming no product; none → every minor is supported. */
export function minorRuleFor(rules: readonly MinorSupportRule[], product: string): MinorSupportRule | undefined {
  const p = product.toLowerCase();
  return rules.find((r) => r.products?.some((x) => x.toLowerCase() === p)) ?? rules.find((r) => !r.products);
}

/**
 * The supported minors, in release order (ISPsystem 8.1): the two latest stable minors plus the
 * regular minors released no earlier than the older of them; DNSmanager: the latest stable only.
 * Releases are ordered by release date, then by the order they were recorded.
 */
export function supportedMinors(rule: MinorSupportRule | undefined, releases: readonly MinorRelease[]): string[] {
  const ordered = releases
    .map((r, i) => ({ ...r, i }))
    .sort((a, b) => (a.releasedOn === b.releasedOn ? a.i - b.i : a.releasedOn < b.releasedOn ? -1 : 1));
  if (!rule || rule.supported === 'all') return ordered.map((r) => r.version);
  const stable = ordered.filter((r) => r.kind === 'stable');
  // No stable minor yet: nothing is outdated against it.
  if (stable.length === 0) return ordered.map((r) => r.version);
  if (rule.supported === 'latestStable') return [stable[stable.length - 1].version];
  const latestTwo = stable.slice(-2);
  // "released no earlier than the previous to current stable version": by release date, ties included.
  return ordered
    .filter((r) => (r.kind === 'stable' ? latestTwo.includes(r) : r.releasedOn >= latestTwo[0].releasedOn))
    .map((r) => r.version);
}

import type { LifecyclePhase } from './lifecycle-phase';

export type { LifecyclePhase };

export { phaseAt } from './lifecycle-phase';
