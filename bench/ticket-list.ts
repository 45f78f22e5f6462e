/**
 * bench/ticket-list: `GET /v1/tickets` over a read model of 100,000 tickets (issue 14, "List
 * queries": p99 < 50 ms for each filter and for a deep cursor page).
 *
 * The `tickets` table is filled directly with SQL (generate_series: 2,000 customers with a skewed
 * spread, the four catalog policies with their own plans and severities, statuses and breaches as an
 * aged helpdesk has them, opened over three years), VACUUM ANALYZEd, then the real API (`createApp`
 * with a pool, on 127.0.0.1, an engineer key) is asked each filter of TicketListQuerySchema over HTTP,
 * one request at a time, after a warm-up. Baseline in the same run: a page that matches nothing
 * through an index (`customerId` of no customer), i.e. the HTTP, auth and JSON cost of the route.
 * Each filter's SQL is captured from api/read-models/tickets.ts itself and run again with
 * EXPLAIN (ANALYZE, BUFFERS) for the plan.
 *
 *   npm run bench:ticket-list                                        (writes bench/RESULTS.md)
 *   BENCH_LIST_TICKETS=20000 BENCH_LIST_REQUESTS=50 npm run bench:ticket-list   (quick run: prints only)
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
import { listTickets, type TicketFilter } from '../api/read-models/tickets';
import { decodeTicketCursor } from '../api/schemas';
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
const FULL_REQUESTS = 200;
const TICKETS = Number(process.env.BENCH_LIST_TICKETS ?? FULL_TICKETS);
const REQUESTS = Number(process.env.BENCH_LIST_REQUESTS ?? FULL_REQUESTS);
const WARMUP = 20;
const GOAL_P99_MS = 50;
const CUSTOMERS = 2_000;
const NAMESPACE = 'default';
const RUN_LIMIT_MS = 15 * 60_000;
const REQUEST_LIMIT_MS = 10_000;

const log = (m: string) => process.stderr.write(`[bench:ticket-list] ${m}\n`);

// ---- Small helpers --------------------------------------------------------------------------------

// ---- The read model -------------------------------------------------------------------------------

/**
 * 100,000 rows as an aged helpdesk has them. Customer k of 2,000 is drawn as floor(2000·u²), so the
 * largest customer has ~2 % of the tickets and the smallest a handful; policies isode 40 %, infotecs
 * 25 %, ispsystem 20 %, xecuritas 15 %, each with its own plans and severities (the most severe
 * ~10 %); opened uniformly over the last three years; closed 75 %, resolved 5 %, rejected 2 %, the
 * rest open, waiting on the customer, forwarded or relieved (mostly among the newest); breached 8 %
 * of the closed and 20 % of the others; a next deadline only on the unfinished ones.
 */
async function fill(pool: Pool, n: number): Promise<void> {
  await pool.query(
    `WITH g AS (
       SELECT i, random() AS u_cust, random() AS u_pol, random() AS u_sev, random() AS u_stat, random() AS u_br, random() AS u_due,
              now() - (random() * interval '1095 days') AS opened
         FROM generate_series(1, $1::int) AS i
     ), p AS (
       SELECT g.*,
              CASE WHEN u_pol < 0.40 THEN 'isode' WHEN u_pol < 0.65 THEN 'infotecs' WHEN u_pol < 0.85 THEN 'ispsystem' ELSE 'xecuritas' END AS policy,
              -- Unfinished tickets are mostly recent: the older the ticket, the likelier it is closed.
              CASE WHEN u_stat < 0.75 + 0.2 * extract(epoch FROM now() - opened) / (1095 * 86400) THEN 'closed'
                   WHEN u_stat < 0.96 THEN (ARRAY['resolved', 'resolved', 'rejected'])[1 + floor(random() * 3)::int]
                   ELSE (ARRAY['open', 'open', 'open', 'waitingOnCustomer', 'forwarded', 'relieved'])[1 + floor(random() * 6)::int] END AS status
         FROM g
     )
     INSERT INTO tickets (ticket_id, workflow_id, customer_id, policy_id, plan, severity, status, type, title, product,
                          opened_at, closed_at, last_seq, snapshot, contract_id, assignee_id, next_due_at, breached)
     SELECT 'TKT-' || upper(lpad(to_hex(i), 16, '0')),
            'ticket-TKT-' || upper(lpad(to_hex(i), 16, '0')),
            'cust-' || floor($2::int * u_cust * u_cust)::int,
            policy,
            CASE policy WHEN 'isode' THEN (ARRAY['bronze', 'silver', 'gold'])[1 + (i % 3)]
                        WHEN 'infotecs' THEN (ARRAY['basic', 'premium'])[1 + (i % 2)]
                        WHEN 'ispsystem' THEN (ARRAY['standard', 'privilege'])[1 + (i % 2)]
                        ELSE 'standard' END,
            CASE policy WHEN 'isode' THEN CASE WHEN u_sev < 0.1 THEN 'p1' WHEN u_sev < 0.35 THEN 'p2' WHEN u_sev < 0.75 THEN 'p3' ELSE 'p4' END
                        WHEN 'infotecs' THEN CASE WHEN u_sev < 0.1 THEN 'critical' WHEN u_sev < 0.45 THEN 'major' ELSE 'minor' END
                        WHEN 'ispsystem' THEN CASE WHEN u_sev < 0.1 THEN 'emergency' WHEN u_sev < 0.35 THEN 'high' WHEN u_sev < 0.75 THEN 'medium' ELSE 'low' END
                        ELSE CASE WHEN u_sev < 0.1 THEN 'sev1' WHEN u_sev < 0.45 THEN 'sev2' ELSE 'sev3' END END,
            status,
            (ARRAY['incident', 'incident', 'question', 'featureRequest'])[1 + (i % 4)],
            'Ticket ' || i || ': mail relay drops outbound messages',
            CASE WHEN i % 3 = 0 THEN NULL ELSE 'product-' || (i % 7) END,
            opened,
            CASE WHEN status IN ('closed', 'rejected') THEN opened + (u_due * interval '30 days') END,
            1 + (i % 40),
            jsonb_build_object('ticketId', 'TKT-' || upper(lpad(to_hex(i), 16, '0')), 'status', status),
            CASE WHEN i % 5 = 0 THEN 'contract-' || floor($2::int * u_cust * u_cust)::int END,
            CASE WHEN i % 4 = 0 THEN NULL ELSE 'engineer-' || (i % 60) END,
            CASE WHEN status IN ('closed', 'rejected', 'resolved') THEN NULL
                 ELSE greatest(opened, now() - interval '20 days') + (u_due * interval '40 days') END,
            u_br < CASE WHEN status = 'closed' THEN 0.08 ELSE 0.20 END
       FROM p`,
    [n, CUSTOMERS],
  );
  await pool.query('VACUUM ANALYZE tickets');
}

interface Case {
  label: string;
  /** The query string after `?`. */
  query: string;
  filter: Omit<TicketFilter, 'limit'>;
  baseline?: boolean;
}

const encodeCursor = (openedAt: string, ticketId: string) => Buffer.from(JSON.stringify([openedAt, ticketId])).toString('base64url');

async function cases(pool: Pool, n: number): Promise<Case[]> {
  const one = async <T>(sql: string, args: unknown[] = []) => (await pool.query<T & object>(sql, args)).rows[0];
  const big = await one<{ c: string; n: string }>('SELECT customer_id AS c, count(*) AS n FROM tickets GROUP BY 1 ORDER BY 2 DESC LIMIT 1');
  const small = await one<{ c: string; n: string }>(
    'SELECT customer_id AS c, count(*) AS n FROM tickets GROUP BY 1 HAVING count(*) >= 5 ORDER BY 2 ASC, 1 LIMIT 1',
  );
  // The row half-way down the newest-first order: a deep cursor (page ~1,000 of 50).
  const deep = await one<{ opened_at: Date; ticket_id: string }>(
    'SELECT opened_at, ticket_id FROM tickets ORDER BY opened_at DESC, ticket_id DESC OFFSET $1 LIMIT 1',
    [Math.floor(n / 2)],
  );
  const deepClosed = await one<{ opened_at: Date; ticket_id: string }>(
    `SELECT opened_at, ticket_id FROM tickets WHERE status = 'closed' ORDER BY opened_at DESC, ticket_id DESC OFFSET $1 LIMIT 1`,
    [Math.floor(n / 3)],
  );
  const cursor = encodeCursor(deep.opened_at.toISOString(), deep.ticket_id);
  const cursorClosed = encodeCursor(deepClosed.opened_at.toISOString(), deepClosed.ticket_id);
  const soon = new Date(Date.now() + 86_400_000).toISOString();
  const now = new Date().toISOString();
  return [
    {
      label: 'baseline: customerId of no customer (empty page)',
      query: 'customerId=cust-none',
      filter: { customerId: 'cust-none' },
      baseline: true,
    },
    { label: 'no filter (first page)', query: '', filter: {} },
    { label: 'status=open', query: 'status=open', filter: { status: 'open' } },
    { label: 'status=closed', query: 'status=closed', filter: { status: 'closed' } },
    { label: 'severity=p3 (common)', query: 'severity=p3', filter: { severity: 'p3' } },
    { label: 'severity=sev1 (rare)', query: 'severity=sev1', filter: { severity: 'sev1' } },
    { label: `customerId, largest customer (${fmtN(Number(big.n))} tickets)`, query: `customerId=${big.c}`, filter: { customerId: big.c } },
    {
      label: `customerId, small customer (${fmtN(Number(small.n))} tickets)`,
      query: `customerId=${small.c}`,
      filter: { customerId: small.c },
    },
    { label: 'policyId=xecuritas', query: 'policyId=xecuritas', filter: { policyId: 'xecuritas' } },
    { label: 'breached=true', query: 'breached=true', filter: { breached: true } },
    { label: 'breached=false', query: 'breached=false', filter: { breached: false } },
    { label: 'dueBefore=now + 1 day', query: `dueBefore=${encodeURIComponent(soon)}`, filter: { dueBefore: soon } },
    { label: 'dueBefore=now (overdue)', query: `dueBefore=${encodeURIComponent(now)}`, filter: { dueBefore: now } },
    { label: 'status=open&breached=true', query: 'status=open&breached=true', filter: { status: 'open', breached: true } },
    {
      label: 'policyId=xecuritas&status=open',
      query: 'policyId=xecuritas&status=open',
      filter: { policyId: 'xecuritas', status: 'open' },
    },
    {
      label: 'customerId (largest)&status=open',
      query: `customerId=${big.c}&status=open`,
      filter: { customerId: big.c, status: 'open' },
    },
    {
      label: `deep cursor, no filter (after row ${fmtN(Math.floor(n / 2))})`,
      query: `cursor=${cursor}`,
      filter: { after: decodeTicketCursor(cursor)! },
    },
    {
      label: `deep cursor, status=closed (after closed row ${fmtN(Math.floor(n / 3))})`,
      query: `status=closed&cursor=${cursorClosed}`,
      filter: { status: 'closed', after: decodeTicketCursor(cursorClosed)! },
    },
    {
      label: 'deep cursor, policyId=xecuritas',
      query: `policyId=xecuritas&cursor=${cursor}`,
      filter: { policyId: 'xecuritas', after: decodeTicketCursor(cursor)! },
    },
  ];
}

/** The SQL listTickets sends for a filter, captured from it (the read model itself, not a copy). */
async function capturedSql(filter: TicketFilter): Promise<{ text: string; values: unknown[] }> {
  let captured: { text: string; values: unknown[] } | undefined;
  const fake = {
    query: (text: string, values: unknown[]) => {
      captured = { text, values };
      return Promise.resolve({ rows: [] });
    },
  } as unknown as PgPool;
  await listTickets(fake, filter);
  return captured!;
}

interface CaseResult {
  c: Case;
  http: Stats;
  sql: Stats;
  rows: number;
  status: number;
  plan: string[];
  nodes: string;
}

/** The plan's node names and index names, in order (for the one-line summary). */
function planSummary(plan: string[]): string {
  const nodes: string[] = [];
  for (const line of plan) {
    const m = /^\s*(?:->\s*)?([A-Z][A-Za-z ]+?)(?: using (\w+))?(?: on \w+)?(?:\s+\(|$)/.exec(line);
    if (m && !/^(Planning|Execution|Buffers|Sort Method|Rows Removed)/.test(m[1])) nodes.push(m[2] ? `${m[1]} (${m[2]})` : m[1]);
  }
  return nodes.join(' → ');
}

async function measure(pool: Pool, url: string, key: string, c: Case): Promise<CaseResult> {
  const get = async () => {
    const t0 = performance.now();
    const res = await withTimeout(
      fetch(`${url}/v1/tickets${c.query ? `?${c.query}` : ''}`, { headers: { authorization: `Bearer ${key}` } }),
      REQUEST_LIMIT_MS,
      c.label,
    );
    const body = (await res.json()) as { tickets?: unknown[] };
    return { ms: performance.now() - t0, status: res.status, rows: body.tickets?.length ?? 0 };
  };
  for (let i = 0; i < WARMUP; i++) await get();
  const times: number[] = [];
  let last = { status: 0, rows: 0 };
  for (let i = 0; i < REQUESTS; i++) {
    if (isAborted()) throw new Aborted();
    const r = await get();
    times.push(r.ms);
    last = r;
  }
  const q = await capturedSql({ ...c.filter, limit: 51 });
  const sqlTimes: number[] = [];
  for (let i = 0; i < Math.min(REQUESTS, 100); i++) {
    const t0 = performance.now();
    await pool.query(q.text, q.values);
    sqlTimes.push(performance.now() - t0);
  }
  const plan = (await pool.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${q.text}`, q.values)).rows.map(
    (r) => r['QUERY PLAN'],
  );
  return { c, http: stats(times), sql: stats(sqlTimes), rows: last.rows, status: last.status, plan, nodes: planSummary(plan) };
}

// ---- Report -----------------------------------------------------------------------------------------

interface Meta {
  command: string;
  git: string;
  postgres: string;
  seconds: number;
  fillSeconds: number;
  tableMiB: number;
  indexes: string[];
}

function reportSection(results: CaseResult[], meta: Meta): string {
  const cpu = os.cpus();
  const base = results.find((r) => r.c.baseline)!;
  const measured = results.filter((r) => !r.c.baseline);
  const missed = measured.filter((r) => !(r.http.p99 < GOAL_P99_MS));
  const planOf = (r: CaseResult) => [
    `**${r.c.label}** — \`GET /v1/tickets${r.c.query ? `?${r.c.query}` : ''}\``.replace(/cursor=[\w-]+/g, 'cursor=…'),
    '',
    '```',
    ...r.plan,
    '```',
    '',
  ];
  return [
    '## bench/ticket-list — `GET /v1/tickets` over 100,000 tickets',
    '',
    `Command: \`${meta.command}\` · ${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${cpu[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'cpu'} × ${cpu.length} · ` +
      `${meta.postgres} (embedded, default settings) · Temporal CLI ${TEMPORAL_CLI_VERSION} dev server (only for the API's client) · TZ=UTC · ${meta.git} · whole run ${(meta.seconds / 60).toFixed(1)} min`,
    '',
    `The \`tickets\` table filled with ${fmtN(TICKETS)} rows by one INSERT … SELECT over generate_series (${meta.fillSeconds.toFixed(1)} s, then VACUUM ANALYZE; table ${meta.tableMiB.toFixed(0)} MiB with its indexes): ` +
      `${fmtN(CUSTOMERS)} customers drawn as floor(2000·u²) (the largest ~2 % of the tickets), policies isode 40 % / infotecs 25 % / ispsystem 20 % / xecuritas 15 % with their own plans and severities (the most severe ~10 % of each), opened uniformly over three years, ` +
      'closed ~85 % (the older, the likelier), resolved/rejected ~11 %, open/waiting/forwarded/relieved ~4 % (mostly recent), breached 8 % of the closed and 20 % of the others, a next deadline on the unfinished ones only. ' +
      `Migrations 001–008 applied; indexes on \`tickets\`: ${meta.indexes.map((i) => `\`${i}\``).join(', ')}.`,
    '',
    `The API (\`createApp\` with a pool of 10, on 127.0.0.1, an engineer key, rate limits off) asked over HTTP (\`fetch\`), one request at a time, ${WARMUP} warm-up requests then ${REQUESTS} measured per row, the default page (\`limit\` 50, so 51 rows fetched); ` +
      "HTTP = request sent → body parsed, as the client sees it. SQL = the same statement, captured from `listTickets` itself, run 100 times straight from the pool (no HTTP). Baseline (first row): a page that matches nothing through `tickets_customer_list_idx`, i.e. the route's own HTTP, auth and JSON cost; the ratio is each p99 over the baseline's p99.",
    '',
    '| filter | rows | HTTP p50 | HTTP p90 | HTTP p99 | HTTP max | p99 ÷ baseline | SQL p50 | SQL p99 | plan |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...results.map(
      (r) =>
        `| ${r.c.baseline ? `*${r.c.label}*` : r.c.label} | ${r.status === 200 ? r.rows : `HTTP ${r.status}`} | ${fmtMs(r.http.p50)} | ${fmtMs(r.http.p90)} | ${r.c.baseline || r.http.p99 < GOAL_P99_MS ? fmtMs(r.http.p99) : `**${fmtMs(r.http.p99)}**`} | ${fmtMs(r.http.max)} | ${r.c.baseline ? '1×' : ratio(r.http.p99, base.http.p99, 1)} | ${fmtMs(r.sql.p50)} | ${fmtMs(r.sql.p99)} | ${r.nodes} |`,
    ),
    '',
    missed.length === 0
      ? `Goal p99 < ${GOAL_P99_MS} ms for every filter and the deep cursor pages: **met** (the slowest p99 ${fmtMs(Math.max(...measured.map((r) => r.http.p99)))}, ${measured.sort((a, b) => b.http.p99 - a.http.p99)[0].c.label}).`
      : `Goal p99 < ${GOAL_P99_MS} ms: **not met** for ${missed.map((r) => `${r.c.label} (${fmtMs(r.http.p99)})`).join(', ')}.`,
    '',
    `### Plans (EXPLAIN (ANALYZE, BUFFERS) of each row's statement, parameters as sent, after the measured runs)`,
    '',
    ...results.flatMap(planOf),
  ].join('\n');
}

/** Replaces this bench's section of bench/RESULTS.md (up to the next `## `), or appends it. */
// ---- Main -------------------------------------------------------------------------------------------

async function bench(stops: Stops, runStarted: number): Promise<void> {
  const gitAtStart = gitDescription(['api', 'db', 'common']);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'lifeline-bench-list-'));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as `postgres`, which must reach its data directory
  stops.push(['temporary directory', () => rm(dir, { recursive: true, force: true })]);
  log('starting embedded PostgreSQL');
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pgdata') });
  stops.push(['PostgreSQL', () => pg.stop()]);
  const pool = createPool(pg.url, { max: 10 });
  stops.push(['PostgreSQL pool', () => pool.end()]);
  await migrate(pool);
  const postgres = (await pool.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0].v;
  log(`filling tickets with ${fmtN(TICKETS)} rows`);
  const f0 = performance.now();
  await fill(pool, TICKETS);
  const fillSeconds = (performance.now() - f0) / 1000;
  const tableMiB = Number((await pool.query<{ b: string }>("SELECT pg_total_relation_size('tickets') AS b")).rows[0].b) / 2 ** 20;
  const indexes = (
    await pool.query<{ indexname: string }>("SELECT indexname FROM pg_indexes WHERE tablename = 'tickets' ORDER BY 1")
  ).rows.map((r) => r.indexname);

  const port = await freePort();
  log(`starting the Temporal dev server on 127.0.0.1:${port} (the API's client)`);
  const dev = await startDevServer({ port, namespace: NAMESPACE });
  stops.push(['dev server', () => dev.teardown()]);
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(['API server', () => new Promise((resolve) => server.close(resolve))]);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const http = { publicBaseUrl: url, trustProxy: false as const, rateLimits: rateLimitsOff };
  server.on('request', createApp({ client: dev.client, pool, taskQueue: 'bench-ticket-list', logger: createLogger('silent'), http }));
  const { key } = await new ApiKeyStore(pool).create({ name: 'bench engineer', role: 'engineer' });

  const results: CaseResult[] = [];
  for (const c of await cases(pool, TICKETS)) {
    const r = await measure(pool, url, key, c);
    log(`${c.label}: HTTP p50 ${fmtMs(r.http.p50)} p99 ${fmtMs(r.http.p99)}; SQL p50 ${fmtMs(r.sql.p50)}; ${r.nodes}`);
    results.push(r);
  }
  const gitNow = gitDescription(['api', 'db', 'common']);
  const env = [
    TICKETS !== FULL_TICKETS ? `BENCH_LIST_TICKETS=${TICKETS}` : '',
    REQUESTS !== FULL_REQUESTS ? `BENCH_LIST_REQUESTS=${REQUESTS}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const section = reportSection(results, {
    command: `${env ? `${env} ` : ''}npm run bench:ticket-list`,
    git: gitNow === gitAtStart ? gitAtStart : `${gitAtStart} at the start, ${gitNow} at the end (the code changed during the run)`,
    postgres: `PostgreSQL ${postgres}`,
    seconds: (performance.now() - runStarted) / 1000,
    fillSeconds,
    tableMiB,
    indexes,
  });
  process.stdout.write(`${section}\n`);
  if (env) {
    log('not written to bench/RESULTS.md: a quick run');
    return;
  }
  writeSection('ticket-list', section);
  log('written to bench/RESULTS.md');
}

runBench({
  log,
  runLimitMs: RUN_LIMIT_MS,
  invalid: () =>
    !Number.isInteger(TICKETS) ||
    TICKETS < 1_000 ||
    TICKETS > 5_000_000 ||
    !Number.isInteger(REQUESTS) ||
    REQUESTS < 10 ||
    REQUESTS > 10_000
      ? 'BENCH_LIST_TICKETS must be 1000–5000000 and BENCH_LIST_REQUESTS 10–10000'
      : undefined,
  bench,
});
