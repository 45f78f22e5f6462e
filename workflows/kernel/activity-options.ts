/** Activity options the workflows share: how long each kind of side effect may take and how it is retried. */
import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

/**
 * Local activities that read or write the database (deadlines, plans, persistence): one marker event
 * each in history, retried for as long as it takes (a database outage of an hour delays a workflow,
 * it never fails one); the SDK turns long backoffs into durable timers. `nonRetryable` names the
 * error types of inputs the rules refuse.
 */
export function untilDone(nonRetryable: string[] = []): LocalActivityOptions {
  return {
    startToCloseTimeout: '30 seconds',
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '5 minutes',
      ...(nonRetryable.length > 0 ? { nonRetryableErrorTypes: nonRetryable } : {}),
    },
  };
}

/**
 * Persistence makes the first delivery attempt itself; what it could not send goes through this
 * regular activity, so a webhook that is down is retried by Temporal, for days.
 */
export const delivery: ActivityOptions = {
  startToCloseTimeout: '5 minutes', // a few recipients at up to 10 s each; the rows' claim lease is 6 minutes
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
};
