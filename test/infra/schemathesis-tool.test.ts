import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cachedSchemathesisPath, resolveSchemathesis, schemathesisWrapper, SCHEMATHESIS_VERSION } from '../../scripts/schemathesis';

const quiet = () => undefined;

function executable(file: string, body: string): string {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, body);
  chmodSync(file, 0o755);
  return file;
}

describe('schemathesis resolution (scripts/schemathesis.ts)', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'lifeline-schemathesis-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('takes SCHEMATHESIS_PATH first, and refuses one that is not an executable file', async () => {
    const mine = executable(path.join(scratch, 'my-st'), '#!/bin/sh\nexit 0\n');
    expect(await resolveSchemathesis({ SCHEMATHESIS_PATH: mine, LIFELINE_TOOL_CACHE: scratch }, quiet)).toEqual({
      path: mine,
      source: 'environment',
    });
    await expect(resolveSchemathesis({ SCHEMATHESIS_PATH: path.join(scratch, 'missing') }, quiet)).rejects.toThrow(
      /SCHEMATHESIS_PATH=.*missing is not an executable file/,
    );
  });

  it('uses the virtualenv in the tool cache next, through a wrapper that execs its python', async () => {
    const env = { LIFELINE_TOOL_CACHE: mkdtempSync(path.join(scratch, 'cache-')) };
    const wrapper = cachedSchemathesisPath(env);
    expect(wrapper).toBe(path.join(env.LIFELINE_TOOL_CACHE, `schemathesis-${SCHEMATHESIS_VERSION}`, 'schemathesis'));
    executable(wrapper, schemathesisWrapper());
    // A stand-in python that shows what it was given.
    executable(path.join(path.dirname(wrapper), 'venv', 'bin', 'python'), '#!/bin/sh\nprintf "%s\\n" "$@"\n');
    expect(await resolveSchemathesis(env, quiet)).toEqual({ path: wrapper, source: 'tool-cache' });
    const args = execFileSync(wrapper, ['run', 'http://127.0.0.1:1/openapi.json'], { encoding: 'utf8' }).trim().split('\n');
    expect(args[0]).toBe('-c');
    expect(args[1]).toMatch(/from schemathesis\.cli import schemathesis/);
    expect(args.slice(2)).toEqual(['run', 'http://127.0.0.1:1/openapi.json']);
  });

  it('ignores a cache entry without its virtualenv and, when it cannot build, names both ways and leaves nothing behind', async () => {
    const cache = mkdtempSync(path.join(scratch, 'cache-'));
    const env = { LIFELINE_TOOL_CACHE: cache, LIFELINE_PYTHON: path.join(scratch, 'no-python') };
    executable(cachedSchemathesisPath(env), schemathesisWrapper());
    const lines: string[] = [];
    const failure = resolveSchemathesis(env, (l) => lines.push(l));
    await expect(failure).rejects.toThrow(/set SCHEMATHESIS_PATH/);
    await expect(failure).rejects.toThrow(/install Python 3 with venv and pip/);
    expect(lines.join('\n')).toMatch(/has no virtualenv: removing it/);
    expect(lines.join('\n')).toMatch(/-m venv/);
    expect(readdirSync(cache)).toEqual([]);
  });
});
