import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { freePort } from '../../scripts/ports';
import { call } from '../helpers/lifeline';
import { SDK_METRICS } from '../../worker/sdk-metrics';

// `npm run dev` end to end: the real Temporal server (the CLI dev server, or with --temporal=postgres
// the Temporal server on its own PostgreSQL), embedded PostgreSQL, worker and API, stopped with
// Ctrl-C (SIGINT to the process group) and started again on the same data.
const root = path.resolve(__dirname, '../..');
const DEV_ADMIN_KEY = 'lifeline-dev-admin-key';

interface Dev {
  child: ChildProcess;
  output: () => string;
}

function startDev(env: NodeJS.ProcessEnv, args: string[]): Promise<Dev> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts', ...args], {
    cwd: root,
    env,
    detached: true, // its own process group, like a terminal's foreground job
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm run dev did not come up in 240 s:\n${output.slice(-3000)}`)), 240_000);
    const check = setInterval(() => {
      if (output.includes('press Ctrl-C to stop')) {
        clearInterval(check);
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    }, 200);
    child.once('exit', (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`npm run dev exited early (${code}):\n${output.slice(-3000)}`));
    });
  });
}

function ctrlC(dev: Dev): Promise<number | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => process.kill(-dev.child.pid!, 'SIGKILL'), 60_000);
    dev.child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    process.kill(-dev.child.pid!, 'SIGINT');
  });
}

/** The search attributes are registered and set: the UI's filters (visibility queries) find the ticket. */
async function expectFoundByItsSearchAttributes(temporalPort: number, ticketId: string): Promise<void> {
  const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
  try {
    const client = new Client({ connection });
    let found: string[] = [];
    for (let i = 0; i < 50 && found.length === 0; i++) {
      found = [];
      for await (const wf of client.workflow.list({
        query: `TicketStatus = 'open' AND CustomerId = 'acme' AND Product = 'VMmanager' AND PolicyId = 'ispsystem'`,
      })) {
        found.push(wf.workflowId);
      }
      if (found.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toEqual([`ticket-${ticketId}`]);
  } finally {
    await connection.close();
  }
}

/** The dev worker serves its own metrics and, on the other port, the SDK's (which the opening's tasks have moved). */
async function expectWorkerMetrics(workerUrl: string, sdkUrl: string): Promise<void> {
  const worker = await fetch(workerUrl);
  expect(worker.status).toBe(200);
  const text = await worker.text();
  expect(text).toMatch(/^# TYPE lifeline_ticket_breaches_total counter$/m);
  expect(text).toMatch(/^# TYPE lifeline_breach_detection_lag_seconds histogram$/m);
  const seen = ['temporal_workflow_task_execution_latency_seconds', 'temporal_local_activity_execution_latency_seconds'];
  let sdk = '';
  for (let i = 0; i < 50 && !seen.every((name) => sdk.includes(`# TYPE ${name} histogram`)); i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 200));
    sdk = await (await fetch(sdkUrl)).text();
  }
  for (const name of seen) expect(sdk).toContain(`# TYPE ${name} histogram`);
  expect(sdk).toMatch(/^# TYPE temporal_worker_task_slots_available gauge$/m);
  // The names the dashboard test trusts (worker/sdk-metrics.ts) are the ones Core serves, with their types.
  for (const [name, type] of Object.entries(SDK_METRICS)) {
    const served = new RegExp(`^# TYPE ${name} (\\w+)$`, 'm').exec(sdk);
    if (served) expect(`${name} ${served[1]}`).toBe(`${name} ${type}`);
  }
  expect(Object.keys(SDK_METRICS).filter((name) => sdk.includes(`# TYPE ${name} `)).length).toBeGreaterThanOrEqual(8);
}

export function describeDev(temporal: 'dev' | 'postgres'): void {
  const args = temporal === 'postgres' ? ['--temporal=postgres'] : [];
  describe(`npm run dev ${args.join(' ')}`.trim(), () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lifeline-dev-'));
    chmodSync(dataDir, 0o755);
    let env: NodeJS.ProcessEnv;
    let dev: Dev | undefined;

    beforeAll(async () => {
      const [api, temporal, ui, pg, metrics, sdkMetrics] = [
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
        await freePort(),
      ];
      env = { ...process.env, TZ: 'UTC', NODE_ENV: 'development', LOG_LEVEL: 'warn', LIFELINE_DATA_DIR: path.join(dataDir, 'data') };
      delete env.TEMPORAL_ADDRESS;
      delete env.DATABASE_URL;
      delete env.LIFELINE_ADMIN_API_KEY;
      Object.assign(env, {
        PORT: String(api),
        DEV_TEMPORAL_PORT: String(temporal),
        DEV_TEMPORAL_UI_PORT: String(ui),
        DEV_POSTGRES_PORT: String(pg),
        WORKER_METRICS_PORT: String(metrics),
        WORKER_SDK_METRICS_PORT: String(sdkMetrics),
      });
    });

    afterAll(async () => {
      if (dev && dev.child.exitCode === null) await ctrlC(dev);
      rmSync(dataDir, { recursive: true, force: true });
    });

    it('starts everything, stops cleanly on Ctrl-C, and keeps tickets across a restart', async () => {
      const api = `http://127.0.0.1:${env.PORT}`;
      dev = await startDev(env, args);
      expect(dev.output()).toContain(`API          ${api}`);
      expect(dev.output()).toContain(`Temporal UI  http://127.0.0.1:${env.DEV_TEMPORAL_UI_PORT}/namespaces/default/workflows`);
      const workerMetrics = `http://127.0.0.1:${env.WORKER_METRICS_PORT}/metrics`;
      const sdkMetrics = `http://127.0.0.1:${env.WORKER_SDK_METRICS_PORT}/metrics`;
      expect(dev.output()).toContain(`worker       metrics ${workerMetrics}   (Temporal SDK metrics ${sdkMetrics})`);

      expect((await call(api, 'GET', '/readyz')).status).toBe(200);
      const ui = await fetch(`http://127.0.0.1:${env.DEV_TEMPORAL_UI_PORT}/`);
      expect(ui.status).toBe(200);
      await ui.text();

      const opened = await call(api, 'POST', '/v1/tickets', {
        key: DEV_ADMIN_KEY,
        body: {
          customerId: 'acme',
          policyId: 'ispsystem',
          plan: 'privilege',
          severity: 'high',
          title: 'VM will not boot',
          description: 'kernel panic',
          product: 'VMmanager',
        },
      });
      expect(opened.status).toBe(201);
      const ticketId: string = opened.body.ticketId;

      // A product version's lifecycle runs on the dev server too, and its dates are published without a key.
      const ga = `${new Date().getUTCFullYear() - 1}-06-15`;
      const product = await call(api, 'PUT', '/v1/products/vipnet-coordinator', {
        key: DEV_ADMIN_KEY,
        body: { name: 'ViPNet Coordinator', policyId: 'infotecs', zone: 'Europe/Moscow' },
      });
      expect(product.status).toBe(201);
      const version = await call(api, 'POST', '/v1/products/vipnet-coordinator/versions', { key: DEV_ADMIN_KEY, body: { major: '4', ga } });
      expect(version.status).toBe(201);
      expect(version.body).toMatchObject({ phase: 'mainstream', milestones: { provisional: true } });

      await expectFoundByItsSearchAttributes(Number(env.DEV_TEMPORAL_PORT), ticketId);
      await expectWorkerMetrics(workerMetrics, sdkMetrics);

      const code = await ctrlC(dev);
      expect(dev.output().slice(-2000)).toContain('[lifeline] stopped');
      expect(code).toBe(0);

      dev = await startDev(env, args);
      const again = await call(api, 'GET', `/v1/tickets/${ticketId}`, { key: DEV_ADMIN_KEY });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ ticketId, status: 'open', product: 'VMmanager' });
      const published = await call(api, 'GET', '/api/vipnet-coordinator.json');
      expect(published.status).toBe(200);
      expect(published.body).toEqual([expect.objectContaining({ cycle: '4', releaseDate: ga, eol: version.body.milestones.eol })]);
      const closed = await call(api, 'POST', `/v1/tickets/${ticketId}/close`, { key: DEV_ADMIN_KEY, body: { reason: 'solved' } });
      expect(closed.status).toBe(200);
      const events = await call(api, 'GET', `/v1/tickets/${ticketId}/events`, { key: DEV_ADMIN_KEY });
      expect(events.body.events.map((e: { type: string }) => e.type)).toEqual([
        'opened',
        'targetsComputed',
        'entitlementDecided',
        'closed',
      ]);
      expect(await ctrlC(dev)).toBe(0);
    });
  });
}
