import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type Activities } from '../activities';
import type { ActivityMetrics } from '../activities/metrics';
import type { Config } from '../common/config';
import type { Pool } from '../common/db';
import { createSmtpMailer } from '../common/mailer';

export interface LifelineWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  activities: Activities;
  /** Defaults to Lifeline's workflows/; tests may point at their own workflow module. */
  workflowsPath?: string;
  /** Passed through, e.g. a prebuilt workflow bundle or tuned concurrency. */
  overrides?: Partial<WorkerOptions>;
}

/** Creates (does not run) the worker: bundles workflows/ and registers the activities. */
export function createLifelineWorker(options: LifelineWorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowsPath: options.workflowsPath ?? require.resolve('../workflows'),
    activities: options.activities,
    // On SIGINT/SIGTERM the worker stops polling and lets in-flight activities finish this long.
    shutdownGraceTime: '30 seconds',
    ...options.overrides,
  });
}

/** The worker as the configuration describes it: Lifeline's workflows, and activities with the configured mail and webhooks. */
export function workerFromConfig(cfg: Config, connection: NativeConnection, pool: Pool, metrics?: ActivityMetrics): Promise<Worker> {
  return createLifelineWorker({
    connection,
    namespace: cfg.TEMPORAL_NAMESPACE,
    taskQueue: cfg.TEMPORAL_TASK_QUEUE,
    activities: createActivities({
      pool,
      mailer: cfg.SMTP_URL ? createSmtpMailer(cfg.SMTP_URL) : undefined,
      notifyFrom: cfg.NOTIFY_FROM,
      webhookSecret: cfg.WEBHOOK_SECRET,
      metrics,
    }),
  });
}
