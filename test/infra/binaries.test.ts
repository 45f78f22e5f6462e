import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  cachedCliPath,
  cachedTemporalServerDir,
  cachedTestServerPath,
  missingBinaryError,
  resolveTemporalCli,
  resolveTemporalServer,
  resolveTestServer,
  testServerWrapper,
} from '../../scripts/temporal-binaries';
import { freePort } from '../../scripts/ports';

const quiet = () => undefined;

function fakeExecutable(dir: string, name: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, '#!/bin/sh\nexit 0\n');
  chmodSync(file, 0o755);
  return file;
}

describe('Temporal binary resolution', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'lifeline-binaries-'));

  it('takes an explicit path from the environment first', async () => {
    const cli = fakeExecutable(scratch, 'my-temporal');
    const resolved = await resolveTemporalCli({ TEMPORAL_CLI_PATH: cli, LIFELINE_TOOL_CACHE: scratch }, quiet);
    expect(resolved).toEqual({ executable: { type: 'existing-path', path: cli }, source: 'environment', path: cli });
  });

  it('refuses an explicit path that is not an executable file', async () => {
    await expect(resolveTestServer({ TEMPORAL_TEST_SERVER_PATH: path.join(scratch, 'missing') }, quiet)).rejects.toThrow(
      /TEMPORAL_TEST_SERVER_PATH=.*missing is not an executable file/,
    );
  });

  it('uses a build cached in the tool cache next', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'lifeline-cache-'));
    const env = { LIFELINE_TOOL_CACHE: cache };
    const cached = cachedTestServerPath(env);
    mkdirSync(path.dirname(cached), { recursive: true });
    fakeExecutable(path.dirname(cached), path.basename(cached));
    expect(await resolveTestServer(env, quiet)).toMatchObject({ source: 'tool-cache', path: cached });
  });

  it('falls back to the SDK download, saying why, when it can neither find nor build a binary', async () => {
    const lines: string[] = [];
    const env = { LIFELINE_TOOL_CACHE: mkdtempSync(path.join(os.tmpdir(), 'lifeline-empty-')), PATH: scratch };
    const resolved = await resolveTemporalCli(env, (l) => lines.push(l));
    expect(resolved).toEqual({ executable: { type: 'cached-download' }, source: 'sdk-download' });
    expect(lines.join('\n')).toMatch(/go not on PATH/);
    expect(lines.join('\n')).toMatch(/SDK's own download/);
  });

  it('names the three ways to supply a binary when nothing worked', () => {
    const message = missingBinaryError('testServer', new Error('download failed: network unreachable')).message;
    expect(message).toMatch(/set TEMPORAL_TEST_SERVER_PATH/);
    expect(message).toMatch(/install mvn and java/);
    expect(message).toMatch(/allow internet access/);
    expect(message).toMatch(/network unreachable/);
  });

  it('writes a test-server wrapper that execs java with the arguments unchanged', () => {
    expect(testServerWrapper()).toMatch(/^exec "\$java" .* io\.temporal\.testserver\.TestServer "\$@"$/m);
    expect(cachedCliPath({ LIFELINE_TOOL_CACHE: '/x' })).toBe('/x/temporal-cli-1.5.1/temporal');
  });

  it('starts the resolved test server in time, and one SIGKILL stops it (no shell left between)', async () => {
    // `npm test` resolved (on a fresh machine: built) the real server before jest started.
    const server = process.env.TEMPORAL_TEST_SERVER_PATH;
    expect(server).toBeDefined();
    const port = await freePort();
    const child = spawn(server!, [String(port)], { stdio: 'ignore' });
    try {
      const deadline = Date.now() + 20_000; // generous on a loaded machine: this checks start-up, not speed
      while (!(await canConnect(port))) {
        if (Date.now() > deadline) throw new Error('test server never listened');
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((resolve) => child.once('exit', resolve));
    expect(await canConnect(port)).toBe(false);
  });
});

/** A directory shaped like the module's schema/postgresql/v12. */
function fakeSchemaDir(dir: string): string {
  for (const kind of ['temporal', 'visibility']) mkdirSync(path.join(dir, kind, 'versioned', 'v1.0'), { recursive: true });
  return dir;
}

describe('Temporal server (PostgreSQL mode) resolution', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'lifeline-server-binaries-'));

  it('takes the server, SQL tool and schema from the environment first', async () => {
    const env = {
      TEMPORAL_SERVER_PATH: fakeExecutable(scratch, 'my-temporal-server'),
      TEMPORAL_SQL_TOOL_PATH: fakeExecutable(scratch, 'my-sql-tool'),
      TEMPORAL_SCHEMA_DIR: fakeSchemaDir(path.join(scratch, 'schema')),
      LIFELINE_TOOL_CACHE: scratch,
    };
    expect(await resolveTemporalServer(env, quiet)).toEqual({
      server: env.TEMPORAL_SERVER_PATH,
      sqlTool: env.TEMPORAL_SQL_TOOL_PATH,
      schemaDir: env.TEMPORAL_SCHEMA_DIR,
      source: 'environment',
    });
  });

  it('refuses part of the explicit set, or a schema directory without the versioned schemas', async () => {
    const server = fakeExecutable(scratch, 'only-server');
    await expect(resolveTemporalServer({ TEMPORAL_SERVER_PATH: server }, quiet)).rejects.toThrow(
      /TEMPORAL_SERVER_PATH set without TEMPORAL_SQL_TOOL_PATH and TEMPORAL_SCHEMA_DIR/,
    );
    const env = { TEMPORAL_SERVER_PATH: server, TEMPORAL_SQL_TOOL_PATH: server, TEMPORAL_SCHEMA_DIR: scratch };
    await expect(resolveTemporalServer(env, quiet)).rejects.toThrow(/TEMPORAL_SCHEMA_DIR=.* holds no temporal\/versioned/);
  });

  it('uses a complete build in the tool cache next, without go', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'lifeline-cache-'));
    const env = { LIFELINE_TOOL_CACHE: cache, PATH: scratch }; // no go on this PATH: nothing is built
    const dir = cachedTemporalServerDir(env);
    expect(dir).toBe(path.join(cache, 'temporal-server-1.29.1'));
    mkdirSync(dir, { recursive: true });
    fakeExecutable(dir, 'temporal-server');
    fakeExecutable(dir, 'temporal-sql-tool');
    fakeSchemaDir(path.join(dir, 'schema', 'postgresql', 'v12'));
    expect(await resolveTemporalServer(env, quiet)).toEqual({
      server: path.join(dir, 'temporal-server'),
      sqlTool: path.join(dir, 'temporal-sql-tool'),
      schemaDir: path.join(dir, 'schema', 'postgresql', 'v12'),
      source: 'tool-cache',
    });
  });

  it('fails with a clear error when nothing is cached and go is missing (there is no SDK download)', async () => {
    const cache = mkdtempSync(path.join(os.tmpdir(), 'lifeline-empty-'));
    // A cache entry without its schema is incomplete: it is not used.
    mkdirSync(cachedTemporalServerDir({ LIFELINE_TOOL_CACHE: cache }), { recursive: true });
    fakeExecutable(cachedTemporalServerDir({ LIFELINE_TOOL_CACHE: cache }), 'temporal-server');
    const failure = resolveTemporalServer({ LIFELINE_TOOL_CACHE: cache, PATH: scratch }, quiet);
    await expect(failure).rejects.toThrow(/Temporal server 1\.29\.1 \(PostgreSQL mode\): go is not on PATH/);
    await expect(failure).rejects.toThrow(/set TEMPORAL_SERVER_PATH, TEMPORAL_SQL_TOOL_PATH and TEMPORAL_SCHEMA_DIR/);
    await expect(failure).rejects.toThrow(/install Go so Lifeline can build them into .*temporal-server-1\.29\.1/);
    await expect(failure).rejects.toThrow(/no SDK download/);
  });
});

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
