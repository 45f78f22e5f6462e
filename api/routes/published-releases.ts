/** A product's versions as the published feed reads them, and their endoflife.date v1 and v0 shapes. */
import type { Pool } from 'pg';
import {
  lifecycleMoments,
  milestoneNames,
  onSaleOf,
  phaseOf,
  reachedAt,
  type LifecycleMoment,
  type MomentInstants,
} from '../../policies/index';
import { addDays, localToUtc, parseDate } from '../../policies/zone';
import type { LifecycleState } from '../../workflows/lifecycle/contract';
import { problems } from '../problem';
import { publishedProduct, publishedVersions, type PublishedProductRow, type PublishedVersionRow } from '../read-models/published';
import type { PublishedCycleV0, PublishedRelease } from '../schemas/published';

export const momentNames: Record<LifecycleMoment, string> = { ga: 'General Availability', ...milestoneNames };

/** One version as the routes read it: dates, their instants, and what is reached now. */
export interface Version {
  row: PublishedVersionRow;
  zone: string;
  dates: Record<LifecycleMoment, string | null>;
  at: Record<LifecycleMoment, string | null>;
  reached: Record<LifecycleMoment, boolean>;
}

/** A product and its versions, newest GA first; 404 for an unknown product. */
export async function loadProduct(pool: Pool, param: string): Promise<{ product: PublishedProductRow; versions: Version[] }> {
  const id = param.toLowerCase();
  const product = await publishedProduct(pool, id);
  if (!product) throw problems.notFound(`No product "${id}".`);
  const now = Date.now();
  const list = (await publishedVersions(pool, product)).map((row) => toVersion(row, product.zone, now));
  // Newest GA first, as endoflife.date lists releases; the same GA orders by version, highest first.
  list.sort(
    (a, b) => (b.dates.ga ?? '').localeCompare(a.dates.ga ?? '') || b.row.version.localeCompare(a.row.version, 'en', { numeric: true }),
  );
  return { product, versions: list };
}

/** What the workflow has recorded as reached (its clock runs ahead of the host's in time-skipping tests). */
function recordedMoments(row: PublishedVersionRow, hasEos: boolean): Record<LifecycleMoment, boolean> {
  const phase = row.phase ?? 'announced';
  const released = ['mainstream', 'extended', 'endOfLife'].includes(phase);
  return {
    ga: released,
    eos: released && row.snapshot.onSale === false && hasEos,
    eoms: ['extended', 'endOfLife'].includes(phase),
    eol: row.phase === 'endOfLife',
  };
}

function toVersion(row: PublishedVersionRow, productZone: string, now: number): Version {
  const s = row.snapshot;
  const zone = s.zone ?? productZone;
  const dates: Record<LifecycleMoment, string | null> = { ga: row.ga, eos: row.eos, eoms: row.eoms, eol: row.eol };
  const at = {} as Record<LifecycleMoment, string | null>;
  const changesAt: MomentInstants = {};
  for (const k of lifecycleMoments) {
    const date = dates[k];
    // The workflow's instants; computed the same way (planLifecycle) should a snapshot lack one.
    const instant =
      s.changesAt?.[k] ??
      (date ? new Date(localToUtc(zone, k === 'ga' ? parseDate(date) : addDays(parseDate(date), 1), 0)).toISOString() : null);
    at[k] = instant;
    if (instant !== null) changesAt[k] = instant;
  }
  // Reached by the calendar, or already recorded by the workflow; later milestones imply earlier ones.
  const reached = reachedAt(changesAt, now, recordedMoments(row, dates.eos !== null));
  return { row, zone, dates, at, reached };
}

/** The latest minor: by release date, then the order recorded (as the read model's latest_minor). */
function latestMinor(s: LifecycleState) {
  const minors = (s.minors ?? []).map((m, i) => ({ ...m, i }));
  minors.sort((a, b) => a.releasedOn.localeCompare(b.releasedOn) || a.i - b.i);
  return minors.at(-1);
}

/** Whether EOMS (and so EOL) may still move later, as the read model or the snapshot records it. */
export function isProvisional(v: Version): boolean {
  return v.row.provisional ?? v.row.snapshot.milestones?.provisional ?? false;
}

/** Lifeline's extension of a v1 release: phase, instants, minors and the public parts of the notices. */
function lifelineExtension(v: Version): PublishedRelease['lifeline'] {
  const s = v.row.snapshot;
  return {
    // Before GA the workflow's recorded 'pilot' (a pilot was requested) is the only way to the pilot phase.
    phase: phaseOf(v.reached, v.row.phase === 'pilot'),
    zone: v.zone,
    // On sale from GA until End of Sales (or a later milestone), by the same reached moments as the phase.
    onSale: onSaleOf(v.reached),
    provisional: isProvisional(v),
    changesAt: { ga: v.at.ga, eos: v.at.eos, eoms: v.at.eoms, eol: v.at.eol },
    supportedUntil: v.at.eol,
    supportedMinors: v.row.supported_minors ?? s.supportedMinors ?? [],
    minors: (s.minors ?? []).map(({ version, kind, releasedOn }) => ({ version, kind, releasedOn })),
    // Only the public parts of the snapshot: never pilots (customer ids) or extension reasons.
    notices: (s.notices ?? []).map((n) => ({
      milestone: n.milestone,
      kind: n.kind,
      date: n.date,
      ...(n.previousDate ? { previousDate: n.previousDate } : {}),
      sendOn: n.sendOn,
      sent: n.sentAt !== undefined,
      ...(n.sentAt ? { sentAt: n.sentAt } : {}),
    })),
    nextMajor: s.nextMajor ? { version: s.nextMajor.version, ga: s.nextMajor.ga } : null,
    updatedAt: v.row.updated_at.toISOString(),
  };
}

/** A v1 ProductRelease: `isX` once now is past the end of the `xFrom` day. */
export function releaseJson(v: Version): PublishedRelease {
  const latest = latestMinor(v.row.snapshot);
  const isDiscontinued = v.reached.eos;
  const isEoas = v.reached.eoms;
  const isEol = v.reached.eol;
  return {
    name: v.row.version,
    codename: null,
    label: v.row.version,
    releaseDate: v.dates.ga!,
    isLts: false,
    ltsFrom: null,
    isEoas,
    eoasFrom: v.dates.eoms,
    isEol,
    eolFrom: v.dates.eol,
    isDiscontinued,
    discontinuedFrom: v.dates.eos,
    // endoflife.date set_is_maintained: maintained while any of isEoas/isEol/isDiscontinued/isEoes is false.
    isMaintained: [isEoas, isEol, isDiscontinued].some((b) => !b),
    latest: latest ? { name: latest.version, date: latest.releasedOn, link: null } : null,
    custom: null,
    lifeline: lifelineExtension(v),
  };
}

/** v0 (generate-api-v0.rb): `eol`/`discontinued` are a date or "already reached"; `support` a date or "still going" (v0's `support` = !eoas). */
export function cycleV0(v: Version): PublishedCycleV0 {
  const latest = latestMinor(v.row.snapshot);
  return {
    cycle: v.row.version,
    releaseDate: v.dates.ga!,
    eol: v.dates.eol ?? v.reached.eol,
    // v0 omits `latest` when unknown (v1's changelog: "now always contain … even if they are null").
    ...(latest ? { latest: latest.version, latestReleaseDate: latest.releasedOn } : {}),
    link: null,
    lts: false,
    support: v.dates.eoms ?? !v.reached.eoms,
    discontinued: v.dates.eos ?? v.reached.eos,
  };
}
