/**
 * `npm run dev`: the whole of Lifeline on one machine, nothing installed by hand.
 * Starts the Temporal dev server (SQLite under .data/, UI on :8233, search attributes
 * registered), embedded PostgreSQL (data under .data/), migrations, the worker and the API on
 * :3000 (the console, built first, at /console); prints the URLs; stops everything cleanly on Ctrl-C. State survives a restart.
 * TEMPORAL_ADDRESS or DATABASE_URL, when set, point at servers you run instead.
 * `npm run dev -- --temporal=postgres` (or LIFELINE_TEMPORAL=postgres) runs the Temporal server on
 * its own PostgreSQL instead of the dev server (scripts/temporal-postgres.ts; data under
 * .data/temporal-postgres/, same ports, the UI server when it can be built).
 */
import type { Server } from 'node:http';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import { ApiKeyStore, devBootstrapKey } from '../api/auth';
import { createApp, httpSettings } from '../api/app';
import { configOrExit, DEV_ADMIN_API_KEY } from '../common/config';
import { createPool, type Pool } from '../common/db';
import { createLogger } from '../common/logger';
import { CLIENT_CHANNEL_ARGS, ensureSearchAttributes, temporalConnectionOptions } from '../common/temporal';
import { migrate } from '../db/migrate';
import { startWorkerMetrics, type WorkerMetricsEndpoint } from '../worker/metrics-endpoint';
import { sdkTelemetryOptions } from '../worker/sdk-metrics';
import { workerFromConfig } from '../worker/worker';
import { buildConsole } from './build-console';
import { backfillTicketTargets } from '../common/report-backfill';
import { RulesStore } from '../common/rules';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres';
import { childPids, DevPidFile, findNewChild, postmasterPid, stopOrphans, takenPorts } from './dev-orphans';
import { resolveTemporalCli } from './temporal-binaries';
import { startPostgresTemporal } from './temporal-postgres';
import { startDevServer } from './temporal-servers';

type Config = ReturnType<typeof configOrExit>;
type Stops = Array<() => Promise<unknown>>;
type TemporalMode = 'dev' | 'postgres';
const say = (line: string) => process.stdout.write(`[lifeline] ${line}\n`);

/** `--temporal=dev|postgres` on the command line, else LIFELINE_TEMPORAL, else the dev server. */
function temporalMode(argv: string[], env: NodeJS.ProcessEnv): TemporalMode {
  const flag = argv.find((a) => a.startsWith('--temporal='))?.slice('--temporal='.length);
  const mode = flag ?? env.LIFELINE_TEMPORAL ?? 'dev';
  if (mode !== 'dev' && mode !== 'postgres') {
    process.stderr.write(`[lifeline] unknown Temporal mode "${mode}" (--temporal= or LIFELINE_TEMPORAL): dev or postgres\n`);
    process.exit(78);
  }
  if (mode === 'postgres' && env.TEMPORAL_ADDRESS) {
    process.stderr.write('[lifeline] --temporal=postgres starts its own Temporal server: unset TEMPORAL_ADDRESS, or drop the option\n');
    process.exit(78);
  }
  return mode;
}

/** The Temporal server on its own PostgreSQL, under .data/temporal-postgres/, its processes recorded in the PID file. */
async function startPostgresMode(cfg: Config, dataDir: string, stops: Stops, pids: DevPidFile) {
  const dir = path.join(dataDir, 'temporal-postgres');
  say(`starting Temporal server on PostgreSQL on 127.0.0.1:${cfg.DEV_TEMPORAL_PORT} (data in ${dir})`);
  const temporal = await startPostgresTemporal({
    dataDir: dir,
    port: cfg.DEV_TEMPORAL_PORT,
    uiPort: cfg.DEV_TEMPORAL_UI_PORT,
    namespace: cfg.TEMPORAL_NAMESPACE,
    log: say,
  });
  stops.push(() => temporal.stop());
  pids.add('Temporal server', temporal.serverPid);
  pids.add("Temporal's PostgreSQL postmaster", temporal.postgresPid);
  pids.add('Temporal UI server', temporal.uiPid);
  return { address: temporal.address, uiUrl: temporal.uiUrl };
}

/** The Temporal dev server, its PID recorded. */
async function startDevMode(cfg: Config, dataDir: string, stops: Stops, pids: DevPidFile) {
  const port = cfg.DEV_TEMPORAL_PORT;
  say(`starting Temporal dev server on 127.0.0.1:${port} (history in ${path.join(dataDir, 'temporal.sqlite')})`);
  const before = childPids();
  const devEnv: TestWorkflowEnvironment = await startDevServer({
    port,
    uiPort: cfg.DEV_TEMPORAL_UI_PORT,
    dbFilename: path.join(dataDir, 'temporal.sqlite'),
    namespace: cfg.TEMPORAL_NAMESPACE,
  });
  // The SDK's core spawns the CLI and does not tell its PID: the new child of ours running that binary.
  pids.add('Temporal dev server', findNewChild(before, (await resolveTemporalCli(process.env, () => undefined)).path));
  stops.push(() => devEnv.teardown());
  return { address: devEnv.address, uiUrl: `http://127.0.0.1:${cfg.DEV_TEMPORAL_UI_PORT}` };
}

/** Temporal (the dev server, the server on PostgreSQL, or TEMPORAL_ADDRESS's), a client, and the search attributes registered. */
async function startTemporal(
  cfg: Config,
  mode: TemporalMode,
  dataDir: string,
  stops: Stops,
  logger: ReturnType<typeof createLogger>,
  pids: DevPidFile,
) {
  let address = cfg.TEMPORAL_ADDRESS;
  let uiUrl: string | undefined = cfg.TEMPORAL_UI_URL;
  if (!process.env.TEMPORAL_ADDRESS) {
    ({ address, uiUrl } =
      mode === 'postgres' ? await startPostgresMode(cfg, dataDir, stops, pids) : await startDevMode(cfg, dataDir, stops, pids));
  }
  const connectionOptions = { ...temporalConnectionOptions(cfg), address };
  const connection = await Connection.connect({ ...connectionOptions, channelArgs: CLIENT_CHANNEL_ARGS });
  stops.push(() => connection.close());
  await ensureSearchAttributes(connection, cfg.TEMPORAL_NAMESPACE, logger);
  return { uiUrl, connectionOptions, client: new Client({ connection, namespace: cfg.TEMPORAL_NAMESPACE }) };
}

/**
 * Embedded PostgreSQL (unless DATABASE_URL names one), migrated, with the admin key: the
 * development key (so the first curl works) only in the embedded database started here, never in
 * one DATABASE_URL names; there only LIFELINE_ADMIN_API_KEY, when set.
 */
async function startDatabase(cfg: Config, dataDir: string, stops: Stops, pids: DevPidFile) {
  let databaseUrl = cfg.DATABASE_URL;
  const embedded = !databaseUrl;
  const adminKey = devBootstrapKey(cfg, embedded);
  if (!databaseUrl) {
    say(`starting embedded PostgreSQL on 127.0.0.1:${cfg.DEV_POSTGRES_PORT} (data in ${path.join(dataDir, 'postgres')})`);
    const pg: EmbeddedPostgresHandle = await startEmbeddedPostgres({
      dataDir: path.join(dataDir, 'postgres'),
      port: cfg.DEV_POSTGRES_PORT,
    });
    stops.push(() => pg.stop());
    pids.add('PostgreSQL postmaster', postmasterPid(path.join(dataDir, 'postgres')));
    databaseUrl = pg.url;
  }
  const pool = createPool(databaseUrl, { max: cfg.DATABASE_POOL_MAX });
  stops.push(() => pool.end());
  const migrations = await migrate(pool);
  if (migrations.applied.length) say(`applied migrations: ${migrations.applied.join(', ')}`);
  // As the worker does at start: report facts for tickets written before migration 011 (docs/architecture.md "Reports").
  const backfill = await backfillTicketTargets(pool, new RulesStore(pool));
  if (backfill.tickets) say(`report facts backfilled for ${backfill.tickets} tickets`);
  if (!adminKey) {
    say('no admin key written: DATABASE_URL names a database of your own; set LIFELINE_ADMIN_API_KEY to bootstrap one there');
    return { pool, adminKey };
  }
  if ((await new ApiKeyStore(pool).ensureAdminKey(adminKey)) === 'revoked') {
    say('the admin key was revoked in this database and stays revoked; set LIFELINE_ADMIN_API_KEY to a new key');
    return { pool, adminKey: undefined };
  }
  return { pool, adminKey };
}

/** The worker, running; a failure of it stops everything. */
async function startWorker(
  cfg: Config,
  connectionOptions: Parameters<typeof NativeConnection.connect>[0],
  pool: Pool,
  stops: Stops,
  onFailure: (err: Error) => void,
): Promise<WorkerMetricsEndpoint> {
  const endpoint = await startWorkerMetrics(cfg);
  stops.push(async () => endpoint.server?.close());
  const workerConnection = await NativeConnection.connect(connectionOptions);
  const worker: Worker = await workerFromConfig(cfg, workerConnection, pool, endpoint.metrics.sink);
  const running = worker.run();
  running.catch(onFailure);
  stops.push(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running.catch(() => undefined);
    await workerConnection.close();
  });
  return endpoint;
}

function printWelcome(cfg: Config, ui: string | undefined, adminKey: string | undefined, worker: WorkerMetricsEndpoint): void {
  const api = `http://${cfg.HOST === '0.0.0.0' ? '127.0.0.1' : cfg.HOST}:${cfg.PORT}`;
  say('Lifeline is running:');
  say(`  API          ${api}   (docs ${api}/docs, readiness ${api}/readyz, metrics ${api}/metrics)`);
  say(`  Console      ${api}/console   (sign in with an API key)`);
  say(
    `  Temporal UI  ${ui ? `${ui}/namespaces/${cfg.TEMPORAL_NAMESPACE}/workflows` : 'none (the UI server could not be built; see above)'}`,
  );
  say(`  worker       metrics ${worker.server?.url ?? 'off'}   (Temporal SDK metrics ${worker.sdkUrl ?? 'off'})`);
  if (adminKey === DEV_ADMIN_API_KEY)
    say(`  admin key    ${DEV_ADMIN_API_KEY}   (development only; set LIFELINE_ADMIN_API_KEY to choose your own)`);
  say(`try: curl -s -X POST ${api}/v1/tickets -H 'Authorization: Bearer ${adminKey ?? '<key>'}' -H 'Content-Type: application/json' \\`);
  say(
    `       -d '{"customerId":"acme","policyId":"isode","plan":"gold","severity":"p1","title":"Mail relay down","description":"No mail since 09:10"}'`,
  );
  say('press Ctrl-C to stop');
}

/**
 * Servers an earlier `npm run dev` left running when it was killed hold the ports: stop them, then
 * refuse to start (rather than connect to whatever holds a port) if one is still taken. Both
 * Temporal modes bind the same frontend and UI ports; the server on PostgreSQL's other ports are
 * free ones it chooses itself.
 */
async function stopOrphansAndCheckPorts(cfg: Config, dataDir: string): Promise<void> {
  await stopOrphans(dataDir, (line) => process.stderr.write(`[lifeline] ${line}\n`));
  const taken = await takenPorts([
    { name: 'API', port: cfg.PORT },
    ...(cfg.WORKER_METRICS_PORT === undefined ? [] : [{ name: 'worker metrics', port: cfg.WORKER_METRICS_PORT }]),
    ...(cfg.WORKER_SDK_METRICS_PORT === undefined ? [] : [{ name: 'Temporal SDK metrics', port: cfg.WORKER_SDK_METRICS_PORT }]),
    ...(process.env.TEMPORAL_ADDRESS
      ? []
      : [
          { name: 'Temporal frontend', port: cfg.DEV_TEMPORAL_PORT },
          { name: 'Temporal UI', port: cfg.DEV_TEMPORAL_UI_PORT },
        ]),
    ...(cfg.DATABASE_URL ? [] : [{ name: 'PostgreSQL', port: cfg.DEV_POSTGRES_PORT }]),
  ]);
  if (taken.length === 0) return;
  for (const line of taken) process.stderr.write(`[lifeline] ${line}\n`);
  process.stderr.write(
    '[lifeline] not starting: stop what holds the port, or choose another (PORT, WORKER_METRICS_PORT, WORKER_SDK_METRICS_PORT, DEV_TEMPORAL_PORT, DEV_TEMPORAL_UI_PORT, DEV_POSTGRES_PORT)\n',
  );
  process.exit(1);
}

async function main(): Promise<void> {
  process.env.TZ = 'UTC';
  const cfg = configOrExit();
  const mode = temporalMode(process.argv.slice(2), process.env);
  const logger = createLogger(cfg.LOG_LEVEL, 'lifeline-dev');
  const dataDir = path.resolve(cfg.LIFELINE_DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const stops: Stops = [];
  const pids = new DevPidFile(dataDir);

  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    say('stopping...');
    // Bounded: the worker's grace time for in-flight activities is 30 s.
    setTimeout(() => {
      say('did not stop within 45 s; exiting anyway');
      process.exit(code || 1);
    }, 45_000).unref();
    for (const stop of stops.reverse()) {
      await stop().catch((err: Error) => logger.warn({ err: err.message }, 'while stopping'));
    }
    pids.remove();
    say('stopped');
    process.exit(code);
  };
  // `on`, not `once`: stopping the dev server raises SIGINT in our process group again, and a
  // second Ctrl-C must not cut the orderly stop short.
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    await stopOrphansAndCheckPorts(cfg, dataDir);
    // The console first: a build error shows before any server starts.
    await buildConsole();
    // Ctrl-C: the API stops accepting, the worker drains (in-flight activities finish), servers stop.
    // The SDK's own logs (bundle sizes, worker states) only at debug level: the URLs stay readable.
    // After the port check: Core binds the SDK metrics port here (worker/sdk-metrics.ts).
    Runtime.install({
      shutdownSignals: [],
      telemetryOptions: sdkTelemetryOptions(cfg.WORKER_METRICS_HOST, cfg.WORKER_SDK_METRICS_PORT),
      logger: new DefaultLogger(cfg.LOG_LEVEL === 'debug' || cfg.LOG_LEVEL === 'trace' ? 'DEBUG' : 'WARN'),
    });
    const temporal = await startTemporal(cfg, mode, dataDir, stops, logger, pids);
    const { pool, adminKey } = await startDatabase(cfg, dataDir, stops, pids);
    const worker = await startWorker(cfg, temporal.connectionOptions, pool, stops, (err) => {
      logger.error({ err: err.message }, 'worker failed');
      void stopAll(1);
    });
    const app = createApp({
      client: temporal.client,
      pool,
      taskQueue: cfg.TEMPORAL_TASK_QUEUE,
      logger,
      http: httpSettings(cfg),
      console: { temporalUiUrl: temporal.uiUrl ?? '', temporalNamespace: cfg.TEMPORAL_NAMESPACE },
    });
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(cfg.PORT, cfg.HOST, () => resolve(s)).on('error', reject);
    });
    stops.push(() => new Promise((resolve) => server.close(resolve)));
    printWelcome(cfg, temporal.uiUrl, adminKey, worker);
  } catch (err) {
    logger.error({ err: (err as Error).message }, 'start-up failed');
    process.stderr.write(`${(err as Error).message}\n`);
    await stopAll(1);
  }
}

void main();
