/**
 * bench/agreements: the contract workflow (workflows/agreement/workflow.ts, `supportAgreement`,
 * id `contract-<id>`) against the issue's two goals, on the Temporal dev server (as `npm run dev`
 * runs it), in real time:
 *   1. history events per agreement year with 40 tickets reporting: one Infotecs Basic agreement
 *      (3-year term, the catalog's `agreements` rules) whose term started 12 months before ~45 s
 *      from now, so its year 1 ends during the bench. 40 `ticketResolved` signals in year 1, one at
 *      a time, each counted (query) before the next: the most history a year can make; year 2 opens
 *      by its timer; 40 more in year 2. Then every run of its continue-as-new chain read back: events
 *      per run (goal ≤ 200, a run continues as new past 150), the events of year 1 (with its
 *      year-end) and of year 2's 40 reports. Also: a year's 40 signals sent back to back to another
 *      agreement, so that some arrive while a run continues as new.
 *   2. the opening latency the entitlement decision adds: POST /v1/tickets with a staff key, 200
 *      openings under an agreement (contractId: the ticket's opening queries the agreement live)
 *      interleaved with 200 openings without one, same customer, policy and plan; p50/p99 of both
 *      and the ratio, plus the opening's time in the worker from each ticket's history.
 *
 *   npm run bench:agreements                             (writes bench/RESULTS.md)
 *   BENCH_AGREEMENT_OPENINGS=20 npm run bench:agreements (quick run: prints, does not write)
 *
 * Everything it starts (embedded PostgreSQL, the dev server on a free 127.0.0.1 port, the worker,
 * the API on 127.0.0.1) is stopped in a finally block, also on Ctrl-C.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createApp } from '../api/app';
import { ApiKeyStore } from '../api/auth';
import { rateLimitsOff } from '../api/rate-limits';
import { createPool, type Pool } from '../common/db';
import { createLogger } from '../common/logger';
import { migrate } from '../db/migrate';
import { policyById } from '../policies/index';
import { startEmbeddedPostgres } from '../scripts/embedded-postgres';
import { freePort } from '../scripts/ports';
import { TEMPORAL_CLI_VERSION } from '../scripts/temporal-binaries';
import { startDevServer } from '../scripts/temporal-servers';
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
const OPENINGS = Number(process.env.BENCH_AGREEMENT_OPENINGS ?? FULL_OPENINGS);
const WARMUP_OPENINGS = 10;
const TERM_YEARS = 3;
const TICKETS_PER_YEAR = 40;
/** Year 1 of part 1's agreement ends this long after the bench starts it; year 2 must open within YEAR_2_WAIT_MS after its reports. */
const YEAR_1_LEFT_MS = 45_000;
const YEAR_2_WAIT_MS = 90_000;
/** The workflow's bound (workflows/agreement/workflow.ts LIMITS) and the issue's goal. */
const CONTINUE_AS_NEW_PAST = 150;
const RUN_GOAL = 200;
/** Bounds: every loop ends by count or by one of these. */
const STEP_LIMIT_MS = 30_000;
const RUN_LIMIT_MS = 20 * 60_000;
const MAX_RUNS = 100;
const NAMESPACE = 'default';
const TASK_QUEUE = 'bench-agreements';
const MANAGER = { kind: 'manager' as const, id: 'bench-manager' };

const log = (m: string) => process.stderr.write(`[bench:agreements] ${m}\n`);

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
  // Nearest rank.
  const pct = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] : NaN);
  return {
    n: s.length,
    p50: pct(50),
    p90: pct(90),
    p99: pct(99),
    max: s.at(-1) ?? NaN,
    mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length),
  };
}
const fmtMs = (ms: number) => (Number.isNaN(ms) ? '—' : ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`);
const ratio = (a: number, b: number) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : '—');
const countBy = (names: string[]) => {
  const m = new Map<string, number>();
  for (const n of names) m.set(n, (m.get(n) ?? 0) + 1);
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
};
const tally = (names: string[], quote = '') =>
  countBy(names)
    .map(([k, v]) => `${v} × ${quote}${k}${quote}`)
    .join(', ');

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

function eventTypeName(type: unknown): string {
  const name = typeof type === 'number' ? temporal.api.enums.v1.EventType[type] : String(type);
  return (name ?? String(type))
    .replace(/^EVENT_TYPE_/, '')
    .toLowerCase()
    .replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

/** A local activity marker's activity type and original schedule time (ms, the worker's clock), as core writes them into its data. */
function localActivity(e: HistoryEvent): { type?: string; scheduledAt: number } {
  const data = e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]?.data;
  type Time = { seconds: number | string; nanos?: number } | string | undefined;
  let parsed: { activity_type?: string; original_schedule_time?: Time } = {};
  try {
    if (data) parsed = JSON.parse(Buffer.from(data).toString('utf8')) as typeof parsed;
  } catch {
    // not core's JSON: no type, no time
  }
  const t = parsed.original_schedule_time;
  const scheduledAt = typeof t === 'string' ? Date.parse(t) : t ? Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : NaN;
  return { type: parsed.activity_type, scheduledAt };
}

const failureCause = (e: HistoryEvent) => {
  const a = e.workflowTaskFailedEventAttributes!;
  const cause = typeof a.cause === 'number' ? temporal.api.enums.v1.WorkflowTaskFailedCause[a.cause] : String(a.cause);
  return `${cause.replace(/^WORKFLOW_TASK_FAILED_CAUSE_/, '')}${a.failure?.message ? `: ${a.failure.message.slice(0, 120)}` : ''}`;
};

// ---- The contract workflow -------------------------------------------------------------------------

function agreementInput(contractId: string, customerId: string, startsAt: number): StartAgreementInput {
  return {
    contractId,
    customerId,
    policyId: 'infotecs',
    plan: 'basic',
    options: {},
    override: {},
    licences: [],
    contactEmail: `ops@${customerId}.example`,
    rules: policyById('infotecs').agreements!,
    startsAt: isoInstant(startsAt),
    endsAt: isoInstant(addMonths(startsAt, 12 * TERM_YEARS)),
    by: MANAGER,
  };
}

/** The agreement's read-model row: written by its persistence activity once the workflow records its first event. */
async function contractRow(pool: Pool, contractId: string): Promise<{ last_seq: number; status: string } | undefined> {
  const { rows } = await pool.query<{ last_seq: number; status: string }>(
    'SELECT last_seq, status FROM contracts WHERE contract_id = $1 AND workflow_id IS NOT NULL',
    [contractId],
  );
  return rows[0];
}

/** Starts an agreement (3-year term from `startsAt`) and waits until its `contracts` row says it is active; the handle follows its latest run. */
async function startAgreement(
  client: Client,
  pool: Pool,
  contractId: string,
  customerId: string,
  startsAt: number,
): Promise<WorkflowHandle> {
  const workflowId = agreementWorkflowId(contractId);
  await client.workflow.start(AGREEMENT_WORKFLOW, {
    workflowId,
    taskQueue: TASK_QUEUE,
    args: [agreementInput(contractId, customerId, startsAt)],
  });
  await until(
    `the contracts row of ${contractId}`,
    () => contractRow(pool, contractId),
    (r) => r?.status === 'active',
    60_000,
    50,
  );
  return client.workflow.getHandle(workflowId);
}

/** The agreement's state, or undefined when the query is not answered within 3 s (asked again by the caller). */
const agreementOf = (h: WorkflowHandle) => withTimeout(h.query(getAgreementQuery), 3_000, 'getAgreement query').catch(() => undefined);

const report = (h: WorkflowHandle, ticketId: string) =>
  withTimeout(
    h.signal(ticketResolvedSignal, { ticketId, resolvedAt: isoInstant(Date.now()), billable: false }),
    STEP_LIMIT_MS,
    'ticketResolved signal',
  );

/** Every run of a workflow's continue-as-new chain, first to latest: the latest run (describe), then each first event's continuedExecutionRunId. */
async function chainOf(client: Client, workflowId: string): Promise<HistoryEvent[][]> {
  const runs: HistoryEvent[][] = [];
  let runId: string | null | undefined = (await withTimeout(client.workflow.getHandle(workflowId).describe(), STEP_LIMIT_MS, 'describe'))
    .runId;
  while (runId && runs.length < MAX_RUNS) {
    const history = await withTimeout(client.workflow.getHandle(workflowId, runId).fetchHistory(), STEP_LIMIT_MS, 'fetchHistory');
    runs.unshift(history.events ?? []);
    runId = runs[0][0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
  }
  return runs;
}

/** The latest run is running with no workflow task scheduled or started (its last task done, a continue-as-new through). */
async function idle(client: Client, workflowId: string): Promise<void> {
  const check = async () => {
    const d = await withTimeout(client.workflow.getHandle(workflowId).describe(), STEP_LIMIT_MS, 'describe');
    const last = (
      await withTimeout(client.workflow.getHandle(workflowId, d.runId).fetchHistory(), STEP_LIMIT_MS, 'fetchHistory')
    ).events?.at(-1);
    return d.status.name === 'RUNNING' && !last?.workflowTaskScheduledEventAttributes && !last?.workflowTaskStartedEventAttributes;
  };
  await until(`${workflowId} idle`, check, (ok) => ok, STEP_LIMIT_MS, 50);
}

interface RunRow {
  events: number;
  signals: number;
  endedBy: string;
}
const isSignal = (e: HistoryEvent) => e.workflowExecutionSignaledEventAttributes != null;
const runRows = (runs: HistoryEvent[][]): RunRow[] =>
  runs.map((events) => ({
    events: events.length,
    signals: events.filter(isSignal).length,
    endedBy: events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes ? 'continue-as-new' : 'running',
  }));

// ---- 1. History events per agreement year ---------------------------------------------------------

const YEARS_CONTRACT = 'BENCH-YEARS';

interface YearsResult {
  startsAt: number;
  year2At: number;
  /** The agreement's years at the end (getAgreement). */
  years: AgreementState['years'];
  perReport: Stats;
  waitedForYear2Ms: number;
  runs: RunRow[];
  year1: { events: number; signals: number; yearEnd: string[] };
  year2: { events: number; signals: number; byType: string };
  /** Workflow tasks failed in the chain, by cause. */
  taskFailures: string;
  wallMs: number;
}

/** The term's start: 12 months before YEAR_1_LEFT_MS from now, so that its year 1 ends that long after `now`. */
function termStart(now: number): number {
  const startsAt = addMonths(now + YEAR_1_LEFT_MS, -12);
  const left = yearOfTerm(startsAt, undefined, 0).endsAt! - now;
  // addMonths clamps a day a month lacks (29 February): then year 1 would not end when meant.
  if (Math.abs(left - YEAR_1_LEFT_MS) > 1_000) throw new Error(`a term from ${isoInstant(startsAt)} ends its year 1 in ${left} ms`);
  return startsAt;
}

/** Year `year`'s 40 reports, one at a time, each counted before the next; each one's send → counted time. */
async function reportYear(h: WorkflowHandle, year: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < TICKETS_PER_YEAR; i++) {
    const t0 = performance.now();
    await report(h, `BENCH-Y${year}-${String(i + 1).padStart(2, '0')}`);
    const s = await until(
      `report ${i + 1} of year ${year} counted`,
      () => agreementOf(h),
      (x) => (x?.years[year - 1]?.used ?? 0) >= i + 1,
    );
    if (s!.years.length !== year) throw new Error(`report ${i + 1} of year ${year} counted with ${s!.years.length} years open`);
    ms.push(performance.now() - t0);
  }
  log(`year ${year}: ${TICKETS_PER_YEAR} reports counted`);
  return ms;
}

/**
 * Where year 1's events end in the chain (events in time order): after its year-end, the workflow
 * task following the timer that fired at year 2's start, with what that task completed (its
 * persistence marker, the next timer, a continue-as-new). Returns [end index, the year-end's first index].
 */
function yearOneEnd(events: HistoryEvent[], year2At: number): [number, number] {
  const fired = events.findIndex((e) => e.timerFiredEventAttributes && tsToMs(e.eventTime) >= year2At - 1_000);
  const done = events.findIndex((e, i) => i > fired && e.workflowTaskCompletedEventAttributes);
  if (fired < 0 || done < 0) throw new Error(`no year-end found in the history (timer fired at #${fired}, task completed at #${done})`);
  const opensTask = (e: HistoryEvent) =>
    e.workflowTaskScheduledEventAttributes || e.workflowExecutionSignaledEventAttributes || e.workflowExecutionStartedEventAttributes;
  const next = events.findIndex((e, i) => i > done && opensTask(e));
  return [next < 0 ? events.length : next, fired];
}

async function agreementYears(client: Client, pool: Pool): Promise<YearsResult> {
  const started = performance.now();
  const startsAt = termStart(Date.now());
  const year2At = yearOfTerm(startsAt, undefined, 1).startsAt;
  const h = await startAgreement(client, pool, YEARS_CONTRACT, 'bench-customer-years', startsAt);
  log(`agreement ${YEARS_CONTRACT}: year 1 ends ${isoInstant(year2At)}, in ${((year2At - Date.now()) / 1000).toFixed(0)} s`);
  const perReport = await reportYear(h, 1);
  if (Date.now() >= year2At) throw new Error('year 1 ended before its reports were counted');
  const t0 = performance.now();
  const atYear2 = await until(
    'year 2 open',
    () => agreementOf(h),
    (s) => s?.years.length === 2,
    YEAR_2_WAIT_MS,
    250,
  );
  const waitedForYear2Ms = performance.now() - t0;
  const y1 = atYear2!.years[0];
  log(`year 2 open after ${(waitedForYear2Ms / 1000).toFixed(1)} s: year 1 used ${y1.used}, rolled over to next ${y1.rolledOverToNext}`);
  perReport.push(...(await reportYear(h, 2)));
  await idle(client, h.workflowId);
  const final = await until(
    'the agreement',
    () => agreementOf(h),
    (s) => s !== undefined,
  );
  const runs = await chainOf(client, h.workflowId);
  const all = runs.flat();
  const [end, yearEnd] = yearOneEnd(all, year2At);
  const year2 = all.slice(end);
  return {
    startsAt,
    year2At,
    years: final!.years,
    perReport: stats(perReport),
    waitedForYear2Ms,
    runs: runRows(runs),
    year1: {
      events: end,
      signals: all.slice(0, end).filter(isSignal).length,
      yearEnd: all.slice(yearEnd, end).map((e) => eventTypeName(e.eventType)),
    },
    year2: { events: year2.length, signals: year2.filter(isSignal).length, byType: tally(year2.map((e) => eventTypeName(e.eventType))) },
    taskFailures: tally(all.flatMap((e) => (e.workflowTaskFailedEventAttributes ? [failureCause(e)] : []))),
    wallMs: performance.now() - started,
  };
}

interface BurstResult {
  used: number;
  ms: number;
  runs: RunRow[];
}

/** A year's 40 signals sent back to back (none awaited beyond its send): some arrive while a run continues as new. */
async function burst(client: Client, pool: Pool): Promise<BurstResult> {
  const h = await startAgreement(client, pool, 'BENCH-BURST', 'bench-customer-burst', Date.now() - 86_400_000);
  const t0 = performance.now();
  for (let i = 0; i < TICKETS_PER_YEAR; i++) await report(h, `BENCH-BURST-${i + 1}`);
  const s = await until(
    'the burst counted',
    () => agreementOf(h),
    (x) => x?.years[0]?.used === TICKETS_PER_YEAR,
    60_000,
    50,
  );
  const ms = performance.now() - t0;
  await idle(client, h.workflowId);
  return { used: s!.years[0].used, ms, runs: runRows(await chainOf(client, h.workflowId)) };
}

// ---- 2. Opening latency with and without the agreement ----------------------------------------------

const OPEN_CUSTOMER = 'bench-customer-open';
const OPEN_CONTRACT = 'BENCH-OPEN';

interface Opening {
  kind: 'agreement' | 'none';
  ms: number;
  status: number;
  ticketId?: string;
  decision?: string;
  contractId?: string;
  error?: string;
}

interface WorkerSide {
  /** The opening's first WorkflowTaskStarted → its first persistTicketEvents marker (server times). */
  task: number[];
  /** computeTargets (with the entitlement decision) scheduled → the next local activity scheduled (worker clock). */
  compute: number[];
  /** Openings whose history has a second task before the opening's persistence (the API's query split it). */
  split: number;
}

interface OpeningsResult {
  agreement: Opening[];
  none: Opening[];
  workerAgreement: WorkerSide;
  workerNone: WorkerSide;
}

async function openTicket(url: string, key: string, kind: Opening['kind'], n: number): Promise<Opening> {
  const body = {
    customerId: OPEN_CUSTOMER,
    policyId: 'infotecs',
    plan: 'basic',
    severity: 'major',
    type: 'incident',
    channel: 'portal',
    title: `Bench opening ${n}`,
    description: 'The VPN client drops its tunnel every few minutes.',
    ...(kind === 'agreement' ? { contractId: OPEN_CONTRACT } : {}),
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
    let json: { ticketId?: string; entitlement?: { decision?: string; contractId?: string } } = {};
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      // not JSON: its text is the error below
    }
    const { ticketId, entitlement } = json;
    return {
      kind,
      ms,
      status: res.status,
      ticketId,
      decision: entitlement?.decision,
      contractId: entitlement?.contractId,
      ...(res.status === 201 ? {} : { error: text.slice(0, 300) }),
    };
  } catch (err) {
    return { kind, ms: performance.now() - t0, status: 0, error: (err as Error).message };
  }
}

/** Where each opening's time went in the worker, from its ticket's history. */
async function workerSide(client: Client, list: Opening[]): Promise<WorkerSide> {
  const side: WorkerSide = { task: [], compute: [], split: 0 };
  for (const o of list) {
    if (!o.ticketId) continue;
    const events =
      (await withTimeout(client.workflow.getHandle(`ticket-${o.ticketId}`).fetchHistory(), STEP_LIMIT_MS, 'fetchHistory')).events ?? [];
    const taskStarted = events.find((e) => e.workflowTaskStartedEventAttributes);
    const markers = events.filter((e) => e.markerRecordedEventAttributes).map((e) => ({ e, ...localActivity(e) }));
    const persist = markers.find((m) => m.type === 'persistTicketEvents');
    const compute = markers.find((m) => m.type === 'computeTargets');
    if (!persist) continue;
    if (taskStarted) side.task.push(tsToMs(persist.e.eventTime) - tsToMs(taskStarted.eventTime));
    if (compute) side.compute.push(persist.scheduledAt - compute.scheduledAt);
    if (events.slice(0, events.indexOf(persist.e)).filter((e) => e.workflowTaskCompletedEventAttributes).length > 1) side.split += 1;
  }
  return side;
}

async function openings(client: Client, pool: Pool, url: string, key: string): Promise<OpeningsResult> {
  await startAgreement(client, pool, OPEN_CONTRACT, OPEN_CUSTOMER, Date.now() - 86_400_000);
  let n = 0;
  // Warm-up (not counted): the first connections, the bundle's first tickets, the rules cache.
  for (let i = 0; i < WARMUP_OPENINGS; i++) {
    const w = await openTicket(url, key, i % 2 === 0 ? 'agreement' : 'none', ++n);
    if (w.status !== 201) log(`warm-up opening (${w.kind}) answered ${w.status}: ${w.error}`);
  }
  const results: Opening[] = [];
  const deadline = Date.now() + 10 * 60_000;
  for (let i = 0; i < 2 * OPENINGS && Date.now() < deadline; i++) {
    if (aborted) throw new Aborted();
    results.push(await openTicket(url, key, i % 2 === 0 ? 'agreement' : 'none', ++n)); // ABAB
  }
  const agreement = results.filter((r) => r.kind === 'agreement');
  const none = results.filter((r) => r.kind === 'none');
  log(`openings: ${agreement.length} under the agreement, ${none.length} without`);
  return { agreement, none, workerAgreement: await workerSide(client, agreement), workerNone: await workerSide(client, none) };
}

// ---- Report -----------------------------------------------------------------------------------------

function gitDescription(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'workflows', 'activities', 'policies', 'common', 'worker', 'api'], {
      cwd: path.join(__dirname, '..'),
      encoding: 'utf8',
    }).trim();
    const folders = [...new Set(dirty.split('\n').map((l) => l.slice(3).split('/')[0]))];
    return dirty ? `commit ${head} plus uncommitted changes in ${folders.join(', ')}/` : `commit ${head}`;
  } catch {
    return 'unknown commit';
  }
}

interface Meta {
  command: string;
  git: string;
  postgres: string;
  seconds: number;
}

const at = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

function reportYears(y: YearsResult, b: BurstResult | undefined): string[] {
  const [y1, y2] = y.years;
  const maxRun = Math.max(...y.runs.map((r) => r.events));
  const counted =
    y.years.length === 2 && y.years.every((x) => x.used === TICKETS_PER_YEAR && x.billable === 0) && y1.rolledOverToNext === 0;
  return [
    '### 1. History events per agreement year, 40 tickets reporting',
    '',
    `One agreement (\`supportAgreement\`, id \`contract-${YEARS_CONTRACT}\`, Infotecs \`basic\`, the catalog's \`agreements\` rules: 40 tickets a year, rollover, reminders 60/30/7 days before the end) started with \`client.workflow.start\`, its term from ${at(y.startsAt)} UTC for 3 years, so that year 1 ends at ${at(y.year2At)}, ${YEAR_1_LEFT_MS / 1000} s after the start, in real time. ` +
      `In year 1, ${TICKETS_PER_YEAR} \`ticketResolved\` signals (distinct tickets, resolved now, not billable), each sent once the previous one was counted (\`getAgreement\` query), so every report is its own workflow task: the most history a year can make; then year 2 opened by its timer (${(y.waitedForYear2Ms / 1000).toFixed(1)} s after the last report); then year 2's ${TICKETS_PER_YEAR} the same way. Per report, send → counted: p50 ${fmtMs(y.perReport.p50)}, p99 ${fmtMs(y.perReport.p99)}; part 1 took ${(y.wallMs / 1000).toFixed(1)} s.`,
    '',
    `State at the end: year 1 used ${y1.used}, billable ${y1.billable}, rolled over to next ${y1.rolledOverToNext ?? '—'}; year 2 used ${y2?.used ?? '—'}, billable ${y2?.billable ?? '—'} (expected 40, 0, 0 and 40, 0: ${counted ? 'yes' : '**no**'}).`,
    '',
    "Runs of the chain (read back from the latest run, `describe()`, through each first event's `continuedExecutionRunId`; the workflow continues as new once its history passes " +
      `${CONTINUE_AS_NEW_PAST} events, at the next turn of its loop):`,
    '',
    '| run | events | signals | ended by |',
    '| --- | --- | --- | --- |',
    ...y.runs.map((r, i) => `| ${i + 1} | ${r.events} | ${r.signals} | ${r.endedBy} |`),
    '',
    `**${y.runs.length} runs, the largest ${maxRun} events** (goal: every run ≤ ${RUN_GOAL}: ${maxRun <= RUN_GOAL ? 'met' : '**not met**'}); signals in the histories: ${y.runs.reduce((n, r) => n + r.signals, 0)} (sent: ${2 * TICKETS_PER_YEAR}).`,
    '',
    '| events attributable to | signals | history events |',
    '| --- | --- | --- |',
    `| year 1: the start, its ${TICKETS_PER_YEAR} reports and its year-end | ${y.year1.signals} | ${y.year1.events} (year-end: ${y.year1.yearEnd.length}) |`,
    `| year 2's ${TICKETS_PER_YEAR} reports | ${y.year2.signals} | ${y.year2.events} |`,
    '',
    `In time order across the chain: year 1 runs to the end of its year-end (the timer that fired at year 2's start, the workflow task it woke, what that task completed: the yearEnded/yearStarted write and the next timer); year 2 is everything after, up to its 40th report done. Year 1's year-end: ${y.year1.yearEnd.join(', ')}. ≈ ${(y.year2.events / TICKETS_PER_YEAR).toFixed(1)} events per report in year 2, by event type: ${y.year2.byType}. Workflow tasks failed in the chain: ${y.taskFailures || 'none'}.`,
    '',
    b
      ? `The same ${TICKETS_PER_YEAR} signals sent back to back to another agreement (\`BENCH-BURST\`), not waiting for any to be counted, so that some arrive while a run continues as new: ${b.used} counted in ${fmtMs(b.ms)}; runs of ${b.runs.map((r) => `${r.events} (${r.signals} signals, ${r.endedBy})`).join(', ')} events.`
      : 'The back-to-back signals did not complete (see the log).',
    '',
  ];
}

function reportOpenings(o: OpeningsResult): string[] {
  const ok = (list: Opening[]) => list.filter((r) => r.status === 201).map((r) => r.ms);
  const [a, b] = [stats(ok(o.agreement)), stats(ok(o.none))];
  const [wa, wn, ca, cn] = [o.workerAgreement.task, o.workerNone.task, o.workerAgreement.compute, o.workerNone.compute].map(stats);
  const row = (label: string, s: Stats) =>
    `| ${label} | ${s.n} | ${fmtMs(s.p50)} | ${fmtMs(s.p90)} | ${fmtMs(s.p99)} | ${fmtMs(s.max)} | ${fmtMs(s.mean)} |`;
  const decisions = (list: Opening[]) =>
    tally(
      list.map((r) =>
        r.status === 201 ? `${r.decision ?? 'no decision'}${r.contractId ? ` (${r.contractId})` : ''}` : `HTTP ${r.status}`,
      ),
    );
  const errors = [...o.agreement, ...o.none].filter((r) => r.status !== 201);
  return [
    '### 2. Opening latency added by the entitlement decision',
    '',
    `\`POST /v1/tickets\` with a staff (engineer) key, customer \`${OPEN_CUSTOMER}\`, Infotecs \`basic\`, severity major, incident via portal: ${o.agreement.length} openings naming \`contractId\` of the customer's agreement (its workflow running on the same dev server, its \`contracts\` row written by the workflow; the ticket's opening queries it live with \`entitlement\`), interleaved one for one (ABAB) with ${o.none.length} openings without a \`contractId\` (the baseline), after ${WARMUP_OPENINGS} warm-up openings. ` +
      'Latency = the HTTP request, as the client sees it: the contract checks, the start, and the API waiting (a query every 100 ms) until the ticket is opened. ' +
      "Worker side, from each ticket's history: the opening task = first WorkflowTaskStarted → the first persistTicketEvents marker (server times); computeTargets = its local activity scheduled → the next one scheduled (the worker's clock), which holds the entitlement decision.",
    '',
    '| | n | p50 | p90 | p99 | max | mean |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    row('**under the agreement: HTTP**', a),
    row('without a contract (baseline): HTTP', b),
    row('under the agreement: opening task', wa),
    row('without a contract: opening task', wn),
    row('under the agreement: computeTargets', ca),
    row('without a contract: computeTargets', cn),
    '',
    `Ratio to the baseline, HTTP: **p50 ${ratio(a.p50, b.p50)} (+${fmtMs(a.p50 - b.p50)}), p99 ${ratio(a.p99, b.p99)} (+${fmtMs(a.p99 - b.p99)})**; opening task p50 ${ratio(wa.p50, wn.p50)} (+${fmtMs(wa.p50 - wn.p50)}); computeTargets p50 ${ratio(ca.p50, cn.p50)} (+${fmtMs(ca.p50 - cn.p50)}).`,
    '',
    `Decisions: under the agreement ${decisions(o.agreement)}; without ${decisions(o.none)}. Openings whose first task was split by the API's query before the opening was persisted: ${o.workerAgreement.split} under the agreement, ${o.workerNone.split} without.` +
      (errors.length
        ? ` Errors: ${tally(
            errors.map((e) => `${e.status} ${e.error ?? ''}`.slice(0, 160)),
            '"',
          )}.`
        : ''),
    '',
  ];
}

function reportSection(y: YearsResult, b: BurstResult | undefined, o: OpeningsResult, meta: Meta): string {
  const cpu = os.cpus();
  return [
    '## bench/agreements — the contract workflow: history per agreement year, and what entitlement adds to an opening',
    '',
    `Command: \`${meta.command}\` · ${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpu[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'cpu'} × ${cpu.length} · ` +
      `Temporal CLI ${TEMPORAL_CLI_VERSION} dev server (SQLite file), both parts, in real time · ${meta.postgres} (embedded) · TZ=UTC · ${meta.git} · whole run ${(meta.seconds / 60).toFixed(1)} min`,
    '',
    'Worker: `createLifelineWorker` + `createActivities({ pool })` with the SDK defaults, in the bench process; the API (`createApp`) in the same process on 127.0.0.1; one shared 2-core machine, so the latency figures are noisy.',
    '',
    ...reportYears(y, b),
    ...reportOpenings(o),
  ].join('\n');
}

/** Replaces this bench's section of bench/RESULTS.md (up to the next `## `), or appends it. */
function writeSection(section: string): void {
  const file = path.join(__dirname, 'RESULTS.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n';
  const mine = /^## bench\/agreements[^\n]*\n(?:(?!## )[^\n]*\n?)*/m;
  const text = `${section.trimEnd()}\n`;
  writeFileSync(
    file,
    mine.test(previous) ? previous.replace(mine, (old) => (old.endsWith('\n\n') ? `${text}\n` : text)) : `${previous.trimEnd()}\n\n${text}`,
  );
}

// ---- Main -------------------------------------------------------------------------------------------

type Stops = Array<[string, () => Promise<unknown>]>;

/** PostgreSQL, the dev server, the worker and the API, each stop pushed as it starts. */
async function startAll(stops: Stops) {
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

  const port = await freePort();
  log(`starting the Temporal dev server on 127.0.0.1:${port}`);
  const dev = await startDevServer({ port, dbFilename: path.join(dir, 'temporal.sqlite'), namespace: NAMESPACE });
  stops.push(['dev server', () => dev.teardown()]);
  const worker = await createLifelineWorker({
    connection: dev.nativeConnection,
    namespace: NAMESPACE,
    taskQueue: TASK_QUEUE,
    activities: createActivities({ pool }),
  });
  const running = worker.run();
  running.catch((err: Error) => log(`worker failed: ${err.message}`));
  stops.push([
    'worker',
    async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    },
  ]);
  await until(
    'the worker running',
    async () => worker.getState(),
    (s) => s === 'RUNNING',
  );

  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(['API server', () => new Promise((resolve) => server.close(resolve))]);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const http = { publicBaseUrl: url, trustProxy: false as const, rateLimits: rateLimitsOff };
  server.on('request', createApp({ client: dev.client, pool, taskQueue: TASK_QUEUE, logger: createLogger('silent'), http }));
  return { client: dev.client, pool, url, postgres: `PostgreSQL ${postgres}` };
}

async function bench(stops: Stops, runStarted: number): Promise<void> {
  const gitAtStart = gitDescription();
  const { client, pool, url, postgres } = await startAll(stops);
  const years = await agreementYears(client, pool);
  log(`history: runs of ${years.runs.map((r) => r.events).join(', ')} events; year 1 ${years.year1.events}, year 2 ${years.year2.events}`);
  const bursted = await burst(client, pool).catch((err: Error) => {
    log(`back-to-back signals: ${err.message}`);
    return undefined;
  });
  if (bursted) log(`back to back: used ${bursted.used}, runs of ${bursted.runs.map((r) => r.events).join(', ')} events`);
  const { key } = await new ApiKeyStore(pool).create({ name: 'bench engineer', role: 'engineer' });
  const open = await openings(client, pool, url, key);
  const gitNow = gitDescription();
  const section = reportSection(years, bursted, open, {
    command: `${OPENINGS === FULL_OPENINGS ? '' : `BENCH_AGREEMENT_OPENINGS=${OPENINGS} `}npm run bench:agreements`,
    git: gitNow === gitAtStart ? gitAtStart : `${gitAtStart} at the start, ${gitNow} at the end (the code changed during the run)`,
    postgres,
    seconds: (performance.now() - runStarted) / 1000,
  });
  process.stdout.write(`${section}\n`);
  if (OPENINGS !== FULL_OPENINGS) {
    log(`not written to bench/RESULTS.md: BENCH_AGREEMENT_OPENINGS=${OPENINGS} is a quick run`);
    return;
  }
  writeSection(section);
  log('written to bench/RESULTS.md');
}

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
  const stops: Stops = [];
  let code = 0;
  try {
    await bench(stops, runStarted);
  } catch (err) {
    code = aborted || err instanceof Aborted ? 130 : 1;
    log(code === 130 ? 'interrupted; nothing written' : `failed: ${(err as Error).stack ?? String(err)}`);
  } finally {
    for (const [what, stop] of stops.reverse()) {
      await withTimeout(Promise.resolve().then(stop), 60_000, `stopping ${what}`).catch((err: Error) =>
        log(`while stopping ${what}: ${err.message}`),
      );
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
