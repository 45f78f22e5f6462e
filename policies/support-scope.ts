/**
 * What support a ticket naming a product version gets, from the version's lifecycle phase and its
 * minor release. The texts and the paragraphs they cite are policy data (lifecycle.scope,
 * lifecycle.extendedSupport, minorVersions[].outdated); a policy without them gets generic texts.
 */
import { catalog } from './catalog';
import type { LifecyclePhase } from './lifecycle-phase';
import type { LifecycleRules, MinorSupportRule } from './schema';

export interface ScopeQuestion {
  phase: LifecyclePhase;
  /** The ticket's minor release is outdated (ISPsystem 8.2). */
  minorOutdated?: boolean;
  type: string;
  /** The ticket severity's rank in its policy (1 = most urgent). */
  severityRank: number;
}

export type ScopeDecision = 'covered' | 'billable' | 'knownSolutionsOnly' | 'refused';

export interface ScopeAnswer {
  decision: ScopeDecision;
  text: string;
  source: string;
}

/** The outdated-minor part of a minor support rule. */
export type OutdatedMinor = Pick<MinorSupportRule, 'outdated' | 'outdatedSource' | 'source'>;

/** What a policy without its own texts says; the "source" of a generic text names the phase, not a paragraph. */
const generic = {
  announced: { text: 'This version is not released yet.', source: 'before General Availability' },
  pilot: { text: 'Covered.', source: 'pilot' },
  endOfLife: { text: 'This version has reached End of Life: there is no support for it.', source: 'End of Life' },
  billable: 'Extended Support: this is fixed only under a paid agreement.',
  refused: 'Extended Support does not cover this.',
  outdated: { text: 'This minor release is outdated.', source: 'outdated minor release' },
};

/**
 * The text and paragraph told to a ticket on an outdated minor. A caller may pass the rule's text
 * alone (activities/rules.ts does today), or a rule recorded before it had outdatedSource: the
 * paragraph is then that of the catalog rule stating the same text, else the rule's own source,
 * else a generic one.
 */
function outdatedAnswer(minor: OutdatedMinor | string | undefined): { text: string; source: string } {
  if (minor === undefined) return generic.outdated;
  const rule = typeof minor === 'string' ? undefined : minor;
  const text = rule ? rule.outdated : (minor as string);
  const stated = Object.values(catalog)
    .flatMap((p) => p.minorVersions)
    .find((r) => r.outdated === text);
  const source = rule?.outdatedSource ?? (stated ? (stated.outdatedSource ?? stated.source) : undefined) ?? rule?.source;
  return { text, source: source ?? generic.outdated.source };
}

/**
 * What support a ticket of this type gets in this phase: before GA and after End of Life nothing
 * (Infotecs 000 §2 texts in the catalog); mainstream and pilot everything; extended what
 * lifecycle.extendedSupport covers, other types billable or refused (Infotecs 000 §2); an outdated
 * minor known solutions and migration help (ISPsystem 8.3).
 */
export function supportScope(rules: LifecycleRules | undefined, minor: OutdatedMinor | string | undefined, q: ScopeQuestion): ScopeAnswer {
  const scope = rules?.scope;
  if (q.phase === 'endOfLife') return { decision: 'refused', ...(scope?.endOfLife ?? generic.endOfLife) };
  if (q.phase === 'announced') return { decision: 'refused', ...(scope?.announced ?? generic.announced) };
  if (q.phase === 'extended' && rules?.extendedSupport) {
    const ext = rules.extendedSupport;
    const covered = ext.covered.some(
      (c) => c.types.includes(q.type as never) && (c.maxSeverityRank === undefined || q.severityRank <= c.maxSeverityRank),
    );
    if (!covered) {
      if (ext.billable.includes(q.type as never)) {
        return { decision: 'billable', text: ext.billableText ?? generic.billable, source: ext.source };
      }
      return { decision: 'refused', text: ext.refusedText ?? generic.refused, source: ext.source };
    }
  }
  if (q.minorOutdated) return { decision: 'knownSolutionsOnly', ...outdatedAnswer(minor) };
  if (q.phase === 'pilot') return { decision: 'covered', ...(scope?.pilot ?? generic.pilot) };
  return { decision: 'covered', text: q.phase === 'extended' ? 'Covered by Extended Support.' : 'Covered.', source: 'mainstream support' };
}
