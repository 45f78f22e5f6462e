/**
 * The workflow bundle of bench/tickets: Lifeline's own workflows, unchanged, plus the two
 * baselines it compares them with. Bundled and sandboxed like workflows/ (no Node APIs here).
 */
import { proxyLocalActivities, proxySinks, sleep, type Sinks } from '@temporalio/workflow';

export * from '../workflows';

interface BenchSinks extends Sinks {
  bench: { armed(): void };
}
const { bench } = proxySinks<BenchSinks>();

const { benchLateness } = proxyLocalActivities<{ benchLateness(atMs: number): Promise<number> }>({
  startToCloseTimeout: '10 seconds',
});

/** Capacity baseline: a workflow that only sleeps on one timer. The sink call tells the worker its timer is armed. */
export async function benchSleeper(untilMs: number): Promise<void> {
  bench.armed(); // runs in the worker once this activation completes; not recorded in history
  await sleep(Math.max(1, untilMs - Date.now()));
}

/** Latency baseline: the dev server's raw timer, read in a local activity as the ticket's breach is. */
export async function benchTimer(atMs: number): Promise<{ workflowLateMs: number; activityLateMs: number }> {
  await sleep(Math.max(1, atMs - Date.now()));
  const workflowLateMs = Date.now() - atMs; // workflow time: the start of the task that saw the timer fire
  const activityLateMs = await benchLateness(atMs); // the worker's wall clock
  return { workflowLateMs, activityLateMs };
}
