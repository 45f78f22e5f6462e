/**
 * bench/agreements: the contract workflow (workflows/agreement/workflow.ts, `supportAgreement`,
 * id `contract-<id>`) against the issue's two goals:
 *   1. history events per agreement year with 40 tickets reporting: one Infotecs Basic agreement
 *      (3-year term, the catalog's `agreements` rules) on the time-skipping test server, 40
 *      `ticketResolved` signals spread over each agreement year (time skipped between them), then
 *      every run of its continue-as-new chain read back: events per run (goal ≤ 200, a run continues
 *      as new past 150) and per agreement year (each event by its server time); the agreement's
 *      state at the end must show 40 used in each of the 3 years.
 *   2. the opening latency the entitlement decision adds: POST /v1/tickets with a staff key on the
 *      Temporal dev server (as `npm run dev` runs it), 200 openings under an agreement (contractId:
 *      the ticket's opening queries the agreement live) interleaved with 200 openings without one,
 *      same customer, policy and plan; p50/p99 of both and the ratio, plus the opening's time in
 *      the worker from each ticket's history.
 *
 *   npm run bench:agreements                          (writes bench/RESULTS.md)
 *   BENCH_AGREEMENT_OPENINGS=20 npm run bench:agreements (quick run: prints, does not write)
 *
 * Everything it starts (embedded PostgreSQL, the test server, the dev server on a free 127.0.0.1
 * port, the workers, the API on 127.0.0.1) is stopped in a finally block, also on Ctrl-C.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type NativeConnection, type Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createApp } from '../api/app';
import { ApiKeyStore } from '../api/auth';
import { rateLimitsOff } from '../api/rate-limits';
import { createPool, type Pool } from '../common/db';
import { createLogger } from '../common/logger';
import { migrate } from '../db/migrate';
import { policyById } from '../policies/index';
import { defaultAgreementRules } from '../policies/agreement-rules';
import { startEmbeddedPostgres } from '../scripts/embedded-postgres';
import { freePort } from '../scripts/ports';
import { TEMPORAL_CLI_VERSION, TEST_SERVER_VERSION } from '../scripts/temporal-binaries';
import { startDevServer, startTimeSkippingEnvironment } from '../scripts/temporal-servers';
import { createLifelineWorker } from '../worker/worker';
import { addMonths, yearOfTerm } from '../workflows/agreement/calendar';
import {
  AGREEMENT_WORKFLOW,
  agreementWorkflowId,
  getAgreementQuery,
  ticketResolvedSignal,
  type AgreementState,
  type StartAgreementInput,
} from '../workflows/agreement/contract';
import { isoInstant } from '../workflows/kernel/instants';

const FULL_OPENINGS = 200;
const SKIP_YEARS = process.env.BENCH_AGREEMENTS_SKIP_YEARS === '1';
const OPENINGS = Number(process.env.BENCH_AGREEMENT_OPENINGS ?? FULL_OPENINGS);
const WARMUP_OPENINGS = 10;
const YEARS = 3;
const TICKETS_PER_YEAR = 40;
/** The workflow's bound (workflows/agreement/workflow.ts LIMITS) and the issue's goal. */
const CONTINUE_AS_NEW_PAST = 150;
const RUN_GOAL = 200;
/** Bounds: every loop ends by count or by one of these. */
const STEP_LIMIT_MS = 30_000;
const RUN_LIMIT_MS = 20 * 60_000;
const NAMESPACE = 'default';
const TASKS_YEARS = 'bench-agreements-years';
const TASKS_OPEN = 'bench-agreements-open';
const MANAGER = { kind: 'manager' as const, id: 'bench-manager' };

const log = (m: string) => process.stderr.write(`[bench:agreements] ${m}\n`);
const debug = (m: string) => process.env.BENCH_DEBUG && log(m);

// ---- Small helpers --------------------------------------------------------------------------------

let aborted = false;
class Aborted extends Error {
  constructor() {
    super('interrupted');
  }
}
const delay = (ms: number) =>
  aborted ? Promise.reject(new Aborted()) : new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Polls `read` until `ok`, every `everyMs`, for at most `limitMs`; throws with `what` when it never gets there. */
async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, limitMs = STEP_LIMIT_MS, everyMs = 20): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${limitMs / 1000} s (last: ${JSON.stringify(v).slice(0, 300)})`);
    await delay(everyMs);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Nearest-rank percentile of ascending values. */
function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
interface Stats {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}
function stats(values: number[]): Stats {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  return {
    n: s.length,
    p50: pct(s, 50),
    p90: pct(s, 90),
    p99: pct(s, 99),
    max: s.at(-1) ?? NaN,
    mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length),
  };
}
const fmtMs = (ms: number) => (Number.isNaN(ms) ? '—' : ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`);
const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '—');

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function eventTypeName(type: unknown): string {
  const name = typeof type === 'number' ? temporal.api.enums.v1.EventType[type] : String(type);
  return (name ?? String(type))
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
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

/** original_schedule_time of a local activity marker, in ms (the worker's clock). */
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

const countBy = (names: string[]) => {
  const m = new Map<string, number>();
  for (const n of names) m.set(n, (m.get(n) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
};

/**
 * Every run of a workflow's continue-as-new chain, first to latest: each run's events. Walked back
 * from the latest run through each WorkflowExecutionStarted's continuedExecutionRunId, because the
 * time-skipping test server can close a run as continued-as-new without writing its
 * WorkflowExecutionContinuedAsNew event (see `missingContinuedAsNew`).
 */
async function runsOf(
  client: Client,
  workflowId: string,
  firstRunId: string,
): Promise<Array<{ runId: string; events: HistoryEvent[]; status: string }>> {
  const runs: Array<{ runId: string; events: HistoryEvent[]; status: string }> = [];
  let runId: string | undefined = (await withTimeout(client.workflow.getHandle(workflowId).describe(), STEP_LIMIT_MS, 'describe')).runId;
  for (let guard = 0; runId && guard < 1_000; guard++) {
    const h = client.workflow.getHandle(workflowId, runId);
    const history: temporal.api.history.v1.IHistory = await withTimeout(h.fetchHistory(), STEP_LIMIT_MS, 'fetchHistory');
    const events: HistoryEvent[] = history.events ?? [];
    const status = (await withTimeout(h.describe(), STEP_LIMIT_MS, 'describe')).status.name;
    runs.unshift({ runId, events, status });
    if (runId === firstRunId) break;
    runId = events[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
  }
  return runs;
}

/** Waits until the latest run's history has not grown for `quietMs` (its last task done). */
async function settled(client: Client, workflowId: string, quietMs = 600): Promise<number> {
  let last = -1;
  let since = Date.now();
  await until(
    `history of ${workflowId} settling`,
    async () => {
      const n = (await withTimeout(client.workflow.getHandle(workflowId).describe(), STEP_LIMIT_MS, 'describe')).historyLength;
      if (n !== last) {
        last = n;
        since = Date.now();
      }
      return Date.now() - since >= quietMs;
    },
    (quiet) => quiet,
    STEP_LIMIT_MS,
    100,
  );
  return last;
}

/** The latest run has no workflow task scheduled or started (its last task done, a continue-as-new through). */
async function idle(client: Client, workflowId: string): Promise<void> {
  await until(
    `${workflowId} idle`,
    async () => {
      const d = await withTimeout(client.workflow.getHandle(workflowId).describe(), STEP_LIMIT_MS, 'describe');
      const events =
        (await withTimeout(client.workflow.getHandle(workflowId, d.runId).fetchHistory(), STEP_LIMIT_MS, 'fetchHistory')).events ?? [];
      const last = events.at(-1);
      return d.status.name === 'RUNNING' && !last?.workflowTaskScheduledEventAttributes && !last?.workflowTaskStartedEventAttributes;
    },
    (ok) => ok,
    STEP_LIMIT_MS,
    10,
  );
}

/** The agreement's read-model row: written by its persistence activity once the workflow records its first event. */
async function contractRow(pool: Pool, contractId: string): Promise<{ last_seq: number; status: string } | undefined> {
  const { rows } = await pool.query<{ last_seq: number; status: string }>(
    'SELECT last_seq, status FROM contracts WHERE contract_id = $1 AND workflow_id IS NOT NULL',
    [contractId],
  );
  return rows[0];
}

const infotecsRules = () => policyById('infotecs').agreements ?? defaultAgreementRules;

function agreementInput(contractId: string, customerId: string, startsAt: number, endsAt: number): StartAgreementInput {
  return {
    contractId,
    customerId,
    policyId: 'infotecs',
    plan: 'basic',
    options: {},
    override: {},
    licences: [],
    contactEmail: `ops@${customerId}.example`,
    rules: infotecsRules(),
    startsAt: isoInstant(startsAt),
    endsAt: isoInstant(endsAt),
    by: MANAGER,
  };
}

async function startWorker(
  connection: NativeConnection,
  taskQueue: string,
  pool: Pool,
): Promise<{ worker: Worker; stop: () => Promise<void> }> {
  const worker = await createLifelineWorker({ connection, namespace: NAMESPACE, taskQueue, activities: createActivities({ pool }) });
  const running = worker.run();
  running.catch((err: Error) => log(`worker ${taskQueue} failed: ${err.message}`));
  await until(
    `worker ${taskQueue} running`,
    async () => worker.getState(),
    (s) => s === 'RUNNING',
  );
  return {
    worker,
    stop: async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    },
  };
}

/** What the chain looks like when a step did not get there: each run's size, the latest run's status and last events. */
async function diagnose(client: Client, workflowId: string, firstRunId: string): Promise<void> {
  const runs = await runsOf(client, workflowId, firstRunId);
  log(`diagnosis: ${runs.length} runs of ${runs.map((r) => r.events.length).join(', ')} events`);
  const d = await withTimeout(client.workflow.getHandle(workflowId).describe(), STEP_LIMIT_MS, 'describe');
  log(`diagnosis: latest run ${d.runId} ${d.status.name}, historyLength ${d.historyLength}`);
  const pending = (d.raw as { pendingWorkflowTask?: unknown }).pendingWorkflowTask;
  if (pending) log(`diagnosis: pending workflow task ${JSON.stringify(pending)}`);
  const latest: HistoryEvent[] =
    d.runId === runs.at(-1)!.runId
      ? runs.at(-1)!.events
      : ((await withTimeout(client.workflow.getHandle(workflowId, d.runId).fetchHistory(), STEP_LIMIT_MS, 'fetchHistory')).events ?? []);
  const first = runs.at(-1)!.events.at(-1);
  if (d.runId !== runs.at(-1)!.runId)
    log(`diagnosis: the chain from the first run ends at ${eventTypeName(first?.eventType)}, not at the latest run`);
  for (const e of latest.slice(-15)) {
    const failed = e.workflowTaskFailedEventAttributes;
    log(
      `  #${String(e.eventId)} ${eventTypeName(e.eventType)}${failed ? `: ${failed.cause} ${failed.failure?.message ?? ''} ${(failed.failure?.stackTrace ?? '').slice(0, 800)}` : ''}`,
    );
  }
}

// ---- 1. History events per agreement year ---------------------------------------------------

interface RunRow {
  events: number;
  signals: number;
  from: number;
  to: number;
  continuedAsNew: boolean;
  status: string;
  /** Closed as continued-as-new without a WorkflowExecutionContinuedAsNew event (a test-server quirk): events after its last completed task. */
  afterLastTask: number;
  markers: number;
  timersStarted: number;
  workflowTasks: number;
}

interface YearsResult {
  contractId: string;
  startsAt: number;
  endsAt: number;
  years: Array<{ index: number; startsAt: number; endsAt: number; events: number; signals: number; used: number; billable: number }>;
  before: number;
  after: number;
  runs: RunRow[];
  byTypeYear2: Array<[string, number]>;
  perSignal: Stats;
  final: AgreementState;
  ticketCountedRows: number;
  rowStatus: string;
  wallMs: number;
  signalsSent: number;
  queryTimeouts: number;
}

async function agreementYears(env: TestWorkflowEnvironment, pool: Pool, taskQueue: string): Promise<YearsResult> {
  const client = env.client;
  const started = performance.now();
  const contractId = 'BENCH-YEARS';
  const customerId = 'bench-customer-years';
  const now = await env.currentTimeMs();
  // The term starts on the server's next whole hour, for three years.
  const startsAt = now - (now % 3_600_000) + 3_600_000;
  const endsAt = addMonths(startsAt, 12 * YEARS);
  const input = agreementInput(contractId, customerId, startsAt, endsAt);
  const workflowId = agreementWorkflowId(contractId);
  debug('starting the agreement');
  const handle = await client.workflow.start(AGREEMENT_WORKFLOW, { workflowId, taskQueue, args: [input] });
  debug('started');
  const latest = client.workflow.getHandle(workflowId);
  // A query is bounded and asked again: on the test server, one that reaches a run closing as
  // continued-as-new while a workflow task of it is started is never answered.
  let queryTimeouts = 0;
  const query = () =>
    withTimeout(latest.query(getAgreementQuery), 3_000, 'getAgreement query').catch(() => {
      queryTimeouts += 1;
      return undefined;
    });
  await until(
    'the agreement row',
    () => contractRow(pool, contractId),
    (r) => r !== undefined,
  );
  const skipTo = async (at: number) => {
    const t = await env.currentTimeMs();
    if (at > t) await withTimeout(env.sleep(at - t), STEP_LIMIT_MS, `skipping ${Math.round((at - t) / 1000)} s`);
  };
  /** Until the read model holds everything the workflow recorded (its persistence ran). */
  const persisted = async (s: AgreementState | undefined) =>
    until(
      `contract row at seq ${s?.seq}`,
      () => contractRow(pool, contractId),
      (r) => (r?.last_seq ?? 0) >= (s?.seq ?? 0),
    );
  const perSignal: number[] = [];
  let signalsSent = 0;
  try {
    await driveYears();
  } catch (err) {
    await diagnose(client, workflowId, handle.firstExecutionRunId).catch((e: Error) => log(`diagnosis failed: ${e.message}`));
    throw err;
  }
  async function driveYears(): Promise<void> {
    for (let k = 0; k < YEARS; k++) {
      const year = yearOfTerm(startsAt, endsAt, k);
      debug(`skipping to year ${k + 1}`);
      await skipTo(year.startsAt + 1_000);
      debug(`at year ${k + 1}`);
      await persisted(await until(`agreement year ${k + 1} open`, query, (s) => s?.status === 'active' && s.years.length === k + 1));
      const span = year.endsAt! - year.startsAt;
      for (let i = 0; i < TICKETS_PER_YEAR; i++) {
        // The 40 tickets resolve evenly over the year; each signal is processed before the next.
        await skipTo(year.startsAt + Math.round(((i + 1) * span) / (TICKETS_PER_YEAR + 1)));
        const resolvedAt = await env.currentTimeMs();
        debug(`signal ${i + 1} of year ${k + 1}`);
        const t0 = performance.now();
        await withTimeout(
          latest.signal(ticketResolvedSignal, {
            ticketId: `BENCH-Y${k + 1}-${String(i + 1).padStart(2, '0')}`,
            resolvedAt: isoInstant(resolvedAt),
            billable: false,
          }),
          STEP_LIMIT_MS,
          'ticketResolved signal',
        );
        signalsSent += 1;
        await persisted(await until(`ticket ${i + 1} of year ${k + 1} counted`, query, (s) => s?.years[k]?.used === i + 1));
        // The next signal only once this one's workflow task (and a continue-as-new it led to) is done: on the
        // time-skipping test server a signal arriving while a run continues as new is written to the closed run.
        await idle(client, workflowId);
        perSignal.push(performance.now() - t0);
      }
      log(`agreement year ${k + 1}: ${TICKETS_PER_YEAR} tickets counted`);
    }
  }
  // The term ends: year 3 closes and the agreement lapses (it stays renewable, its workflow running).
  await skipTo(endsAt + 60_000);
  const final = (await until('the agreement lapsing', query, (s) => s?.status === 'lapsed'))!;
  await persisted(final);
  await settled(client, workflowId);
  const wallMs = performance.now() - started;

  const runs = await runsOf(client, workflowId, handle.firstExecutionRunId);
  const yearBounds = Array.from({ length: YEARS }, (_, k) => yearOfTerm(startsAt, endsAt, k));
  const all = runs.flatMap((r) => r.events);
  const at = (e: HistoryEvent) => tsToMs(e.eventTime);
  const inYear = (e: HistoryEvent, k: number) => at(e) >= yearBounds[k].startsAt && at(e) < yearBounds[k].endsAt!;
  const isSignal = (e: HistoryEvent) => e.workflowExecutionSignaledEventAttributes != null;
  const { rows } = await pool.query<{ n: string }>(
    "SELECT count(*) AS n FROM contract_events WHERE contract_id = $1 AND type = 'ticketCounted'",
    [contractId],
  );
  const row = await contractRow(pool, contractId);
  return {
    contractId,
    startsAt,
    endsAt,
    years: yearBounds.map((b, k) => ({
      index: k + 1,
      startsAt: b.startsAt,
      endsAt: b.endsAt!,
      events: all.filter((e) => inYear(e, k)).length,
      signals: all.filter((e) => inYear(e, k) && isSignal(e)).length,
      used: final.years[k]?.used ?? -1,
      billable: final.years[k]?.billable ?? -1,
    })),
    before: all.filter((e) => at(e) < startsAt).length,
    after: all.filter((e) => at(e) >= endsAt).length,
    runs: runs.map(({ events, status }) => ({
      events: events.length,
      status,
      afterLastTask: events.length - 1 - events.map((e) => e.workflowTaskCompletedEventAttributes != null).lastIndexOf(true),
      signals: events.filter(isSignal).length,
      from: at(events[0]),
      to: at(events.at(-1)!),
      continuedAsNew: events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes != null,
      markers: events.filter((e) => e.markerRecordedEventAttributes).length,
      timersStarted: events.filter((e) => e.timerStartedEventAttributes).length,
      workflowTasks: events.filter((e) => e.workflowTaskCompletedEventAttributes).length,
    })),
    byTypeYear2: countBy(all.filter((e) => inYear(e, 1)).map((e) => eventTypeName(e.eventType))),
    perSignal: stats(perSignal),
    final,
    ticketCountedRows: Number(rows[0].n),
    rowStatus: row?.status ?? '(none)',
    wallMs,
    signalsSent,
    queryTimeouts,
  };
}

// ---- 1b. The same signals in a burst, on the dev server ---------------------------------------

interface BurstResult {
  signals: number;
  used: number;
  runs: Array<{ events: number; status: string; continuedAsNew: boolean; signals: number }>;
  ms: number;
}

/**
 * A year's 40 signals sent back to back (none awaited beyond its send) to an agreement on the dev
 * server: signals arrive while a run continues as new, which a real server hands to the next task.
 */
async function burst(client: Client, pool: Pool): Promise<BurstResult> {
  const contractId = 'BENCH-BURST';
  const now = Date.now();
  const workflowId = agreementWorkflowId(contractId);
  const handle = await client.workflow.start(AGREEMENT_WORKFLOW, {
    workflowId,
    taskQueue: TASKS_OPEN,
    args: [agreementInput(contractId, 'bench-customer-burst', now - 86_400_000, addMonths(now - 86_400_000, 12 * YEARS))],
  });
  await until(
    'the burst agreement row',
    () => contractRow(pool, contractId),
    (r) => r?.status === 'active',
  );
  const t0 = performance.now();
  const latest = client.workflow.getHandle(workflowId);
  for (let i = 0; i < TICKETS_PER_YEAR; i++) {
    await withTimeout(
      latest.signal(ticketResolvedSignal, { ticketId: `BENCH-BURST-${i + 1}`, resolvedAt: isoInstant(Date.now()), billable: false }),
      STEP_LIMIT_MS,
      'ticketResolved signal',
    );
  }
  const s = await until(
    'the burst counted',
    () => withTimeout(latest.query(getAgreementQuery), 3_000, 'getAgreement query').catch(() => undefined),
    (x) => x?.years[0]?.used === TICKETS_PER_YEAR,
    60_000,
    50,
  );
  const ms = performance.now() - t0;
  await idle(client, workflowId);
  const runs = await runsOf(client, workflowId, handle.firstExecutionRunId);
  return {
    signals: TICKETS_PER_YEAR,
    used: s?.years[0]?.used ?? -1,
    ms,
    runs: runs.map((r) => ({
      events: r.events.length,
      status: r.status,
      continuedAsNew: r.events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes != null,
      signals: r.events.filter((e) => e.workflowExecutionSignaledEventAttributes != null).length,
    })),
  };
}

// ---- 2. Opening latency with and without the agreement ----------------------------------------------

interface Opening {
  kind: 'agreement' | 'none';
  ms: number;
  status: number;
  ticketId?: string;
  decision?: string;
  contractId?: string;
  quotaLeft?: number;
  error?: string;
}

interface OpeningsResult {
  agreement: Opening[];
  none: Opening[];
  /** From each ticket's history: the opening's first WorkflowTaskStarted → its first persistTicketEvents marker. */
  workerAgreement: number[];
  workerNone: number[];
  /** computeTargets (with the entitlement decision) → the next local activity scheduled, worker clock. */
  computeAgreement: number[];
  computeNone: number[];
  /** Openings whose history has a second task before the opening's persistence (a query split it). */
  splitAgreement: number;
  splitNone: number;
  warmup: number;
}

async function openings(client: Client, pool: Pool, url: string, key: string): Promise<OpeningsResult> {
  const customerId = 'bench-customer-open';
  const contractId = 'BENCH-OPEN';
  const now = Date.now();
  const input = agreementInput(contractId, customerId, now - 86_400_000, addMonths(now - 86_400_000, 12 * YEARS));
  await client.workflow.start(AGREEMENT_WORKFLOW, {
    workflowId: agreementWorkflowId(contractId),
    taskQueue: TASKS_OPEN,
    args: [input],
  });
  await until(
    'the agreement row for the openings',
    () => contractRow(pool, contractId),
    (r) => r !== undefined && r.status === 'active',
    60_000,
    50,
  );
  let n = 0;
  const open = async (kind: Opening['kind']): Promise<Opening> => {
    n += 1;
    const body = {
      customerId,
      policyId: 'infotecs',
      plan: 'basic',
      severity: 'major',
      type: 'incident',
      channel: 'portal',
      title: `Bench opening ${n}`,
      description: 'The VPN client drops its tunnel every few minutes.',
      ...(kind === 'agreement' ? { contractId } : {}),
    };
    const t0 = performance.now();
    try {
      const res = await withTimeout(
        fetch(`${url}/v1/tickets`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
        STEP_LIMIT_MS,
        'POST /v1/tickets',
      );
      const text = await res.text();
      const ms = performance.now() - t0;
      let json: { ticketId?: string; entitlement?: { decision?: string; contractId?: string; quota?: { left?: number } } } = {};
      try {
        json = JSON.parse(text) as typeof json;
      } catch {
        // not JSON: reported below
      }
      return {
        kind,
        ms,
        status: res.status,
        ticketId: json.ticketId,
        decision: json.entitlement?.decision,
        contractId: json.entitlement?.contractId,
        quotaLeft: json.entitlement?.quota?.left,
        ...(res.status === 201 ? {} : { error: text.slice(0, 300) }),
      };
    } catch (err) {
      return { kind, ms: performance.now() - t0, status: 0, error: (err as Error).message };
    }
  };
  // Warm-up (not counted): the first connections, the bundle's first tickets, the rules cache.
  for (let i = 0; i < WARMUP_OPENINGS; i++) {
    const w = await open(i % 2 === 0 ? 'agreement' : 'none');
    if (w.status !== 201) log(`warm-up opening (${w.kind}) answered ${w.status}: ${w.error}`);
  }
  const results: Opening[] = [];
  const deadline = Date.now() + 10 * 60_000;
  for (let i = 0; i < 2 * OPENINGS && Date.now() < deadline; i++) {
    if (aborted) throw new Aborted();
    results.push(await open(i % 2 === 0 ? 'agreement' : 'none')); // ABAB
  }
  const agreement = results.filter((r) => r.kind === 'agreement');
  const none = results.filter((r) => r.kind === 'none');
  log(`openings: ${agreement.length} under the agreement, ${none.length} without`);

  // Where the opening's time went in the worker, from each ticket's history.
  const worker = async (list: Opening[]) => {
    const total: number[] = [];
    const compute: number[] = [];
    let split = 0;
    for (const o of list) {
      if (!o.ticketId) continue;
      const events = (await client.workflow.getHandle(`ticket-${o.ticketId}`).fetchHistory()).events ?? [];
      const taskStarted = events.find((e) => e.workflowTaskStartedEventAttributes);
      const markers = events.filter((e) => e.markerRecordedEventAttributes);
      const persist = markers.find((e) => markerActivity(e) === 'persistTicketEvents');
      const computeMarker = markers.find((e) => markerActivity(e) === 'computeTargets');
      if (taskStarted && persist) total.push(tsToMs(persist.eventTime) - tsToMs(taskStarted.eventTime));
      if (computeMarker && persist) compute.push(markerScheduledAt(persist) - markerScheduledAt(computeMarker));
      const persistIndex = persist ? events.indexOf(persist) : -1;
      if (events.slice(0, persistIndex).filter((e) => e.workflowTaskCompletedEventAttributes).length > 1) split += 1;
    }
    return { total, compute, split };
  };
  const wa = await worker(agreement);
  const wn = await worker(none);
  return {
    agreement,
    none,
    workerAgreement: wa.total,
    workerNone: wn.total,
    computeAgreement: wa.compute,
    computeNone: wn.compute,
    splitAgreement: wa.split,
    splitNone: wn.split,
    warmup: WARMUP_OPENINGS,
  };
}

// ---- Report -----------------------------------------------------------------------------------------

function gitDescription(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'workflows', 'activities', 'policies', 'common', 'worker', 'api'], {
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

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function report(
  measured: YearsResult | undefined,
  burst: BurstResult | undefined,
  o: OpeningsResult,
  meta: { command: string; git: string; postgres: string; seconds: number },
): string {
  const cpu = os.cpus();
  // Part 1 left out (BENCH_AGREEMENTS_SKIP_YEARS=1): its lines are computed on nothing and dropped below.
  const y: YearsResult =
    measured ??
    ({
      runs: [],
      years: [],
      final: { years: [] },
      perSignal: stats([]),
      byTypeYear2: [],
      startsAt: 0,
      endsAt: 0,
      wallMs: 0,
    } as unknown as YearsResult);
  const maxRun = Math.max(...y.runs.map((r) => r.events));
  const yearsOk = y.final.years.length === YEARS && y.final.years.every((x) => x.used === TICKETS_PER_YEAR && x.billable === 0);
  const okA = o.agreement.filter((r) => r.status === 201);
  const okN = o.none.filter((r) => r.status === 201);
  const a = stats(okA.map((r) => r.ms));
  const b = stats(okN.map((r) => r.ms));
  const wa = stats(o.workerAgreement);
  const wn = stats(o.workerNone);
  const ca = stats(o.computeAgreement);
  const cn = stats(o.computeNone);
  const decisions = (list: Opening[]) =>
    countBy(
      list.map((r) =>
        r.status === 201 ? `${r.decision ?? 'no decision'}${r.contractId ? ` (${r.contractId})` : ''}` : `HTTP ${r.status}`,
      ),
    )
      .map(([k, v]) => `${v} × ${k}`)
      .join(', ');
  const errors = [...o.agreement, ...o.none].filter((r) => r.status !== 201);
  const perYear = y.years.map((x) => x.events);
  const lines = [
    '## bench/agreements — the contract workflow: history per agreement year, and what entitlement adds to an opening',
    '',
    `Command: \`${meta.command}\` · ${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpu[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'cpu'} × ${cpu.length} · ` +
      `part 1: Temporal test server ${TEST_SERVER_VERSION} (time skipping); part 2: Temporal CLI ${TEMPORAL_CLI_VERSION} dev server (SQLite file) · ${meta.postgres} (embedded) · TZ=UTC · ${meta.git} · whole run ${(meta.seconds / 60).toFixed(1)} min`,
    '',
    'Worker: `createLifelineWorker` + `createActivities({ pool })` with the SDK defaults, in the bench process (one per server); the API (`createApp`) in the same process on 127.0.0.1; one shared 2-core machine, so the latency figures are noisy.',
    '',
    PART_1,
    '',
    `One agreement (\`supportAgreement\`, id \`contract-${y.contractId}\`, Infotecs \`basic\`, the catalog's \`agreements\` rules: 40 tickets a year, rollover, reminders 60/30/7 days before the end) started with \`client.workflow.start\`, its term ${day(y.startsAt)} → ${day(y.endsAt)} (3 years, on the server's skipped clock). ` +
      `In each agreement year, ${TICKETS_PER_YEAR} \`ticketResolved\` signals (not billable) spread evenly over the year, time skipped between them, each one counted (query) and persisted (the \`contracts\` row's \`last_seq\`) before the next, so every signal is its own workflow task, the worst case for history. ` +
      `Then time skipped past the end (year 3 closes, the agreement lapses and stays renewable). Every run of the continue-as-new chain read with \`fetchHistory()\`; an event counts in the agreement year its server time falls in. ${y.signalsSent} signals in ${(y.wallMs / 1000).toFixed(1)} s wall (per signal, send → persisted: p50 ${fmtMs(y.perSignal.p50)}, p99 ${fmtMs(y.perSignal.p99)}).`,
    '',
    `State at the end (\`getAgreement\` query): status **${y.final.status}**, years ${y.final.years.map((x) => `${x.index}: used ${x.used}, billable ${x.billable}, rolled over to next ${x.rolledOverToNext ?? '—'}`).join('; ')} (expected used 40 in each: ${yearsOk ? 'yes' : '**no**'}); \`contract_events\` has ${y.ticketCountedRows} \`ticketCounted\` rows (expected ${YEARS * TICKETS_PER_YEAR}); the \`contracts\` row is \`${y.rowStatus}\`.`,
    '',
    '| agreement year | from → to | signals | history events |',
    '| --- | --- | --- | --- |',
    `| before the term (start, agreed) | — | 0 | ${y.before} |`,
    ...y.years.map((x) => `| ${x.index} | ${day(x.startsAt)} → ${day(x.endsAt)} | ${x.signals} | ${x.events} |`),
    `| after the term (lapse) | ${day(y.endsAt)} → | 0 | ${y.after} |`,
    '',
    `**${Math.round(perYear.reduce((s, n) => s + n, 0) / perYear.length)} events per agreement year** on average (${perYear.join(' / ')}), ≈ ${(perYear[1] / TICKETS_PER_YEAR).toFixed(1)} per ticket reported. The year's turnover (timer fired, yearEnded + yearStarted written) counts in the year it opens; year 3 also holds the three term reminders (their delivery activity).`,
    '',
    `Runs of the chain (the workflow continues as new once its history passes ${CONTINUE_AS_NEW_PAST} events, at the next turn of its loop):`,
    '',
    '| run | events | signals | workflow tasks | local activity markers | timers started | server time | ended by |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...y.runs.map(
      (r, i) =>
        `| ${i + 1} | ${r.events} | ${r.signals} | ${r.workflowTasks} | ${r.markers} | ${r.timersStarted} | ${day(r.from)} → ${day(r.to)} | ${
          r.continuedAsNew
            ? 'continue-as-new'
            : r.status === 'CONTINUED_AS_NEW'
              ? `continue-as-new, no ContinuedAsNew event (${r.afterLastTask} events after its last completed task)`
              : `${r.status.toLowerCase()} (lapsed, renewable)`
        } |`,
    ),
    '',
    `Largest run: **${maxRun} events** (goal: every run ≤ ${RUN_GOAL}: ${maxRun <= RUN_GOAL ? 'met' : '**not met**'}); ${y.runs.length} runs for ${YEARS} years. ` +
      `Signals in the histories: ${y.runs.reduce((n, r) => n + r.signals, 0)} (sent: ${y.signalsSent}); getAgreement queries not answered within 3 s (asked again): ${y.queryTimeouts}.`,
    '',
    burst
      ? `The same ${burst.signals} signals sent back to back to an agreement on the dev server (part 2's), not waiting for any to be processed, so that some arrive while a run continues as new: ${burst.used} counted in ${fmtMs(burst.ms)}; runs of ${burst.runs.map((r) => `${r.events} (${r.signals} signals, ${r.continuedAsNew ? 'ContinuedAsNew' : r.status.toLowerCase()})`).join(', ')} events.`
      : 'The burst on the dev server did not complete (see the log).',
    '',
    'Agreement year 2 by event type:',
    '',
    '| event type | count |',
    '| --- | --- |',
    ...y.byTypeYear2.map(([t, n]) => `| ${t} | ${n} |`),
    '',
    '### 2. Opening latency added by the entitlement decision',
    '',
    `\`POST /v1/tickets\` with a staff (engineer) key, customer \`bench-customer-open\`, Infotecs \`basic\`, severity major, incident via portal: ${o.agreement.length} openings naming \`contractId\` of the customer's agreement (its workflow running on the same dev server, its \`contracts\` row written by the workflow; the ticket's opening queries it live with \`entitlement\`), interleaved one for one (ABAB) with ${o.none.length} openings without a \`contractId\` (the baseline), after ${o.warmup} warm-up openings. ` +
      'Latency = the HTTP request, as the client sees it: the contract checks, the start, and the API waiting (a query every 100 ms) until the ticket is opened. ' +
      "Worker side, from each ticket's history: the opening task = first WorkflowTaskStarted → the first persistTicketEvents marker (server times); computeTargets = its local activity scheduled → the next one scheduled (the worker's clock), which holds the entitlement decision.",
    '',
    '| | n | p50 | p90 | p99 | max | mean |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| **under the agreement: HTTP** | ${a.n} | ${fmtMs(a.p50)} | ${fmtMs(a.p90)} | ${fmtMs(a.p99)} | ${fmtMs(a.max)} | ${fmtMs(a.mean)} |`,
    `| without a contract (baseline): HTTP | ${b.n} | ${fmtMs(b.p50)} | ${fmtMs(b.p90)} | ${fmtMs(b.p99)} | ${fmtMs(b.max)} | ${fmtMs(b.mean)} |`,
    `| under the agreement: opening task | ${wa.n} | ${fmtMs(wa.p50)} | ${fmtMs(wa.p90)} | ${fmtMs(wa.p99)} | ${fmtMs(wa.max)} | ${fmtMs(wa.mean)} |`,
    `| without a contract: opening task | ${wn.n} | ${fmtMs(wn.p50)} | ${fmtMs(wn.p90)} | ${fmtMs(wn.p99)} | ${fmtMs(wn.max)} | ${fmtMs(wn.mean)} |`,
    `| under the agreement: computeTargets | ${ca.n} | ${fmtMs(ca.p50)} | ${fmtMs(ca.p90)} | ${fmtMs(ca.p99)} | ${fmtMs(ca.max)} | ${fmtMs(ca.mean)} |`,
    `| without a contract: computeTargets | ${cn.n} | ${fmtMs(cn.p50)} | ${fmtMs(cn.p90)} | ${fmtMs(cn.p99)} | ${fmtMs(cn.max)} | ${fmtMs(cn.mean)} |`,
    '',
    `Ratio to the baseline, HTTP: **p50 ${ratio(a.p50, b.p50)} (+${fmtMs(a.p50 - b.p50)}), p99 ${ratio(a.p99, b.p99)} (+${fmtMs(a.p99 - b.p99)})**; opening task p50 ${ratio(wa.p50, wn.p50)} (+${fmtMs(wa.p50 - wn.p50)}); computeTargets p50 ${ratio(ca.p50, cn.p50)} (+${fmtMs(ca.p50 - cn.p50)}).`,
    '',
    `Decisions: under the agreement ${decisions(o.agreement)}; without ${decisions(o.none)}. Openings whose first task was split by the API's query before the opening was persisted: ${o.splitAgreement} under the agreement, ${o.splitNone} without.${
      errors.length
        ? ` Errors: ${countBy(errors.map((e) => `${e.status} ${e.error ?? ''}`.slice(0, 160)))
            .map(([k, v]) => `${v} × "${k}"`)
            .join('; ')}.`
        : ''
    }`,
    '',
  ];
  const p1 = lines.indexOf(PART_1);
  const p2 = lines.findIndex((l) => l.startsWith('### 2.'));
  if (!measured) lines.splice(p1, p2 - p1, '### 1. History events per agreement year', '', 'Not run (BENCH_AGREEMENTS_SKIP_YEARS=1).', '');
  return lines.join('\n');
}

const PART_1 = '### 1. History events per agreement year, 40 tickets reporting';

function writeSection(section: string): void {
  const file = path.join(__dirname, 'RESULTS.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n\n';
  const start = previous.indexOf('## bench/agreements');
  const next = start >= 0 ? previous.indexOf('\n## ', start + 3) : -1;
  const updated =
    start >= 0
      ? previous.slice(0, start) + section + (next >= 0 ? previous.slice(next + 1) : '')
      : previous.replace(/\n*$/, '\n\n') + section;
  writeFileSync(file, updated);
}

// ---- Main -------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  process.env.TZ = 'UTC';
  if (!Number.isInteger(OPENINGS) || OPENINGS < 10 || OPENINGS > 2_000) {
    log(`BENCH_AGREEMENT_OPENINGS must be a whole number from 10 to 2000 (got ${process.env.BENCH_AGREEMENT_OPENINGS})`);
    return 2;
  }
  const runStarted = performance.now();
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('WARN') });
  const onSignal = () => {
    if (!aborted) log('interrupted: stopping everything');
    aborted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const watchdog = setTimeout(() => {
    log(`the run passed ${RUN_LIMIT_MS / 60_000} min: stopping`);
    aborted = true;
  }, RUN_LIMIT_MS);
  watchdog.unref();

  const stops: Array<[string, () => Promise<unknown>]> = [];
  const stopNow = async (name: string) => {
    const i = stops.findIndex(([n]) => n === name);
    if (i < 0) return;
    const [[, stop]] = stops.splice(i, 1);
    await withTimeout(Promise.resolve().then(stop), 60_000, `stopping ${name}`);
  };
  let code = 0;
  try {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'lifeline-bench-agreements-'));
    await chmod(dir, 0o755); // as root, PostgreSQL runs as `postgres`, which must reach its data directory
    stops.push(['temporary directory', () => rm(dir, { recursive: true, force: true })]);

    log('starting embedded PostgreSQL');
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pgdata') });
    stops.push(['PostgreSQL', () => pg.stop()]);
    const pool = createPool(pg.url, { max: 10 });
    stops.push(['PostgreSQL pool', () => pool.end()]);
    await migrate(pool);
    const postgres = (await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
    const gitAtStart = gitDescription();

    // Part 1, on the time-skipping test server (BENCH_AGREEMENTS_SKIP_YEARS=1 leaves it out: a quick run).
    let years: YearsResult | undefined;
    if (!SKIP_YEARS) {
      log('starting the Temporal test server (time skipping)');
      const env = await startTimeSkippingEnvironment();
      stops.push(['test server', () => env.teardown()]);
      debug('starting the worker');
      const w1 = await startWorker(env.nativeConnection, TASKS_YEARS, pool);
      stops.push(['test-server worker', w1.stop]);
      years = await agreementYears(env, pool, TASKS_YEARS);
      log(
        `history: runs of ${years.runs.map((r) => r.events).join(', ')} events; per year ${years.years.map((x) => x.events).join(' / ')}; used ${years.final.years.map((x) => x.used).join('/')}`,
      );
      await stopNow('test-server worker');
      await stopNow('test server');
    }

    // Part 2, on the dev server, through the API.
    const port = await freePort();
    log(`starting the Temporal dev server on 127.0.0.1:${port}`);
    const dev = await startDevServer({ port, dbFilename: path.join(dir, 'temporal.sqlite'), namespace: NAMESPACE });
    stops.push(['dev server', () => dev.teardown()]);
    const w2 = await startWorker(dev.nativeConnection, TASKS_OPEN, pool);
    stops.push(['dev-server worker', w2.stop]);
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    stops.push(['API server', () => new Promise((resolve) => server.close(resolve))]);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on(
      'request',
      createApp({
        client: dev.client,
        pool,
        taskQueue: TASKS_OPEN,
        logger: createLogger('silent'),
        http: { publicBaseUrl: url, trustProxy: false, rateLimits: rateLimitsOff },
      }),
    );
    const { key } = await new ApiKeyStore(pool).create({ name: 'bench engineer', role: 'engineer' });
    const bursted = await burst(dev.client, pool).catch((err: Error) => {
      log(`burst on the dev server: ${err.message}`);
      return undefined;
    });
    if (bursted) log(`burst: used ${bursted.used}, runs of ${bursted.runs.map((r) => r.events).join(', ')} events`);
    const open = await openings(dev.client, pool, url, key);
    const okA = open.agreement.filter((r) => r.status === 201).map((r) => r.ms);
    const okN = open.none.filter((r) => r.status === 201).map((r) => r.ms);
    log(
      `openings: under the agreement p50 ${fmtMs(stats(okA).p50)} p99 ${fmtMs(stats(okA).p99)}; without p50 ${fmtMs(stats(okN).p50)} p99 ${fmtMs(stats(okN).p99)}`,
    );

    const gitNow = gitDescription();
    const section = report(years, bursted, open, {
      command: `${SKIP_YEARS ? 'BENCH_AGREEMENTS_SKIP_YEARS=1 ' : ''}${OPENINGS === FULL_OPENINGS ? '' : `BENCH_AGREEMENT_OPENINGS=${OPENINGS} `}npm run bench:agreements`,
      git: gitNow === gitAtStart ? gitAtStart : `${gitAtStart} at the start, ${gitNow} at the end (the code changed during the run)`,
      postgres: `PostgreSQL ${postgres}`,
      seconds: (performance.now() - runStarted) / 1000,
    });
    process.stdout.write(`${section}\n`);
    if (OPENINGS === FULL_OPENINGS && years) {
      writeSection(section);
      log('written to bench/RESULTS.md');
    } else {
      log(`not written to bench/RESULTS.md: BENCH_AGREEMENT_OPENINGS=${OPENINGS} is a quick run`);
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

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    log(err.stack ?? err.message);
    process.exit(1);
  },
);
