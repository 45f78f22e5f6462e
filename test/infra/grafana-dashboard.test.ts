/**
 * Every panel of deploy/grafana/dashboards/lifeline.json asks for metrics that exist: each metric
 * name in each PromQL expression is one the API's or the worker's registry serves (scraped over
 * HTTP from a running Lifeline) or one of the Temporal SDK's known names (worker/sdk-metrics.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { SDK_METRICS } from '../../worker/sdk-metrics';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';

const root = path.resolve(__dirname, '../..');
const dashboard = JSON.parse(readFileSync(path.join(root, 'deploy/grafana/dashboards/lifeline.json'), 'utf8'));

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: Array<{ refId: string; expr: string; datasource?: { uid: string } }>;
}
const panels = (dashboard.panels as Panel[]).filter((p) => p.type !== 'row');

/** The series names a metric family exposes: a histogram's _bucket, _sum and _count, a summary's _sum and _count. */
function seriesNames(name: string, type: string): string[] {
  if (type === 'histogram') return [`${name}_bucket`, `${name}_sum`, `${name}_count`];
  if (type === 'summary') return [name, `${name}_sum`, `${name}_count`];
  return [name];
}

/** The families `# TYPE` lines declare in Prometheus text. */
function declared(text: string): string[] {
  return [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap((m) => seriesNames(m[1], m[2]));
}

const PROMQL_WORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset']);

/** The metric names of a PromQL expression: what is left once labels, ranges, groupings, strings and functions are gone. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  return [...bare.matchAll(/\b[A-Za-z_:][A-Za-z0-9_:]*\b(?!\s*\()/g)]
    .map((m) => m[0])
    .filter((word, i, all) => !PROMQL_WORDS.has(word) && !/^\d/.test(word) && all.indexOf(word) === i)
    .filter((word) => !/^(Inf|NaN)$/i.test(word));
}

describe('the Grafana dashboard', () => {
  let ll: RunningLifeline;
  let known: Set<string>;

  beforeAll(async () => {
    ll = await startLifeline();
    const api = await call(ll.url, 'GET', '/metrics');
    const worker = await fetch(ll.workerMetricsUrl);
    const sdk = Object.entries(SDK_METRICS).flatMap(([name, type]) => seriesNames(name, type));
    known = new Set([...declared(api.body as string), ...declared(await worker.text()), ...sdk]);
  });
  afterAll(async () => {
    await ll?.stop();
  });

  it('reads PromQL the way the check needs', () => {
    expect(
      metricNames(
        'histogram_quantile(0.99, sum by (le, kind) (rate(lifeline_breach_detection_lag_seconds_bucket{policy="isode"}[5m]))) * 3600',
      ),
    ).toEqual(['lifeline_breach_detection_lag_seconds_bucket']);
    expect(metricNames('sum(a_total) / ignoring(x) b_total or vector(0)')).toEqual(['a_total', 'b_total']);
  });

  it('names only metrics the API, the worker or the Temporal SDK expose', () => {
    expect(known.has('lifeline_open_tickets')).toBe(true);
    expect(known.has('lifeline_ticket_breaches_total')).toBe(true);
    const unknown: string[] = [];
    let names = 0;
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        for (const name of metricNames(target.expr)) {
          names += 1;
          if (!known.has(name)) unknown.push(`${panel.title} (${target.refId}): ${name}`);
        }
      }
    }
    expect(unknown).toEqual([]);
    expect(names).toBeGreaterThanOrEqual(panels.length);
  });

  it('shows what the brief asks for, every panel on the provisioned Prometheus', () => {
    const datasource = parse(readFileSync(path.join(root, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8'));
    const uid = datasource.datasources[0].uid as string;
    const ids = (dashboard.panels as Panel[]).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) {
      expect(panel.datasource?.uid).toBe(uid);
      expect(panel.targets?.length).toBeGreaterThan(0);
    }
    const all = panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNames(t.expr)));
    for (const name of [
      'lifeline_ticket_breaches_total',
      'lifeline_ticket_warnings_total',
      'lifeline_ticket_escalations_total',
      'lifeline_open_tickets',
      'lifeline_breach_detection_lag_seconds_bucket',
      'lifeline_notification_delivery_failures_total',
      'lifeline_task_queue_backlog',
      'lifeline_task_queue_backlog_age_seconds',
      'lifeline_write_failures_unresolved',
      'temporal_workflow_task_execution_latency_seconds_bucket',
      'temporal_activity_execution_latency_seconds_bucket',
    ]) {
      expect(all).toContain(name);
    }
  });
});
