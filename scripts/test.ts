/**
 * `npm test`: does all its own set-up on a fresh clone, then runs every jest suite.
 *   1. builds the console (scripts/build-console.ts) and resolves (building on first run) the
 *      Temporal time-skipping test server and dev server, the schemathesis CLI the fuzz test runs
 *      (scripts/schemathesis.ts) and the Chromium the console's browser tests drive
 *      (scripts/browser.ts; apt-get on a fresh Debian machine as root); then the Temporal server
 *      on PostgreSQL, which on a fresh machine is built (go install, minutes) while the suites on
 *      the dev servers run;
 *   2. starts an embedded PostgreSQL in a temporary directory (or uses TEST_DATABASE_URL);
 *   3. runs jest serially with TZ=UTC, passing on any extra arguments; on a full run the suites on
 *      the Temporal server on PostgreSQL (ON_POSTGRES_TEMPORAL) run last, once it is built;
 *   4. on a full run, runs the policy suites again with TZ=Asia/Tokyo: results must not depend
 *      on the host's time zone (popular date libraries get exactly this wrong);
 *   5. stops PostgreSQL and removes its data, whatever jest's outcome.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveChromium } from './browser';
import { buildConsole } from './build-console';
import { startEmbeddedPostgres, type EmbeddedPostgresHandle } from './embedded-postgres';
import { resolveSchemathesis } from './schemathesis';
import { resolveTemporalCli, resolveTemporalServer, resolveTestServer } from './temporal-binaries';

/** The suites that run on the Temporal server on PostgreSQL: a full run takes them last, once it is built. */
const ON_POSTGRES_TEMPORAL = [
  'test/faults/postgres-temporal.test.ts',
  'test/infra/temporal-postgres.test.ts',
  'test/e2e/dev-postgres.test.ts',
];

/** The server's paths for the suites that need it, or the reason it cannot be had (they fail with it). */
function temporalServerEnvironment(): Promise<Record<string, string>> {
  return resolveTemporalServer().then(
    (server) => {
      log(`Temporal server on PostgreSQL: ${server.server} (${server.source})`);
      return { TEMPORAL_SERVER_PATH: server.server, TEMPORAL_SQL_TOOL_PATH: server.sqlTool, TEMPORAL_SCHEMA_DIR: server.schemaDir };
    },
    (err: Error) => {
      log(`Temporal server on PostgreSQL unavailable, its suites will fail: ${err.message}`);
      return { LIFELINE_TEMPORAL_SERVER_UNAVAILABLE: err.message };
    },
  );
}

const log = (line: string) => process.stderr.write(`[lifeline:test] ${line}\n`);

/** A tool only some suites need: its path for them, or the reason it cannot be had (they fail with it). */
function optionalTool(
  name: string,
  suites: string,
  resolve: () => Promise<{ path: string; source: string }>,
  pathVariable: string,
  unavailableVariable: string,
): Promise<Record<string, string>> {
  return resolve().then(
    (resolved) => {
      log(`${name}: ${resolved.path} (${resolved.source})`);
      return { [pathVariable]: resolved.path };
    },
    (err: Error) => {
      log(`${name} unavailable, ${suites} will fail: ${err.message}`);
      return { [unavailableVariable]: err.message };
    },
  );
}

async function main(): Promise<number> {
  const started = Date.now();
  await buildConsole();
  log('console built into dist/console');
  const testServer = await resolveTestServer();
  const cli = await resolveTemporalCli();
  // After the CLI: on a fresh machine two Go builds at once only share the same cores; this one is
  // built while the dev-server suites run (their fault drills mostly wait on timers).
  const temporalServer = temporalServerEnvironment();
  log(`time-skipping test server: ${testServer.path ?? 'SDK download'} (${testServer.source})`);
  log(`Temporal CLI (dev server): ${cli.path ?? 'SDK download'} (${cli.source})`);
  // Each only some suites need: when one cannot be had, those fail with the reason and the others run.
  const schemathesis = await optionalTool(
    'schemathesis',
    'the fuzz test',
    resolveSchemathesis,
    'SCHEMATHESIS_PATH',
    'LIFELINE_SCHEMATHESIS_UNAVAILABLE',
  );
  const chromium = await optionalTool(
    'Chromium',
    'the browser tests',
    () => resolveChromium(process.env, log),
    'CHROMIUM_PATH',
    'LIFELINE_CHROMIUM_UNAVAILABLE',
  );

  let pg: EmbeddedPostgresHandle | undefined;
  let pgDir: string | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    pgDir = await mkdtemp(path.join(os.tmpdir(), 'lifeline-test-'));
    await chmod(pgDir, 0o755); // the `postgres` user must reach its data directory when we run as root
    pg = await startEmbeddedPostgres({ dataDir: path.join(pgDir, 'pgdata'), database: 'postgres' });
    adminUrl = pg.urlFor('postgres');
    log(`embedded PostgreSQL on 127.0.0.1:${pg.port}`);
  }
  log(`set-up took ${((Date.now() - started) / 1000).toFixed(1)} s; running jest`);

  const cleanup = async () => {
    await pg?.stop().catch((err: Error) => log(`stopping PostgreSQL: ${err.message}`));
    if (pgDir) await rm(pgDir, { recursive: true, force: true });
  };

  const runJest = (args: string[], env: NodeJS.ProcessEnv) =>
    new Promise<number>((resolve) => {
      const jest = spawn(process.execPath, [require.resolve('jest/bin/jest'), '--runInBand', ...args], {
        stdio: 'inherit',
        env: {
          ...process.env,
          TZ: 'UTC',
          NODE_ENV: 'test',
          LIFELINE_TEST_DATABASE_URL: adminUrl,
          ...(testServer.path ? { TEMPORAL_TEST_SERVER_PATH: testServer.path } : {}),
          ...(cli.path ? { TEMPORAL_CLI_PATH: cli.path } : {}),
          ...schemathesis,
          ...chromium,
          ...env,
        },
      });
      const forward = (signal: NodeJS.Signals) => jest.kill(signal);
      process.on('SIGINT', forward);
      process.on('SIGTERM', forward);
      jest.on('exit', (code, signal) => {
        process.off('SIGINT', forward);
        process.off('SIGTERM', forward);
        resolve(code ?? (signal ? 1 : 0));
      });
    });

  try {
    const args = process.argv.slice(2);
    if (args.length > 0) return await runJest(args, await temporalServer);
    const onDevServers = await runJest(['--testPathIgnorePatterns', ...ON_POSTGRES_TEMPORAL], {});
    log('suites on the Temporal server on PostgreSQL');
    const onPostgres = await runJest(ON_POSTGRES_TEMPORAL, await temporalServer);
    if (onDevServers !== 0 || onPostgres !== 0) return onDevServers || onPostgres;
    log('policy suites again with TZ=Asia/Tokyo: results must not depend on the host time zone');
    return await runJest(['test/unit/policies'], { TZ: 'Asia/Tokyo', LIFELINE_EXPECT_TZ: 'Asia/Tokyo' });
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    log((err as Error).stack ?? String(err));
    process.exit(1);
  },
);
