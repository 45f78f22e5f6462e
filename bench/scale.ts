/**
 * bench/scale: open work on the production-shaped Temporal server (1.29.1 on its own PostgreSQL)
 * against one Lifeline worker (issue 14, "Scale of open work"), in real time.
 *
 *   1. N idle open tickets (default 100,000; Isode Bronze P4 questions, whose first response is
 *      working days away, so each waits on a pending timer) started with `client.workflow.start` as
 *      `POST /v1/tickets` starts them, at most 50 calls in flight; memory sampled at checkpoints
 *      (every BENCH_SCALE_STEP opened tickets, counted as rows of Lifeline's `tickets` table, and
 *      at the worker's default workflow-cache size): the worker's RSS, the Temporal server's RSS,
 *      each PostgreSQL's (postmaster and its children: VmRSS summed, and Pss summed, which counts
 *      shared memory once), Temporal's database sizes and Lifeline's.
 *   2. With all N open, breach lag for 1,000 tickets due within the same minute, as
 *      bench/breach-lag.ts measures it (Xecuritas Standard Sev-1 first response shortened to PT60S
 *      by a `policy_overrides` row, opened over 40 s; lag = the `breached` row's recorded_at −
 *      dueAt), with the same-run baseline of bare timers (bench/breach-lag-workflows.ts) on a
 *      second worker in this process on another task queue, stopped before the tickets' series.
 *
 *   npm run bench:scale                          (N = 100,000; writes its section of bench/RESULTS.md)
 *   BENCH_SCALE_N=2000 npm run bench:scale       (quick: prints; N below 10,000 is not written)
 *   BENCH_SCALE_STEP (checkpoint spacing, default min(10,000, N/4)), BENCH_SCALE_LAG_N (1,000),
 *   BENCH_SCALE_WRITE=0|1 (override whether the section is written),
 *   BENCH_SCALE_OPEN_BUDGET_S (stop opening at the first checkpoint after this many seconds; the
 *   report then names the number reached and the number asked for)
 *
 * The Lifeline worker runs in a child process (`node --import tsx worker/main.ts`, as the fault
 * suite runs it), so its RSS is its own. Everything binds 127.0.0.1, every wait is bounded by count
 * and time, and everything started (the child worker, both PostgreSQL instances, the Temporal
 * server, a temporary directory) is stopped by PID in a finally block, also on Ctrl-C.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Context } from '@temporalio/activity';
import { Client, Connection, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createPool, type Pool } from '../common/db';
import { migrate } from '../db/migrate';
import { startPostgresProcess } from '../scripts/postgres-process';
import { TEMPORAL_SERVER_VERSION } from '../scripts/temporal-binaries';
import { startPostgresTemporal } from '../scripts/temporal-postgres';
import { createLifelineWorker } from '../worker/worker';
import { type OpenTicketInput } from '../workflows/ticket/contract';
import {
  Aborted,
  delay,
  eachLimited,
  fmtMs,
  fmtN,
  gitDescription,
  isAborted,
  paced,
  ratio,
  runBench,
  type Stats,
  stats,
  type Stops,
  writeSection,
} from './harness';
import { breachTicketInput, firedTimer, setBudget, startTicket } from './breach-timing';

const ROOT = path.resolve(__dirname, '..');
const NAMESPACE = 'default';
const TASK_QUEUE = 'bench-scale';
const BASELINE_QUEUE = 'bench-scale-baseline';
const envInt = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const DEFAULT_N = 100_000;
const N = envInt('BENCH_SCALE_N', DEFAULT_N);
const STEP = envInt('BENCH_SCALE_STEP', Math.min(10_000, Math.max(100, Math.floor(N / 4))));
const LAG = { n: envInt('BENCH_SCALE_LAG_N', 1000), spreadS: 40, budgetS: 60 };
const WRITE = process.env.BENCH_SCALE_WRITE ? process.env.BENCH_SCALE_WRITE === '1' : N >= 10_000;
const OPEN_BUDGET_S = envInt('BENCH_SCALE_OPEN_BUDGET_S', 0);
const IN_FLIGHT = 50;
const WARM = 20;
/** Bounds: every wait ends by count or by one of these. */
const OPEN_WAIT_MS = Math.max(300_000, STEP * 60);
const SETTLE_LIMIT_MS = 180_000;
const RUN_LIMIT_MS = 25 * 60_000 + N * 60;
const HISTORY_READERS = 8;
const CUSTOMER = { kind: 'customer' as const, id: 'bench-customer' };
const IDLE_PREFIX = 'TKT-SI';
const LAG_PREFIX = 'TKT-SL';

const log = (m: string) => process.stderr.write(`[bench:scale] ${m}\n`);

// ---- Small helpers --------------------------------------------------------------------------------

/** Polls `value` until `done` holds of it or `ms` pass; answers the last value. */
async function pollUntil<T>(value: () => Promise<T>, done: (v: T) => boolean, ms: number, everyMs = 1000): Promise<T> {
  const deadline = Date.now() + ms;
  let v = await value();
  while (!done(v) && Date.now() < deadline) {
    await delay(everyMs);
    v = await value();
  }
  return v;
}

const mib = (kb: number | undefined) => (kb === undefined || !Number.isFinite(kb) ? '—' : `${(kb / 1024).toFixed(0)} MiB`);
const mibBytes = (b: number) => (Number.isFinite(b) ? `${(b / 2 ** 20).toFixed(1)} MiB` : '—');
/** Growth per 1,000 of something, in MiB (from kB or bytes). */
const per1000 = (delta: number, count: number, unit: 'kB' | 'B') => {
  if (!Number.isFinite(delta) || count <= 0) return '—';
  const perK = (delta / (count / 1000)) * (unit === 'kB' ? 1024 : 1);
  return `${(perK / 2 ** 20).toFixed(2)} MiB`;
};

// ---- Memory, from /proc -----------------------------------------------------------------------------

interface ProcMem {
  /** VmRSS, kB: resident pages, shared ones (PostgreSQL's shared buffers) counted in every process that touched them. */
  rssKb: number;
  /** Pss from smaps_rollup, kB: each shared page divided among the processes that map it, so a sum counts it once. */
  pssKb: number;
  processes: number;
}

function statusField(text: string, field: string): number | undefined {
  const m = new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
}

function readProc(pid: number): { rssKb: number; pssKb: number; ppid: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    let pssKb = NaN;
    try {
      pssKb = statusField(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss') ?? NaN;
    } catch {
      // not readable: Pss stays unknown
    }
    return { rssKb: statusField(status, 'VmRSS') ?? 0, pssKb, ppid: statusField(status, 'PPid') ?? 0 };
  } catch {
    return undefined;
  }
}

/** One process. */
function memOf(pid: number | undefined): ProcMem | undefined {
  const p = pid === undefined ? undefined : readProc(pid);
  return p ? { rssKb: p.rssKb, pssKb: p.pssKb, processes: 1 } : undefined;
}

/** A postmaster and every process whose parent it is (its backends and auxiliary processes). */
function postgresMem(postmaster: number | undefined): ProcMem | undefined {
  const root = memOf(postmaster);
  if (!root) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const p = readProc(Number(entry));
    if (!p || p.ppid !== postmaster) continue;
    root.rssKb += p.rssKb;
    root.pssKb += p.pssKb;
    root.processes += 1;
  }
  return root;
}

// ---- The Lifeline worker in a child process ---------------------------------------------------------

class WorkerChild {
  private constructor(
    private readonly child: ChildProcess,
    readonly logFile: string,
  ) {}

  get pid(): number | undefined {
    return this.child.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  static spawn(env: NodeJS.ProcessEnv, logFile: string): WorkerChild {
    const fd = openSync(logFile, 'a');
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'worker', 'main.ts')], {
        cwd: ROOT,
        env,
        stdio: ['ignore', fd, fd],
      });
      return new WorkerChild(child, logFile);
    } finally {
      closeSync(fd);
    }
  }

  tail(): string {
    try {
      return readFileSync(this.logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** SIGTERM by PID (the worker drains), SIGKILL after 40 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (this.pid === undefined) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    await exited;
    clearTimeout(timer);
  }
}

/** Until the task queue has a workflow poller (the worker is running), bounded. */
async function waitForPoller(client: Client, child: WorkerChild, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.pid === undefined) throw new Error(`the worker exited before it polled:\n${child.tail()}`);
    const described = await client.workflowService.describeTaskQueue({
      namespace: NAMESPACE,
      taskQueue: { name: TASK_QUEUE },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    });
    if ((described.pollers ?? []).length > 0) return;
    await delay(500);
  }
  throw new Error(`the worker did not poll ${TASK_QUEUE} within ${ms / 1000} s:\n${child.tail()}`);
}

/** The SDK's default maxCachedWorkflows (worker-options.js, reuseV8Context) from the heap limit of a node started as the child is. */
function childMaxCachedWorkflows(env: NodeJS.ProcessEnv): { heapMiB: number; maxCached: number } {
  const out = spawnSync(process.execPath, ['-p', 'require("v8").getHeapStatistics().heap_size_limit'], { env, encoding: 'utf8' });
  const heapMiB = Number(out.stdout.trim()) / 2 ** 20;
  return { heapMiB, maxCached: Math.max(Math.floor((Math.max(heapMiB - 200, 0) * 600) / 1024), 10) };
}

// ---- Tickets ----------------------------------------------------------------------------------------

const idOf = (prefix: string, i: number) => `${prefix}${i.toString(16).toUpperCase().padStart(14, '0')}`;

function idleInput(ticketId: string): OpenTicketInput {
  return {
    ticketId,
    customerId: 'bench-customer',
    policyId: 'isode',
    plan: 'bronze',
    severity: 'p4',
    type: 'question',
    title: 'How do I rotate the relay certificate?',
    description: 'The relay certificate expires next quarter; which steps keep mail flowing?',
    channel: 'email',
    openedBy: CUSTOMER,
  };
}

// ---- Phase 1: N idle tickets ------------------------------------------------------------------------

interface Sample {
  label: string;
  opened: number;
  started: number;
  atS: number;
  worker?: ProcMem;
  server?: ProcMem;
  temporalPg?: ProcMem;
  lifelinePg?: ProcMem;
  temporalDb: number;
  visibilityDb: number;
  lifelineDb: number;
}

interface Ctx {
  client: Client;
  pool: Pool;
  temporalPool: Pool;
  worker: WorkerChild;
  serverPid: () => number | undefined;
  temporalPgPid: number | undefined;
  lifelinePgPid: number | undefined;
}

async function sample(ctx: Ctx, label: string, opened: number, started: number, t0: number): Promise<Sample> {
  const sizes = (
    await ctx.temporalPool.query<{ t: string; v: string }>(
      "SELECT pg_database_size('temporal') AS t, pg_database_size('temporal_visibility') AS v",
    )
  ).rows[0];
  const own = (await ctx.pool.query<{ s: string }>('SELECT pg_database_size(current_database()) AS s')).rows[0];
  return {
    label,
    opened,
    started,
    atS: (performance.now() - t0) / 1000,
    worker: memOf(ctx.worker.pid),
    server: memOf(ctx.serverPid()),
    temporalPg: postgresMem(ctx.temporalPgPid),
    lifelinePg: postgresMem(ctx.lifelinePgPid),
    temporalDb: Number(sizes.t),
    visibilityDb: Number(sizes.v),
    lifelineDb: Number(own.s),
  };
}

interface OpenResult {
  samples: Sample[];
  started: number;
  opened: number;
  failedStarts: number;
  retriedStarts: number;
  issuingS: number;
  totalS: number;
  firstError?: string;
  /** Set when the opening budget ran out before N: the checkpoint it stopped at. */
  stoppedAt?: number;
}

async function openIdle(ctx: Ctx, checkpoints: number[]): Promise<OpenResult> {
  const openedCount = async () =>
    Number((await ctx.pool.query<{ n: string }>(`SELECT count(*) AS n FROM tickets WHERE ticket_id LIKE '${IDLE_PREFIX}%'`)).rows[0].n);
  let next = 0;
  let started = 0;
  let failed = 0;
  let retried = 0;
  let firstError: string | undefined;
  const startOne = async (i: number) => {
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        await startTicket(ctx.client, TASK_QUEUE, idleInput(idOf(IDLE_PREFIX, i)));
        started++;
        return;
      } catch (err) {
        if (err instanceof WorkflowExecutionAlreadyStartedError) {
          started++; // an earlier attempt reached the server
          return;
        }
        firstError ??= (err as Error).message;
        if (attempt === 5) {
          failed++;
          return;
        }
        retried++;
        await delay(500 * attempt);
      }
    }
  };
  const startUpTo = async (target: number) => {
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < target) {
          if (isAborted()) throw new Aborted();
          await startOne(next++);
        }
      }),
    );
  };
  const t0 = performance.now();
  let issuingMs = 0;
  const samples: Sample[] = [];
  samples.push(await sample(ctx, 'worker started, no tickets', 0, 0, t0));
  // A handful first: the worker's first ticket workflows (sandbox, calendars, pool connections).
  await startUpTo(WARM);
  let opened = await pollUntil(openedCount, (n) => n >= WARM, OPEN_WAIT_MS);
  await delay(2000);
  samples.push(await sample(ctx, `${WARM} warm-up tickets`, opened, started, t0));
  const tOpen = performance.now();
  let stoppedAt: number | undefined;
  for (const target of checkpoints) {
    if (OPEN_BUDGET_S > 0 && (performance.now() - tOpen) / 1000 > OPEN_BUDGET_S) {
      stoppedAt = samples.at(-1)!.opened;
      log(`the opening budget (${OPEN_BUDGET_S} s) ran out: stopping at ${fmtN(stoppedAt)} of ${fmtN(N)}`);
      break;
    }
    const s0 = performance.now();
    await startUpTo(target);
    issuingMs += performance.now() - s0;
    opened = await pollUntil(openedCount, (n) => n >= target - failed, OPEN_WAIT_MS);
    if (opened < target - failed) log(`checkpoint ${fmtN(target)}: only ${fmtN(opened)} opened after ${OPEN_WAIT_MS / 1000} s`);
    await delay(2000);
    const s = await sample(ctx, fmtN(target), opened, started, t0);
    samples.push(s);
    log(
      `${fmtN(opened)} opened (${fmtN(started)} started, ${failed} failed) in ${((performance.now() - tOpen) / 1000).toFixed(0)} s; ` +
        `worker ${mib(s.worker?.rssKb)}, server ${mib(s.server?.rssKb)}, Temporal's PostgreSQL Pss ${mib(s.temporalPg?.pssKb)}, ` +
        `temporal ${mibBytes(s.temporalDb)}, visibility ${mibBytes(s.visibilityDb)}, Lifeline ${mibBytes(s.lifelineDb)}`,
    );
  }
  return {
    samples,
    started,
    opened,
    failedStarts: failed,
    retriedStarts: retried,
    issuingS: issuingMs / 1000,
    totalS: (performance.now() - tOpen) / 1000,
    firstError,
    stoppedAt,
  };
}

// ---- Phase 2: breach lag with N open (as bench/breach-lag.ts) ----------------------------------------

interface LagResult {
  count: number;
  persisted: number;
  tickets: Stats;
  ticketArm: Stats;
  ticketServer: Stats;
  ticketWorker: Stats;
  baselineWritten: number;
  baseline: Stats;
  baselineArm: Stats;
  baselineServer: Stats;
  baselineWorker: Stats;
  dueSpreadS: number;
}

/** The baseline worker: Lifeline's workflows plus benchBreachTimer, in this process, on its own task queue. */
async function startBaselineWorker(address: string, pool: Pool) {
  const connection = await NativeConnection.connect({ address });
  const worker = await createLifelineWorker({
    connection,
    namespace: NAMESPACE,
    taskQueue: BASELINE_QUEUE,
    workflowsPath: require.resolve('./breach-lag-workflows'),
    activities: {
      ...createActivities({ pool }),
      benchBreachWrite: async (atMs: number) => {
        await pool.query('INSERT INTO bench_breach_timer (workflow_id, instant) VALUES ($1, $2) ON CONFLICT (workflow_id) DO NOTHING', [
          Context.current().info.workflowExecution?.workflowId ?? '',
          new Date(atMs),
        ]);
      },
    } as ReturnType<typeof createActivities>,
  });
  const running = worker.run();
  running.catch((err: Error) => log(`baseline worker failed: ${err.message}`));
  return {
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close();
    },
  };
}

async function breachLag(ctx: Ctx, address: string, stops: Stops): Promise<LagResult> {
  const { client, pool } = ctx;
  const everyMs = (LAG.spreadS * 1000) / LAG.n;
  // Baseline: bare timers on a second worker, on the same schedule, before the tickets.
  log('baseline: bundling a second worker (bench/breach-lag-workflows.ts) in this process');
  const baseWorker = await startBaselineWorker(address, pool);
  let baseStopped = false;
  stops.push(['baseline worker', () => (baseStopped ? Promise.resolve() : baseWorker.stop())]);
  await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      client.workflow.execute('benchBreachTimer', {
        taskQueue: BASELINE_QUEUE,
        workflowId: `bench-scale-warm-${i}`,
        args: [Date.now() + 2000],
      }),
    ),
  );
  log(`baseline: ${LAG.n} bare timers ${everyMs.toFixed(0)} ms apart, ${LAG.budgetS} s after each start`);
  const instants: number[] = [];
  const timers = await paced(LAG.n, everyMs, (i) => {
    instants[i] = Date.now() + LAG.budgetS * 1000;
    return client.workflow.start('benchBreachTimer', {
      taskQueue: BASELINE_QUEUE,
      workflowId: `bench-scale-timer-${i}`,
      args: [instants[i]],
    });
  });
  const baseIds = timers.map((h) => h.workflowId);
  const written = await pollUntil(
    async () =>
      (
        await pool.query<{ workflow_id: string; recorded_at: Date }>(
          'SELECT workflow_id, recorded_at FROM bench_breach_timer WHERE workflow_id = ANY($1)',
          [baseIds],
        )
      ).rows,
    (rows) => rows.length >= LAG.n,
    LAG.budgetS * 1000 + SETTLE_LIMIT_MS,
    500,
  );
  if (written.length < LAG.n) log(`baseline: only ${written.length} of ${LAG.n} bare timers wrote in time`);
  const writtenAt = new Map(written.map((r) => [r.workflow_id, r.recorded_at.getTime()]));
  const ran = baseIds.map((id) => writtenAt.get(id) ?? NaN);
  const baseParts = await eachLimited(timers, HISTORY_READERS, async (h) => firedTimer((await h.fetchHistory()).events ?? [], () => true));
  await baseWorker.stop();
  baseStopped = true;

  log(`tickets: ${LAG.n} Xecuritas Sev-1 tickets ${everyMs.toFixed(0)} ms apart, first response PT${LAG.budgetS}S`);
  await setBudget(pool, LAG.budgetS, 'bench:scale');
  const ids = Array.from({ length: LAG.n }, (_, i) => idOf(LAG_PREFIX, i + 100));
  const handles = await paced(LAG.n, everyMs, (i) => startTicket(client, TASK_QUEUE, breachTicketInput(ids[i])));
  const rows = await pollUntil(
    async () =>
      (
        await pool.query<{ ticket_id: string; due_at: string; recorded_at: Date }>(
          `SELECT ticket_id, data->>'dueAt' AS due_at, recorded_at FROM ticket_events
            WHERE ticket_id = ANY($1) AND type = 'breached' AND data->>'kind' = 'firstResponse'`,
          [ids],
        )
      ).rows,
    (r) => r.length >= LAG.n,
    LAG.budgetS * 1000 + SETTLE_LIMIT_MS,
    500,
  );
  if (rows.length < LAG.n) log(`tickets: only ${rows.length} of ${LAG.n} breaches persisted in time`);
  const byId = new Map(rows.map((r) => [r.ticket_id, r]));
  const ticketParts = await eachLimited(handles, HISTORY_READERS, async (h) => ({
    t: firedTimer((await h.fetchHistory()).events ?? [], (s) => Boolean(s?.startsWith('firstResponse due'))),
    row: byId.get(h.workflowId.replace(/^ticket-/, '')),
  }));
  const tp = ticketParts.flatMap((p) => (p.t && p.row ? [{ t: p.t, row: p.row }] : []));
  const bp = baseParts.flatMap((t, i) => (t && Number.isFinite(ran[i]) ? [{ t, at: instants[i], ran: ran[i] }] : []));
  const dues = rows.map((r) => Date.parse(r.due_at));
  return {
    count: LAG.n,
    persisted: rows.length,
    tickets: stats(rows.map((r) => r.recorded_at.getTime() - Date.parse(r.due_at))),
    ticketArm: stats(tp.map((p) => p.t.scheduledAt - Date.parse(p.row.due_at))),
    ticketServer: stats(tp.map((p) => p.t.firedAt - p.t.scheduledAt)),
    ticketWorker: stats(tp.map((p) => p.row.recorded_at.getTime() - p.t.firedAt)),
    baselineWritten: written.length,
    baseline: stats(ran.map((r, i) => r - instants[i])),
    baselineArm: stats(bp.map((p) => p.t.scheduledAt - p.at)),
    baselineServer: stats(bp.map((p) => p.t.firedAt - p.t.scheduledAt)),
    baselineWorker: stats(bp.map((p) => p.ran - p.t.firedAt)),
    dueSpreadS: dues.length ? (Math.max(...dues) - Math.min(...dues)) / 1000 : NaN,
  };
}

// ---- Report -----------------------------------------------------------------------------------------

interface Meta {
  command: string;
  git: string;
  postgres: string;
  seconds: number;
  load: string;
  heapMiB: number;
  maxCached: number;
}

function reportSection(open: OpenResult, lag: LagResult, meta: Meta): string {
  const cpu = os.cpus();
  const s = open.samples;
  const warm = s[1];
  const last = s.at(-1)!;
  const pg = (m: ProcMem | undefined) => (m ? `${mib(m.pssKb)} (${mib(m.rssKb)}, ${m.processes})` : '—');
  const sampleRow = (x: Sample) =>
    `| ${x.label} | ${fmtN(x.opened)} | ${Math.round(x.atS)} s | ${mib(x.worker?.rssKb)} | ${mib(x.server?.rssKb)} | ${pg(x.temporalPg)} | ${pg(x.lifelinePg)} | ${mibBytes(x.temporalDb)} | ${mibBytes(x.visibilityDb)} | ${mibBytes(x.lifelineDb)} |`;
  // Worker: up to the last checkpoint the cache can hold everything, and beyond it.
  const inCache = s.filter((x) => x.opened <= meta.maxCached && x.opened > warm.opened).at(-1);
  const beyond = last.opened > meta.maxCached && inCache ? last : undefined;
  const grow = (pick: (x: Sample) => number | undefined, from: Sample, to: Sample, unit: 'kB' | 'B') =>
    per1000((pick(to) ?? NaN) - (pick(from) ?? NaN), to.opened - from.opened, unit);
  const lagRow = (label: string, x: Stats) =>
    `| ${label} | ${x.n} | ${fmtMs(x.p50)} | ${fmtMs(x.p90)} | ${fmtMs(x.p99)} | ${fmtMs(x.max)} | ${fmtMs(x.mean)} |`;
  const reached = open.opened;
  const capped = reached > meta.maxCached;
  return [
    `## bench/scale — open work on the Temporal server on PostgreSQL: ${fmtN(reached)} idle tickets, one worker`,
    '',
    `Command: \`${meta.command}\` · ${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpu[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'cpu'} × ${cpu.length} · ` +
      `Temporal server ${TEMPORAL_SERVER_VERSION} on its own ${meta.postgres} (embedded, 4 history shards) · Lifeline's ${meta.postgres} (embedded, in a process) · TZ=UTC · ${meta.git} · whole run ${(meta.seconds / 60).toFixed(1)} min · ${meta.load}`,
    '',
    `**N = ${fmtN(reached)}**${open.stoppedAt !== undefined ? ` (${fmtN(N)} asked; the opening phase stopped at its checkpoint after its budget of ${OPEN_BUDGET_S} s)` : ''}${reached < DEFAULT_N ? ` (the issue asks for ${fmtN(DEFAULT_N)}; this run is smaller)` : ''} idle tickets (Isode Bronze P4 questions by email, no contact: first response working days away, so each waits on a pending timer) started with \`client.workflow.start\` as \`POST /v1/tickets\` starts them, at most ${IN_FLIGHT} calls in flight, paused at each checkpoint until the tickets' rows (Lifeline's \`tickets\` table) reached it, then 2 s, then sampled. ` +
      'Worker: `node --import tsx worker/main.ts` in a child process (NODE_ENV=test, LOG_LEVEL=warn, the SDK defaults), so its RSS (`/proc/<pid>/status` VmRSS: its main thread, the workflow thread holding the sandboxes, and the Rust core) is its own; not collected before sampling (read it as a trend). ' +
      "Temporal server: the one Go process's VmRSS. PostgreSQL (each instance): the postmaster and every process whose parent it is; shown as the sum of Pss (`/proc/<pid>/smaps_rollup`: each shared page, i.e. the shared buffers, split among the processes mapping it, so the sum counts it once), then in brackets the sum of VmRSS (which counts the shared buffers once per process that touched them, an overcount) and the number of processes. Database sizes: `pg_database_size`. " +
      `The worker's workflow cache: the SDK's default \`maxCachedWorkflows\` for this node's heap limit (${meta.heapMiB.toFixed(0)} MiB) is **${fmtN(meta.maxCached)}** (SDK 1.24's formula, max(10, ⌊(heap MiB − 200) × 600 / 1024⌋), applied to the child's \`heap_size_limit\`)${capped ? `; N exceeds it, so past ${fmtN(meta.maxCached)} tickets the worker evicts the least recently used workflow for each new one (an evicted ticket is replayed from its history when its timer fires or it is next asked)` : ''}.`,
    '',
    `Openings: ${fmtN(open.started)} started (${open.failedStarts} failed after 5 attempts, ${open.retriedStarts} retries${open.firstError ? `; first error: ${open.firstError.slice(0, 160)}` : ''}), ${fmtN(open.opened)} opened; ` +
      `${(open.started / open.issuingS).toFixed(1)} starts/s accepted by the server while issuing (${Math.round(open.issuingS)} s: the bursts up to each checkpoint), **${((open.opened - warm.opened) / open.totalS).toFixed(1)} opened/s** sustained over the whole phase (${Math.round(open.totalS)} s, checkpoint waits included: the worker's opening rate, which bounds it).`,
    '',
    "| checkpoint | tickets opened | at | worker RSS | Temporal server RSS | Temporal's PostgreSQL Pss (VmRSS, processes) | Lifeline's PostgreSQL Pss (VmRSS, processes) | `temporal` DB | `temporal_visibility` DB | Lifeline's DB |",
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...s.map(sampleRow),
    '',
    `Growth per 1,000 tickets (from the warm-up sample at ${fmtN(warm.opened)} to the checkpoint named):`,
    '',
    '| | per 1,000 | over |',
    '| --- | --- | --- |',
    inCache
      ? `| **worker RSS per 1,000 cached workflows** | ${grow((x) => x.worker?.rssKb, warm, inCache, 'kB')} | ${fmtN(warm.opened)} → ${fmtN(inCache.opened)} (all cached) |`
      : `| worker RSS per 1,000 cached workflows | — | no checkpoint between the warm-up and the cache size |`,
    ...(beyond
      ? [
          `| worker RSS per 1,000 tickets beyond the cache | ${grow((x) => x.worker?.rssKb, inCache!, beyond, 'kB')} | ${fmtN(inCache!.opened)} → ${fmtN(beyond.opened)} (cache full) |`,
        ]
      : []),
    `| Temporal server RSS | ${grow((x) => x.server?.rssKb, warm, last, 'kB')} | ${fmtN(warm.opened)} → ${fmtN(last.opened)} |`,
    `| Temporal's PostgreSQL, Pss sum | ${grow((x) => x.temporalPg?.pssKb, warm, last, 'kB')} | ${fmtN(warm.opened)} → ${fmtN(last.opened)} |`,
    `| \`temporal\` + \`temporal_visibility\` databases | ${grow((x) => x.temporalDb + x.visibilityDb, warm, last, 'B')} | ${fmtN(warm.opened)} → ${fmtN(last.opened)} |`,
    `| Lifeline's PostgreSQL, Pss sum | ${grow((x) => x.lifelinePg?.pssKb, warm, last, 'kB')} | ${fmtN(warm.opened)} → ${fmtN(last.opened)} |`,
    `| Lifeline's database | ${grow((x) => x.lifelineDb, warm, last, 'B')} | ${fmtN(warm.opened)} → ${fmtN(last.opened)} |`,
    '',
    `### Breach lag with ${fmtN(open.opened)} tickets open: ${lag.count} tickets due within ${LAG.spreadS} s (first response PT${LAG.budgetS}S)`,
    '',
    `As bench/breach-lag.ts, on this server with the ${fmtN(open.opened)} idle tickets open: ${lag.count} Xecuritas Standard Sev-1 tickets (always-open calendar) started ${((LAG.spreadS * 1000) / lag.count).toFixed(0)} ms apart on the same worker process, their first response shortened to \`PT${LAG.budgetS}S\` by a \`policy_overrides\` row; the due instants spread over ${lag.dueSpreadS.toFixed(1)} s. ` +
      `Lag = the \`breached\` row's \`recorded_at\` − its \`dueAt\`. Baseline, just before, on the same schedule: ${lag.count} \`benchBreachTimer\` workflows (bench/breach-lag-workflows.ts) sleeping until an instant ${LAG.budgetS} s after their start, then one local activity inserting a row, on a **second worker in the bench process** on task queue \`${BASELINE_QUEUE}\` (worker/main.ts does not register them), started just for the baseline and shut down before the tickets' series; the same server and databases. Arming/server/worker come from each history.`,
    '',
    '| | n | p50 | p90 | p99 | max | mean |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    lagRow('**ticket: dueAt → `breached` row recorded_at**', lag.tickets),
    lagRow('ticket: arming (timer start + its duration − dueAt)', lag.ticketArm),
    lagRow('ticket: server (TimerFired − the instant it was asked for)', lag.ticketServer),
    lagRow('ticket: worker (breached row − TimerFired)', lag.ticketWorker),
    lagRow("**bare timer (baseline): instant → its row's recorded_at**", lag.baseline),
    lagRow('bare timer: arming', lag.baselineArm),
    lagRow('bare timer: server', lag.baselineServer),
    lagRow('bare timer: worker (row − TimerFired)', lag.baselineWorker),
    '',
    `Breaches persisted: ${lag.persisted} / ${lag.count} (bare timers written: ${lag.baselineWritten} / ${lag.count}). p99 **${fmtMs(lag.tickets.p99)}** (goal ≤ 1000 ms: ${lag.tickets.p99 <= 1000 && lag.persisted === lag.count ? 'met' : '**not met**'}); ` +
      `${ratio(lag.tickets.p99, lag.baseline.p99)} the bare timer's p99 (${fmtMs(lag.baseline.p99)}), p50 ${ratio(lag.tickets.p50, lag.baseline.p50)} (${fmtMs(lag.tickets.p50)} vs ${fmtMs(lag.baseline.p50)}).`,
    '',
  ].join('\n');
}

/** Replaces this bench's section of bench/RESULTS.md (up to the next `## `), or appends it. */
// ---- Main -------------------------------------------------------------------------------------------

/** The Temporal server on PostgreSQL, Lifeline's PostgreSQL (migrated), a client and the worker process, polling. */
async function startStack(stops: Stops) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lifeline-bench-scale-'));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as `postgres`, which must reach its data directory
  stops.push(['temporary directory', () => rm(dir, { recursive: true, force: true })]);

  log('starting the Temporal server on its own PostgreSQL');
  const temporalHandle = await startPostgresTemporal({ dataDir: path.join(dir, 'temporal'), namespace: NAMESPACE, log });
  stops.push(['Temporal server and its PostgreSQL', () => temporalHandle.stop()]);
  log("starting Lifeline's PostgreSQL");
  const lifelinePg = await startPostgresProcess({ dataDir: path.join(dir, 'lifeline-pg'), logFile: path.join(dir, 'lifeline-pg.log') });
  stops.push(["Lifeline's PostgreSQL", () => lifelinePg.stop()]);
  const databaseUrl = lifelinePg.urlFor('postgres');
  const pool = createPool(databaseUrl, { max: 10 });
  stops.push(['PostgreSQL pool', () => pool.end()]);
  await migrate(pool);
  // The baseline's own table, in this throwaway database only.
  await pool.query(
    'CREATE TABLE bench_breach_timer (workflow_id text PRIMARY KEY, instant timestamptz NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())',
  );
  const postgres = `PostgreSQL ${(await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v}`;
  // Temporal's instance: the embedded superuser (lifeline) reads the sizes; the server uses its own role.
  const temporalPool = createPool(`postgres://lifeline:lifeline@127.0.0.1:${temporalHandle.postgresPort}/postgres`, { max: 2 });
  stops.push(["Temporal's PostgreSQL pool", () => temporalPool.end()]);

  const connection = await Connection.connect({ address: temporalHandle.address });
  stops.push(['client connection', () => connection.close()]);
  const client = new Client({ connection, namespace: NAMESPACE });

  const childEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TZ: 'UTC',
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    TEMPORAL_ADDRESS: temporalHandle.address,
    TEMPORAL_NAMESPACE: NAMESPACE,
    TEMPORAL_TASK_QUEUE: TASK_QUEUE,
    DATABASE_URL: databaseUrl,
    // Not measured here, and 9464/9465 may be taken by a dev stack on the same machine.
    WORKER_METRICS_PORT: 'off',
    WORKER_SDK_METRICS_PORT: 'off',
  };
  const { heapMiB, maxCached } = childMaxCachedWorkflows(childEnv);
  log(`starting the worker process (default maxCachedWorkflows ${maxCached} for a ${heapMiB.toFixed(0)} MiB heap)`);
  const worker = WorkerChild.spawn(childEnv, path.join(dir, 'worker.log'));
  stops.push([
    'worker process',
    async () => {
      if (isAborted() || process.exitCode) log(`worker log ends:\n${worker.tail()}`);
      await worker.stop();
    },
  ]);
  await waitForPoller(client, worker, 180_000);
  log(`worker polling (pid ${worker.pid}); server pid ${temporalHandle.serverPid}, its PostgreSQL ${temporalHandle.postgresPid}`);
  return { temporalHandle, lifelinePg, pool, temporalPool, client, worker, heapMiB, maxCached, postgres };
}

async function bench(stops: Stops, runStarted: number): Promise<void> {
  const gitAtStart = gitDescription(['workflows', 'activities', 'policies', 'common', 'worker']);
  const loadAtStart = os.loadavg()[0];
  const { temporalHandle, lifelinePg, pool, temporalPool, client, worker, heapMiB, maxCached, postgres } = await startStack(stops);

  const ctx: Ctx = {
    client,
    pool,
    temporalPool,
    worker,
    serverPid: () => temporalHandle.serverPid,
    temporalPgPid: temporalHandle.postgresPid,
    lifelinePgPid: lifelinePg.pid,
  };
  const checkpoints = [
    ...new Set(
      [Math.floor(maxCached / 1000) * 1000, ...Array.from({ length: Math.ceil(N / STEP) }, (_, i) => Math.min(N, (i + 1) * STEP))]
        .filter((c) => c > WARM && c <= N)
        .sort((a, b) => a - b),
    ),
  ];
  log(`opening ${fmtN(N)} idle tickets; checkpoints at ${checkpoints.map(fmtN).join(', ')}`);
  const open = await openIdle(ctx, checkpoints);
  const lag = await breachLag(ctx, temporalHandle.address, stops);
  log(
    `breach lag: ticket p50 ${fmtMs(lag.tickets.p50)} p99 ${fmtMs(lag.tickets.p99)}; bare timer p50 ${fmtMs(lag.baseline.p50)} p99 ${fmtMs(lag.baseline.p99)}`,
  );
  const gitNow = gitDescription(['workflows', 'activities', 'policies', 'common', 'worker']);
  const envPart = [
    N !== DEFAULT_N ? `BENCH_SCALE_N=${N}` : '',
    process.env.BENCH_SCALE_STEP ? `BENCH_SCALE_STEP=${STEP}` : '',
    process.env.BENCH_SCALE_LAG_N ? `BENCH_SCALE_LAG_N=${LAG.n}` : '',
    OPEN_BUDGET_S > 0 ? `BENCH_SCALE_OPEN_BUDGET_S=${OPEN_BUDGET_S}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const section = reportSection(open, lag, {
    command: `${envPart ? `${envPart} ` : ''}npm run bench:scale`,
    git: gitNow === gitAtStart ? gitAtStart : `${gitAtStart} at the start, ${gitNow} at the end (the code changed during the run)`,
    postgres,
    seconds: (performance.now() - runStarted) / 1000,
    load: `load average (1 min) ${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end (other sessions share the machine)`,
    heapMiB,
    maxCached,
  });
  process.stdout.write(`${section}\n`);
  if (!WRITE) {
    log('not written to bench/RESULTS.md (N below 10,000; BENCH_SCALE_WRITE=1 writes it)');
    return;
  }
  writeSection('scale', section);
  log('written to bench/RESULTS.md');
}

/** Why the sizes cannot run, if they cannot. */
function invalidSizes(): string | undefined {
  const checks: Array<[string, number, number, number]> = [
    ['BENCH_SCALE_N', N, 100, 1_000_000],
    ['BENCH_SCALE_STEP', STEP, 50, 1_000_000],
    ['BENCH_SCALE_LAG_N', LAG.n, 10, 10_000],
  ];
  for (const [name, v, min, max] of checks) {
    if (!Number.isInteger(v) || v < min || v > max) return `${name} must be a whole number from ${min} to ${max} (got ${v})`;
  }
  return undefined;
}

runBench({ log, runLimitMs: RUN_LIMIT_MS, invalid: invalidSizes, bench });
