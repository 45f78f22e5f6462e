/**
 * The Temporal server on PostgreSQL, production-shaped, for `npm run dev -- --temporal=postgres`
 * and tests: the server binary built from go.temporal.io/server (scripts/temporal-binaries.ts) on
 * its OWN embedded PostgreSQL instance (not Lifeline's database, so a test that stops Lifeline's
 * database leaves Temporal running), as a dedicated `temporal` role (never the superuser) owning
 * the databases `temporal` and `temporal_visibility`, schemas set up and updated by
 * temporal-sql-tool. Everything listens on 127.0.0.1; every process is stopped by its PID.
 *
 * Layout of `dataDir`: postgres/ (the instance, run by scripts/postgres-process.ts), postgres.log,
 * temporal-role.password, config/lifeline.yaml,
 * dynamicconfig.yaml, temporal-server.log, and, with a UI, ui-config/ and temporal-ui.log.
 *
 * The Temporal UI (github.com/temporalio/ui-server/v2 v2.42.1, which go-installs from the module
 * proxy with its assets embedded) starts when `uiPort` is given and it can be resolved; when it
 * cannot, the server runs without it and the reason is logged.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { Client as PgClient } from 'pg';
import { ensureSearchAttributes } from '../common/temporal';
import { freePort } from './ports';
import { startPostgresProcess, type PostgresProcessHandle } from './postgres-process';
import { resolveTemporalServer, resolveTemporalUiServer, type ProgressLog, type TemporalServerBinaries } from './temporal-binaries';

export interface PostgresTemporalOptions {
  /** Everything lives here; a second start over the same directory keeps the history. */
  dataDir: string;
  /** Frontend gRPC port on 127.0.0.1; a free one by default. */
  port?: number;
  /** Port of Temporal's own PostgreSQL instance; a free one by default. */
  postgresPort?: number;
  /** Created when missing (retention 3 days), with Lifeline's search attributes. Default `default`. */
  namespace?: string;
  /** Start the Temporal UI on this port (skipped, with a log line, when the UI server cannot be had). */
  uiPort?: number;
  log?: ProgressLog;
  /** Bound of the frontend's start-up; default 60 s. */
  startTimeoutMs?: number;
}

export type SchemaOutcome = 'created' | 'reused';

export interface PostgresTemporalHandle {
  /** host:port of the frontend, 127.0.0.1 only. */
  readonly address: string;
  readonly namespace: string;
  /** PID of the running server; undefined between stopServer() and startServer(). */
  readonly serverPid: number | undefined;
  /** PID of the PostgreSQL postmaster of Temporal's own instance. */
  readonly postgresPid: number | undefined;
  /** Its port on 127.0.0.1 (the server connects as the `temporal` role, password in `<dataDir>/temporal-role.password`). */
  readonly postgresPort: number;
  readonly uiPid: number | undefined;
  /** http://127.0.0.1:<uiPort> when the UI runs. */
  readonly uiUrl: string | undefined;
  /** Whether this start created each schema or found it (then brought it up to date). */
  readonly schema: { temporal: SchemaOutcome; visibility: SchemaOutcome };
  readonly binaries: TemporalServerBinaries;
  /** The server's own log (stdout and stderr). */
  readonly logFile: string;
  /** SIGTERM to the server's PID, SIGKILL after 20 s; PostgreSQL keeps running. */
  stopServer(): Promise<void>;
  /** Starts the server again over the same data and ports, and waits until the frontend answers. */
  startServer(): Promise<void>;
  /** The UI, the server, then PostgreSQL. */
  stop(): Promise<void>;
}

const ROLE = 'temporal';
const DATABASES = { temporal: 'temporal', visibility: 'temporal_visibility' } as const;
const STOP_GRACE_MS = 20_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const silent: ProgressLog = () => undefined;

/** The role's password: made once per data directory and kept beside it (0600); loopback only. */
async function rolePassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'temporal-role.password');
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** As the instance's superuser: the `temporal` role (login, no superuser, no CREATEDB) and its two databases. */
async function createRoleAndDatabases(pg: PostgresProcessHandle, password: string): Promise<void> {
  const admin = new PgClient({ connectionString: pg.urlFor('postgres') });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [ROLE]);
    const verb = exists.rowCount === 0 ? 'CREATE' : 'ALTER';
    await admin.query(`${verb} ROLE ${ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD ${admin.escapeLiteral(password)}`);
    for (const db of Object.values(DATABASES)) {
      const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
      if (found.rowCount === 0) await admin.query(`CREATE DATABASE ${db} OWNER ${ROLE}`);
    }
  } finally {
    await admin.end();
  }
}

async function hasSchemaVersion(port: number, password: string, database: string): Promise<boolean> {
  const client = new PgClient({ host: '127.0.0.1', port, user: ROLE, password, database });
  await client.connect();
  try {
    const { rows } = await client.query<{ t: string | null }>("SELECT to_regclass('public.schema_version')::text AS t");
    return rows[0]?.t != null;
  } finally {
    await client.end();
  }
}

function runSqlTool(binaries: TemporalServerBinaries, port: number, password: string, database: string, args: string[]): Promise<void> {
  const argv = ['--plugin', 'postgres12', '--ep', '127.0.0.1', '-p', String(port), '-u', ROLE, '--db', database, ...args];
  return new Promise((resolve, reject) => {
    // The password goes by environment (SQL_PASSWORD), never on a command line others can read.
    const child = spawn(binaries.sqlTool, argv, { env: { ...process.env, SQL_PASSWORD: password }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else
        reject(new Error(`temporal-sql-tool ${args[0]} on ${database} exited ${code}:\n${output.trim().split('\n').slice(-8).join('\n')}`));
    });
  });
}

/** setup-schema (only on a database without one) then update-schema: safe to run at every start. */
async function ensureSchemas(binaries: TemporalServerBinaries, port: number, password: string, log: ProgressLog) {
  const outcome = {} as Record<keyof typeof DATABASES, SchemaOutcome>;
  for (const [kind, database] of Object.entries(DATABASES) as Array<[keyof typeof DATABASES, string]>) {
    const existed = await hasSchemaVersion(port, password, database);
    if (!existed) await runSqlTool(binaries, port, password, database, ['setup-schema', '-v', '0.0']);
    await runSqlTool(binaries, port, password, database, ['update-schema', '-d', path.join(binaries.schemaDir, kind, 'versioned')]);
    outcome[kind] = existed ? 'reused' : 'created';
    log(`Temporal ${kind} schema in database ${database}: ${existed ? 'found, brought up to date' : 'created'}`);
  }
  return outcome;
}

interface ServerPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  membership: [number, number, number, number];
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Temporal keeps membership ports in a smallint column: they must be below 32768, where the kernel's free ports are not. */
async function freeMembershipPort(taken: number[]): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (!taken.includes(port) && (await canBind(port))) return port;
  }
}

/**
 * The ports of the previous start over this data directory when they are all free again: Temporal
 * remembers its members' addresses in the database, and a start on the same ones joins at once
 * (on new ones it first waits out the old, unreachable members).
 */
async function serverPorts(dataDir: string, frontend: number | undefined): Promise<ServerPorts> {
  const file = path.join(dataDir, 'ports.json');
  try {
    const previous = JSON.parse(await readFile(file, 'utf8')) as ServerPorts;
    const all = [previous.frontend, previous.frontendHttp, previous.history, previous.matching, previous.worker, ...previous.membership];
    if ((frontend === undefined || frontend === previous.frontend) && (await Promise.all(all.map(canBind))).every(Boolean)) return previous;
  } catch {
    // first start, or an unreadable file: choose afresh
  }
  const ports = await choosePorts(frontend);
  await writeFile(file, `${JSON.stringify(ports, null, 2)}\n`);
  return ports;
}

async function choosePorts(frontend: number | undefined): Promise<ServerPorts> {
  const ports: number[] = frontend === undefined ? [] : [frontend];
  const next = async () => {
    let p = await freePort();
    while (ports.includes(p)) p = await freePort();
    ports.push(p);
    return p;
  };
  const membership = async () => {
    const p = await freeMembershipPort(ports);
    ports.push(p);
    return p;
  };
  return {
    frontend: frontend ?? (await next()),
    frontendHttp: await next(),
    history: await next(),
    matching: await next(),
    worker: await next(),
    membership: [await membership(), await membership(), await membership(), await membership()],
  };
}

function sqlStore(database: string, pgPort: number, password: string, maxConns: number): string {
  return `      sql:
        pluginName: postgres12
        databaseName: ${database}
        connectAddr: "127.0.0.1:${pgPort}"
        connectProtocol: tcp
        user: ${ROLE}
        password: ${JSON.stringify(password)}
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: 1h`;
}

function service(name: string, grpcPort: number, membershipPort: number, extra = ''): string {
  return `  ${name}:
    rpc:
      grpcPort: ${grpcPort}
      membershipPort: ${membershipPort}
      bindOnIP: 127.0.0.1${extra}`;
}

/** In the shape of the module's config/development-postgres12.yaml, bound to 127.0.0.1, without metrics or pprof listeners. */
export function serverConfig(ports: ServerPorts, pgPort: number, password: string, dataDir: string): string {
  const [fm, hm, mm, wm] = ports.membership;
  return `log:
  stdout: true
  level: info
persistence:
  defaultStore: postgres-default
  visibilityStore: postgres-visibility
  numHistoryShards: 4
  datastores:
    postgres-default:
${sqlStore(DATABASES.temporal, pgPort, password, 20)}
    postgres-visibility:
${sqlStore(DATABASES.visibility, pgPort, password, 4)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
services:
${service('frontend', ports.frontend, fm, `\n      httpPort: ${ports.frontendHttp}`)}
${service('history', ports.history, hm)}
${service('matching', ports.matching, mm)}
${service('worker', ports.worker, wm)}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "127.0.0.1:${ports.frontend}"
dcRedirectionPolicy:
  policy: noop
archival:
  history:
    state: disabled
  visibility:
    state: disabled
namespaceDefaults:
  archival:
    history:
      state: disabled
    visibility:
      state: disabled
dynamicConfigClient:
  filepath: ${JSON.stringify(path.join(dataDir, 'dynamicconfig.yaml'))}
  pollInterval: 10s
`;
}

/** What the CLI's dev server turns on that Lifeline relies on (Updates), and a quick namespace cache. */
export const DYNAMIC_CONFIG = `system.namespaceCacheRefreshInterval:
  - value: 1s
system.forceSearchAttributesCacheRefreshOnRead:
  - value: true
frontend.enableUpdateWorkflowExecution:
  - value: true
frontend.enableUpdateWorkflowExecutionAsyncAccepted:
  - value: true
frontend.enableExecuteMultiOperation:
  - value: true
`;

function logTail(file: string, lines = 15): string {
  try {
    const tail = readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines);
    // Temporal logs JSON lines with whole stack traces: the start of each line says enough.
    return tail.map((line) => (line.length > 400 ? `${line.slice(0, 400)}…` : line)).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * In a process group of its own: a Ctrl-C in the terminal then reaches only `npm run dev`, which
 * stops the worker first and Temporal after it, by PID (a killed caller's servers are orphans that
 * the next `npm run dev` stops from its PID file).
 */
function spawnLogged(binary: string, args: string[], logFile: string): ChildProcess {
  const fd = openSync(logFile, 'a');
  try {
    return spawn(binary, args, { stdio: ['ignore', fd, fd], detached: true });
  } finally {
    closeSync(fd);
  }
}

/** A signal to one PID; a process that exited meanwhile (ESRCH) is not an error. */
function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** SIGTERM by PID, SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopChild(child: ChildProcess | undefined, graceMs = STOP_GRACE_MS): Promise<'SIGTERM' | 'SIGKILL' | undefined> {
  if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return undefined;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let how: 'SIGTERM' | 'SIGKILL' = 'SIGTERM';
  signal(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    how = 'SIGKILL';
    if (child.exitCode === null && child.signalCode === null) signal(child.pid!, 'SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
  return how;
}

const NOT_FOUND = 5; // gRPC status

/**
 * History and matching have joined the membership ring (the frontend answers before they have, and
 * a request meanwhile fails "Not enough hosts to serve the request"): an unknown workflow is
 * NotFound, not Unavailable, and a task queue describes.
 */
async function servicesReady(connection: Connection): Promise<void> {
  const namespace = 'temporal-system';
  try {
    await connection.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId: 'lifeline-readiness-probe' } });
  } catch (err) {
    if ((err as { code?: number }).code !== NOT_FOUND) throw err;
  }
  await connection.workflowService.describeTaskQueue({ namespace, taskQueue: { name: 'lifeline-readiness-probe' } });
}

/** Until the frontend answers GetSystemInfo and its services are ready; fails at once, with the log's tail, if the server exits. */
async function waitForFrontend(address: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `the Temporal server exited (${child.exitCode ?? child.signalCode}) before answering; ${logFile} ends:\n${logTail(logFile)}`,
      );
    }
    try {
      // A pool of its own: grpc-js shares subchannels between channels, and one in reconnect backoff
      // (another client of this address while the server was down) would hold this probe back for seconds.
      const connection = await Connection.connect({ address, connectTimeout: 1_000, channelArgs: { 'grpc.use_local_subchannel_pool': 1 } });
      try {
        await connection.workflowService.getSystemInfo({});
        await servicesReady(connection);
        return;
      } finally {
        await connection.close();
      }
    } catch {
      if (Date.now() > deadline) {
        throw new Error(
          `the Temporal server on ${address} did not answer within ${timeoutMs / 1000} s; ${logFile} ends:\n${logTail(logFile)}`,
        );
      }
      await sleep(250);
    }
  }
}

/** The namespace (when missing) and Lifeline's search attributes, retried while the namespace cache catches up. */
async function ensureNamespace(address: string, namespace: string, log: ProgressLog, timeoutMs = 60_000): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    try {
      await connection.workflowService.describeNamespace({ namespace });
    } catch {
      try {
        await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') });
        log(`created namespace ${namespace} (retention 3 days)`);
      } catch (err) {
        if (!/already (exists|registered)/i.test((err as Error).message)) throw err;
      }
    }
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await ensureSearchAttributes(connection, namespace);
        return;
      } catch (err) {
        if (Date.now() > deadline)
          throw new Error(`search attributes not registered in ${namespace} within ${timeoutMs / 1000} s: ${(err as Error).message}`);
        await sleep(500);
      }
    }
  } finally {
    await connection.close();
  }
}

/** The UI pointed at the frontend, or undefined (with the reason logged) when it cannot be resolved or does not answer. */
async function startUi(
  dataDir: string,
  address: string,
  namespace: string,
  uiPort: number,
  log: ProgressLog,
): Promise<ChildProcess | undefined> {
  let binary: string;
  try {
    binary = await resolveTemporalUiServer(process.env, log);
  } catch (err) {
    log(`no Temporal UI in this mode: ${(err as Error).message}`);
    return undefined;
  }
  const configDir = path.join(dataDir, 'ui-config');
  await mkdir(configDir, { recursive: true });
  const config = `temporalGrpcAddress: "${address}"\nhost: 127.0.0.1\nport: ${uiPort}\nenableUi: true\ndefaultNamespace: ${namespace}\nnotifyOnNewVersion: false\ncors:\n  cookieInsecure: true\n`;
  await writeFile(path.join(configDir, 'lifeline.yaml'), config);
  const logFile = path.join(dataDir, 'temporal-ui.log');
  const child = spawnLogged(binary, ['--root', dataDir, '--config', 'ui-config', '--env', 'lifeline', 'start'], logFile);
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && child.exitCode === null) {
    if (
      await fetch(`http://127.0.0.1:${uiPort}/`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return child;
    await sleep(250);
  }
  log(`the Temporal UI did not answer on 127.0.0.1:${uiPort}; running without it. ${logFile} ends:\n${logTail(logFile)}`);
  await stopChild(child, 5_000);
  return undefined;
}

/** Temporal's own PostgreSQL, in a process of its own (scripts/postgres-process.ts), with the role and databases. */
async function startPostgres(dataDir: string, port: number | undefined, log: ProgressLog) {
  const pgDataDir = path.join(dataDir, 'postgres');
  const pg = await startPostgresProcess({ dataDir: pgDataDir, port, logFile: path.join(dataDir, 'postgres.log') });
  try {
    const password = await rolePassword(dataDir);
    await createRoleAndDatabases(pg, password);
    log(`Temporal's PostgreSQL on 127.0.0.1:${pg.port} (data in ${pgDataDir}, pid ${pg.pid}), role ${ROLE}`);
    return { pg, password, pid: pg.pid };
  } catch (err) {
    await pg.stop();
    throw err;
  }
}

/** Starts Temporal's PostgreSQL, its schemas, the server (and the UI when asked), and the namespace. */
export async function startPostgresTemporal(options: PostgresTemporalOptions): Promise<PostgresTemporalHandle> {
  const log = options.log ?? silent;
  const namespace = options.namespace ?? 'default';
  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  // As root, PostgreSQL runs as `postgres`, which must reach its data directory below this one.
  if (process.getuid?.() === 0) await chmod(dataDir, 0o755);
  const binaries = await resolveTemporalServer(process.env, log);
  const { pg, password, pid: postgresPid } = await startPostgres(dataDir, options.postgresPort, log);
  let server: ChildProcess | undefined;
  let ui: ChildProcess | undefined;
  try {
    const schema = await ensureSchemas(binaries, pg.port, password, log);
    const ports = await serverPorts(dataDir, options.port);
    await mkdir(path.join(dataDir, 'config'), { recursive: true });
    await writeFile(path.join(dataDir, 'config', 'lifeline.yaml'), serverConfig(ports, pg.port, password, dataDir), { mode: 0o600 });
    await writeFile(path.join(dataDir, 'dynamicconfig.yaml'), DYNAMIC_CONFIG);
    const address = `127.0.0.1:${ports.frontend}`;
    const logFile = path.join(dataDir, 'temporal-server.log');
    const startServer = async () => {
      if (server && server.exitCode === null && server.signalCode === null) return;
      const started = Date.now();
      server = spawnLogged(
        binaries.server,
        ['--root', dataDir, '--config', 'config', '--env', 'lifeline', '--allow-no-auth', 'start'],
        logFile,
      );
      await waitForFrontend(address, server, logFile, options.startTimeoutMs ?? 60_000);
      log(`Temporal server ${address} answered in ${((Date.now() - started) / 1000).toFixed(1)} s (pid ${server.pid}, log ${logFile})`);
    };
    await startServer();
    await ensureNamespace(address, namespace, log);
    if (options.uiPort !== undefined) ui = await startUi(dataDir, address, namespace, options.uiPort, log);
    const stopServer = async () => {
      const started = Date.now();
      const how = await stopChild(server);
      if (how) log(`Temporal server stopped (${how}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    };
    return {
      address,
      namespace,
      get serverPid() {
        return server && server.exitCode === null && server.signalCode === null ? server.pid : undefined;
      },
      postgresPid,
      postgresPort: pg.port,
      uiPid: ui?.pid,
      uiUrl: ui ? `http://127.0.0.1:${options.uiPort}` : undefined,
      schema,
      binaries,
      logFile,
      stopServer,
      startServer,
      stop: async () => {
        await stopChild(ui, 5_000);
        await stopServer();
        await pg.stop();
      },
    };
  } catch (err) {
    await stopChild(ui, 5_000);
    await stopChild(server);
    await pg.stop();
    throw err;
  }
}
