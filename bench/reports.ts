/**
 * bench/reports: `GET /v1/reports/sla` over the report facts of 100,000 tickets (goal: < 1 s).
 *
 * `ticket_targets` is filled directly with SQL (generate_series: tickets opened uniformly over 2025,
 * the four catalog policies with their own plans, severities and target kinds, 2,000 customers with a
 * skewed spread, statuses as an aged helpdesk has them), VACUUM ANALYZEd, then the real API
 * (`createApp` with a pool, on 127.0.0.1, an engineer key) is asked for a quarter and for the year,
 * with and without filters, over HTTP, one request at a time after a warm-up. Baseline in the same
 * run: `GET /v1/tickets?limit=1`, the HTTP, auth and JSON cost of a small read-model route. Each
 * case's statement is captured from api/read-models/reports.ts itself and run with EXPLAIN
 * (ANALYZE, BUFFERS).
 *
 *   npm run bench:reports                                           (writes bench/RESULTS.md)
 *   BENCH_REPORT_TICKETS=20000 BENCH_REPORT_REQUESTS=10 npm run bench:reports   (quick run: prints only)
 *
 * Everything it starts (embedded PostgreSQL, the dev server the API's client needs, the API, a
 * temporary directory) is stopped in a finally block, also on Ctrl-C.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Pool as PgPool } from 'pg';
import { createApp } from '../api/app';
import { ApiKeyStore } from '../api/auth';
import { rateLimitsOff } from '../api/rate-limits';
import { REPORT_WORK_MEM, slaReport, type SlaReportRequest } from '../api/read-models/reports';
import { createPool, type Pool } from '../common/db';
import { createLogger } from '../common/logger';
import { migrate } from '../db/migrate';
import { startEmbeddedPostgres } from '../scripts/embedded-postgres';
import { freePort } from '../scripts/ports';
import { TEMPORAL_CLI_VERSION } from '../scripts/temporal-binaries';
import { startDevServer } from '../scripts/temporal-servers';
import {
  Aborted,
  fmtMs,
  fmtN,
  gitDescription,
  isAborted,
  ratio,
  runBench,
  type Stats,
  stats,
  type Stops,
  withTimeout,
  writeSection,
} from './harness';

const FULL_TICKETS = 100_000;
const FULL_REQUESTS = 30;
const TICKETS = Number(process.env.BENCH_REPORT_TICKETS ?? FULL_TICKETS);
const REQUESTS = Number(process.env.BENCH_REPORT_REQUESTS ?? FULL_REQUESTS);
const WARMUP = 5;
const GOAL_MS = 1_000;
const CUSTOMERS = 2_000;
const RUN_LIMIT_MS = 10 * 60_000;
const REQUEST_LIMIT_MS = 20_000;

const log = (m: string) => process.stderr.write(`[bench:reports] ${m}\n`);

/**
 * One row per ticket and target kind: isode firstResponse + relief, xecuritas and infotecs
 * firstResponse + resolution, ispsystem firstResponse + 1–3 nextResponse windows. Of the targets 85 %
 * met (90 % of those on time), 3 % breached, 5 % still counting, 7 % cancelled; 30 % of the tickets waited
 * on the customer; a quarter are questions.
 */
async function fill(pool: Pool, n: number): Promise<void> {
  await pool.query(
    `WITH g AS (
       SELECT i, random() AS u_cust, random() AS u_pol, random() AS u_sev, random() AS u_wait,
              timestamptz '2025-01-01' + random() * interval '365 days' AS opened
         FROM generate_series(1, $1::int) AS i
     ), p AS (
       SELECT g.*, CASE WHEN u_pol < 0.40 THEN 'isode' WHEN u_pol < 0.65 THEN 'infotecs' WHEN u_pol < 0.85 THEN 'ispsystem' ELSE 'xecuritas' END AS policy
         FROM g
     ), t AS (
       SELECT p.*, k.kind, k.win, row_number() OVER (PARTITION BY i ORDER BY k.ord) = 1 AS first, random() AS u_stat, random() AS u_time
         FROM p
         CROSS JOIN LATERAL (
           SELECT * FROM (VALUES ('firstResponse', 1, 0), ('relief', 1, 1), ('resolution', 1, 1), ('nextResponse', 1, 1), ('nextResponse', 2, 2), ('nextResponse', 3, 3)) AS v(kind, win, ord)
            WHERE v.kind = 'firstResponse'
               OR (p.policy = 'isode' AND v.kind = 'relief')
               OR (p.policy IN ('xecuritas', 'infotecs') AND v.kind = 'resolution')
               OR (p.policy = 'ispsystem' AND v.kind = 'nextResponse' AND v.win <= 1 + p.i % 3)
         ) k
     )
     INSERT INTO ticket_targets (ticket_id, policy_id, plan, severity, customer_id, product, ticket_type, opened_at, kind, target_window,
                                 status, started_at, due_at, met_at, breached_at, escalated_at, escalate_to, met_on_time,
                                 elapsed_ms, elapsed_until, waiting_ms, ticket_row, as_of, seq)
     SELECT 'TKT-' || upper(lpad(to_hex(i), 16, '0')), policy,
            CASE policy WHEN 'isode' THEN (ARRAY['bronze', 'silver', 'gold'])[1 + (i % 3)] WHEN 'infotecs' THEN (ARRAY['basic', 'premium'])[1 + (i % 2)]
                        WHEN 'ispsystem' THEN (ARRAY['standard', 'privilege'])[1 + (i % 2)] ELSE 'standard' END,
            CASE policy WHEN 'isode' THEN CASE WHEN u_sev < 0.1 THEN 'p1' WHEN u_sev < 0.35 THEN 'p2' WHEN u_sev < 0.75 THEN 'p3' ELSE 'p4' END
                        WHEN 'infotecs' THEN CASE WHEN u_sev < 0.1 THEN 'critical' WHEN u_sev < 0.45 THEN 'major' ELSE 'minor' END
                        WHEN 'ispsystem' THEN CASE WHEN u_sev < 0.1 THEN 'emergency' WHEN u_sev < 0.35 THEN 'high' WHEN u_sev < 0.75 THEN 'medium' ELSE 'low' END
                        ELSE CASE WHEN u_sev < 0.1 THEN 'sev1' WHEN u_sev < 0.45 THEN 'sev2' ELSE 'sev3' END END,
            'cust-' || floor($2::int * u_cust * u_cust)::int,
            CASE WHEN i % 3 = 0 THEN NULL ELSE 'product-' || (i % 7) END,
            (ARRAY['incident', 'incident', 'incident', 'question'])[1 + (i % 4)],
            opened, kind, win,
            CASE WHEN u_stat < 0.85 THEN 'met' WHEN u_stat < 0.88 THEN 'breached' WHEN u_stat < 0.93 THEN 'running' ELSE 'cancelled' END,
            opened, opened + interval '8 hours',
            CASE WHEN u_stat < 0.85 THEN opened + u_time * interval '10 hours' END,
            CASE WHEN (u_stat < 0.85 AND u_time > 0.9) OR (u_stat >= 0.85 AND u_stat < 0.88) THEN opened + interval '8 hours' END,
            CASE WHEN (u_stat < 0.85 AND u_time > 0.9) OR (u_stat >= 0.85 AND u_stat < 0.88) THEN opened + interval '8 hours' END,
            CASE policy WHEN 'infotecs' THEN 'none' WHEN 'ispsystem' THEN 'onCall' ELSE 'supportManagement' END,
            CASE WHEN u_stat < 0.85 THEN u_time <= 0.9 WHEN u_stat < 0.88 THEN false END,
            floor(u_time * 36000000)::bigint, opened + u_time * interval '10 hours',
            CASE WHEN u_wait < 0.3 THEN floor(u_wait * 1000000000)::bigint ELSE 0 END,
            first, opened + interval '10 hours', 10
       FROM t`,
    [n, CUSTOMERS],
  );
  await pool.query('VACUUM ANALYZE ticket_targets');
}

interface Case {
  label: string;
  query: string;
  request?: SlaReportRequest;
  baseline?: boolean;
}

function cases(bigCustomer: string): Case[] {
  const quarter = { from: '2025-04-01', to: '2025-07-01', zone: 'UTC' };
  const year = { from: '2025-01-01', to: '2026-01-01', zone: 'UTC' };
  const c = (label: string, base: typeof year, groupBy: 'week' | 'month', filters: Partial<SlaReportRequest> = {}, extra = ''): Case => {
    const params = new URLSearchParams({ from: base.from, to: base.to, groupBy, ...(filters as Record<string, string>) });
    return { label, query: `/v1/reports/sla?${params}${extra}`, request: { ...base, groupBy, ...filters } };
  };
  return [
    { label: 'baseline: GET /v1/tickets?limit=1', query: '/v1/tickets?limit=1', baseline: true },
    c('quarter by week', quarter, 'week'),
    c('quarter by week, policyId=isode', quarter, 'week', { policyId: 'isode' }),
    c(`quarter by week, customerId (largest)`, quarter, 'week', { customerId: bigCustomer }),
    c('year by month', year, 'month'),
    c('year by week', year, 'week'),
    c('year by month, policyId=isode', year, 'month', { policyId: 'isode' }),
    c('year by month, plan=gold', year, 'month', { plan: 'gold' }),
    c('year by month, severity=p1 (rare)', year, 'month', { severity: 'p1' }),
    c('year by month, customerId (largest)', year, 'month', { customerId: bigCustomer }),
    c('year by month, product=product-1', year, 'month', { product: 'product-1' }),
    c('year by week, CSV', year, 'week', {}, '&format=csv'),
  ];
}

/** The statement slaReport sends for a request, captured from it (the read model itself, not a copy). */
async function capturedSql(request: SlaReportRequest): Promise<{ text: string; values: unknown[] }> {
  let captured: { text: string; values: unknown[] } | undefined;
  const fake = {
    query: (text: string, values: unknown[]) => {
      captured = { text, values };
      return Promise.resolve({ rows: [{ kinds: [], times: [], tickets: [] }] });
    },
  } as unknown as PgPool;
  await slaReport(fake, request);
  return captured!;
}

interface CaseResult {
  c: Case;
  http: Stats;
  status: number;
  bytes: number;
  plan: string[];
}

async function measure(pool: Pool, url: string, key: string, c: Case): Promise<CaseResult> {
  const get = async () => {
    const t0 = performance.now();
    const res = await withTimeout(fetch(`${url}${c.query}`, { headers: { authorization: `Bearer ${key}` } }), REQUEST_LIMIT_MS, c.label);
    const body = await res.text();
    return { ms: performance.now() - t0, status: res.status, bytes: body.length };
  };
  for (let i = 0; i < WARMUP; i++) await get();
  const times: number[] = [];
  let last = { status: 0, bytes: 0 };
  for (let i = 0; i < REQUESTS; i++) {
    if (isAborted()) throw new Aborted();
    const r = await get();
    times.push(r.ms);
    last = r;
  }
  let plan: string[] = [];
  if (c.request) {
    const q = await capturedSql(c.request);
    // As slaReport runs it on a pool: its own read-only transaction with the report's work_mem.
    const client = await pool.connect();
    try {
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL work_mem = '${REPORT_WORK_MEM}'`);
      plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.text}`, q.values)).rows.map(
        (r) => r['QUERY PLAN'],
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
  }
  return { c, http: stats(times), status: last.status, bytes: last.bytes, plan };
}

interface Meta {
  command: string;
  git: string;
  postgres: string;
  seconds: number;
  fillSeconds: number;
  rows: number;
  tableMiB: number;
}

function reportSection(results: CaseResult[], meta: Meta): string {
  const cpu = os.cpus();
  const base = results.find((r) => r.c.baseline)!;
  const measured = results.filter((r) => !r.c.baseline);
  const missed = measured.filter((r) => !(r.http.p99 < GOAL_MS));
  const execution = (r: CaseResult) => r.plan.find((l) => l.startsWith('Execution Time'))?.replace('Execution Time: ', '') ?? '—';
  return [
    `## bench/reports — \`GET /v1/reports/sla\` over ${fmtN(TICKETS)} tickets' report facts`,
    '',
    `Command: \`${meta.command}\` · ${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpu[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'cpu'} × ${cpu.length} · ` +
      `${meta.postgres} (embedded, default settings) · Temporal CLI ${TEMPORAL_CLI_VERSION} dev server (only for the API's client) · TZ=UTC · ${meta.git} · whole run ${(meta.seconds / 60).toFixed(1)} min`,
    '',
    `\`ticket_targets\` filled with ${fmtN(meta.rows)} rows (${fmtN(TICKETS)} tickets) by one INSERT … SELECT over generate_series (${meta.fillSeconds.toFixed(1)} s, then VACUUM ANALYZE; ${meta.tableMiB.toFixed(0)} MiB with its indexes): ` +
      'opened uniformly over 2025; isode 40 % (firstResponse, relief), infotecs 25 % and xecuritas 15 % (firstResponse, resolution), ispsystem 20 % (firstResponse, 1–3 nextResponse windows); ' +
      `${fmtN(CUSTOMERS)} customers drawn as floor(2000·u²); targets met 85 % (90 % of them on time), breached 3 %, counting 5 %, cancelled 7 %; 30 % of the tickets waited on the customer.`,
    '',
    `The API (\`createApp\` with a pool of 10, on 127.0.0.1, an engineer key, rate limits off) asked over HTTP (\`fetch\`), one request at a time, ${WARMUP} warm-up requests then ${REQUESTS} measured per row; ` +
      'time = request sent → whole body read. Baseline (first row): `GET /v1/tickets?limit=1` in the same run (an empty `tickets` table), the route cost of a small read; the ratio is each p99 over its p99. SQL = `Execution Time` of EXPLAIN (ANALYZE, BUFFERS) of the statement captured from `slaReport`, after the measured runs.',
    '',
    '| report | status | bytes | p50 | p90 | p99 | max | p99 ÷ baseline | SQL (EXPLAIN ANALYZE) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.c.baseline ? `*${r.c.label}*` : r.c.label} | ${r.status} | ${fmtN(r.bytes)} | ${fmtMs(r.http.p50)} | ${fmtMs(r.http.p90)} | ${r.c.baseline || r.http.p99 < GOAL_MS ? fmtMs(r.http.p99) : `**${fmtMs(r.http.p99)}**`} | ${fmtMs(r.http.max)} | ${r.c.baseline ? '1×' : ratio(r.http.p99, base.http.p99, 1)} | ${execution(r)} |`,
    ),
    '',
    missed.length === 0
      ? `Goal < 1 s (p99) for every report: **met** (the slowest p99 ${fmtMs(Math.max(...measured.map((r) => r.http.p99)))}, ${[...measured].sort((a, b) => b.http.p99 - a.http.p99)[0].c.label}).`
      : `Goal < 1 s (p99): **not met** for ${missed.map((r) => `${r.c.label} (${fmtMs(r.http.p99)})`).join(', ')}.`,
    '',
    '### Plans (EXPLAIN (ANALYZE, BUFFERS), parameters as sent)',
    '',
    ...measured
      .filter((r) => ['year by week', 'quarter by week, policyId=isode', 'year by month, customerId (largest)'].includes(r.c.label))
      .flatMap((r) => [`**${r.c.label}** — \`GET ${r.c.query}\``, '', '```', ...r.plan, '```', '']),
  ].join('\n');
}

async function startApi(stops: Stops, pool: Pool): Promise<{ url: string; key: string }> {
  const port = await freePort();
  log(`starting the Temporal dev server on 127.0.0.1:${port} (the API's client)`);
  const dev = await startDevServer({ port, namespace: 'default' });
  stops.push(['dev server', () => dev.teardown()]);
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(['API server', () => new Promise((resolve) => server.close(resolve))]);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const http = { publicBaseUrl: url, trustProxy: false as const, rateLimits: rateLimitsOff };
  server.on('request', createApp({ client: dev.client, pool, taskQueue: 'bench-reports', logger: createLogger('silent'), http }));
  const { key } = await new ApiKeyStore(pool).create({ name: 'bench engineer', role: 'engineer' });
  return { url, key };
}

async function bench(stops: Stops, runStarted: number): Promise<void> {
  const measuredDirs = ['api', 'db', 'common'];
  const gitAtStart = gitDescription(measuredDirs);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lifeline-bench-reports-'));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as `postgres`, which must reach its data directory
  stops.push(['temporary directory', () => rm(dir, { recursive: true, force: true })]);
  log('starting embedded PostgreSQL');
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pgdata') });
  stops.push(['PostgreSQL', () => pg.stop()]);
  const pool = createPool(pg.url, { max: 10 });
  stops.push(['PostgreSQL pool', () => pool.end()]);
  await migrate(pool);
  const postgres = (await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
  log(`filling ticket_targets for ${fmtN(TICKETS)} tickets`);
  const f0 = performance.now();
  await fill(pool, TICKETS);
  const fillSeconds = (performance.now() - f0) / 1000;
  const one = async <T extends object>(sql: string) => (await pool.query<T>(sql)).rows[0];
  const rows = Number((await one<{ n: string }>('SELECT count(*) AS n FROM ticket_targets')).n);
  const tableMiB = Number((await one<{ b: string }>("SELECT pg_total_relation_size('ticket_targets') AS b")).b) / 2 ** 20;
  const big = (
    await one<{ c: string }>('SELECT customer_id AS c FROM ticket_targets WHERE ticket_row GROUP BY 1 ORDER BY count(*) DESC LIMIT 1')
  ).c;
  const { url, key } = await startApi(stops, pool);

  const results: CaseResult[] = [];
  for (const c of cases(big)) {
    const r = await measure(pool, url, key, c);
    log(`${c.label}: HTTP ${r.status} p50 ${fmtMs(r.http.p50)} p99 ${fmtMs(r.http.p99)}`);
    results.push(r);
  }
  const gitNow = gitDescription(measuredDirs);
  const env = [
    TICKETS !== FULL_TICKETS ? `BENCH_REPORT_TICKETS=${TICKETS}` : '',
    REQUESTS !== FULL_REQUESTS ? `BENCH_REPORT_REQUESTS=${REQUESTS}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const section = reportSection(results, {
    command: `${env ? `${env} ` : ''}npm run bench:reports`,
    git: gitNow === gitAtStart ? gitAtStart : `${gitAtStart} at the start, ${gitNow} at the end (the code changed during the run)`,
    postgres: `PostgreSQL ${postgres}`,
    seconds: (performance.now() - runStarted) / 1000,
    fillSeconds,
    rows,
    tableMiB,
  });
  process.stdout.write(`${section}\n`);
  if (env) {
    log('not written to bench/RESULTS.md: a quick run');
    return;
  }
  writeSection('reports', section);
  log('written to bench/RESULTS.md');
}

runBench({
  log,
  runLimitMs: RUN_LIMIT_MS,
  invalid: () =>
    !Number.isInteger(TICKETS) || TICKETS < 1_000 || TICKETS > 2_000_000 || !Number.isInteger(REQUESTS) || REQUESTS < 5 || REQUESTS > 1_000
      ? 'BENCH_REPORT_TICKETS must be 1000–2000000 and BENCH_REPORT_REQUESTS 5–1000'
      : undefined,
  bench,
});
