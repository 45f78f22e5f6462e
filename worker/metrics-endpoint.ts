/** The worker process's metrics as configured: its registry served on WORKER_METRICS_HOST:PORT, or none. */
import type { Config } from '../common/config';
import { metricsUrl, serveMetrics, type MetricsServer } from './metrics-server';
import { createWorkerMetrics, type WorkerMetrics } from './metrics';

export interface WorkerMetricsEndpoint {
  metrics: WorkerMetrics;
  /** Absent when WORKER_METRICS_PORT is off. */
  server?: MetricsServer;
  /** Core's own metrics URL, absent when WORKER_SDK_METRICS_PORT is off. */
  sdkUrl?: string;
}

export async function startWorkerMetrics(cfg: Config): Promise<WorkerMetricsEndpoint> {
  const metrics = createWorkerMetrics();
  const host = cfg.WORKER_METRICS_HOST;
  const server = cfg.WORKER_METRICS_PORT === undefined ? undefined : await serveMetrics(metrics.registry, host, cfg.WORKER_METRICS_PORT);
  const sdkUrl = cfg.WORKER_SDK_METRICS_PORT === undefined ? undefined : metricsUrl(host, cfg.WORKER_SDK_METRICS_PORT);
  return { metrics, server, sdkUrl };
}
