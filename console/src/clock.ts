/**
 * A queue target's clock between two polls: the API read it at `asOf` (remaining business time,
 * whether it counts, when that flips); this brings it to `now` without knowing the calendar.
 * After one flip it stands until the next poll reads the calendar again. Pure (no DOM).
 */
export interface TargetClock {
  status: string;
  remainingMs: number;
  counting: boolean;
  changesAt: string | null;
}

/** Whether the target's remaining time decreases at `now`. */
export function countingAt(t: TargetClock, now: number): boolean {
  if (t.status !== 'running') return false;
  const flipped = t.changesAt !== null && now >= Date.parse(t.changesAt);
  return flipped ? !t.counting : t.counting;
}

/** The remaining business time at `now`, from the reading at `asOf`. */
export function remainingAt(t: TargetClock, asOf: number, now: number): number {
  if (t.status !== 'running' || now <= asOf) return t.remainingMs;
  const change = t.changesAt === null ? Infinity : Date.parse(t.changesAt);
  const counted = t.counting ? Math.min(now, change) - asOf : now - Math.max(asOf, change);
  return t.remainingMs - Math.max(0, counted);
}
