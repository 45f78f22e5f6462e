/**
 * The workflow bundle of bench/breach-lag: Lifeline's own workflows, unchanged, plus its baseline.
 * Bundled and sandboxed like workflows/ (no Node APIs here).
 */
import { proxyLocalActivities, sleep } from '@temporalio/workflow';

export * from '../workflows';

const { benchBreachWrite } = proxyLocalActivities<{ benchBreachWrite(atMs: number): Promise<void> }>({
  startToCloseTimeout: '10 seconds',
});

/**
 * Baseline: a bare workflow that sleeps until `atMs`, then runs one local activity that inserts a
 * row whose recorded_at is PostgreSQL's now(), as a ticket's breach row records it.
 */
export async function benchBreachTimer(atMs: number): Promise<void> {
  await sleep(Math.max(1, atMs - Date.now()));
  await benchBreachWrite(atMs);
}
