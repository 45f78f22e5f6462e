/**
 * bench/breach-lag: how late a ticket's breach is persisted after its due instant (issue 14,
 * "Breach lag"), on the Temporal CLI dev server and real PostgreSQL, in real time.
 *
 * Breach lag = `ticket_events.recorded_at` of the ticket's `breached` row (PostgreSQL now() of the
 * persistence write) − the `dueAt` that row records. (The event's `occurred_at` is the due instant
 * itself by design, docs/policies.md "Due instant", so it cannot measure lag.)
 *   1. 100 Xecuritas Sev-1 tickets whose first response (a `policy_overrides` row: PT15S) falls due
 *      within 10 s (goal p99 ≤ 200 ms);
 *   2. 1,000 tickets due within the same minute (PT60S, opened over 40 s; goal p99 ≤ 1 s).
 * Baseline, in the same run, before each series and on the same schedule: a bare workflow
 * (bench/breach-lag-workflows.ts) that sleeps until the instant and runs one local activity asking
 * PostgreSQL for now(): lag = that now() − the instant.
 *
 *   npm run bench:breach-lag                                   (writes bench/RESULTS.md)
 *   BENCH_BREACH_LARGE=200 npm run bench:breach-lag            (quick run: prints, does not write)
 *   BENCH_BREACH_SMALL, BENCH_BREACH_SMALL_SPREAD_S, BENCH_BREACH_SMALL_BUDGET_S,
 *   BENCH_BREACH_LARGE, BENCH_BREACH_LARGE_SPREAD_S, BENCH_BREACH_LARGE_BUDGET_S  (sizes; issue's by default)
 *
 * Everything it starts (embedded PostgreSQL, the dev server on a free 127.0.0.1 port, the worker
 * in this process, a temporary directory) is stopped in a finally block, also on Ctrl-C.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { createActivities } from '../activities';
import { createPool, type Pool } from '../common/db';
import { migrate } from '../db/migrate';
import { startEmbeddedPostgres } from '../scripts/embedded-postgres';
import { freePort } from '../scripts/ports';
import { TEMPORAL_CLI_VERSION } from '../scripts/temporal-binaries';
import { startDevServer } from '../scripts/temporal-servers';
import { createLifelineWorker } from '../worker/worker';
import { delay, eachLimited, fmtMs, gitDescription, paced, ratio, runBench, type Stats, stats, type Stops, writeSection } from './harness';
import { breachTicketInput, firedTimer, setBudget, startTicket } from './breach-timing';

const NAMESPACE = 'default';
const TASK_QUEUE = 'bench-breach-lag';
const envInt = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const DEFAULTS = { smallN: 100, smallSpreadS: 10, smallBudgetS: 15, largeN: 1000, largeSpreadS: 40, largeBudgetS: 60 };
const SIZES = {
  smallN: envInt('BENCH_BREACH_SMALL', DEFAULTS.smallN),
  smallSpreadS: envInt('BENCH_BREACH_SMALL_SPREAD_S', DEFAULTS.smallSpreadS),
  smallBudgetS: envInt('BENCH_BREACH_SMALL_BUDGET_S', DEFAULTS.smallBudgetS),
  largeN: envInt('BENCH_BREACH_LARGE', DEFAULTS.largeN),
  largeSpreadS: envInt('BENCH_BREACH_LARGE_SPREAD_S', DEFAULTS.largeSpreadS),
  largeBudgetS: envInt('BENCH_BREACH_LARGE_BUDGET_S', DEFAULTS.largeBudgetS),
};
const FULL = (Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>).every((k) => SIZES[k] === DEFAULTS[k]);
const GOALS = { small: 200, large: 1000 };
/** Bounds: every wait ends by count or by one of these. */
const SETTLE_LIMIT_MS = 120_000;
const RUN_LIMIT_MS = 20 * 60_000;
const HISTORY_READERS = 8;

const log = (m: string) => process.stderr.write(`[bench:breach-lag] ${m}\n`);

// ---- Small helpers --------------------------------------------------------------------------------

// ---- The series -------------------------------------------------------------------------------------

interface SeriesResult {
  label: string;
  count: number;
  spreadS: number;
  budgetS: number;
  tickets: Stats;
  ticketArm: Stats;
  ticketServer: Stats;
  ticketWorker: Stats;
  ticketDispatch: Stats;
  ticketActivation: Stats;
  ticketActivity: Stats;
  persisted: number;
  baseline: Stats;
  baselineArm: Stats;
  baselineServer: Stats;
  baselineWorker: Stats;
  dueSpreadS: number;
  warnings: number;
  goalMs: number;
}

let ticketSerial = 0;
const nextTicketId = () => `TKT-BE${(++ticketSerial).toString(16).toUpperCase().padStart(14, '0')}`;

/** The bare timers on the series' schedule: each one's instant, when its row was written, and its timer's history. */
async function baselineSeries(client: Client, pool: Pool, label: string, count: number, everyMs: number, budgetS: number) {
  log(`${label}: ${count} bare timers ${everyMs.toFixed(0)} ms apart, ${budgetS} s after each start (baseline)`);
  const instants: number[] = [];
  const timers = await paced(count, everyMs, (i) => {
    instants[i] = Date.now() + budgetS * 1000;
    return client.workflow.start('benchBreachTimer', {
      taskQueue: TASK_QUEUE,
      workflowId: `bench-breach-timer-${label}-${i}`,
      args: [instants[i]],
    });
  });
  // Observed as the tickets are: rows in PostgreSQL, polled (not 1,000 result() long-polls on the server).
  const baseIds = timers.map((h) => h.workflowId);
  const baseRows = async () =>
    (
      await pool.query<{ workflow_id: string; recorded_at: Date }>(
        'SELECT workflow_id, recorded_at FROM bench_breach_timer WHERE workflow_id = ANY($1)',
        [baseIds],
      )
    ).rows;
  const baseDeadline = Date.now() + budgetS * 1000 + SETTLE_LIMIT_MS;
  let written = await baseRows();
  while (written.length < count && Date.now() < baseDeadline) {
    await delay(500);
    written = await baseRows();
  }
  if (written.length < count) log(`${label}: only ${written.length} of ${count} bare timers wrote in time`);
  const writtenAt = new Map(written.map((r) => [r.workflow_id, r.recorded_at.getTime()]));
  const ran = baseIds.map((id) => writtenAt.get(id) ?? NaN);
  const baseParts = await eachLimited(timers, HISTORY_READERS, async (h) => firedTimer((await h.fetchHistory()).events ?? [], () => true));
  return { instants, ran, baseParts };
}

async function series(
  client: Client,
  pool: Pool,
  label: string,
  count: number,
  spreadS: number,
  budgetS: number,
  goalMs: number,
): Promise<SeriesResult> {
  const everyMs = (spreadS * 1000) / count;
  // Baseline first: the same schedule, bare timers.
  const { instants, ran, baseParts } = await baselineSeries(client, pool, label, count, everyMs, budgetS);

  log(`${label}: ${count} Xecuritas Sev-1 tickets ${everyMs.toFixed(0)} ms apart, first response PT${budgetS}S`);
  await setBudget(pool, budgetS, 'bench:breach-lag');
  const ids = Array.from({ length: count }, nextTicketId);
  const handles = await paced(count, everyMs, (i) => startTicket(client, TASK_QUEUE, breachTicketInput(ids[i])));
  const breachedRows = async () =>
    (
      await pool.query<{ ticket_id: string; due_at: string; recorded_at: Date }>(
        `SELECT ticket_id, data->>'dueAt' AS due_at, recorded_at FROM ticket_events
          WHERE ticket_id = ANY($1) AND type = 'breached' AND data->>'kind' = 'firstResponse'`,
        [ids],
      )
    ).rows;
  const deadline = Date.now() + budgetS * 1000 + SETTLE_LIMIT_MS;
  let rows = await breachedRows();
  while (rows.length < count && Date.now() < deadline) {
    await delay(500);
    rows = await breachedRows();
  }
  if (rows.length < count) log(`${label}: only ${rows.length} of ${count} breaches persisted in time`);
  const byId = new Map(rows.map((r) => [r.ticket_id, r]));
  const ticketParts = await eachLimited(handles, HISTORY_READERS, async (h) => {
    const t = firedTimer((await h.fetchHistory()).events ?? [], (s) => Boolean(s?.startsWith('firstResponse due')));
    return { t, row: byId.get(h.workflowId.replace(/^ticket-/, '')) };
  });
  const dues = rows.map((r) => Date.parse(r.due_at));
  const warnings = Number(
    (await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ticket_events WHERE ticket_id = ANY($1) AND type = 'warning'`, [ids]))
      .rows[0].n,
  );
  const tp = ticketParts.filter((p) => p.t && p.row) as Array<{ t: NonNullable<(typeof ticketParts)[0]['t']>; row: (typeof rows)[0] }>;
  const bp = baseParts.map((t, i) => ({ t, at: instants[i], ran: ran[i] })).filter((p) => p.t && Number.isFinite(p.ran)) as Array<{
    t: NonNullable<(typeof baseParts)[0]>;
    at: number;
    ran: number;
  }>;
  return {
    label,
    count,
    spreadS,
    budgetS,
    tickets: stats(rows.map((r) => r.recorded_at.getTime() - Date.parse(r.due_at))),
    ticketArm: stats(tp.map((p) => p.t.scheduledAt - Date.parse(p.row.due_at))),
    ticketServer: stats(tp.map((p) => p.t.firedAt - p.t.scheduledAt)),
    ticketWorker: stats(tp.map((p) => p.row.recorded_at.getTime() - p.t.firedAt)),
    ticketDispatch: stats(tp.filter((p) => p.t.taskStartedAt).map((p) => p.t.taskStartedAt! - p.t.firedAt)),
    ticketActivation: stats(
      tp.filter((p) => p.t.taskStartedAt && p.t.activityScheduledAt).map((p) => p.t.activityScheduledAt! - p.t.taskStartedAt!),
    ),
    ticketActivity: stats(tp.filter((p) => p.t.activityScheduledAt).map((p) => p.row.recorded_at.getTime() - p.t.activityScheduledAt!)),
    persisted: rows.length,
    baseline: stats(ran.map((r, i) => r - instants[i])),
    baselineArm: stats(bp.map((p) => p.t.scheduledAt - p.at)),
    baselineServer: stats(bp.map((p) => p.t.firedAt - p.t.scheduledAt)),
    baselineWorker: stats(bp.map((p) => p.ran - p.t.firedAt)),
    dueSpreadS: dues.length ? (Math.max(...dues) - Math.min(...dues)) / 1000 : NaN,
    warnings,
    goalMs,
  };
}

// ---- Report -----------------------------------------------------------------------------------------

function reportSeries(s: SeriesResult, n: number): string[] {
  const row = (label: string, x: Stats) =>
    `| ${label} | ${x.n} | ${fmtMs(x.p50)} | ${fmtMs(x.p90)} | ${fmtMs(x.p99)} | ${fmtMs(x.max)} | ${fmtMs(x.mean)} |`;
  const met = s.tickets.p99 <= s.goalMs && s.persisted === s.count;
  return [
    `### ${n}. ${s.count} tickets due within ${s.spreadS} s (first response PT${s.budgetS}S)`,
    '',
    `${s.count} Xecuritas Standard Sev-1 tickets (always-open calendar, email, no contact) started with \`client.workflow.start\` as \`POST /v1/tickets\` starts them, ${((s.spreadS * 1000) / s.count).toFixed(0)} ms apart, their first response shortened to \`PT${s.budgetS}S\` by a \`policy_overrides\` row (warning at the policy's default share of the budget: ${s.warnings} warnings persisted); the due instants spread over ${s.dueSpreadS.toFixed(1)} s. ` +
      `Baseline, just before, on the same schedule: ${s.baseline.n} \`benchBreachTimer\` workflows sleeping until an instant ${s.budgetS} s after their start, then one local activity inserting a row (its \`recorded_at\` = PostgreSQL \`now()\`), polled from PostgreSQL as the tickets' rows are.`,
    '',
    '| | n | p50 | p90 | p99 | max | mean |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    row('**ticket: dueAt → `breached` row recorded_at**', s.tickets),
    row('ticket: arming (timer start + its duration − dueAt)', s.ticketArm),
    row('ticket: server (TimerFired − the instant it was asked for)', s.ticketServer),
    row('ticket: worker (breached row − TimerFired)', s.ticketWorker),
    row('… dispatch (TimerFired → a worker starts the task)', s.ticketDispatch),
    row('… activation (task started → persistence activity scheduled)', s.ticketActivation),
    row('… write (activity scheduled → its transaction began)', s.ticketActivity),
    row("**bare timer (baseline): instant → its row's recorded_at**", s.baseline),
    row('bare timer: arming', s.baselineArm),
    row('bare timer: server', s.baselineServer),
    row('bare timer: worker (row − TimerFired)', s.baselineWorker),
    '',
    `Breaches persisted: ${s.persisted} / ${s.count}. p99 **${fmtMs(s.tickets.p99)}** (goal ≤ ${fmtMs(s.goalMs)}: ${met ? 'met' : '**not met**'}); ` +
      `${ratio(s.tickets.p99, s.baseline.p99)} the bare timer's p99 (${fmtMs(s.baseline.p99)}), p50 ${ratio(s.tickets.p50, s.baseline.p50)} (${fmtMs(s.tickets.p50)} vs ${fmtMs(s.baseline.p50)}).`,
    '',
  ];
}

function reportSection(
  results: SeriesResult[],
  meta: { command: string; git: string; postgres: string; seconds: number; load: string },
): string {
  const cpu = os.cpus();
  return [
    '## bench/breach-lag — how late a breach is persisted after its due instant',
    '',
    `Command: \`${meta.command}\` · ${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpu[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'cpu'} × ${cpu.length} · ` +
      `Temporal CLI ${TEMPORAL_CLI_VERSION} dev server (SQLite file) · ${meta.postgres} (embedded) · TZ=UTC · ${meta.git} · whole run ${(meta.seconds / 60).toFixed(1)} min · ${meta.load}`,
    '',
    "Breach lag = `ticket_events.recorded_at` of the ticket's `breached` row (PostgreSQL `now()` of the persistence write) − the `dueAt` it records. " +
      'The row\'s `occurred_at` is the due instant itself by design (docs/policies.md "Due instant"), so it is not used. ' +
      'Worker: `createLifelineWorker` + `createActivities({ pool })` with the SDK defaults, in the bench process (bundle: bench/breach-lag-workflows.ts = workflows/ plus the baseline); one shared 2-core machine, so the figures are noisy. ' +
      'Arming/server/worker come from each history: the timer the workflow started (its start + duration), its TimerFired, and the row.',
    '',
    ...results.flatMap((r, i) => reportSeries(r, i + 1)),
  ].join('\n');
}

/** Replaces this bench's section of bench/RESULTS.md (up to the next `## `), or appends it. */
// ---- Main -------------------------------------------------------------------------------------------

async function startAll(stops: Stops) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lifeline-bench-breach-'));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as `postgres`, which must reach its data directory
  stops.push(['temporary directory', () => rm(dir, { recursive: true, force: true })]);
  log('starting embedded PostgreSQL');
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pgdata') });
  stops.push(['PostgreSQL', () => pg.stop()]);
  const pool = createPool(pg.url, { max: 10 });
  stops.push(['PostgreSQL pool', () => pool.end()]);
  await migrate(pool);
  // The baseline's own table, in this throwaway database only.
  await pool.query(
    'CREATE TABLE bench_breach_timer (workflow_id text PRIMARY KEY, instant timestamptz NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())',
  );
  const postgres = (await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
  const port = await freePort();
  log(`starting the Temporal dev server on 127.0.0.1:${port}`);
  const dev = await startDevServer({ port, dbFilename: path.join(dir, 'temporal.sqlite'), namespace: NAMESPACE });
  stops.push(['dev server', () => dev.teardown()]);
  const worker = await createLifelineWorker({
    connection: dev.nativeConnection,
    namespace: NAMESPACE,
    taskQueue: TASK_QUEUE,
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
  running.catch((err: Error) => log(`worker failed: ${err.message}`));
  stops.push([
    'worker',
    async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running.catch(() => undefined);
    },
  ]);
  return { client: dev.client, pool, postgres: `PostgreSQL ${postgres}` };
}

async function bench(stops: Stops, runStarted: number): Promise<void> {
  const gitAtStart = gitDescription(['workflows', 'activities', 'policies', 'common', 'worker', 'api']);
  const loadAtStart = os.loadavg()[0];
  const { client, pool, postgres } = await startAll(stops);
  // Warm-up (not counted): the bundle's first workflows, the first connections, the calendar.
  await setBudget(pool, 2, 'bench:breach-lag');
  await Promise.all(Array.from({ length: 5 }, () => startTicket(client, TASK_QUEUE, breachTicketInput(nextTicketId()))));
  await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      client.workflow.execute('benchBreachTimer', {
        taskQueue: TASK_QUEUE,
        workflowId: `bench-breach-warm-${i}`,
        args: [Date.now() + 2000],
      }),
    ),
  );
  await delay(3000);
  const results = [
    await series(client, pool, 'small', SIZES.smallN, SIZES.smallSpreadS, SIZES.smallBudgetS, GOALS.small),
    await series(client, pool, 'large', SIZES.largeN, SIZES.largeSpreadS, SIZES.largeBudgetS, GOALS.large),
  ];
  for (const r of results) {
    log(
      `${r.label}: ticket p50 ${fmtMs(r.tickets.p50)} p99 ${fmtMs(r.tickets.p99)}; bare timer p50 ${fmtMs(r.baseline.p50)} p99 ${fmtMs(r.baseline.p99)}`,
    );
  }
  const gitNow = gitDescription(['workflows', 'activities', 'policies', 'common', 'worker', 'api']);
  const envPart = (Object.keys(DEFAULTS) as Array<keyof typeof DEFAULTS>)
    .filter((k) => SIZES[k] !== DEFAULTS[k])
    .map((k) => `${k}=${SIZES[k]}`)
    .join(' ');
  const section = reportSection(results, {
    command: `${envPart ? `(${envPart}) ` : ''}npm run bench:breach-lag`,
    git: gitNow === gitAtStart ? gitAtStart : `${gitAtStart} at the start, ${gitNow} at the end (the code changed during the run)`,
    postgres,
    seconds: (performance.now() - runStarted) / 1000,
    load: `load average (1 min) ${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end (other sessions share the machine)`,
  });
  process.stdout.write(`${section}\n`);
  if (!FULL) {
    log("not written to bench/RESULTS.md: a quick run (sizes other than the issue's)");
    return;
  }
  writeSection('breach-lag', section);
  log('written to bench/RESULTS.md');
}

/** Why the sizes cannot run, if they cannot. */
function invalidSizes(): string | undefined {
  for (const [k, v] of Object.entries(SIZES)) {
    if (!Number.isInteger(v) || v < 1 || v > 10_000) return `${k} must be a whole number from 1 to 10000 (got ${v})`;
  }
  return undefined;
}

runBench({ log, runLimitMs: RUN_LIMIT_MS, invalid: invalidSizes, bench });
