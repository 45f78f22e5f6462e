/**
 * When a run continues as new, and how it finishes its handlers first: nothing may be left
 * half-done (every handler finished, every event written) when a run ends or continues.
 */
import { allHandlersFinished, condition, workflowInfo } from '@temporalio/workflow';
import type { HandlerLock } from './lock';

export interface RunLimits {
  /** A run's history bound, below Temporal's warning at 10,240 events; the server may suggest earlier. */
  maxHistoryEvents: number;
  /** Temporal allows 2,000 updates per run; continue before that. */
  maxUpdates: number;
}

/** Whether this run should continue as new now. */
export function shouldContinueAsNew(limits: RunLimits, updatesThisRun: number): boolean {
  const info = workflowInfo();
  return info.historyLength > limits.maxHistoryEvents || info.continueAsNewSuggested || updatesThisRun >= limits.maxUpdates;
}

/** Waits until every handler has finished and everything they recorded is written. */
export async function drainHandlers(lock: HandlerLock, flush: () => Promise<void>, hasPending: () => boolean): Promise<void> {
  do {
    await condition(allHandlersFinished);
    await lock.run(flush);
  } while (hasPending() || !allHandlersFinished());
}
