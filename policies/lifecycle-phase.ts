/**
 * When a lifecycle's milestones take effect and which phase that makes: the one statement of these
 * rules, used by the lifecycle workflow, the published feed and ticket entitlement (docs/architecture.md).
 * Instants come from the plan (GA at the start of its day, EOS/EOMS/EOL at the end of theirs).
 */
import type { Milestone } from './lifecycle-dates';

export type LifecyclePhase = 'announced' | 'pilot' | 'mainstream' | 'extended' | 'endOfLife';

/** GA and the three milestones: the moments at which a version's phase or sale changes. */
export type LifecycleMoment = 'ga' | Milestone;
export const lifecycleMoments: readonly LifecycleMoment[] = ['ga', 'eos', 'eoms', 'eol'];

/** The instants at which each moment takes effect (ISO-8601), as the plan computed them. */
export type MomentInstants = Partial<Record<LifecycleMoment, string>>;

/** A moment is reached once its instant has come. */
export function isReached(changesAt: MomentInstants, moment: LifecycleMoment, at: number): boolean {
  const instant = changesAt[moment];
  return instant !== undefined && at >= Date.parse(instant);
}

/**
 * What is reached at an instant, where later milestones imply earlier ones (End of Life ends
 * mainstream support and sales too). `recorded` adds what a workflow has already recorded as reached.
 */
export function reachedAt(
  changesAt: MomentInstants,
  at: number,
  recorded: Partial<Record<LifecycleMoment, boolean>> = {},
): Record<LifecycleMoment, boolean> {
  const hit = (m: LifecycleMoment) => recorded[m] === true || isReached(changesAt, m, at);
  return { ga: hit('ga'), eos: hit('eos') || hit('eoms') || hit('eol'), eoms: hit('eoms') || hit('eol'), eol: hit('eol') };
}

/** The phase once these moments are reached; before GA, a version with a pilot is in `pilot`. */
export function phaseOf(reached: Record<LifecycleMoment, boolean>, hasPilots: boolean): LifecyclePhase {
  if (reached.eol) return 'endOfLife';
  if (reached.eoms) return 'extended';
  if (reached.ga) return 'mainstream';
  return hasPilots ? 'pilot' : 'announced';
}

/** The phase at an instant. */
export function phaseAt(changesAt: MomentInstants, hasPilots: boolean, at: number): LifecyclePhase {
  return phaseOf(reachedAt(changesAt, at), hasPilots);
}

/** Whether a version is on sale once these moments are reached: from GA until End of Sales (or any later milestone). */
export function onSaleOf(reached: Record<LifecycleMoment, boolean>): boolean {
  return reached.ga && !reached.eos;
}

/** Whether a version is on sale at an instant. */
export function onSaleAt(changesAt: MomentInstants, at: number): boolean {
  return onSaleOf(reachedAt(changesAt, at));
}

/** Where a running lifecycle stands: its phase, and whether the version is still sold. */
export interface PhaseStanding {
  phase: LifecyclePhase;
  onSale: boolean;
}

/**
 * The change each moment makes to a running lifecycle, and when it still applies: the workflow
 * applies them in the order of their instants, each once.
 */
export const phaseChanges: Record<LifecycleMoment, { applies: (s: PhaseStanding) => boolean; apply: (s: PhaseStanding) => PhaseStanding }> =
  {
    ga: { applies: (s) => s.phase === 'announced' || s.phase === 'pilot', apply: () => ({ phase: 'mainstream', onSale: true }) },
    eos: { applies: (s) => s.onSale, apply: (s) => ({ phase: s.phase, onSale: false }) },
    eoms: { applies: (s) => s.phase === 'mainstream', apply: () => ({ phase: 'extended', onSale: false }) },
    eol: { applies: (s) => s.phase !== 'endOfLife', apply: () => ({ phase: 'endOfLife', onSale: false }) },
  };

/** Whether a moment's change is still to come for a lifecycle in this standing (the next wake-up may be it). */
export function changeIsPending(moment: LifecycleMoment, s: PhaseStanding): boolean {
  switch (moment) {
    case 'ga':
      return s.phase === 'announced' || s.phase === 'pilot';
    case 'eos':
      return s.onSale || s.phase === 'announced' || s.phase === 'pilot';
    case 'eoms':
      return s.phase !== 'extended' && s.phase !== 'endOfLife';
    case 'eol':
      return s.phase !== 'endOfLife';
  }
}
