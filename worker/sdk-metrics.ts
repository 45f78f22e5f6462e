/**
 * The Temporal SDK's own worker metrics. Core (the SDK's Rust part) serves them with its Prometheus
 * exporter on an address of its own: Runtime.install can be called once per process, and SDK 1.24
 * offers no way to hand Core's metrics to prom-client except the experimental MetricsBuffer, which
 * would mean rebuilding Core's histograms in JavaScript. So the worker has two ports.
 */
import type { TelemetryOptions } from '@temporalio/worker';

/** Prometheus names: seconds, `_total` counters, the unit in histogram names (e.g. `…_latency_seconds`). */
export function sdkTelemetryOptions(host: string, port: number | undefined): TelemetryOptions | undefined {
  if (port === undefined) return undefined;
  return {
    metrics: {
      prometheus: { bindAddress: `${host}:${port}`, countersTotalSuffix: true, useSecondsForDurations: true, unitSuffix: true },
    },
  };
}

/**
 * The Core metrics the dashboard uses, as the exporter above names them (seen on a worker of SDK
 * 1.24.0; the `…_failed_total` ones appear once something fails). Their Rust names are in
 * @temporalio/core-bridge sdk-core/crates/sdk-core/src/telemetry/metrics.rs.
 */
export const SDK_METRICS: Readonly<Record<string, 'counter' | 'gauge' | 'histogram'>> = {
  temporal_workflow_task_schedule_to_start_latency_seconds: 'histogram',
  temporal_workflow_task_execution_latency_seconds: 'histogram',
  temporal_workflow_task_replay_latency_seconds: 'histogram',
  temporal_workflow_task_execution_failed_total: 'counter',
  temporal_workflow_endtoend_latency_seconds: 'histogram',
  temporal_workflow_completed_total: 'counter',
  temporal_workflow_failed_total: 'counter',
  temporal_activity_schedule_to_start_latency_seconds: 'histogram',
  temporal_activity_execution_latency_seconds: 'histogram',
  temporal_activity_execution_failed_total: 'counter',
  temporal_local_activity_execution_latency_seconds: 'histogram',
  temporal_local_activity_execution_failed_total: 'counter',
  temporal_worker_task_slots_available: 'gauge',
  temporal_worker_task_slots_used: 'gauge',
  temporal_sticky_cache_size: 'gauge',
  temporal_num_pollers: 'gauge',
  temporal_request_latency_seconds: 'histogram',
  temporal_request_failure_total: 'counter',
};
