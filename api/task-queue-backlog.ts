/**
 * The workers' backlog, as Temporal's matching service counts it (issue 14, defect 2): tasks added
 * to the task queue and not yet taken by a worker, and the age of the oldest. Intake answers 202
 * when the workers are behind; this is how on-call sees that they are, before customers do.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';

export interface Backlog {
  type: 'workflow' | 'activity';
  tasks: number;
  oldestSeconds: number;
}

const TYPES = [
  ['workflow', temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW],
  ['activity', temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY],
] as const;

/** Bounded, like every other call a scrape makes: a Temporal that does not answer gives no figure, not a hang. */
const DESCRIBE_DEADLINE_MS = 2_000;

const seconds = (d: { seconds?: unknown; nanos?: number | null } | null | undefined) => Number(d?.seconds ?? 0) + (d?.nanos ?? 0) / 1e9;

export async function taskQueueBacklog(client: Client, taskQueue: string): Promise<Backlog[]> {
  return Promise.all(
    TYPES.map(async ([type, taskQueueType]) => {
      const described = await client.withDeadline(Date.now() + DESCRIBE_DEADLINE_MS, () =>
        client.workflowService.describeTaskQueue({
          namespace: client.options.namespace,
          taskQueue: { name: taskQueue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
          taskQueueType,
          reportStats: true,
        }),
      );
      const stats = described.stats;
      return { type, tasks: Number(stats?.approximateBacklogCount ?? 0), oldestSeconds: seconds(stats?.approximateBacklogAge) };
    }),
  );
}
