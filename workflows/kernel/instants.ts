/** Instants as workflows write them: ISO-8601 in UTC. Pure (no Temporal import), so state machines use it too. */

/** An instant exactly, to the millisecond (lifecycle notices and phase changes). */
export function isoInstant(ms: number): string {
  return new Date(ms).toISOString();
}

/** An instant to the second, as helpdesks and the policies count ticket times; timers still fire to the millisecond. */
export function isoToSecond(ms: number): string {
  return new Date(ms - (ms % 1000)).toISOString();
}
