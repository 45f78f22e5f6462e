/**
 * bench/openings: ticket openings under a burst (issue 14, "Openings under bursts"): 50 tickets a
 * second offered for 60 s through `POST /v1/tickets`, on the Temporal CLI dev server and real
 * PostgreSQL, with the worker and the API in this process on 127.0.0.1.
 *
 * Per phase: the time from the request sent to the ticket's first persisted event (the earliest
 * `ticket_events.recorded_at`), the API's response latency and status (201 opened, 202 not opened
 * within its wait), and the sustained rate (tickets persisted over the time from the first request
 * to the last persisted). Baseline in the same run, first: the same tickets started with raw
 * `client.workflow.start` at the same offered rate (start latency, start → first persisted event).
 * Then the API again on a fresh worker for each WorkerOptions tuning (before/after).
 *
 *   npm run bench:openings                                                (writes bench/RESULTS.md)
 *   BENCH_OPENINGS_RATE=20 BENCH_OPENINGS_SECONDS=10 npm run bench:openings  (quick run: prints only)
 *   BENCH_OPENINGS_TUNINGS='[{"maxConcurrentWorkflowTaskExecutions":100}]'  (the tunings tried)
 *
 * Everything it starts (embedded PostgreSQL, the dev server on a free 127.0.0.1 port, each worker,
 * the API, a temporary directory) is stopped in a finally block, also on Ctrl-C.
 */
import { createHash } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createApp } from '../api/app';
import { ApiKeyStore } from '../api/auth';
import { rateLimitsOff } from '../api/rate-limits';
import { createPool, type Pool } from '../common/db';
import { createLogger } from '../common/logger';
import { migrate } from '../db/migrate';
import { startEmbeddedPostgres } from '../scripts/embedded-postgres';
import { freePort } from '../scripts/ports';
import { TEMPORAL_CLI_VERSION } from '../scripts/temporal-binaries';
import { startDevServer } from '../scripts/temporal-servers';
import { createLifelineWorker } from '../worker/worker';
import { TICKET_WORKFLOW, ticketWorkflowId, type OpenTicketInput } from '../workflows/ticket/contract';
import {
  Aborted,
  delay,
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

const FULL_RATE = 50;
const FULL_SECONDS = 60;
const RATE = Number(process.env.BENCH_OPENINGS_RATE ?? FULL_RATE);
const SECONDS = Number(process.env.BENCH_OPENINGS_SECONDS ?? FULL_SECONDS);
const DEFAULT_TUNINGS: Array<Partial<WorkerOptions>> = [
  {
    maxConcurrentWorkflowTaskExecutions: 100,
    maxConcurrentWorkflowTaskPolls: 20,
    maxConcurrentLocalActivityExecutions: 200,
    maxCachedWorkflows: 5000,
  },
  { maxConcurrentWorkflowTaskExecutions: 10, maxConcurrentWorkflowTaskPolls: 4, maxConcurrentLocalActivityExecutions: 20 },
];
const TUNINGS = process.env.BENCH_OPENINGS_TUNINGS
  ? (JSON.parse(process.env.BENCH_OPENINGS_TUNINGS) as Array<Partial<WorkerOptions>>)
  : DEFAULT_TUNINGS;
const FULL = RATE === FULL_RATE && SECONDS === FULL_SECONDS && !process.env.BENCH_OPENINGS_TUNINGS;
const NAMESPACE = 'default';
const CUSTOMER_ID = 'bench-customer-burst';
/** Bounds: every wait ends by count or by one of these. */
const REQUEST_LIMIT_MS = 60_000;
const DRAIN_LIMIT_MS = 180_000;
const RUN_LIMIT_MS = 25 * 60_000;

const log = (m: string) => process.stderr.write(`[bench:openings] ${m}\n`);

// ---- Small helpers --------------------------------------------------------------------------------

const fmtMs = (ms: number) =>
  Number.isNaN(ms)
    ? '—'
    : Math.abs(ms) >= 10_000
      ? `${(ms / 1000).toFixed(1)} s`
      : ms < 10
        ? `${ms.toFixed(1)} ms`
        : `${Math.round(ms)} ms`;
const fmtTuning = (t: Partial<WorkerOptions>) =>
  Object.keys(t).length === 0
    ? 'SDK defaults'
    : Object.entries(t)
        .map(([k, v]) => `${k} ${String(v)}`)
        .join(', ');

// ---- One phase ----------------------------------------------------------------------------------------

interface Sent {
  ticketId: string;
  sentAt: number;
  ms: number;
  status: number;
  error?: string;
}

interface PhaseResult {
  label: string;
  via: 'start' | 'api';
  tuning: Partial<WorkerOptions>;
  offered: number;
  offeredOverS: number;
  latency: Stats;
  toPersisted: Stats;
  statuses: Map<string, number>;
  persisted: number;
  /** Persisted per second from the first send to the last persisted. */
  sustained: number;
  /** Accepted (start returned / response received) per second over the sending window. */
  accepted: number;
}

let serial = 0;
const nextTicketId = () => `TKT-B0${(++serial).toString(16).toUpperCase().padStart(14, '0')}`;

function openingBody(n: number) {
  return {
    customerId: CUSTOMER_ID,
    policyId: 'infotecs',
    plan: 'basic',
    severity: 'major',
    type: 'incident',
    channel: 'portal',
    title: `Burst opening ${n}`,
    description: 'The VPN client drops its tunnel every few minutes.',
  };
}

function ticketInput(ticketId: string, n: number): OpenTicketInput {
  return { ticketId, ...openingBody(n), type: 'incident', channel: 'portal', openedBy: { kind: 'engineer', id: 'bench-engineer' } };
}

/** Sends `RATE` a second for `SECONDS` (paced, never waiting for an answer before the next), then waits for every answer. */
async function offer(send: (n: number) => Promise<Sent>): Promise<{ sent: Sent[]; firstAt: number; overS: number }> {
  const total = Math.round(RATE * SECONDS);
  const everyMs = 1000 / RATE;
  const t0 = performance.now();
  const firstAt = Date.now();
  const all: Promise<Sent>[] = [];
  for (let i = 0; i < total; i++) {
    if (isAborted()) throw new Aborted();
    const wait = t0 + i * everyMs - performance.now();
    if (wait > 1) await delay(wait);
    all.push(send(i));
  }
  const overS = (performance.now() - t0) / 1000;
  return { sent: await Promise.all(all), firstAt, overS };
}

async function firstPersisted(pool: Pool, ids: string[]): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ ticket_id: string; at: Date }>(
    'SELECT ticket_id, min(recorded_at) AS at FROM ticket_events WHERE ticket_id = ANY($1) GROUP BY ticket_id',
    [ids],
  );
  return new Map(rows.map((r) => [r.ticket_id, r.at.getTime()]));
}

async function phase(
  label: string,
  via: 'start' | 'api',
  tuning: Partial<WorkerOptions>,
  deps: { client: Client; pool: Pool; url: string; key: string; taskQueue: string },
): Promise<PhaseResult> {
  log(
    `${label}: ${RATE}/s for ${SECONDS} s ${via === 'api' ? 'through POST /v1/tickets' : 'with client.workflow.start'} (${fmtTuning(tuning)})`,
  );
  const send = async (n: number): Promise<Sent> => {
    const sentAt = Date.now();
    const t0 = performance.now();
    if (via === 'start') {
      const ticketId = nextTicketId();
      const input = ticketInput(ticketId, n);
      try {
        await withTimeout(
          deps.client.workflow.start(TICKET_WORKFLOW, {
            taskQueue: deps.taskQueue,
            workflowId: ticketWorkflowId(ticketId),
            args: [input],
            memo: { requestHash: createHash('sha256').update(JSON.stringify(input)).digest('hex') },
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            staticSummary: `${input.policyId}/${input.plan} ${input.severity}: ${input.title}`,
          }),
          REQUEST_LIMIT_MS,
          'start',
        );
        return { ticketId, sentAt, ms: performance.now() - t0, status: 0 };
      } catch (err) {
        return { ticketId, sentAt, ms: performance.now() - t0, status: -1, error: (err as Error).message };
      }
    }
    try {
      const res = await withTimeout(
        fetch(`${deps.url}/v1/tickets`, {
          method: 'POST',
          headers: { authorization: `Bearer ${deps.key}`, 'content-type': 'application/json' },
          body: JSON.stringify(openingBody(n)),
        }),
        REQUEST_LIMIT_MS,
        'POST /v1/tickets',
      );
      const body = (await res.json().catch(() => ({}))) as { ticketId?: string; title?: string };
      return {
        ticketId: body.ticketId ?? '',
        sentAt,
        ms: performance.now() - t0,
        status: res.status,
        error: res.status >= 400 ? body.title : undefined,
      };
    } catch (err) {
      return { ticketId: '', sentAt, ms: performance.now() - t0, status: -1, error: (err as Error).message };
    }
  };
  const { sent, firstAt, overS } = await offer(send);
  const ids = sent.filter((s) => s.ticketId).map((s) => s.ticketId);
  const deadline = Date.now() + DRAIN_LIMIT_MS;
  let persisted = await firstPersisted(deps.pool, ids);
  while (persisted.size < ids.length && Date.now() < deadline) {
    await delay(500);
    persisted = await firstPersisted(deps.pool, ids);
  }
  if (persisted.size < ids.length) log(`${label}: only ${persisted.size} of ${ids.length} openings persisted in time`);
  const statuses = new Map<string, number>();
  for (const s of sent) {
    const k =
      via === 'start' ? (s.status === 0 ? 'started' : `failed: ${s.error}`) : s.status > 0 ? `HTTP ${s.status}` : `failed: ${s.error}`;
    statuses.set(k, (statuses.get(k) ?? 0) + 1);
  }
  const lastPersisted = Math.max(...persisted.values());
  const lastAnswered = Math.max(...sent.map((s) => s.sentAt + s.ms));
  return {
    label,
    via,
    tuning,
    offered: sent.length,
    offeredOverS: overS,
    latency: stats(sent.filter((s) => s.status >= 0).map((s) => s.ms)),
    toPersisted: stats(sent.filter((s) => persisted.has(s.ticketId)).map((s) => persisted.get(s.ticketId)! - s.sentAt)),
    statuses,
    persisted: persisted.size,
    sustained: persisted.size / ((lastPersisted - firstAt) / 1000),
    accepted: sent.filter((s) => s.status === 0 || s.status === 201 || s.status === 202).length / ((lastAnswered - firstAt) / 1000),
  };
}

// ---- Report -----------------------------------------------------------------------------------------

function reportSection(
  results: PhaseResult[],
  meta: { command: string; git: string; postgres: string; seconds: number; load: string },
): string {
  const cpu = os.cpus();
  const raw = results.find((r) => r.via === 'start')!;
  const api = results.filter((r) => r.via === 'api');
  const base = api[0];
  const row = (r: PhaseResult) =>
    `| ${r.label} | ${r.offered} in ${r.offeredOverS.toFixed(1)} s | ${[...r.statuses].map(([k, v]) => `${v} × ${k}`).join(', ')} | ${fmtMs(r.latency.p50)} / ${fmtMs(r.latency.p99)} | ${fmtMs(r.toPersisted.p50)} / ${fmtMs(r.toPersisted.p90)} / ${fmtMs(r.toPersisted.p99)} | ${r.persisted} | ${r.sustained.toFixed(1)}/s | ${r.accepted.toFixed(1)}/s | ${ratio(r.sustained, raw.sustained)} |`;
  const best = [...api].sort((a, b) => a.toPersisted.p99 - b.toPersisted.p99)[0];
  return [
    '## bench/openings — ticket openings under a burst of 50 a second',
    '',
    `Command: \`${meta.command}\` · ${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpu[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'cpu'} × ${cpu.length} · ` +
      `Temporal CLI ${TEMPORAL_CLI_VERSION} dev server (SQLite file) · ${meta.postgres} (embedded) · TZ=UTC · ${meta.git} · whole run ${(meta.seconds / 60).toFixed(1)} min · ${meta.load}`,
    '',
    `Offered: ${RATE} openings a second for ${SECONDS} s, paced (each sent on schedule, not waiting for earlier answers), Infotecs Basic major incidents via the portal from an engineer key (no agreement). ` +
      "Worker: `createLifelineWorker` + `createActivities` (own pool of 10) in the bench process, a fresh one per phase (same dev server and database, which keep the earlier phases' tickets); the API (`createApp`, pool of 10, rate limits off) in the same process on 127.0.0.1; one shared 2-core machine, so everything competes for the same two cores. " +
      'Response = request sent → answer (the API answers 201 once a query sees the ticket opened, or 202 after 10 s); to persisted = request sent → the earliest `ticket_events.recorded_at` of the ticket (its opening written by the worker); sustained = tickets persisted ÷ (last persisted − first sent); accepted = starts/answers (201, 202) per second of the sending window and its answers. ' +
      'First row, the baseline: the same tickets started with raw `client.workflow.start` (as the route does, without its checks and its wait).',
    '',
    '| phase | offered | answers | response p50 / p99 | to persisted p50 / p90 / p99 | persisted | sustained | accepted | sustained ÷ raw start |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(row),
    '',
    `Through the API with the SDK defaults: to persisted p50 ${fmtMs(base.toPersisted.p50)}, p99 **${fmtMs(base.toPersisted.p99)}**, response p99 ${fmtMs(base.latency.p99)}, sustained **${base.sustained.toFixed(1)}/s** of ${RATE}/s offered (${base.sustained >= RATE * 0.98 ? 'kept up' : '**did not keep up**'}); raw starts: to persisted p99 ${fmtMs(raw.toPersisted.p99)}, sustained ${raw.sustained.toFixed(1)}/s, start p99 ${fmtMs(raw.latency.p99)}. ` +
      `Best tuning by to-persisted p99: ${best.label} (${fmtTuning(best.tuning)}): p99 ${fmtMs(best.toPersisted.p99)} (${ratio(best.toPersisted.p99, base.toPersisted.p99)} the defaults'), sustained ${best.sustained.toFixed(1)}/s.`,
    '',
  ].join('\n');
}

/** Replaces this bench's section of bench/RESULTS.md (up to the next `## `), or appends it. */
// ---- Main -------------------------------------------------------------------------------------------

/** A fresh worker on its own task queue with these overrides; returns its task queue and its stop. */
async function startWorker(connection: NativeConnection, pool: Pool, taskQueue: string, tuning: Partial<WorkerOptions>) {
  const worker = await createLifelineWorker({
    connection,
    namespace: NAMESPACE,
    taskQueue,
    activities: createActivities({ pool }),
    overrides: tuning,
  });
  const running = worker.run();
  running.catch((err: Error) => log(`worker failed: ${err.message}`));
  return async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => undefined);
  };
}

async function bench(stops: Stops, runStarted: number): Promise<void> {
  const gitAtStart = gitDescription(['workflows', 'activities', 'policies', 'common', 'worker', 'api']);
  const loadAtStart = os.loadavg()[0];
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lifeline-bench-openings-'));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as `postgres`, which must reach its data directory
  stops.push(['temporary directory', () => rm(dir, { recursive: true, force: true })]);
  log('starting embedded PostgreSQL');
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pgdata') });
  stops.push(['PostgreSQL', () => pg.stop()]);
  const apiPool = createPool(pg.url, { max: 10 });
  stops.push(['API pool', () => apiPool.end()]);
  const workerPool = createPool(pg.url, { max: 10 });
  stops.push(['worker pool', () => workerPool.end()]);
  await migrate(apiPool);
  const postgres = (await apiPool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
  const port = await freePort();
  log(`starting the Temporal dev server on 127.0.0.1:${port}`);
  const dev = await startDevServer({ port, dbFilename: path.join(dir, 'temporal.sqlite'), namespace: NAMESPACE });
  stops.push(['dev server', () => dev.teardown()]);
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(['API server', () => new Promise((resolve) => server.close(resolve))]);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const http = { publicBaseUrl: url, trustProxy: false as const, rateLimits: rateLimitsOff };
  // The route starts workflows on the app's task queue: one queue, a fresh worker on it per phase.
  const taskQueue = 'bench-openings';
  server.on('request', createApp({ client: dev.client, pool: apiPool, taskQueue, logger: createLogger('silent'), http }));
  const { key } = await new ApiKeyStore(apiPool).create({ name: 'bench engineer', role: 'engineer' });

  const phases: Array<{ label: string; via: 'start' | 'api'; tuning: Partial<WorkerOptions> }> = [
    { label: 'raw `client.workflow.start` (baseline), SDK defaults', via: 'start', tuning: {} },
    { label: '`POST /v1/tickets`, SDK defaults', via: 'api', tuning: {} },
    ...TUNINGS.map((t, i) => ({ label: `\`POST /v1/tickets\`, tuning ${String.fromCharCode(65 + i)}`, via: 'api' as const, tuning: t })),
  ];
  const results: PhaseResult[] = [];
  for (const p of phases) {
    const stop = await startWorker(dev.nativeConnection, workerPool, taskQueue, p.tuning);
    stops.push(['worker', stop]);
    try {
      // Warm-up (not counted): the bundle's first workflows, connections, the rules cache.
      const warm = Array.from({ length: 5 }, () => nextTicketId());
      await Promise.all(
        warm.map((id, i) =>
          dev.client.workflow.start(TICKET_WORKFLOW, { taskQueue, workflowId: ticketWorkflowId(id), args: [ticketInput(id, i)] }),
        ),
      );
      const t0 = Date.now();
      while ((await firstPersisted(workerPool, warm)).size < warm.length && Date.now() - t0 < 60_000) await delay(200);
      const r = await phase(p.label, p.via, p.tuning, { client: dev.client, pool: workerPool, url, key, taskQueue });
      log(
        `${r.label}: response p50 ${fmtMs(r.latency.p50)} p99 ${fmtMs(r.latency.p99)}; to persisted p50 ${fmtMs(r.toPersisted.p50)} p99 ${fmtMs(r.toPersisted.p99)}; sustained ${r.sustained.toFixed(1)}/s`,
      );
      results.push(r);
    } finally {
      await stop();
      stops.pop();
    }
    await delay(3000);
  }
  const gitNow = gitDescription(['workflows', 'activities', 'policies', 'common', 'worker', 'api']);
  const env = [
    RATE !== FULL_RATE ? `BENCH_OPENINGS_RATE=${RATE}` : '',
    SECONDS !== FULL_SECONDS ? `BENCH_OPENINGS_SECONDS=${SECONDS}` : '',
    process.env.BENCH_OPENINGS_TUNINGS ? `BENCH_OPENINGS_TUNINGS='${process.env.BENCH_OPENINGS_TUNINGS}'` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const section = reportSection(results, {
    command: `${env ? `${env} ` : ''}npm run bench:openings`,
    git: gitNow === gitAtStart ? gitAtStart : `${gitAtStart} at the start, ${gitNow} at the end (the code changed during the run)`,
    postgres: `PostgreSQL ${postgres}`,
    seconds: (performance.now() - runStarted) / 1000,
    load: `load average (1 min) ${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end (other sessions share the machine)`,
  });
  const tuningLines = ['', ...TUNINGS.map((t, i) => `Tuning ${String.fromCharCode(65 + i)}: ${fmtTuning(t)}.`), ''].join('\n');
  const full = `${section.trimEnd()}\n${tuningLines}`;
  process.stdout.write(`${full}\n`);
  if (!FULL) {
    log('not written to bench/RESULTS.md: a quick run');
    return;
  }
  writeSection('openings', full);
  log('written to bench/RESULTS.md');
}

runBench({
  log,
  runLimitMs: RUN_LIMIT_MS,
  invalid: () =>
    !(RATE > 0 && RATE <= 500) || !(SECONDS > 0 && SECONDS <= 300)
      ? 'BENCH_OPENINGS_RATE must be in (0, 500] and BENCH_OPENINGS_SECONDS in (0, 300]'
      : undefined,
  bench,
});
