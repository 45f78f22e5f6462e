/**
 * Lifeline as it runs in production, in processes a fault test can kill: a Temporal server (the CLI
 * dev server, or the Temporal server on PostgreSQL), Lifeline's own PostgreSQL, two worker
 * processes and the API process, and a webhook receiver that records every delivery. Everything
 * binds 127.0.0.1 and is stopped by PID.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { freePort } from '../../scripts/ports';
import { startPostgresProcess, type PostgresProcessHandle } from '../../scripts/postgres-process';
import { startPostgresTemporal } from '../../scripts/temporal-postgres';
import { startDevServer } from '../../scripts/temporal-servers';
import { call } from '../helpers/lifeline';
import { drillPolicy } from './drill-policy';

export type TemporalKind = 'dev' | 'postgres';
const ROOT = path.resolve(__dirname, '../..');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A Temporal server a test can stop and start again over the same data and port. */
interface TemporalUnderTest {
  address: string;
  namespace: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  teardown(): Promise<void>;
}

async function devTemporal(dir: string): Promise<TemporalUnderTest> {
  const port = await freePort();
  const dbFilename = path.join(dir, 'temporal.sqlite');
  let env: TestWorkflowEnvironment | undefined = await startDevServer({ port, dbFilename });
  const stop = async () => {
    await env?.teardown();
    env = undefined;
  };
  return {
    address: `127.0.0.1:${port}`,
    namespace: 'default',
    stop,
    start: async () => {
      env = await startDevServer({ port, dbFilename });
    },
    teardown: stop,
  };
}

async function postgresTemporal(dir: string): Promise<TemporalUnderTest> {
  // npm test could not find or build the server: fail with its reason rather than build it here.
  const unavailable = process.env.LIFELINE_TEMPORAL_SERVER_UNAVAILABLE;
  if (unavailable) throw new Error(`the Temporal server on PostgreSQL is unavailable: ${unavailable}`);
  const handle = await startPostgresTemporal({ dataDir: path.join(dir, 'temporal') });
  return {
    address: handle.address,
    namespace: handle.namespace,
    stop: () => handle.stopServer(),
    start: () => handle.startServer(),
    teardown: () => handle.stop(),
  };
}

/** A node process of Lifeline (`worker/main.ts`, `api/main.ts`), its output in a log file. */
class LifelineProcess {
  private child?: ChildProcess;
  constructor(
    readonly name: string,
    private readonly script: string,
    private readonly env: NodeJS.ProcessEnv,
    private readonly logFile: string,
  ) {}

  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  start(): void {
    const fd = openSync(this.logFile, 'a');
    try {
      this.child = spawn(process.execPath, ['--import', 'tsx', this.script], { cwd: ROOT, env: this.env, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
  }

  /** Waits, bounded, until its log has a line matching `pattern` since `from` (a log offset). */
  async waitForLog(pattern: RegExp, from: number, ms = 120_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (pattern.test(this.log().slice(from))) return;
      if (this.pid === undefined) throw new Error(`${this.name} exited before it was ready:\n${this.tail()}`);
      await sleep(200);
    }
    throw new Error(`${this.name} not ready within ${ms / 1000} s:\n${this.tail()}`);
  }

  log(): string {
    try {
      return readFileSync(this.logFile, 'utf8');
    } catch {
      return '';
    }
  }

  tail(): string {
    return this.log().trimEnd().split('\n').slice(-15).join('\n');
  }

  /** By PID: SIGKILL is the crash; SIGTERM the orderly stop (bounded, then SIGKILL). */
  async stop(signal: 'SIGKILL' | 'SIGTERM' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || this.pid === undefined) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    await exited;
    clearTimeout(timer);
  }
}

/** One webhook delivery as the receiver saw it. */
export interface Delivery {
  key: string;
  path: string;
  ticketId?: string;
  event?: string;
  at: number;
}

/** Records every webhook; answers after `delayMs`, so a delivery can be caught in flight. */
async function startReceiver(): Promise<{ url: string; deliveries: Delivery[]; setDelay(ms: number): void; server: Server }> {
  const deliveries: Delivery[] = [];
  let delayMs = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const parsed = (() => {
        try {
          return JSON.parse(body) as { ticket?: { ticketId?: string }; ticketId?: string; event?: { type?: string }; type?: string };
        } catch {
          return {};
        }
      })();
      deliveries.push({
        key: String(req.headers['idempotency-key'] ?? ''),
        path: req.url ?? '',
        ticketId: parsed.ticket?.ticketId ?? parsed.ticketId,
        event: parsed.event?.type ?? parsed.type,
        at: Date.now(),
      });
      setTimeout(() => res.writeHead(200).end('ok'), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, deliveries, setDelay: (ms) => (delayMs = ms), server };
}

export class FaultStack {
  readonly workers = new Map<string, LifelineProcess>();
  private api!: LifelineProcess;
  private database?: PostgresProcessHandle;
  private receiver!: Awaited<ReturnType<typeof startReceiver>>;
  private constructor(
    readonly kind: TemporalKind,
    readonly dir: string,
    readonly temporal: TemporalUnderTest,
    readonly adminKey: string,
    readonly apiPort: number,
    private readonly databasePort: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.apiPort}`;
  }

  get deliveries(): Delivery[] {
    return this.receiver.deliveries;
  }

  get databaseUrl(): string {
    return `postgres://lifeline:lifeline@127.0.0.1:${this.databasePort}/postgres`;
  }

  static async start(kind: TemporalKind): Promise<FaultStack> {
    const dir = mkdtempSync(path.join(os.tmpdir(), `lifeline-faults-${kind}-`));
    chmodSync(dir, 0o755); // PostgreSQL runs as the `postgres` user when we are root
    const temporal = kind === 'dev' ? await devTemporal(dir) : await postgresTemporal(dir);
    const stack = new FaultStack(
      kind,
      dir,
      temporal,
      `faults-admin-${randomBytes(16).toString('hex')}`,
      await freePort(),
      await freePort(),
    );
    stack.receiver = await startReceiver();
    await stack.startDatabase();
    stack.api = new LifelineProcess('API', 'api/main.ts', stack.env({ PORT: String(stack.apiPort) }), path.join(dir, 'api.log'));
    await stack.startApi();
    await Promise.all([stack.startWorker('worker-1'), stack.startWorker('worker-2')]);
    await stack.setUpDrill();
    return stack;
  }

  private env(extra: Record<string, string>): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TZ: 'UTC',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      HOST: '127.0.0.1',
      TEMPORAL_ADDRESS: this.temporal.address,
      TEMPORAL_NAMESPACE: this.temporal.namespace,
      TEMPORAL_TASK_QUEUE: 'lifeline-faults',
      DATABASE_URL: this.databaseUrl,
      LIFELINE_ADMIN_API_KEY: this.adminKey,
      RATE_LIMIT_PER_ADDRESS: '0',
      RATE_LIMIT_PER_KEY: '0',
      RATE_LIMIT_AUTH_FAILURES: '0',
      // Two workers on one host: neither binds the metrics ports (both would want 9464 and 9465).
      WORKER_METRICS_PORT: 'off',
      WORKER_SDK_METRICS_PORT: 'off',
      TEMPORAL_REQUEST_TIMEOUT_MS: '11000',
      ...extra,
    };
  }

  /** The drill policy (second-scale targets) and its webhook route for support management. */
  private async setUpDrill(): Promise<void> {
    const stored = await this.call('PUT', '/v1/policies/faults', { reason: 'fault drill', document: drillPolicy });
    if (stored.status >= 300) throw new Error(`drill policy refused: ${JSON.stringify(stored.body)}`);
    const routes = await this.call('PUT', '/v1/notification-routes', {
      routes: [{ policyId: 'faults', role: 'supportManagement', channel: 'webhook', address: `${this.receiver.url}/managers` }],
    });
    if (routes.status !== 200) throw new Error(`routes refused: ${JSON.stringify(routes.body)}`);
  }

  call(method: string, p: string, body?: unknown, headers: Record<string, string> = {}) {
    return call(this.url, method, p, { key: this.adminKey, body, headers });
  }

  setWebhookDelay(ms: number): void {
    this.receiver.setDelay(ms);
  }

  async startDatabase(): Promise<void> {
    this.database = await startPostgresProcess({
      dataDir: path.join(this.dir, 'lifeline-pg'),
      port: this.databasePort,
      logFile: path.join(this.dir, 'lifeline-pg.log'),
    });
  }

  async stopDatabase(): Promise<void> {
    await this.database?.stop();
    this.database = undefined;
  }

  async startWorker(name: string): Promise<void> {
    let worker = this.workers.get(name);
    if (!worker) {
      worker = new LifelineProcess(name, 'worker/main.ts', this.env({}), path.join(this.dir, `${name}.log`));
      this.workers.set(name, worker);
    }
    const from = worker.log().length;
    worker.start();
    await worker.waitForLog(/worker running/, from);
  }

  async killWorker(name: string): Promise<void> {
    await this.workers.get(name)?.stop('SIGKILL');
  }

  async startApi(): Promise<void> {
    const from = this.api.log().length;
    this.api.start();
    await this.api.waitForLog(/API listening/, from);
  }

  async killApi(): Promise<void> {
    await this.api.stop('SIGKILL');
  }

  /** Opens `n` drill tickets through the API; answers their ids. */
  async openTickets(n: number, label: string): Promise<string[]> {
    const opened = await Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const r = await this.call(
          'POST',
          '/v1/tickets',
          { customerId: 'acme', policyId: 'faults', plan: 'drill', severity: 's1', title: `${label} ${i + 1}`, description: 'fault drill' },
          { 'Idempotency-Key': `${label}-${i + 1}` },
        );
        if (r.status !== 201 && r.status !== 202) throw new Error(`opening refused: ${r.status} ${JSON.stringify(r.body)}`);
        return r.body.ticketId as string;
      }),
    );
    return opened;
  }

  logs(): string {
    return [this.api, ...this.workers.values()].map((p) => `--- ${p.name}\n${p.tail()}`).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all([...this.workers.values()].map((w) => w.stop('SIGTERM')));
    await this.api?.stop('SIGTERM');
    await new Promise((resolve) => this.receiver?.server.close(resolve));
    await this.stopDatabase();
    await this.temporal.teardown();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
