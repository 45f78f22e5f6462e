/**
 * bench/lifecycle: the product-version lifecycle workflow (workflows/lifecycle/workflow.ts) on the
 * time-skipping test server, real PostgreSQL and Lifeline's worker, against the issue's goals:
 *   1. wall time of the seven-year scenario of test/workflow/lifecycle.test.ts (register, pilot, GA,
 *      EOS notice, EOS, EOMS notice, next major announced half-way with its changed notice, EOMS,
 *      EOL notice, EOL) and simulated days per wall second (goal: seven years in under 20 s), beside
 *      a baseline workflow that sleeps to the same instants and answers the same Updates, driven by
 *      the same steps in the same run;
 *   2. history events per run (goal: bounded by continue-as-new, ≤ 200 per run): the seven-year
 *      scenario, and a minor release recorded every month from GA until End of Life.
 *
 *   npm run bench:lifecycle                       (writes bench/RESULTS.md)
 *   BENCH_LIFECYCLE_RUNS=1 npm run bench:lifecycle (quick run: prints, does not write)
 *
 * Everything it starts (embedded PostgreSQL, the test server, the worker) is stopped in a finally block.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createActivities } from '../activities';
import { createPool } from '../common/db';
import { migrate } from '../db/migrate';
import { addMonths, formatDate, parseDate } from '../policies/dates';
import { localDateOf, localToUtc } from '../policies/zone';
import { startEmbeddedPostgres } from '../scripts/embedded-postgres';
import { TEST_SERVER_VERSION } from '../scripts/temporal-binaries';
import { startTimeSkippingEnvironment } from '../scripts/temporal-servers';
import { createLifelineWorker } from '../worker/worker';
import {
  announceNextMajorUpdate,
  getLifecycleQuery,
  LIFECYCLE_WORKFLOW,
  lifecycleWorkflowId,
  recordMinorReleaseUpdate,
  requestPilotUpdate,
  type LifecycleState,
  type StartLifecycleInput,
} from '../workflows/lifecycle/contract';

const RUNS = Number(process.env.BENCH_LIFECYCLE_RUNS ?? 5);
const FULL_RUNS = 5;
const ZONE = 'Europe/Moscow';
const DAY = 86_400_000;
const TASK_QUEUE = 'bench-lifecycle';
const manager = { kind: 'manager' as const, id: 'bench' };

const log = (m: string) => process.stderr.write(`[bench:lifecycle] ${m}\n`);
const plus = (date: string, months: number) => formatDate(addMonths(parseDate(date), months));
const startOf = (date: string) => localToUtc(ZONE, parseDate(date), 0);
const startOfNext = (date: string) => startOf(date) + DAY;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function skipTo(env: TestWorkflowEnvironment, at: number): Promise<void> {
  const now = await env.currentTimeMs();
  if (at > now) await env.sleep(at - now);
}

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error('the workflow did not get there within 60 s');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The seven-year scenario's instants, from a GA three months after the server's today. */
async function scenario(env: TestWorkflowEnvironment) {
  const today = localDateOf(ZONE, await env.currentTimeMs());
  const ga = formatDate({ ...addMonths(today, 3), day: 15 });
  return {
    ga,
    eos: plus(ga, 30),
    steps: {
      ga: startOf(ga),
      eosNotice: startOf(plus(ga, 24)),
      eos: startOfNext(plus(ga, 30)),
      announce: startOf(plus(ga, 44)) + 3_600_000,
      eoms: startOfNext(plus(ga, 70)),
      eol: startOfNext(plus(ga, 82)),
    },
    // Every timer the lifecycle arms, for the baseline: GA, the advance notices (EOMS's twice), EOS, EOMS, EOL.
    instants: [
      startOf(ga),
      startOf(plus(ga, 24)),
      startOfNext(plus(ga, 30)),
      startOf(plus(ga, 42)),
      startOf(plus(ga, 64)),
      startOfNext(plus(ga, 70)),
      startOf(plus(ga, 76)),
      startOfNext(plus(ga, 82)),
    ],
  };
}

async function historyOfRuns(env: TestWorkflowEnvironment, workflowId: string, firstRunId: string): Promise<number[]> {
  const sizes: number[] = [];
  let runId: string | undefined = firstRunId;
  while (runId) {
    const history: {
      events?: Array<{ workflowExecutionContinuedAsNewEventAttributes?: { newExecutionRunId?: string | null } | null }> | null;
    } = await env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    const events = history.events ?? [];
    sizes.push(events.length);
    runId = events.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
  }
  return sizes;
}

interface RunResult {
  wallMs: number;
  simulatedDays: number;
  events: number[];
}

async function lifecycleRun(env: TestWorkflowEnvironment, i: number): Promise<RunResult> {
  const s = await scenario(env);
  const t0 = await env.currentTimeMs();
  const started = performance.now();
  const input: StartLifecycleInput = {
    product: `bench-${i}`,
    productName: `Bench ${i}`,
    policyId: 'infotecs',
    major: '4',
    zone: ZONE,
    ga: s.ga,
    eos: s.eos,
    by: manager,
  };
  const handle = await env.client.workflow.start(LIFECYCLE_WORKFLOW, {
    taskQueue: TASK_QUEUE,
    workflowId: lifecycleWorkflowId(input.product, '4'),
    args: [input],
  });
  const q = () => handle.query(getLifecycleQuery);
  await until(q, (x) => x.seq >= 1);
  await handle.executeUpdate(requestPilotUpdate, { args: [{ by: manager, customerId: 'acme' }] });
  await skipTo(env, s.steps.ga);
  await until(q, (x) => x.phase === 'mainstream');
  await skipTo(env, s.steps.eosNotice);
  await until(q, (x) => x.notices[0].sentAt !== undefined);
  await skipTo(env, s.steps.eos);
  await until(q, (x) => !x.onSale);
  await skipTo(env, s.steps.announce);
  await until(q, (x) => x.notices[1].sentAt !== undefined);
  await handle.executeUpdate(announceNextMajorUpdate, { args: [{ by: manager, version: '5', ga: plus(s.ga, 46) }] });
  await skipTo(env, s.steps.eoms);
  await until(q, (x) => x.phase === 'extended');
  const final = (await handle.result()) as LifecycleState;
  const wallMs = performance.now() - started;
  if (final.phase !== 'endOfLife' || final.notices.filter((n) => n.sentAt).length !== 5)
    throw new Error(`unexpected end: ${JSON.stringify(final)}`);
  return {
    wallMs,
    simulatedDays: (Date.parse(final.updatedAt) - t0) / DAY,
    events: await historyOfRuns(env, handle.workflowId, handle.firstExecutionRunId),
  };
}

async function baselineRun(env: TestWorkflowEnvironment, i: number): Promise<RunResult> {
  const s = await scenario(env);
  const t0 = await env.currentTimeMs();
  const started = performance.now();
  const handle = await env.client.workflow.start('benchLifecycleBaseline', {
    taskQueue: TASK_QUEUE,
    workflowId: `bench-baseline-${i}`,
    args: [s.instants],
  });
  await handle.executeUpdate('poke', { args: [1] });
  for (const at of [s.steps.ga, s.steps.eosNotice, s.steps.eos, s.steps.announce]) await skipTo(env, at);
  await handle.executeUpdate('poke', { args: [1] });
  await skipTo(env, s.steps.eoms);
  await handle.result();
  const wallMs = performance.now() - started;
  return {
    wallMs,
    simulatedDays: ((await env.currentTimeMs()) - t0) / DAY,
    events: await historyOfRuns(env, handle.workflowId, handle.firstExecutionRunId),
  };
}

/** Seven years with a minor release every month: how many runs, and the largest. */
async function monthlyMinorsRun(env: TestWorkflowEnvironment): Promise<{ runs: number[]; updates: number; wallMs: number }> {
  const s = await scenario(env);
  const started = performance.now();
  const input: StartLifecycleInput = {
    product: 'bench-minors',
    productName: 'Bench minors',
    policyId: 'infotecs',
    major: '4',
    zone: ZONE,
    ga: s.ga,
    eos: s.eos,
    by: manager,
  };
  const handle = await env.client.workflow.start(LIFECYCLE_WORKFLOW, {
    taskQueue: TASK_QUEUE,
    workflowId: lifecycleWorkflowId(input.product, '4'),
    args: [input],
  });
  let updates = 0;
  for (let m = 0; m < 84; m += 1) {
    await skipTo(env, startOf(plus(s.ga, m)) + 12 * 3_600_000);
    const state = await handle.query(getLifecycleQuery);
    if (state.phase === 'endOfLife') break;
    await handle.executeUpdate(recordMinorReleaseUpdate, {
      args: [{ by: manager, version: `4.${m}`, kind: m % 3 === 0 ? 'stable' : 'regular', releasedOn: plus(s.ga, m) }],
    });
    updates += 1;
  }
  await handle.result();
  return { runs: await historyOfRuns(env, handle.workflowId, handle.firstExecutionRunId), updates, wallMs: performance.now() - started };
}

function gitDescription(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: __dirname, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'workflows', 'activities', 'policies'], {
      cwd: path.join(__dirname, '..'),
      encoding: 'utf8',
    }).trim();
    return dirty ? `commit ${head} plus uncommitted changes` : `commit ${head}`;
  } catch {
    return 'unknown commit';
  }
}

function writeSection(section: string): void {
  const file = path.join(__dirname, 'RESULTS.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n\n';
  const start = previous.indexOf('## bench/lifecycle');
  const next = start >= 0 ? previous.indexOf('\n## ', start + 3) : -1;
  const updated =
    start >= 0
      ? previous.slice(0, start) + section + (next >= 0 ? previous.slice(next + 1) : '')
      : previous.replace(/\n*$/, '\n\n') + section;
  writeFileSync(file, updated);
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lifeline-bench-lifecycle-'));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as `postgres`, which must reach its data directory
  const stops: Array<[string, () => Promise<unknown>]> = [];
  try {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pgdata') });
    stops.push(['PostgreSQL', () => pg.stop()]);
    const pool = createPool(pg.url, { max: 5 });
    stops.push(['PostgreSQL pool', () => pool.end()]);
    await migrate(pool);
    await pool.query(`INSERT INTO licences (licence_id, customer_id, product, version, contact_email)
                      SELECT 'L-' || g, 'customer-' || g, 'bench-' || g, '4', 'ops' || g || '@customers.example' FROM generate_series(0, 20) g`);
    const env = await startTimeSkippingEnvironment();
    stops.push(['test server', () => env.teardown()]);
    const worker = await createLifelineWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue: TASK_QUEUE,
      workflowsPath: require.resolve('./lifecycle-workflows'),
      activities: createActivities({ pool }),
    });
    const running = worker.run();
    stops.push([
      'worker',
      async () => {
        worker.shutdown();
        await running;
      },
    ]);

    const lifecycle: RunResult[] = [];
    const baseline: RunResult[] = [];
    // Alternate, so drift on the shared machine touches both alike; run 0 warms the bundle and connections.
    for (let i = 0; i <= RUNS; i += 1) {
      const b = await baselineRun(env, i);
      const l = await lifecycleRun(env, i);
      log(
        `run ${i}${i === 0 ? ' (warm-up, not counted)' : ''}: lifecycle ${(l.wallMs / 1000).toFixed(2)} s for ${l.simulatedDays.toFixed(0)} days (${l.events.join('+')} events); baseline ${(b.wallMs / 1000).toFixed(2)} s (${b.events.join('+')} events)`,
      );
      if (i > 0) {
        lifecycle.push(l);
        baseline.push(b);
      }
    }
    const minors = await monthlyMinorsRun(env);
    log(`monthly minors: ${minors.updates} updates, runs of ${minors.runs.join(', ')} events, ${(minors.wallMs / 1000).toFixed(1)} s`);

    const lw = median(lifecycle.map((r) => r.wallMs));
    const bw = median(baseline.map((r) => r.wallMs));
    const days = median(lifecycle.map((r) => r.simulatedDays));
    const cpu = os.cpus();
    const section = [
      '## bench/lifecycle — the product-version lifecycle on the time-skipping test server',
      '',
      `Command: \`npm run bench:lifecycle\` · ${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpu[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'cpu'} × ${cpu.length} · Temporal test server ${TEST_SERVER_VERSION} (time skipping) · PostgreSQL (embedded) · ${gitDescription()}`,
      '',
      `The seven-year scenario of test/workflow/lifecycle.test.ts (Infotecs, GA three months ahead, EOS at GA + 30 months, a pilot, the next major announced at GA + 44 months; 5 notices (the EOMS notice again six months before its new date), 4 phase changes, 2 Updates), ${RUNS} runs after a warm-up, alternating with the baseline: a workflow that sleeps to the same 8 instants and answers the same 2 Updates without work, driven by the same steps. Wall time from the start call to the result.`,
      '',
      '| | median wall time | simulated days | simulated days per wall second | history events per run |',
      '| --- | --- | --- | --- | --- |',
      `| lifecycle | ${(lw / 1000).toFixed(2)} s (${(lw / bw).toFixed(2)}× baseline) | ${days.toFixed(0)} (${(days / 365.25).toFixed(1)} years) | ${(days / (lw / 1000)).toFixed(0)} | ${[...new Set(lifecycle.map((r) => r.events.join('+')))].join(' / ')} |`,
      `| baseline (bare timers) | ${(bw / 1000).toFixed(2)} s (1×) | ${median(baseline.map((r) => r.simulatedDays)).toFixed(0)} | ${(median(baseline.map((r) => r.simulatedDays)) / (bw / 1000)).toFixed(0)} | ${[...new Set(baseline.map((r) => r.events.join('+')))].join(' / ')} |`,
      '',
      `Goal: seven years in under 20 s — **${(lw / 1000).toFixed(2)} s** (${lw < 20_000 ? 'met' : 'not met'}). Every run: ${lifecycle.map((r) => `${(r.wallMs / 1000).toFixed(2)} s`).join(', ')}.`,
      '',
      `History per run: the seven-year scenario stays in one run of ${lifecycle[0].events.join('+')} events; a minor release recorded every month from GA to End of Life (GA + 5 years: ${minors.updates} Updates, ${(minors.wallMs / 1000).toFixed(1)} s) continued as new into ${minors.runs.length} runs of ${minors.runs.join(', ')} events (goal ≤ 200 per run: ${Math.max(...minors.runs, ...lifecycle.flatMap((r) => r.events)) <= 200 ? 'met' : 'not met'}). A run continues as new past 120 events, at the next quiet point.`,
      '',
      '',
    ].join('\n');
    process.stdout.write(`${section}\n`);
    if (RUNS >= FULL_RUNS) {
      writeSection(section);
      log('written to bench/RESULTS.md');
    } else {
      log(`not written to bench/RESULTS.md: BENCH_LIFECYCLE_RUNS=${RUNS} is a quick run`);
    }
  } finally {
    for (const [name, stop] of stops.reverse()) {
      await stop().catch((err: Error) => log(`stopping ${name}: ${err.message}`));
    }
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exitCode = 1;
});
