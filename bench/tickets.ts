/**
 * bench/tickets: the ticket workflow (workflows/ticket/workflow.ts) on the real Temporal dev server and
 * real PostgreSQL, as `npm run dev` runs them, against the issue's three goals:
 *   1. history events of a typical ticket (open, respond, request information, reply, resolve,
 *      close), with the breakdown by event type and by step (goal ≤ 60);
 *   2. breach detection latency: 100 tickets whose first response falls due 15 s after opening;
 *      latency = recorded_at of the automatic 'escalated' row − the target's dueAt (goal ≤ 1 s
 *      at p99), beside the dev server's raw timer latency (a workflow that only sleeps) measured
 *      in the same run, and the 5-minute polling interval of Zammad/Znuny;
 *   3. capacity: 10,000 idle tickets against one worker (in a child process, so its memory is its
 *      own), beside 10,000 workflows that only sleep on one timer: start rate, worker RSS,
 *      visibility count, and whether the dev server still answers as fast.
 *
 *   npm run bench:tickets                         (writes bench/RESULTS.md)
 *   BENCH_TICKETS=1000 npm run bench:tickets      (quick run: prints, does not write)
 *
 * Everything it starts (embedded PostgreSQL and the dev server on free 127.0.0.1 ports, in a
 * temporary directory; worker child processes) is stopped in a finally block, also on Ctrl-C.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Worker as ThreadWorker } from 'node:worker_threads';
import { Client, Connection, WorkflowExecutionAlreadyStartedError, type WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createPool, type Pool } from '../common/db';
import { ensureSearchAttributes } from '../common/temporal';
import { migrate } from '../db/migrate';
import { startEmbeddedPostgres } from '../scripts/embedded-postgres';
import { freePort } from '../scripts/ports';
import { TEMPORAL_CLI_VERSION } from '../scripts/temporal-binaries';
import { startDevServer } from '../scripts/temporal-servers';
import { createLifelineWorker } from '../worker/worker';
import { type Actor } from '../workflows/contract';
import {
  closeTicketUpdate,
  getTicketQuery,
  replyUpdate,
  requestInformationUpdate,
  resolveUpdate,
  respondUpdate,
  TICKET_WORKFLOW,
  ticketWorkflowId,
  type OpenTicketInput,
  type TicketState,
} from '../workflows/ticket/contract';

const NAMESPACE = 'default';
const FULL_TICKETS = 10_000;
const TICKETS = Number(process.env.BENCH_TICKETS ?? FULL_TICKETS);
const IN_FLIGHT = 50;
/** The typical ticket, run this many times one after the other (the first on a cold worker). */
const TYPICAL_RUNS = 3;
/** Openings followed at once by a query, as the API makes them. */
const API_OPENINGS = 10;
const BREACH_TICKETS = 100;
/** The first-response budget of the breach tickets: policies count minutes at the finest, so 0.25 of one. */
const BREACH_DURATION = '0.25 minutes';
const BREACH_AFTER_MS = 15_000;
/** Openings are spread: 10 a second, so the 100 deadlines fall due over 10 seconds. */
const BREACH_OPEN_EVERY_MS = 100;
/** And a sparse series: 10 tickets 1.5 s apart, so no two breaches overlap. */
const SPARSE_TICKETS = 10;
const SPARSE_EVERY_MS = 1_500;
/** The 5-minute polling interval of Zammad and Znuny (the issue's baseline). */
const POLL_MS = 5 * 60_000;
const SLEEP_MS = 30 * 24 * 3600_000;
/** Bounds: every loop ends by count or by one of these. */
const CAPACITY_START_LIMIT_MS = 30 * 60_000;
const CAPACITY_SETTLE_LIMIT_MS = 10 * 60_000;
const RUN_LIMIT_MS = 90 * 60_000;

const log = (line: string) => process.stderr.write(`[bench:tickets] ${line}\n`);

// ---- Small helpers --------------------------------------------------------------------------------

let aborted = false;
const abortWaiters = new Set<() => void>();
function abort(): void {
  aborted = true;
  for (const w of abortWaiters) w();
}
class Aborted extends Error {
  constructor() {
    super('interrupted');
  }
}

/** setTimeout as a promise that rejects when the run is interrupted. */
function delay(ms: number): Promise<void> {
  if (aborted) return Promise.reject(new Aborted());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Aborted());
    };
    const timer = setTimeout(
      () => {
        abortWaiters.delete(onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    abortWaiters.add(onAbort);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `check` every `everyMs` until it returns true, up to `limitMs`; returns whether it did. */
async function waitUntil(check: () => Promise<boolean> | boolean, limitMs: number, everyMs = 250): Promise<boolean> {
  const end = Date.now() + limitMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= end) return false;
    await delay(everyMs);
  }
}

/** Nearest-rank percentile of ascending values. */
function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const median = (values: number[]) =>
  pct(
    [...values].sort((a, b) => a - b),
    50,
  );

const fmtMs = (ms: number) => (Number.isNaN(ms) ? '—' : Math.abs(ms) >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`);
const fmtMiB = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const fmtKiB = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const fmtN = (n: number) => n.toLocaleString('en-US');

function eventTypeName(type: unknown): string {
  const name = typeof type === 'number' ? temporal.api.enums.v1.EventType[type] : String(type);
  return (name ?? String(type))
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function payloadText(p: temporal.api.common.v1.IPayload | null | undefined): string | undefined {
  if (!p?.data) return undefined;
  try {
    const v = JSON.parse(Buffer.from(p.data).toString('utf8')) as unknown;
    return typeof v === 'string' ? v : JSON.stringify(v);
  } catch {
    return undefined;
  }
}

/** The local activity a marker records (core writes its type into the marker's data). */
function markerActivity(e: HistoryEvent): string {
  const a = e.markerRecordedEventAttributes!;
  try {
    const parsed = JSON.parse(Buffer.from(a.details!.data!.payloads![0].data!).toString('utf8')) as { activity_type?: string };
    return parsed.activity_type ?? a.markerName ?? '?';
  } catch {
    return a.markerName ?? '?';
  }
}

/** original_schedule_time of a local activity marker, in ms. */
function markerScheduledAt(e: HistoryEvent): number {
  try {
    const a = e.markerRecordedEventAttributes!;
    const parsed = JSON.parse(Buffer.from(a.details!.data!.payloads![0].data!).toString('utf8')) as {
      original_schedule_time?: { seconds: number | string; nanos?: number } | string;
    };
    const t = parsed.original_schedule_time;
    if (typeof t === 'string') return Date.parse(t);
    return t ? Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : NaN;
  } catch {
    return NaN;
  }
}

/** A short label per event, runs of a workflow task's three events folded: for the per-step sequence. */
function sequence(events: HistoryEvent[]): string {
  const labels = events.map((e) => {
    const name = eventTypeName(e.eventType);
    if (e.markerRecordedEventAttributes) return `Marker(${markerActivity(e)})`;
    if (e.activityTaskScheduledEventAttributes)
      return `ActivityTaskScheduled(${e.activityTaskScheduledEventAttributes.activityType?.name ?? '?'})`;
    return name.replace(/^WorkflowExecution/, '').replace(/^UpsertWorkflowSearchAttributes$/, 'UpsertSearchAttributes');
  });
  const out: string[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 'WorkflowTaskScheduled' && labels[i + 1] === 'WorkflowTaskStarted' && labels[i + 2] === 'WorkflowTaskCompleted') {
      // With how long the task took the worker (started → completed), local activities included.
      out.push(`WorkflowTask×3 (${fmtMs(tsToMs(events[i + 2].eventTime) - tsToMs(events[i + 1].eventTime))})`);
      i += 2;
    } else out.push(labels[i]);
  }
  return out.join(', ');
}

/** The timer that fired (the first whose summary matches): when it was started, due to fire, and fired (server times). */
function firedTimer(events: HistoryEvent[], match: (summary: string | undefined) => boolean) {
  for (const e of events) {
    const fired = e.timerFiredEventAttributes;
    if (!fired) continue;
    const started = events.find((x) => Number(x.eventId) === Number(fired.startedEventId));
    if (!started?.timerStartedEventAttributes || !match(payloadText(started.userMetadata?.summary))) continue;
    const startedAt = tsToMs(started.eventTime);
    const index = events.indexOf(e);
    const taskStarted = events.slice(index).find((x) => eventTypeName(x.eventType) === 'WorkflowTaskStarted');
    const marker = events.slice(index).find((x) => x.markerRecordedEventAttributes && markerActivity(x) !== 'core_patch');
    return {
      startedAt,
      scheduledAt: startedAt + tsToMs(started.timerStartedEventAttributes.startToFireTimeout),
      firedAt: tsToMs(e.eventTime),
      taskStartedAt: taskStarted ? tsToMs(taskStarted.eventTime) : NaN,
      /** When the workflow scheduled its next local activity (the worker's clock, from the marker). */
      localActivityScheduledAt: marker ? markerScheduledAt(marker) : NaN,
    };
  }
  return undefined;
}

/** VmRSS of a process, from /proc (Linux). */
function rssOf(pid: number | undefined): number {
  if (!pid) return NaN;
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** The dev server's process: spawned by the SDK's core, which does not hand out its pid. */
function devServerPid(port: number): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args.includes('start-dev') && args.includes(String(port))) return Number(entry);
    } catch {
      // gone already
    }
  }
  return undefined;
}

const fileSize = (file: string) => (existsSync(file) ? statSync(file).size : 0);

// ---- The worker, in a child process -------------------------------------------------------------

interface ChildOptions {
  address: string;
  namespace: string;
  taskQueue: string;
  databaseUrl: string;
  bundlePath: string;
}

interface ChildStatus {
  rss: number;
  heapUsed: number;
  /** Bytes of the workflow threads' heap snapshots (NaN if the SDK's internals moved). */
  threadHeapSnapshot: number;
  armed: number;
  cached: number;
  inFlightActivations: number;
}

/**
 * Makes V8 collect the garbage of the SDK's workflow threads: taking a heap snapshot of a thread
 * runs a full GC there first. The threads are an internal of @temporalio/worker 1.24
 * (Worker.workflowCreator.workerThreadClients[].workerThread); returns the snapshots' size.
 */
async function collectWorkflowThreads(worker: Worker): Promise<number> {
  const creator = (worker as unknown as { workflowCreator?: { workerThreadClients?: Array<{ workerThread?: ThreadWorker }> } })
    .workflowCreator;
  const threads = (creator?.workerThreadClients ?? []).map((c) => c.workerThread).filter((t): t is ThreadWorker => t !== undefined);
  if (threads.length === 0) return NaN;
  let bytes = 0;
  for (const thread of threads) {
    for await (const chunk of await thread.getHeapSnapshot()) bytes += (chunk as Buffer).length;
  }
  return bytes;
}

/** Runs in the child: Lifeline's worker (createLifelineWorker + createActivities), told what to do over IPC. */
async function workerChild(): Promise<void> {
  const opts = JSON.parse(process.env.BENCH_WORKER ?? '{}') as ChildOptions;
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN') });
  // The parent decides when to stop (Ctrl-C reaches the whole process group).
  process.on('SIGINT', () => undefined);
  const pool = createPool(opts.databaseUrl, { max: 10 });
  const connection = await NativeConnection.connect({ address: opts.address });
  let armed = 0;
  const activities = { ...createActivities({ pool }), benchLateness: async (atMs: number) => Date.now() - atMs };
  const worker = await createLifelineWorker({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    activities,
    overrides: {
      workflowsPath: undefined,
      workflowBundle: { codePath: opts.bundlePath },
      sinks: { bench: { armed: { fn: () => void (armed += 1), callDuringReplay: false } } },
    },
  });
  const running = worker.run();
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
      await connection.close().catch(() => undefined);
      await pool.end().catch(() => undefined);
    })());
  running.catch((err: Error) => {
    process.stderr.write(`[bench:tickets worker] failed: ${err.message}\n`);
    process.exit(1);
  });
  process.on('disconnect', () => void stop().finally(() => process.exit(0)));
  process.on('message', (m: { id: number; cmd: 'armed' | 'status' | 'stop' }) => {
    if (m.cmd === 'armed') {
      process.send?.({ id: m.id, armed });
    } else if (m.cmd === 'status') {
      void (async () => {
        // The sandbox lives in the SDK's workflow thread, whose garbage gc() here does not reach.
        const threadHeapSnapshot = await collectWorkflowThreads(worker);
        const gc = (globalThis as { gc?: () => void }).gc;
        gc?.();
        gc?.();
        const mem = process.memoryUsage();
        const s = worker.getStatus();
        const status: ChildStatus = {
          rss: mem.rss,
          heapUsed: mem.heapUsed,
          threadHeapSnapshot,
          armed,
          cached: s.numCachedWorkflows,
          inFlightActivations: s.numInFlightWorkflowActivations,
        };
        process.send?.({ id: m.id, status });
      })();
    } else if (m.cmd === 'stop') {
      void stop().then(() => process.send?.({ id: m.id, stopped: true }, () => process.exit(0)));
    }
  });
  for (let i = 0; i < 600 && worker.getState() !== 'RUNNING'; i++) await new Promise((r) => setTimeout(r, 50));
  process.send?.({ ready: worker.getState() === 'RUNNING' });
}

class WorkerChild {
  private nextId = 1;
  private readonly pending = new Map<number, (m: Record<string, unknown>) => void>();

  private constructor(
    readonly proc: ChildProcess,
    readonly taskQueue: string,
  ) {
    proc.on('message', (m: Record<string, unknown>) => {
      const resolve = this.pending.get(m.id as number);
      if (resolve) {
        this.pending.delete(m.id as number);
        resolve(m);
      }
    });
  }

  static async start(opts: ChildOptions): Promise<WorkerChild> {
    const proc = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', __filename, '--worker'], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, TZ: 'UTC', BENCH_WORKER: JSON.stringify(opts) },
    });
    const child = new WorkerChild(proc, opts.taskQueue);
    const ready = new Promise<void>((resolve, reject) => {
      proc.on('message', (m: { ready?: boolean }) => {
        if (m.ready === true) resolve();
        else if (m.ready === false) reject(new Error('the worker did not reach RUNNING'));
      });
      proc.once('exit', (code) => reject(new Error(`the worker process exited (${code}) before it was ready`)));
    });
    try {
      await withTimeout(ready, 120_000, 'starting the worker');
    } catch (err) {
      await child.stop();
      throw err;
    }
    return child;
  }

  private request(cmd: 'armed' | 'status' | 'stop', timeoutMs: number): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return withTimeout(
      new Promise((resolve) => {
        this.pending.set(id, resolve);
        this.proc.send({ id, cmd });
      }),
      timeoutMs,
      `worker ${cmd}`,
    );
  }

  /** How many sleepers have armed their timer (no GC: cheap enough to poll). */
  async armed(): Promise<number> {
    return (await this.request('armed', 30_000)).armed as number;
  }

  /** Memory after two forced GCs, and the worker's cache. */
  async status(): Promise<ChildStatus> {
    return (await this.request('status', 180_000)).status as ChildStatus;
  }

  /** Asks the worker to shut down (in-flight activities finish); kills it if it has not gone in 45 s. */
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.proc.once('exit', () => resolve()));
    try {
      if (this.proc.connected) await this.request('stop', 45_000);
      await withTimeout(exited, 10_000, 'worker exit');
    } catch (err) {
      log(`worker did not stop cleanly (${(err as Error).message}); killing it`);
      this.proc.kill('SIGKILL');
      await withTimeout(exited, 10_000, 'worker kill').catch(() => undefined);
    }
  }
}

// ---- Tickets ----------------------------------------------------------------------------------------

const ENGINEER: Actor = { kind: 'engineer', id: 'bench-engineer' };
const CUSTOMER: Actor = { kind: 'customer', id: 'bench-customer' };

function ticketInput(ticketId: string, fields: Partial<OpenTicketInput>): OpenTicketInput {
  return {
    ticketId,
    customerId: 'bench-customer',
    policyId: 'xecuritas',
    plan: 'standard',
    severity: 'sev2',
    type: 'incident',
    title: 'Mail relay drops outbound messages',
    description: 'Since this morning about one message in ten is dropped by the relay.',
    channel: 'email',
    openedBy: CUSTOMER,
    ...fields,
  };
}

/** Starts a ticket exactly as POST /v1/tickets does (api/routes/tickets-open.ts). */
async function startTicket(client: Client, taskQueue: string, input: OpenTicketInput): Promise<WorkflowHandle> {
  return client.workflow.start(TICKET_WORKFLOW, {
    taskQueue,
    workflowId: ticketWorkflowId(input.ticketId),
    args: [input],
    memo: { requestHash: createHash('sha256').update(JSON.stringify(input)).digest('hex') },
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    staticSummary: `${input.policyId}/${input.plan} ${input.severity}: ${input.title}`.slice(0, 200),
    staticDetails: `Customer ${input.customerId}; ${input.type} via ${input.channel}`,
  });
}

// ---- 1. History events of a typical ticket ---------------------------------------------------

interface TypicalResult {
  events: number;
  status: string;
  workflowStatus: string;
  steps: Array<{ step: string; events: number; added: number; sequence?: string }>;
  taskCauses: Array<{ cause: string; count: number }>;
  byType: Array<{ type: string; count: number }>;
  markers: Array<{ activity: string; count: number }>;
  activities: Array<{ activity: string; count: number }>;
  auditRows: number;
}

const typicalInput = (ticketId: string) => ticketInput(ticketId, { contact: { name: 'Ada Customer', email: 'ada@example.com' } });

/** Waits until the ticket's notifications are out and its history has not grown for 1.5 s; returns its length. */
async function settleHistory(pool: Pool, handle: WorkflowHandle, ticketId: string): Promise<number> {
  await waitUntil(async () => {
    const { rows } = await pool.query<{ n: string }>(
      "SELECT count(*) AS n FROM notifications WHERE ticket_id = $1 AND status IN ('pending', 'sending')",
      [ticketId],
    );
    return Number(rows[0].n) === 0;
  }, 30_000);
  let last = -1;
  let stableSince = Date.now();
  await waitUntil(
    async () => {
      const n = (await handle.describe()).historyLength;
      if (n !== last) {
        last = n;
        stableSince = Date.now();
      }
      return Date.now() - stableSince >= 1_500;
    },
    30_000,
    250,
  );
  return last;
}

/** Waits for the ticket's read-model row: its opening is persisted (asks the workflow nothing). */
const opened = (pool: Pool, ticketId: string) =>
  waitUntil(async () => (await pool.query('SELECT 1 FROM tickets WHERE ticket_id = $1', [ticketId])).rowCount === 1, 30_000);

/**
 * Openings as POST /v1/tickets makes them: start, then query the ticket at once. A query that
 * reaches the workflow while its opening task is still running local activities splits that task.
 */
async function apiStyleOpenings(client: Client, pool: Pool, taskQueue: string, n: number): Promise<number[]> {
  const lengths: number[] = [];
  for (let i = 1; i <= n; i++) {
    const ticketId = `BENCH-API-OPEN-${i}`;
    const handle = await startTicket(client, taskQueue, typicalInput(ticketId));
    await withTimeout(handle.query(getTicketQuery), 30_000, 'the query after the start').catch(() => undefined);
    await opened(pool, ticketId);
    lengths.push(await settleHistory(pool, handle, ticketId));
  }
  return lengths;
}

async function typicalTicket(client: Client, pool: Pool, taskQueue: string, ticketId: string): Promise<TypicalResult> {
  const input = typicalInput(ticketId);
  const handle = await startTicket(client, taskQueue, input);
  // A step is done when its notifications are delivered and the history stops growing for a second.
  const settle = () => settleHistory(pool, handle, ticketId);
  const steps: TypicalResult['steps'] = [];
  const step = async (name: string, action: () => Promise<unknown>) => {
    await withTimeout(action(), 30_000, name);
    const events = await settle();
    steps.push({ step: name, events, added: events - (steps.at(-1)?.events ?? 0) });
    log(`typical ticket ${ticketId}: ${name} → ${events} history events`);
  };
  // Not a query: one that arrives while the opening task runs adds a task (measured apart, below).
  await step('open (xecuritas/standard sev2, email, contact email)', () => opened(pool, ticketId));
  await step('respondUpdate', () => handle.executeUpdate(respondUpdate, { args: [{ by: ENGINEER, message: 'We are looking into it.' }] }));
  await step('requestInformationUpdate', () =>
    handle.executeUpdate(requestInformationUpdate, { args: [{ by: ENGINEER, message: 'Please send the relay log of 09:00–10:00.' }] }),
  );
  await step('replyUpdate', () => handle.executeUpdate(replyUpdate, { args: [{ by: CUSTOMER, message: 'Log attached.' }] }));
  await step('resolveUpdate', () =>
    handle.executeUpdate(resolveUpdate, { args: [{ by: ENGINEER, kind: 'resolution', note: 'Queue limit raised; fixed in 4.2.1.' }] }),
  );
  await step('closeTicketUpdate', () => handle.executeUpdate(closeTicketUpdate, { args: [{ by: CUSTOMER, reason: 'confirmed fixed' }] }));

  const history = await handle.fetchHistory();
  const events = history.events ?? [];
  const count = (names: string[]) => {
    const m = new Map<string, number>();
    for (const n of names) m.set(n, (m.get(n) ?? 0) + 1);
    return [...m].map(([k, v]) => ({ k, v })).sort((a, b) => b.v - a.v || a.k.localeCompare(b.k));
  };
  const markerNames = events.filter((e) => e.markerRecordedEventAttributes).map(markerActivity);
  steps.forEach((st, i) => (st.sequence = sequence(events.slice(i === 0 ? 0 : steps[i - 1].events, st.events))));
  // Workflow tasks and what woke each: the start, an Update, an activity's completion, a timer.
  const causes = new Map<string, number>();
  events.forEach((e, i) => {
    if (eventTypeName(e.eventType) !== 'WorkflowTaskScheduled') return;
    const before = i > 0 ? eventTypeName(events[i - 1].eventType) : '';
    const completed = events.findIndex((x, j) => j > i && eventTypeName(x.eventType) === 'WorkflowTaskCompleted');
    const after = completed >= 0 && completed + 1 < events.length ? eventTypeName(events[completed + 1].eventType) : '';
    const cause =
      before === 'WorkflowExecutionStarted'
        ? 'the start'
        : before.startsWith('ActivityTask')
          ? 'an activity completing'
          : before === 'TimerFired'
            ? 'a timer'
            : after === 'WorkflowExecutionUpdateAccepted'
              ? 'an Update'
              : 'other (e.g. a local activity outlasting the task)';
    causes.set(cause, (causes.get(cause) ?? 0) + 1);
  });
  const activityNames = events
    .filter((e) => e.activityTaskScheduledEventAttributes)
    .map((e) => e.activityTaskScheduledEventAttributes!.activityType?.name ?? '?');
  const state: TicketState = await handle.query(getTicketQuery);
  const described = await handle.describe();
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM ticket_events WHERE ticket_id = $1', [input.ticketId]);
  return {
    events: events.length,
    status: state.status,
    workflowStatus: described.status.name,
    steps,
    taskCauses: [...causes].map(([cause, count]) => ({ cause, count })),
    byType: count(events.map((e) => eventTypeName(e.eventType))).map(({ k, v }) => ({ type: k, count: v })),
    markers: count(markerNames).map(({ k, v }) => ({ activity: k, count: v })),
    activities: count(activityNames).map(({ k, v }) => ({ activity: k, count: v })),
    auditRows: Number(rows[0].n),
  };
}

// ---- 2. Breach detection latency ----------------------------------------------------------------

interface LatencyStats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  min: number;
}
function stats(values: number[]): LatencyStats {
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, p50: pct(s, 50), p95: pct(s, 95), p99: pct(s, 99), max: s.at(-1) ?? NaN, min: s[0] ?? NaN };
}

type Parts = Record<'arm' | 'fire' | 'work' | 'dispatch' | 'code' | 'la', LatencyStats>;

/** One series of breach tickets: latency to the escalated row, and where the time went. */
interface TicketSeries {
  count: number;
  everyMs: number;
  tickets: LatencyStats;
  breachedRow: LatencyStats;
  escalated: number;
  warnings: number;
  dueAgrees: number;
  parts: Parts;
  budgetSeconds: number[];
  openedOverMs: number;
}

interface BreachResult {
  burst: TicketSeries;
  sparse: TicketSeries;
  timerActivity: LatencyStats;
  timerWorkflow: LatencyStats;
  rawParts: Parts;
}

const emptyParts = () => ({
  arm: [] as number[],
  fire: [] as number[],
  work: [] as number[],
  dispatch: [] as number[],
  code: [] as number[],
  la: [] as number[],
});
const partStats = (parts: ReturnType<typeof emptyParts>): Parts =>
  Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, stats(v.filter(Number.isFinite))])) as Parts;

/** Starts `n` things `everyMs` apart (not waiting for one before the next); returns when all started. */
async function paced<T>(n: number, everyMs: number, startOne: (i: number) => Promise<T>): Promise<T[]> {
  const t0 = Date.now();
  const all: Promise<T>[] = [];
  for (let i = 0; i < n; i++) {
    await delay(t0 + i * everyMs - Date.now());
    all.push(startOne(i));
  }
  return Promise.all(all);
}

/** Opens `count` Sev-1 tickets `everyMs` apart and waits for each one's automatic escalation. */
async function ticketSeries(
  client: Client,
  pool: Pool,
  taskQueue: string,
  prefix: string,
  count: number,
  everyMs: number,
): Promise<TicketSeries> {
  log(`breach latency: ${count} xecuritas sev1 tickets ${everyMs} ms apart, first response "${BREACH_DURATION}"`);
  const openStarted = Date.now();
  const handles = await paced(count, everyMs, (i) =>
    startTicket(client, taskQueue, ticketInput(`${prefix}${String(i).padStart(3, '0')}`, { severity: 'sev1', title: 'Mail service down' })),
  );
  const openedOverMs = Date.now() - openStarted;
  const countRows = async (type: string) =>
    Number(
      (
        await pool.query<{ n: string }>('SELECT count(*) AS n FROM ticket_events WHERE ticket_id LIKE $1 AND type = $2', [
          `${prefix}%`,
          type,
        ])
      ).rows[0].n,
    );
  const done = await waitUntil(async () => (await countRows('escalated')) >= count, BREACH_AFTER_MS + 120_000, 500);
  if (!done) log(`breach latency: only ${await countRows('escalated')} of ${count} tickets escalated in time`);
  const { rows } = await pool.query<{ ticket_id: string; due_at: string; escalated_at: Date; breached_at: Date }>(
    `SELECT e.ticket_id, b.data->>'dueAt' AS due_at, e.recorded_at AS escalated_at, b.recorded_at AS breached_at
       FROM ticket_events e
       JOIN ticket_events b ON b.workflow_id = e.workflow_id AND b.type = 'breached' AND b.data->>'kind' = e.data->>'kind'
      WHERE e.type = 'escalated' AND e.ticket_id LIKE $1 AND e.data->>'kind' = 'firstResponse' AND (e.data->>'automatic')::boolean`,
    [`${prefix}%`],
  );
  // The dueAt the breach recorded is the one the workflow's query shows for the target; the
  // histories tell where the time went: arming (TimerStarted + its duration vs dueAt), the
  // server's timer (TimerFired vs that), and the worker (escalated row vs TimerFired).
  let dueAgrees = 0;
  const budgetSeconds = new Set<number>();
  const parts = emptyParts();
  for (const h of handles) {
    const s = await h.query(getTicketQuery);
    const t = s.targets.find((x) => x.kind === 'firstResponse');
    const row = rows.find((r) => r.ticket_id === s.ticketId);
    if (t?.dueAt && row && Date.parse(t.dueAt) === Date.parse(row.due_at)) dueAgrees++;
    if (t?.dueAt) budgetSeconds.add((Date.parse(t.dueAt) - Date.parse(s.openedAt)) / 1000);
    const timer = firedTimer((await h.fetchHistory()).events ?? [], (summary) => Boolean(summary?.startsWith('firstResponse due')));
    if (row && timer) {
      const due = Date.parse(row.due_at);
      parts.arm.push(timer.scheduledAt - due);
      parts.fire.push(timer.firedAt - timer.scheduledAt);
      parts.work.push(row.escalated_at.getTime() - timer.firedAt);
      parts.dispatch.push(timer.taskStartedAt - timer.firedAt);
      parts.code.push(timer.localActivityScheduledAt - timer.taskStartedAt);
      parts.la.push(row.escalated_at.getTime() - timer.localActivityScheduledAt);
    }
  }
  return {
    count,
    everyMs,
    tickets: stats(rows.map((r) => r.escalated_at.getTime() - Date.parse(r.due_at))),
    breachedRow: stats(rows.map((r) => r.breached_at.getTime() - Date.parse(r.due_at))),
    escalated: rows.length,
    warnings: await countRows('warning'),
    dueAgrees,
    parts: partStats(parts),
    budgetSeconds: [...budgetSeconds].sort((a, b) => a - b),
    openedOverMs,
  };
}

async function breachLatency(client: Client, pool: Pool, taskQueue: string): Promise<BreachResult> {
  // Raw timers first: the same schedule, a workflow that only sleeps until the instant.
  log(`breach latency: ${BREACH_TICKETS} raw timers (baseline), ${BREACH_AFTER_MS / 1000} s after each start`);
  const instants: number[] = [];
  const timers = await paced(BREACH_TICKETS, BREACH_OPEN_EVERY_MS, (i) => {
    instants[i] = Date.now() + BREACH_AFTER_MS;
    return client.workflow.start('benchTimer', { taskQueue, workflowId: `bench-timer-${i}`, args: [instants[i]] });
  });
  const timerResults = await withTimeout(
    Promise.all(timers.map((h) => h.result() as Promise<{ workflowLateMs: number; activityLateMs: number }>)),
    BREACH_AFTER_MS + 120_000,
    'the raw timers',
  );
  const rawParts = emptyParts();
  for (let i = 0; i < timers.length; i++) {
    const timer = firedTimer((await timers[i].fetchHistory()).events ?? [], () => true);
    if (!timer) continue;
    rawParts.arm.push(timer.scheduledAt - instants[i]);
    rawParts.fire.push(timer.firedAt - timer.scheduledAt);
    const ran = instants[i] + timerResults[i].activityLateMs;
    rawParts.work.push(ran - timer.firedAt);
    rawParts.dispatch.push(timer.taskStartedAt - timer.firedAt);
    rawParts.code.push(timer.localActivityScheduledAt - timer.taskStartedAt);
    rawParts.la.push(ran - timer.localActivityScheduledAt);
  }

  // The policy's own override table shortens Xecuritas Sev-1's first response (merged key by key).
  await pool.query(
    `INSERT INTO policy_overrides (policy_id, override, version, updated_by) VALUES ('xecuritas', $1, 1, 'bench:tickets')
     ON CONFLICT (policy_id) DO UPDATE SET override = EXCLUDED.override, version = policy_overrides.version + 1, updated_at = now()`,
    [JSON.stringify({ targets: { standard: { sev1: { firstResponse: { duration: BREACH_DURATION } } } } })],
  );
  const burst = await ticketSeries(client, pool, taskQueue, 'BRK-', BREACH_TICKETS, BREACH_OPEN_EVERY_MS);
  // The same with deadlines far apart: the latency of one breach on an otherwise idle worker.
  const sparse = await ticketSeries(client, pool, taskQueue, 'BRS-', SPARSE_TICKETS, SPARSE_EVERY_MS);
  return {
    burst,
    sparse,
    timerActivity: stats(timerResults.map((r) => r.activityLateMs)),
    timerWorkflow: stats(timerResults.map((r) => r.workflowLateMs)),
    rawParts: partStats(rawParts),
  };
}

// ---- 3. Capacity ----------------------------------------------------------------------------------

interface Health {
  systemInfoMs: number;
  describeMs: number;
  describeMaxMs: number;
  queryMs?: number;
  queryMaxMs?: number;
  allRunning: boolean;
}

interface CapacityResult {
  kind: 'ticket' | 'sleeper';
  requested: number;
  started: number;
  failed: number;
  errors: Record<string, number>;
  startSeconds: number;
  settleSeconds: number;
  settled: number;
  settledAtStartsEnd: number;
  startLatencyP50: number;
  startLatencyP99: number;
  workerBefore: ChildStatus;
  workerAfter: ChildStatus;
  devRssBefore: number;
  devRssAfter: number;
  sqliteBefore: number;
  sqliteAfter: number;
  visibilityQueue: number;
  visibilityAllTickets?: number;
  countMs: number;
  healthBefore: Health;
  healthAfter: Health;
}

async function health(client: Client, ids: string[], query: boolean): Promise<Health> {
  const sample = Array.from({ length: 10 }, (_, i) => ids[Math.floor((((i * 7919 + 13) % 10007) / 10007) * ids.length)]);
  const sysInfo: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await client.workflowService.getSystemInfo({});
    sysInfo.push(performance.now() - t);
  }
  const describes: number[] = [];
  let allRunning = true;
  for (const id of sample) {
    const t = performance.now();
    const d = await client.workflow.getHandle(id).describe();
    describes.push(performance.now() - t);
    if (d.status.name !== 'RUNNING') allRunning = false;
  }
  const queries: number[] = [];
  if (query) {
    for (const id of sample) {
      const t = performance.now();
      await withTimeout(client.workflow.getHandle(id).query(getTicketQuery), 30_000, 'a ticket query');
      queries.push(performance.now() - t);
    }
  }
  return {
    systemInfoMs: median(sysInfo),
    describeMs: median(describes),
    describeMaxMs: Math.max(...describes),
    ...(query ? { queryMs: median(queries), queryMaxMs: Math.max(...queries) } : {}),
    allRunning,
  };
}

async function capacity(
  kind: 'ticket' | 'sleeper',
  n: number,
  ctx: { client: Client; pool: Pool; childOptions: Omit<ChildOptions, 'taskQueue'>; devPid?: number; sqlite: string },
): Promise<CapacityResult> {
  const { client, pool } = ctx;
  const taskQueue = `bench-capacity-${kind}`;
  const idOf = (i: number) => (kind === 'ticket' ? ticketWorkflowId(`CAP-${String(i).padStart(5, '0')}`) : `bench-sleeper-${i}`);
  const startOne = async (i: number) => {
    if (kind === 'ticket') {
      await startTicket(
        client,
        taskQueue,
        ticketInput(`CAP-${String(i).padStart(5, '0')}`, {
          policyId: 'isode',
          plan: 'bronze',
          severity: 'p4',
          type: 'question',
          title: 'How do I rotate the relay certificate?',
        }),
      );
    } else {
      await client.workflow.start('benchSleeper', { taskQueue, workflowId: idOf(i), args: [Date.now() + SLEEP_MS] });
    }
  };
  const settledCount = async (child: WorkerChild): Promise<number> => {
    if (kind === 'sleeper') return child.armed();
    const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM tickets WHERE ticket_id LIKE 'CAP-%'");
    return Number(rows[0].n);
  };

  log(`capacity (${kind}): fresh worker on task queue ${taskQueue}`);
  const child = await WorkerChild.start({ ...ctx.childOptions, taskQueue });
  try {
    // A handful first, so "before" has a worker that has run this workflow type once and a sample to ask.
    const warm = 20;
    for (let i = 0; i < warm; i++) await startOne(i);
    await waitUntil(async () => (await settledCount(child)) >= warm, 60_000);
    await delay(2_000);
    const workerBefore = await child.status();
    const devRssBefore = rssOf(ctx.devPid);
    const sqliteBefore = fileSize(ctx.sqlite) + fileSize(`${ctx.sqlite}-wal`);
    const healthBefore = await health(
      client,
      Array.from({ length: warm }, (_, i) => idOf(i)),
      kind === 'ticket',
    );

    log(`capacity (${kind}): starting ${fmtN(n - warm)} more, ${IN_FLIGHT} in flight`);
    let next = warm;
    let started = warm;
    let failed = 0;
    const errors: Record<string, number> = {};
    const latencies: number[] = [];
    const t0 = performance.now();
    const deadline = Date.now() + CAPACITY_START_LIMIT_MS;
    let lastReport = Date.now();
    const runner = async () => {
      while (!aborted && next < n && Date.now() < deadline) {
        const i = next++;
        for (let attempt = 1; ; attempt++) {
          const t = performance.now();
          try {
            await startOne(i);
            latencies.push(performance.now() - t);
            started++;
            break;
          } catch (err) {
            if (err instanceof WorkflowExecutionAlreadyStartedError) {
              started++; // an earlier attempt got through
              break;
            }
            const key = (err as Error).message.slice(0, 120);
            errors[key] = (errors[key] ?? 0) + 1;
            if (attempt >= 3 || aborted) {
              failed++;
              break;
            }
            await delay(1_000 * attempt);
          }
        }
        if (Date.now() - lastReport > 10_000) {
          lastReport = Date.now();
          log(`capacity (${kind}): ${fmtN(started)} started, ${fmtN(await settledCount(child))} settled`);
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, runner));
    if (aborted) throw new Aborted();
    const startSeconds = (performance.now() - t0) / 1000;
    const settledAtStartsEnd = await settledCount(child);
    let settled = 0;
    await waitUntil(async () => (settled = await settledCount(child)) >= started, CAPACITY_SETTLE_LIMIT_MS, 500);
    const settleSeconds = (performance.now() - t0) / 1000;
    log(
      `capacity (${kind}): ${fmtN(started)} started in ${startSeconds.toFixed(1)} s, ${fmtN(settled)} settled in ${settleSeconds.toFixed(1)} s`,
    );

    await delay(5_000);
    const workerAfter = await child.status();
    const devRssAfter = rssOf(ctx.devPid);
    const sqliteAfter = fileSize(ctx.sqlite) + fileSize(`${ctx.sqlite}-wal`);
    // Visibility is eventually consistent: wait for the count to stop moving.
    const type = kind === 'ticket' ? TICKET_WORKFLOW : 'benchSleeper';
    let visibilityQueue = -1;
    let countMs = NaN;
    await waitUntil(
      async () => {
        const t = performance.now();
        const { count } = await client.workflow.count(`WorkflowType="${type}" AND ExecutionStatus="Running" AND TaskQueue="${taskQueue}"`);
        countMs = performance.now() - t;
        const stable = count === visibilityQueue;
        visibilityQueue = count;
        return stable && count >= started;
      },
      60_000,
      1_000,
    );
    const visibilityAllTickets =
      kind === 'ticket' ? (await client.workflow.count(`WorkflowType="ticket" AND ExecutionStatus="Running"`)).count : undefined;
    const healthAfter = await health(
      client,
      Array.from({ length: started }, (_, i) => idOf(i)),
      kind === 'ticket',
    );
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      kind,
      requested: n,
      started,
      failed,
      errors,
      startSeconds,
      settleSeconds,
      settled,
      settledAtStartsEnd,
      startLatencyP50: pct(sorted, 50),
      startLatencyP99: pct(sorted, 99),
      workerBefore,
      workerAfter,
      devRssBefore,
      devRssAfter,
      sqliteBefore,
      sqliteAfter,
      visibilityQueue,
      visibilityAllTickets,
      countMs,
      healthBefore,
      healthAfter,
    };
  } finally {
    await child.stop();
  }
}

// ---- Report ------------------------------------------------------------------------------------------

interface Context {
  command: string;
  postgres: string;
  git: string;
  bundleHash: string;
  seconds: number;
}

function report(
  ctx: Context,
  typicalRuns: TypicalResult[],
  apiOpenings: number[],
  breach: BreachResult,
  cap: { ticket: CapacityResult; sleeper: CapacityResult },
): string {
  const lines: string[] = [];
  const goal = (ok: boolean) => (ok ? 'met' : '**not met**');
  // The breakdown is of the first warm run; every run's total and steps are in the first table.
  const t = typicalRuns[1] ?? typicalRuns[0];
  const warm = typicalRuns.slice(1);
  const openingLength = t.steps[0]?.added ?? NaN;
  const apiExtra = Math.max(0, ...apiOpenings) - openingLength;
  const b = breach.burst;
  const sp = breach.sparse;
  lines.push(
    '## bench/tickets — the ticket workflow on the Temporal dev server',
    '',
    `Command: \`${ctx.command}\` · ${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length} · ` +
      `Temporal CLI ${TEMPORAL_CLI_VERSION} dev server (SQLite file, one history shard) · ${ctx.postgres} (embedded) · TZ=UTC · whole run ${(ctx.seconds / 60).toFixed(1)} min`,
    '',
    `Code measured: ${ctx.git}; workflow bundle sha256 ${ctx.bundleHash}. Worker: \`createLifelineWorker\` + \`createActivities({ pool })\` with the SDK's defaults, ` +
      'in its own process; everything on 127.0.0.1 of one shared 2-core machine, so the figures are noisy.',
    '',
    '### 1. History events of a typical ticket',
    '',
    'Opened (xecuritas, standard, sev2, email, with a contact email), then the Updates respondUpdate, requestInformationUpdate, replyUpdate, ' +
      'resolveUpdate and closeTicketUpdate, each awaited, with its notification deliveries finished before the next. ' +
      `Counted with \`handle.fetchHistory()\` right after the close: the ticket is \`${t.status}\` and its workflow still \`${t.workflowStatus}\`, ` +
      'as it stays for the 30-day reopen window (whose end adds a timer firing and the completion). ' +
      `${typicalRuns.length} tickets one after the other: run 1 is the fresh worker's first workflow (cold: the bundle loaded into the sandbox, the first database ` +
      'connections, the first calendar compiled), the others run on the warm worker.',
    '',
    `**${typicalRuns.map((r) => r.events).join(' / ')} events** (runs ${typicalRuns.map((_, i) => i + 1).join(' / ')}; goal ≤ 60: ` +
      `${typicalRuns.every((r) => r.events <= 60) ? 'met' : warm.every((r) => r.events <= 60) ? 'met on the warm worker, **not met** on the cold one' : '**not met**'}); ` +
      `the audit log has ${t.auditRows} rows for each ticket. Each step waits on the database, not on a workflow query: see below for a query during the opening.`,
    '',
    `Openings as \`POST /v1/tickets\` makes them (start, then the getTicket query at once), ${apiOpenings.length} times: the opening's history came to ` +
      `${[...new Set(apiOpenings)]
        .sort((x, y) => x - y)
        .map((len) => `${len} events × ${apiOpenings.filter((v) => v === len).length}`)
        .join(', ')} ` +
      `(${openingLength} without a query). ` +
      (apiExtra > 0
        ? `A query that reaches the workflow while its opening task is still running its local activities splits that task in two (+${apiExtra} events: a second WorkflowTaskScheduled/Started/Completed), ` +
          `so a typical ticket opened through the API has ${t.events} or ${t.events + apiExtra} events${t.events + apiExtra > 60 ? ' (**over the goal**)' : t.events + apiExtra === 60 ? ' (exactly the goal)' : ''}.`
        : 'The query did not add events here.'),
    '',
    `| step | history length after (${typicalRuns.map((_, i) => `run ${i + 1}`).join(' / ')}) | events added (${typicalRuns.map((_, i) => `run ${i + 1}`).join(' / ')}) |`,
    '| --- | --- | --- |',
    ...t.steps.map(
      (st, k) =>
        `| ${st.step} | ${typicalRuns.map((r) => r.steps[k]?.events ?? '—').join(' / ')} | ${typicalRuns.map((r) => r.steps[k]?.added ?? '—').join(' / ')} |`,
    ),
    '',
    `Run ${typicalRuns.indexOf(t) + 1} by event type:`,
    '',
    '| event type | count |',
    '| --- | --- |',
    ...t.byType.map((b) => `| ${b.type} | ${b.count} |`),
    '',
    `Local activities (markers): ${t.markers.map((m) => `${m.activity} × ${m.count}`).join(', ') || 'none'}. ` +
      `Activities: ${t.activities.map((a) => `${a.activity} × ${a.count}`).join(', ') || 'none'}. ` +
      `Workflow tasks, by what scheduled them: ${t.taskCauses.map((c) => `${c.cause} × ${c.count}`).join(', ')}.`,
    '',
    `The events of each step of run ${typicalRuns.indexOf(t) + 1}, in order (WorkflowTask×3 = scheduled, started, completed, with the time from started to completed):`,
    '',
    ...t.steps.map((st) => `- ${st.step} (+${st.added}): ${st.sequence ?? ''}`),
    ...typicalRuns
      .filter((r) => r !== t && r.events !== t.events)
      .flatMap((r) => [
        '',
        `Run ${typicalRuns.indexOf(r) + 1} differs (${r.events} events; workflow tasks by cause: ${r.taskCauses.map((c) => `${c.cause} × ${c.count}`).join(', ')}); its steps that differ:`,
        '',
        ...r.steps.filter((st, k) => st.added !== t.steps[k]?.added).map((st) => `- ${st.step} (+${st.added}): ${st.sequence ?? ''}`),
      ]),
    '',
    '### 2. Breach detection latency',
    '',
    `${b.count} tickets (xecuritas, standard, sev1: 24/7 calendar, escalates to support management), their first response shortened to ` +
      `"${BREACH_DURATION}" by a \`policy_overrides\` row (first-response budget measured from openedAt: ${b.budgetSeconds.join(', ')} s; warning at 80 %), ` +
      `opened ${b.everyMs} ms apart (${(b.openedOverMs / 1000).toFixed(1)} s in all), so ten deadlines and ten warnings a second fall due over as long. ` +
      "Latency = `ticket_events.recorded_at` of the automatic `escalated` row (its transaction's start, PostgreSQL `now()`) − the `dueAt` the `breached` row records " +
      `(equal to the workflow query's firstResponse dueAt for ${b.dueAgrees}/${b.count}). ` +
      `Escalated: ${b.escalated}/${b.count}; warnings recorded: ${b.warnings}. ` +
      `Then the same with ${sp.count} tickets ${sp.everyMs / 1000} s apart (escalated ${sp.escalated}/${sp.count}), so that no two deadlines overlap.`,
    '',
    `Baseline in the same run, before the tickets: ${breach.timerActivity.n} workflows that only sleep until an instant ${BREACH_AFTER_MS / 1000} s after their start (the burst's pacing), ` +
      'then read `Date.now() − instant` in a local activity (as the ticket writes its breach in a local activity), and in workflow time.',
    '',
    '| | n | p50 | p95 | p99 | max |',
    '| --- | --- | --- | --- | --- | --- |',
    ...(
      [
        [`**ticket, ${1000 / b.everyMs} due a second: dueAt → escalated row written**`, b.tickets],
        ['ticket, same: dueAt → breached row written (same batch)', b.breachedRow],
        [`ticket, one every ${sp.everyMs / 1000} s: dueAt → escalated row written`, sp.tickets],
        ['raw timer, 10 a second: instant → local activity runs', breach.timerActivity],
        ['raw timer, same: instant → workflow task starts', breach.timerWorkflow],
      ] as Array<[string, LatencyStats]>
    ).map(([name, x]) => `| ${name} | ${x.n} | ${fmtMs(x.p50)} | ${fmtMs(x.p95)} | ${fmtMs(x.p99)} | ${fmtMs(x.max)} |`),
    '| Zammad/Znuny, polling every 5 min (breaches uniform in the interval) | — | 150 s | 285 s | 297 s | 300 s |',
    '',
    `p99 **${fmtMs(b.tickets.p99)}** (goal ≤ 1 s: ${goal(b.tickets.p99 <= 1000 && b.escalated === b.count)}); ` +
      `${(b.tickets.p99 - breach.timerActivity.p99 >= 0 ? '+' : '') + fmtMs(b.tickets.p99 - breach.timerActivity.p99)} over the raw timer at p99; ` +
      `${((0.99 * POLL_MS) / b.tickets.p99).toFixed(0)}× shorter than 5-minute polling at p99 (${(POLL_MS / b.tickets.max).toFixed(0)}× at the worst case).`,
    '',
    "Where the time goes, from each workflow's history (server event times): *arming* = TimerStarted time + its duration − the instant it should fire " +
      "(the workflow computes the duration from its task's start time, so time spent in that task before the timer command reaches the server makes it fire late); " +
      '*server* = TimerFired − that scheduled instant; *worker* = the row written (or the local activity run) − TimerFired, split into ' +
      "TimerFired → WorkflowTaskStarted (*dispatch*), → the local activity scheduled (*workflow code*, from the marker's schedule time on the worker's clock) " +
      'and → the row written or the activity run (*local activity*: dispatch, pool connection, the statements before it).',
    '',
    '| p50 / p99 | arming | server timer | worker | of which dispatch | workflow code | local activity |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...(
      [
        [`ticket, ${1000 / b.everyMs} a second`, b.parts],
        [`ticket, one every ${sp.everyMs / 1000} s`, sp.parts],
        ['raw timer, 10 a second', breach.rawParts],
      ] as Array<[string, Parts]>
    ).map(
      ([name, p]) =>
        `| ${name} | ${(['arm', 'fire', 'work', 'dispatch', 'code', 'la'] as const).map((k) => `${fmtMs(p[k].p50)} / ${fmtMs(p[k].p99)}`).join(' | ')} |`,
    ),
    '',
  );

  const c = cap.ticket;
  const s = cap.sleeper;
  const rate = (r: CapacityResult) => r.started / r.startSeconds;
  const settledRate = (r: CapacityResult) => r.started / r.settleSeconds;
  const drain = (r: CapacityResult) => (r.started - r.settledAtStartsEnd) / Math.max(0.001, r.settleSeconds - r.startSeconds);
  const perCached = (r: CapacityResult) =>
    (r.workerAfter.rss - r.workerBefore.rss) / Math.max(1, r.workerAfter.cached - r.workerBefore.cached);
  const snapPerCached = (r: CapacityResult) =>
    (r.workerAfter.threadHeapSnapshot - r.workerBefore.threadHeapSnapshot) / Math.max(1, r.workerAfter.cached - r.workerBefore.cached);
  const perWorkflow = (r: CapacityResult) => (r.workerAfter.rss - r.workerBefore.rss) / Math.max(1, r.started - 20);
  const devPer = (r: CapacityResult) => (r.devRssAfter - r.devRssBefore) / Math.max(1, r.started - 20);
  const sqlitePer = (r: CapacityResult) => (r.sqliteAfter - r.sqliteBefore) / Math.max(1, r.started - 20);
  const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '—');
  const errorsOf = (r: CapacityResult) =>
    Object.keys(r.errors).length
      ? Object.entries(r.errors)
          .map(([m, k]) => `${k} × "${m}"`)
          .join('; ')
      : 'none';
  const h = (x: Health, query: boolean) =>
    `GetSystemInfo ${fmtMs(x.systemInfoMs)}, describe ${fmtMs(x.describeMs)} (max ${fmtMs(x.describeMaxMs)})` +
    (query ? `, getTicket query ${fmtMs(x.queryMs ?? NaN)} (max ${fmtMs(x.queryMaxMs ?? NaN)})` : '') +
    `, sample all Running: ${x.allRunning ? 'yes' : '**no**'}`;
  lines.push(
    '### 3. Capacity: idle tickets against one worker',
    '',
    `${fmtN(c.requested)} tickets (isode, bronze, p4, type question, no contact: targets of working days, so each waits on one pending timer) started with ` +
      `at most ${IN_FLIGHT} \`client.workflow.start\` calls in flight, against one fresh worker process and the dev server; the baseline is the same number of ` +
      `workflows that only sleep on one 30-day timer, on another fresh worker, measured first in the same run (so the tickets run on a server already holding them). ` +
      '"Settled" = the ticket\'s opening persisted (its `tickets` row), or the sleeper\'s first task done (a sink call); the rate is workflows over the time from the first start to the last settled. ' +
      "Worker memory after a full GC of its main thread (`gc()`) and of the SDK's workflow thread, where the sandboxes live (taking a heap snapshot of it forces one; " +
      "the snapshot's size is shown as a rough gauge of that heap; both workflow types run from the same bundle, so they carry the same per-workflow copy of its modules); RSS is the whole process. The dev server's RSS is a Go process's, not collected first: read it as a trend. " +
      `The worker caches at most the SDK's default \`maxCachedWorkflows\` (from the heap limit; ${fmtN(c.workerAfter.cached)} here) and evicts the rest.`,
    '',
    '| | tickets | sleep-only baseline | ratio |',
    '| --- | --- | --- | --- |',
    `| started / failed | ${fmtN(c.started)} / ${c.failed} | ${fmtN(s.started)} / ${s.failed} | |`,
    `| start rate (start calls accepted) | ${rate(c).toFixed(1)}/s | ${rate(s).toFixed(1)}/s | ${ratio(rate(c), rate(s))} |`,
    `| settled rate (processed by the worker) | ${settledRate(c).toFixed(1)}/s | ${settledRate(s).toFixed(1)}/s | ${ratio(settledRate(c), settledRate(s))} |`,
    `| settled when the last start returned | ${fmtN(c.settledAtStartsEnd)} | ${fmtN(s.settledAtStartsEnd)} | |`,
    `| processing rate after the last start (the backlog drained) | ${drain(c).toFixed(1)}/s | ${drain(s).toFixed(1)}/s | ${ratio(drain(c), drain(s))} |`,
    `| start call latency p50 / p99 | ${fmtMs(c.startLatencyP50)} / ${fmtMs(c.startLatencyP99)} | ${fmtMs(s.startLatencyP50)} / ${fmtMs(s.startLatencyP99)} | |`,
    `| worker RSS before → after | ${fmtMiB(c.workerBefore.rss)} → ${fmtMiB(c.workerAfter.rss)} | ${fmtMiB(s.workerBefore.rss)} → ${fmtMiB(s.workerAfter.rss)} | |`,
    `| workflow thread heap snapshot before → after | ${fmtMiB(c.workerBefore.threadHeapSnapshot)} → ${fmtMiB(c.workerAfter.threadHeapSnapshot)} | ${fmtMiB(s.workerBefore.threadHeapSnapshot)} → ${fmtMiB(s.workerAfter.threadHeapSnapshot)} | |`,
    `| worker main heap before → after | ${fmtMiB(c.workerBefore.heapUsed)} → ${fmtMiB(c.workerAfter.heapUsed)} | ${fmtMiB(s.workerBefore.heapUsed)} → ${fmtMiB(s.workerAfter.heapUsed)} | |`,
    `| workflows cached by the worker after | ${fmtN(c.workerAfter.cached)} | ${fmtN(s.workerAfter.cached)} | |`,
    `| worker RSS per cached workflow | ${fmtKiB(perCached(c))} | ${fmtKiB(perCached(s))} | ${ratio(perCached(c), perCached(s))} |`,
    `| workflow thread heap snapshot per cached workflow | ${fmtKiB(snapPerCached(c))} | ${fmtKiB(snapPerCached(s))} | ${ratio(snapPerCached(c), snapPerCached(s))} |`,
    `| worker RSS per started workflow | ${fmtKiB(perWorkflow(c))} | ${fmtKiB(perWorkflow(s))} | ${ratio(perWorkflow(c), perWorkflow(s))} |`,
    `| dev server RSS before → after | ${fmtMiB(c.devRssBefore)} → ${fmtMiB(c.devRssAfter)} | ${fmtMiB(s.devRssBefore)} → ${fmtMiB(s.devRssAfter)} | |`,
    `| dev server RSS per workflow | ${fmtKiB(devPer(c))} | ${fmtKiB(devPer(s))} | ${ratio(devPer(c), devPer(s))} |`,
    `| SQLite (+ WAL) growth per workflow | ${fmtKiB(sqlitePer(c))} | ${fmtKiB(sqlitePer(s))} | ${ratio(sqlitePer(c), sqlitePer(s))} |`,
    `| Running per visibility (this task queue) | ${fmtN(c.visibilityQueue)} | ${fmtN(s.visibilityQueue)} | |`,
    '',
    `Visibility: \`client.workflow.count('WorkflowType="ticket" AND ExecutionStatus="Running"')\` answered **${fmtN(c.visibilityAllTickets ?? -1)}** ` +
      `(the ${fmtN(c.started)} idle tickets plus the ${TYPICAL_RUNS + API_OPENINGS + BREACH_TICKETS + SPARSE_TICKETS} of parts 1 and 2, which keep running) in ${fmtMs(c.countMs)}.`,
    '',
    `Dev server health, tickets: before ${h(c.healthBefore, true)}; after ${h(c.healthAfter, true)}. ` +
      `Baseline: before ${h(s.healthBefore, false)}; after ${h(s.healthAfter, false)}. ` +
      "The query samples after are mostly tickets no longer in the worker's cache, answered by replaying their history. " +
      `Start errors: tickets ${errorsOf(c)}; baseline ${errorsOf(s)}.`,
    '',
  );
  return lines.join('\n');
}

function writeSection(section: string): void {
  const file = path.join(__dirname, 'RESULTS.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n\n';
  const start = previous.indexOf('## bench/tickets');
  const next = start >= 0 ? previous.indexOf('\n## ', start + 3) : -1;
  const updated =
    start >= 0
      ? previous.slice(0, start) + section + (next >= 0 ? previous.slice(next + 1) : '')
      : previous.replace(/\n*$/, '\n\n') + section;
  writeFileSync(file, updated);
}

function gitDescription(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'workflows', 'activities', 'policies', 'common', 'worker'], {
      cwd: path.join(__dirname, '..'),
      encoding: 'utf8',
    }).trim();
    return dirty
      ? `commit ${head} plus uncommitted changes in ${[...new Set(dirty.split('\n').map((l) => l.slice(3).split('/')[0]))].join(', ')}/`
      : `commit ${head}`;
  } catch {
    return 'unknown commit';
  }
}

// ---- Main -------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  process.env.TZ = 'UTC';
  if (!Number.isInteger(TICKETS) || TICKETS < 100 || TICKETS > 20_000) {
    log(`BENCH_TICKETS must be a whole number from 100 to 20000 (got ${process.env.BENCH_TICKETS})`);
    return 2;
  }
  const runStarted = performance.now();
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN') });
  const onSignal = () => {
    if (aborted) return;
    log('interrupted: stopping everything');
    abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const watchdog = setTimeout(() => {
    log(`the run passed ${RUN_LIMIT_MS / 60_000} min: stopping`);
    abort();
  }, RUN_LIMIT_MS);
  watchdog.unref();

  const stops: Array<[string, () => Promise<unknown>]> = [];
  let code = 0;
  try {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lifeline-bench-'));
    await chmod(dir, 0o755); // as root, PostgreSQL runs as `postgres`, which must reach its data directory
    stops.push(['temporary directory', () => rm(dir, { recursive: true, force: true })]);

    log('starting embedded PostgreSQL');
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pgdata') });
    stops.push(['PostgreSQL', () => pg.stop()]);
    const pool = createPool(pg.url, { max: 5 });
    stops.push(['PostgreSQL pool', () => pool.end()]);
    await migrate(pool);
    const postgres = (await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;

    const port = await freePort();
    const sqlite = path.join(dir, 'temporal.sqlite');
    log(`starting the Temporal dev server on 127.0.0.1:${port}`);
    const env = await startDevServer({ port, dbFilename: sqlite, namespace: NAMESPACE });
    stops.push(['Temporal dev server', () => env.teardown()]);
    const devPid = devServerPid(port);
    const connection = await Connection.connect({ address: env.address });
    stops.push(['Temporal connection', () => connection.close()]);
    await ensureSearchAttributes(connection, NAMESPACE);
    const client = new Client({ connection, namespace: NAMESPACE });

    log('bundling the workflows once for every worker of this run');
    const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./tickets-workflows'), logger: new DefaultLogger('WARN') });
    const bundlePath = path.join(dir, 'workflow-bundle.js');
    await writeFile(bundlePath, bundle.code);
    const bundleHash = createHash('sha256').update(bundle.code).digest('hex').slice(0, 12);
    const gitAtStart = gitDescription(); // what the bundle was built from; worker processes load activities/ when they start
    const childOptions = { address: env.address, namespace: NAMESPACE, databaseUrl: pg.url, bundlePath };

    // Parts 1 and 2 share one worker; each capacity run gets a fresh one.
    const worker = await WorkerChild.start({ ...childOptions, taskQueue: 'bench-tickets' });
    let workerStopped = false;
    stops.push(['worker', () => (workerStopped ? Promise.resolve() : worker.stop())]);
    // The first is the fresh worker's first workflow (cold: bundle loaded into the sandbox, first
    // database connections, first calendar compiled); the others run on the warm worker.
    const typical: TypicalResult[] = [];
    for (let i = 1; i <= TYPICAL_RUNS; i++) typical.push(await typicalTicket(client, pool, worker.taskQueue, `BENCH-TYPICAL-${i}`));
    log(`typical ticket: ${typical.map((t) => t.events).join(', ')} history events`);
    const apiOpenings = await apiStyleOpenings(client, pool, worker.taskQueue, API_OPENINGS);
    log(`openings followed by a query: ${apiOpenings.join(', ')} history events`);
    const breach = await breachLatency(client, pool, worker.taskQueue);
    log(
      `breach latency: p50 ${fmtMs(breach.burst.tickets.p50)}, p99 ${fmtMs(breach.burst.tickets.p99)}, max ${fmtMs(breach.burst.tickets.max)} ` +
        `(one at a time: p99 ${fmtMs(breach.sparse.tickets.p99)}; raw timer p99 ${fmtMs(breach.timerActivity.p99)})`,
    );
    await worker.stop();
    workerStopped = true;

    const capCtx = { client, pool, childOptions, devPid, sqlite };
    const sleeper = await capacity('sleeper', TICKETS, capCtx);
    const ticket = await capacity('ticket', TICKETS, capCtx);

    const command = TICKETS === FULL_TICKETS ? 'npm run bench:tickets' : `BENCH_TICKETS=${TICKETS} npm run bench:tickets`;
    const section = report(
      {
        command,
        postgres: `PostgreSQL ${postgres}`,
        git:
          gitDescription() === gitAtStart
            ? gitAtStart
            : `${gitAtStart} at the start, ${gitDescription()} at the end (the code changed during the run)`,
        bundleHash,
        seconds: (performance.now() - runStarted) / 1000,
      },
      typical,
      apiOpenings,
      breach,
      { ticket, sleeper },
    );
    process.stdout.write(`${section}\n`);
    if (TICKETS === FULL_TICKETS) {
      writeSection(section);
      log('written to bench/RESULTS.md');
    } else {
      log(`not written to bench/RESULTS.md: BENCH_TICKETS=${TICKETS} is a quick run (the figures of record use ${fmtN(FULL_TICKETS)})`);
    }
  } catch (err) {
    if (aborted || err instanceof Aborted) {
      log('interrupted; nothing written');
      code = 130;
    } else {
      log(`failed: ${(err as Error).stack ?? String(err)}`);
      code = 1;
    }
  } finally {
    for (const [what, stop] of stops.reverse()) {
      try {
        await withTimeout(Promise.resolve().then(stop), 60_000, `stopping ${what}`);
      } catch (err) {
        log(`while stopping ${what}: ${(err as Error).message}`);
      }
    }
    clearTimeout(watchdog);
  }
  return code;
}

if (process.argv[2] === '--worker') {
  workerChild().catch((err: Error) => {
    process.stderr.write(`[bench:tickets worker] ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
} else {
  main().then(
    (code) => process.exit(code),
    (err: Error) => {
      log(err.stack ?? err.message);
      process.exit(1);
    },
  );
}
