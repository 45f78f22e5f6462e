/**
 * schemathesis (scripts/schemathesis.ts, pinned) against the real API from its own OpenAPI
 * document: real time-skipping Temporal, a fresh PostgreSQL database, the worker, the API over HTTP
 * on 127.0.0.1 (test/helpers/lifeline.ts, whose default HTTP settings switch the rate limits off:
 * schemathesis sends bursts), an admin key and data for the routes to find (the document's example
 * product `vipnet-client` with version 4, a contract, a ticket, a licence). Webhooks the fuzzer
 * configures go nowhere (fetch is held to loopback), and schemathesis is killed by its PID if it
 * outlives its budget.
 *
 * Every check runs (`--checks all`), bounded in examples per operation and in time (schemathesis's
 * own budget, then a hard kill). The test fails on a server error or a schema violation: the checks
 * in FAILING_CHECKS. The other checks' findings (negative data accepted, positive data refused,
 * methods, auth heuristics, use-after-free, …) are printed with counts per check and route but do
 * not fail the test: they are heuristics whose findings need a human to judge them.
 *
 * Knobs (environment): LIFELINE_FUZZ_MAX_EXAMPLES, LIFELINE_FUZZ_MAX_TIME (seconds, schemathesis's
 * budget), LIFELINE_FUZZ_SEED, LIFELINE_FUZZ_REPORT_DIR (keep the reports there instead of a temporary
 * directory that is removed).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { addMonths, formatDate, parseDate } from '../../policies/dates';
import { localDateOf } from '../../policies/zone';
import { resolveSchemathesis } from '../../scripts/schemathesis';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';

/** A finding of these fails the test: a 5xx, or an answer the API's own document does not describe. */
const FAILING_CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_headers_conformance',
  'response_schema_conformance',
] as const;

const numberFrom = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${process.env[name]} is not a positive number`);
  return value;
};
const MAX_EXAMPLES = numberFrom('LIFELINE_FUZZ_MAX_EXAMPLES', 10);
/** schemathesis's own budget for the run: it stops its phases and writes its reports. */
const MAX_TIME_SECONDS = numberFrom('LIFELINE_FUZZ_MAX_TIME', 150);
/** Past this the process is killed (it did not stop on its own): the report is then incomplete and the test fails. */
const HARD_LIMIT_MS = (MAX_TIME_SECONDS + 60) * 1000;
const SEED = numberFrom('LIFELINE_FUZZ_SEED', 20261111);

const log = (line: string) => process.stderr.write(`[lifeline:fuzz] ${line}\n`);

/** Notifications the fuzzer configures (webhooks to any URL it likes) never leave this machine. */
const realFetch = globalThis.fetch;
const loopbackOnly: typeof fetch = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    return Promise.reject(new Error(`the fuzz test sends nothing off this machine (${url.origin})`));
  }
  return realFetch(input, init);
};

interface Interaction {
  method: string;
  path: string;
  status?: number;
  /** Names of the checks that failed on this answer. */
  failed: string[];
  /** The request again, as a curl command. */
  curl?: string;
  /** The first failed check's title and message. */
  message?: string;
  /** The start of the answer's body. */
  response?: string;
}

interface Finding {
  check: string;
  route: string;
  count: number;
  statuses: Set<number>;
  example: Interaction;
}

describe('schemathesis against the API from /openapi.json', () => {
  let ll: RunningLifeline;
  let tool: string;
  let reportDir: string;
  let keepReports = false;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    if (process.env.LIFELINE_SCHEMATHESIS_UNAVAILABLE) throw new Error(process.env.LIFELINE_SCHEMATHESIS_UNAVAILABLE);
    tool = (await resolveSchemathesis()).path;
    globalThis.fetch = loopbackOnly;
    if (process.env.LIFELINE_FUZZ_REPORT_DIR) {
      reportDir = path.resolve(process.env.LIFELINE_FUZZ_REPORT_DIR);
      await mkdir(reportDir, { recursive: true });
      keepReports = true;
    } else {
      reportDir = await mkdtemp(path.join(os.tmpdir(), 'lifeline-fuzz-'));
    }
    ll = await startLifeline();
    await seed(ll);
  }, 180_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null && child.pid) {
      process.kill(child.pid, 'SIGKILL');
    }
    await ll?.stop();
    globalThis.fetch = realFetch;
    if (reportDir && !keepReports) await rm(reportDir, { recursive: true, force: true });
  }, 120_000);

  it(
    'finds no server error and no schema violation with every check on',
    async () => {
      const started = Date.now();
      const files = {
        json: path.join(reportDir, 'schemathesis.json'),
        ndjson: path.join(reportDir, 'schemathesis.ndjson'),
        junit: path.join(reportDir, 'schemathesis.xml'),
        output: path.join(reportDir, 'schemathesis.out'),
      };
      const args = [
        'run',
        `${ll.url}/openapi.json`,
        '--checks',
        'all',
        '--header',
        `Authorization: Bearer ${ll.adminKey}`,
        '--max-examples',
        String(MAX_EXAMPLES),
        '--max-time',
        String(MAX_TIME_SECONDS),
        '--seed',
        String(SEED),
        // One worker: schemathesis's threads race in CPython 3.11's ast.parse (hypothesis describing its
        // strategies), which fails a run at random with "AST constructor recursion depth mismatch" (cpython#106905).
        '--workers',
        '1',
        '--request-timeout',
        '15',
        '--continue-on-failure',
        '--generation-database',
        'none',
        '--no-color',
        // Not sanitised: the reproductions need the Idempotency-Key and every header as sent (the admin key is
        // this run's own, in a database dropped at the end, and the summary writes it as $KEY).
        '--output-sanitize',
        'false',
        '--report',
        'json,ndjson,junit',
        '--report-json-path',
        files.json,
        '--report-ndjson-path',
        files.ndjson,
        '--report-junit-path',
        files.junit,
      ];
      log(`schemathesis ${args.join(' ').replace(ll.adminKey, '<admin key>')}`);
      const { code, killed } = await run(tool, args, files.output, reportDir);
      const seconds = Math.round((Date.now() - started) / 1000);
      log(`schemathesis exited ${killed ? 'killed at the hard limit' : `with ${code}`} after ${seconds} s; its output: ${files.output}`);
      const outputTail = async () => (await readFile(files.output, 'utf8')).split('\n').slice(-40).join('\n');
      if (killed)
        throw new Error(`schemathesis did not stop within ${HARD_LIMIT_MS / 1000} s; the end of its output:\n${await outputTail()}`);
      const report = JSON.parse(
        await readFile(files.json, 'utf8').catch(async (err: Error) => {
          throw new Error(`schemathesis wrote no report (${err.message}); the end of its output:\n${await outputTail()}`);
        }),
      );
      const interactions = parseEvents(await readFile(files.ndjson, 'utf8'), ll.url, ll.adminKey);
      const templates = await operations(ll.url);
      const findings = summarise(interactions, templates);
      await writeFile(path.join(reportDir, 'summary.txt'), `${summaryText(report, interactions, findings, seconds, false)}\n`);
      log(summaryText(report, interactions, findings, seconds, true).split('\n').join('\n[lifeline:fuzz] '));
      log(
        `every finding with its answer and a curl to send it again: ${path.join(reportDir, 'summary.txt')}${keepReports ? '' : ' (removed at the end; set LIFELINE_FUZZ_REPORT_DIR to keep it)'}`,
      );

      expect(report.complete).toBe(true);
      const failing = findings.filter((f) => (FAILING_CHECKS as readonly string[]).includes(f.check));
      expect(failing.map((f) => `${f.check} ${f.route} (${f.count}×, e.g. ${f.example.status}: ${f.example.message ?? ''})`)).toEqual([]);
      // Errors (the run could not send or read a request) are as bad as failures: nothing was checked.
      expect(report.errors).toEqual([]);
    },
    HARD_LIMIT_MS + 60_000,
  );

  /** schemathesis, its output to a file, killed by its PID at the hard limit. */
  function run(file: string, args: string[], outputFile: string, cwd: string): Promise<{ code: number | null; killed: boolean }> {
    return new Promise((resolve, reject) => {
      const output = createWriteStream(outputFile);
      const proc = spawn(file, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
      child = proc;
      proc.stdout.pipe(output);
      proc.stderr.pipe(output);
      let killed = false;
      const timer = setTimeout(() => {
        killed = true;
        log(`schemathesis still running after ${HARD_LIMIT_MS / 1000} s: killing PID ${proc.pid}`);
        if (proc.pid) process.kill(proc.pid, 'SIGKILL');
      }, HARD_LIMIT_MS);
      proc.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      proc.on('close', (code) => {
        clearTimeout(timer);
        output.end(() => resolve({ code, killed }));
      });
    });
  }
});

/** "METHOD /path/{param}" of every operation in the API's document. */
async function operations(baseUrl: string): Promise<string[]> {
  const doc = (await call(baseUrl, 'GET', '/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
  const methods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
  return Object.entries(doc.paths).flatMap(([p, ops]) =>
    Object.keys(ops)
      .filter((m) => methods.includes(m))
      .map((m) => `${m.toUpperCase()} ${p}`),
  );
}

/** Data for the routes to find: the document's example product and version, a contract, a ticket, a licence. */
async function seed(ll: RunningLifeline): Promise<void> {
  const as = (method: string, route: string, body: unknown) => call(ll.url, method, route, { key: ll.adminKey, body });
  const expectStatus = async (what: string, pending: ReturnType<typeof as>, ...statuses: number[]) => {
    const r = await pending;
    if (!statuses.includes(r.status)) throw new Error(`seeding ${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  const zone = 'Europe/Moscow';
  const today = formatDate(localDateOf(zone, await ll.env.currentTimeMs()));
  await expectStatus('a product', as('PUT', '/v1/products/vipnet-client', { name: 'ViPNet Client', policyId: 'infotecs', zone }), 201);
  await expectStatus(
    'a version',
    as('POST', '/v1/products/vipnet-client/versions', { major: '4', ga: formatDate(addMonths(parseDate(today), 1)) }),
    201,
    202,
  );
  await expectStatus(
    'a contract',
    as('PUT', '/v1/contracts/C-ACME', { customerId: 'acme', policyId: 'isode', plan: 'gold', startsAt: '2020-01-01T00:00:00Z' }),
    201,
  );
  await expectStatus(
    'a ticket',
    as('POST', '/v1/tickets', {
      customerId: 'acme',
      contractId: 'C-ACME',
      policyId: 'isode',
      plan: 'gold',
      severity: 'p1',
      product: 'M-Switch',
      title: 'Relay down',
      description: 'No mail since 09:10.',
    }),
    201,
  );
  await expectStatus(
    'a licence',
    as('PUT', '/v1/licences/L-ACME', { customerId: 'acme', product: 'vipnet-client', version: '4', contactEmail: 'it@acme.example' }),
    201,
  );
}

/** Every request schemathesis sent, from its NDJSON event log, with the checks that failed on its answer. */
function parseEvents(ndjson: string, baseUrl: string, adminKey: string): Interaction[] {
  const out: Interaction[] = [];
  for (const line of ndjson.split('\n')) {
    if (!line.startsWith('{"ScenarioFinished"')) continue;
    const recorder = JSON.parse(line).ScenarioFinished.recorder ?? {};
    const checks: Record<
      string,
      Array<{ name: string; status: string; failure_info?: { failure?: { title?: string; message?: string } } }>
    > = recorder.checks ?? {};
    for (const [id, interaction] of Object.entries<any>(recorder.interactions ?? {})) {
      const request = interaction.request ?? {};
      const url = new URL(request.uri);
      const failures = (checks[id] ?? []).filter((c) => c.status === 'failure');
      const first = failures[0]?.failure_info?.failure;
      out.push({
        method: request.method,
        path: `${url.pathname}${url.search}`,
        status: interaction.response?.status_code,
        failed: failures.map((c) => c.name),
        message: first ? [first.title, first.message].filter(Boolean).join(': ') : undefined,
        curl: failures.length ? curlFor(request, baseUrl, adminKey) : undefined,
        response:
          failures.length && interaction.response?.content?.$base64
            ? Buffer.from(interaction.response.content.$base64, 'base64').toString('utf8').slice(0, 2_000)
            : undefined,
      });
    }
  }
  return out;
}

/** The request again, as a curl command: the API's base URL as $API, the admin key as $KEY, the body byte for byte. */
function curlFor(
  request: { method: string; uri: string; headers?: Record<string, string[]>; body?: { $base64?: string } },
  baseUrl: string,
  adminKey: string,
): string {
  const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
  const withVariables = (text: string) => text.split(adminKey).join('$KEY');
  const parts = ['curl', '-sS', '-X', request.method];
  for (const [name, values] of Object.entries(request.headers ?? {})) {
    for (const value of values) {
      const header = `${name}: ${value}`;
      parts.push('-H', header.includes(adminKey) ? `"${withVariables(header)}"` : quote(header));
    }
  }
  if (request.body?.$base64 !== undefined) {
    const bytes = Buffer.from(request.body.$base64, 'base64');
    const text = bytes.toString('utf8');
    // Bytes that are not UTF-8 (or control characters) go as bash $'\xNN' escapes, so the server gets the same bytes.
    const exact = Buffer.from(text, 'utf8').equals(bytes) && !bytes.some((b) => b < 0x20 || b === 0x7f);
    parts.push('--data-binary', exact ? quote(text) : `$'${[...bytes].map((b) => `\\x${b.toString(16).padStart(2, '0')}`).join('')}'`);
  }
  const url = new URL(request.uri);
  parts.push(url.origin === new URL(baseUrl).origin ? `"$API"${quote(`${url.pathname}${url.search}`)}` : quote(request.uri));
  return parts.join(' ');
}

/** The route template an operation's request matched ("GET /v1/tickets/{ticketId}"), for grouping. */
function routeOf(method: string, requestPath: string, templates: string[]): string {
  const pathname = requestPath.split('?')[0];
  for (const template of templates) {
    const [m, t] = template.split(' ');
    if (m !== method) continue;
    const pattern = new RegExp(`^${t.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(pathname)) return template;
  }
  return `${method} ${pathname}`;
}

function summarise(interactions: Interaction[], templates: string[]): Finding[] {
  const byKey = new Map<string, Finding>();
  for (const i of interactions) {
    for (const check of i.failed) {
      const route = routeOf(i.method, i.path, templates);
      const key = `${check} ${route}`;
      const finding = byKey.get(key) ?? { check, route, count: 0, statuses: new Set<number>(), example: i };
      finding.count += 1;
      if (i.status !== undefined) finding.statuses.add(i.status);
      byKey.set(key, finding);
    }
  }
  return [...byKey.values()].sort((a, b) => a.check.localeCompare(b.check) || b.count - a.count || a.route.localeCompare(b.route));
}

const countBy = <T>(items: T[], key: (item: T) => string) => {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
};

/**
 * The figures of the run (requests, statuses, failures per check), then every finding by check and
 * route with its answer and a curl to send it again; `brief` gives one line per finding instead
 * (the findings of a check that fails the test keep their reproduction).
 */
function summaryText(report: any, interactions: Interaction[], findings: Finding[], seconds: number, brief: boolean): string {
  const lines: string[] = [];
  lines.push(
    `schemathesis ${report.schemathesis_version}, seed ${report.seed}, ${seconds} s (stop: ${report.stop_reason}), ` +
      `operations ${report.operations?.tested}/${report.operations?.total} tested, ` +
      `phases ${JSON.stringify(Object.fromEntries(Object.entries<any>(report.phases ?? {}).map(([k, v]) => [k, v.status])))}`,
  );
  lines.push(`test cases: ${JSON.stringify(report.test_cases)}`);
  lines.push(`requests: ${interactions.length}`);
  lines.push(`statuses: ${JSON.stringify(countBy(interactions, (i) => String(i.status ?? 'no answer')))}`);
  lines.push(
    `failing answers per check: ${JSON.stringify(
      countBy(
        interactions.flatMap((i) => i.failed),
        (c) => c,
      ),
    )}`,
  );
  lines.push(`routes per check: ${JSON.stringify(countBy(findings, (f) => f.check))}`);
  lines.push(`errors: ${JSON.stringify(report.errors)}`);
  const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);
  const failsTheTest = (f: Finding) => (FAILING_CHECKS as readonly string[]).includes(f.check);
  if (brief) {
    // A check that does not fail the test: its routes on one line (the answers and curls are in summary.txt).
    const reported = findings.filter((f) => !failsTheTest(f));
    for (const [check, count] of Object.entries(countBy(reported, (f) => f.check))) {
      // By path: "/v1/tickets (POST 172×, GET 80×)".
      const byPath = new Map<string, string[]>();
      for (const f of reported.filter((r) => r.check === check)) {
        const [method, route] = f.route.split(' ');
        byPath.set(route, [...(byPath.get(route) ?? []), `${method} ${f.count}×`]);
      }
      const routes = [...byPath].map(([route, methods]) => `${route} (${methods.join(', ')})`);
      lines.push(`- ${check} (reported only) on ${count} operations: ${routes.join('; ')}`);
    }
  }
  for (const f of findings) {
    if (brief && !failsTheTest(f)) continue;
    lines.push(
      `- ${f.check}${failsTheTest(f) ? ' (FAILS THE TEST)' : ''} ${f.route}: ${f.count}×, statuses ${[...f.statuses].sort().join(',')}`,
    );
    if (f.example.message) lines.push(`    ${clip(f.example.message.split('\n').filter(Boolean).join(' | '), 600)}`);
    if (f.example.response !== undefined)
      lines.push(`    answer ${f.example.status}: ${clip(f.example.response.replace(/\s+/g, ' '), 1_000)}`);
    if (f.example.curl) lines.push(`    ${brief ? clip(f.example.curl, 2_000) : f.example.curl}`);
  }
  return lines.join('\n');
}
