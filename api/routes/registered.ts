import { setTimeout as sleep } from 'node:timers/promises';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';

/** How a start route waits for its new workflow: a query every 100 ms, at most 100 of them, 10 s in all. */
export const registrationWait = { intervalMs: 100, maxQueries: 100, totalMs: 10_000 };

export type Registration<T> = { registered: true; state: T } | { registered: false; lastError?: unknown };

/**
 * Queries a just-started workflow until its state says it is registered, and returns that state.
 * The first query after `workflow.start` can be answered from the workflow's initial state, before
 * its first local activity (registration, deadlines) finished; so can one buffered behind it. A
 * failed query (no worker yet, a deadline) is asked again, until the bound; `lastError` says why it ended unregistered.
 */
export async function queryRegistered<T>(
  client: Client,
  query: () => Promise<T>,
  registered: (state: T) => boolean,
  wait = registrationWait,
): Promise<Registration<T>> {
  const deadline = Date.now() + wait.totalMs;
  let lastError: unknown;
  for (let asked = 1; ; asked++) {
    try {
      const state = await client.withDeadline(deadline, query);
      if (registered(state)) return { registered: true, state };
    } catch (err) {
      lastError = err;
      if (err instanceof WorkflowNotFoundError) break; // nothing to wait for
    }
    if (asked >= wait.maxQueries || Date.now() + wait.intervalMs >= deadline) break;
    await sleep(wait.intervalMs);
  }
  return { registered: false, lastError };
}
