import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Activities } from '../activities';

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
