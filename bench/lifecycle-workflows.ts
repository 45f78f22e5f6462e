/**
 * The workflow bundle of bench/lifecycle: Lifeline's own workflows, unchanged, plus the baseline it
 * is compared with. Bundled and sandboxed like workflows/ (no Node APIs here).
 */
import { defineUpdate, setHandler, sleep } from '@temporalio/workflow';

export * from '../workflows';

export const pokeUpdate = defineUpdate<number, [number]>('poke');

/**
 * Baseline: the same instants as a lifecycle (GA, notices, milestones) as bare timers, and the same
 * number of Updates answered without work: what time skipping costs with nothing else to do.
 */
export async function benchLifecycleBaseline(instants: number[]): Promise<number> {
  let pokes = 0;
  setHandler(pokeUpdate, (n: number) => (pokes += n));
  for (const at of instants) {
    if (at > Date.now()) await sleep(at - Date.now());
  }
  return pokes;
}
