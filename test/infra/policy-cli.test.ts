/**
 * `npm run policy` (scripts/policy.ts) as a user's CI runs it: a child process on the fixtures of
 * test/fixtures/policies/, its exit status and its output. No servers.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '../..');
const fixture = (name: string) => path.join('test/fixtures/policies', name);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command from the repository root, killed after `timeoutMs`. */
function spawnIn(file: string, args: string[], timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd: root, timeout: timeoutMs, env: { ...process.env, TZ: 'Asia/Tokyo' } }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException & { killed?: boolean }).killed) return reject(new Error(`timed out: ${args.join(' ')}`));
      const code = err ? Number((err as { code?: unknown }).code ?? 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
const policy = (...args: string[]) => spawnIn(process.execPath, ['--import', 'tsx', 'scripts/policy.ts', ...args]);

describe('npm run policy', () => {
  jest.setTimeout(60_000);

  it('check: a valid document prints its calendars and a table of targets, exit 0', async () => {
    const r = await policy('check', fixture('valid.yaml'));
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^test\/fixtures\/policies\/valid\.yaml: valid policy "acme-support" version 1 \(Acme support\)$/m);
    expect(r.stdout).toMatch(/^ {2}calendar office: open mon–fri 09:00–17:00, Europe\/Berlin, 2 holiday rules$/m);
    expect(r.stdout).toMatch(/^plan +severity +kind +duration +calendar +due if opened now \(\d{4}-\d\d-\d\dT\d\d:\d\dZ\)$/m);
    expect(r.stdout).toMatch(/^gold +sev1 +firstResponse +1 hour +always +\d{4}-\d\d-\d\d \d\d:\d\d \+00:00$/m);
    expect(r.stdout).toMatch(/^gold +sev1 +resolution +8 hours +always /m);
    expect(r.stdout).toMatch(/^silver +sev1 +firstResponse +2 working hours +office +\d{4}-\d\d-\d\d \d\d:\d\d \+0[12]:00$/m);
    expect(r.stdout.trim().split('\n')).toHaveLength(3 + 1 + 5);
  });

  it('check: an invalid document prints each error with its line and JSON pointer, exit 1', async () => {
    const r = await policy('check', fixture('invalid.yaml'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^test\/fixtures\/policies\/invalid\.yaml:10: \/calendars\/0\/zone: expected an IANA time zone/),
      expect.stringMatching(/^test\/fixtures\/policies\/invalid\.yaml:21: \/targets\/gold\/sev1\/firstResponse\/duration: .*soon/),
      'test/fixtures/policies/invalid.yaml:22: /targets/gold/sev1/resolution/calendar: no calendar "nowhere" in this policy',
      '3 errors: test/fixtures/policies/invalid.yaml is not a valid policy',
    ]);
  });

  it('preview: each target due for one opening, read in the default calendar zone (the holidays closed)', async () => {
    const r = await policy('preview', fixture('valid.yaml'), '--opened', '2026-12-24T16:30', '--plan', 'gold', '--severity', 'sev2');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('acme-support v1, plan gold, severity sev2: opened 2026-12-24 16:30 +01:00 Europe/Berlin (2026-12-24T15:30Z)');
    // 30 minutes on the 24th, the 25th and 26th closed, the weekend, 7.5 hours on Monday 28th.
    expect(lines[2]).toMatch(/^firstResponse +1 working day +office +2026-12-28T15:30Z +2026-12-28 16:30 \+01:00 +2026-12-28T\d\d:\d\dZ$/);

    const zoned = await policy(
      'preview',
      fixture('valid.yaml'),
      '--opened',
      '2026-12-24T16:30',
      '--zone',
      'UTC',
      '--plan',
      'gold',
      '--severity',
      'sev1',
    );
    expect(zoned.code).toBe(0);
    expect(zoned.stdout).toMatch(/^firstResponse +1 hour +always +2026-12-24T17:30Z /m);
    expect(zoned.stdout).toMatch(/^resolution +8 hours +always +2026-12-25T00:30Z /m);
  });

  it('bad arguments: exit 2 with the usage line', async () => {
    for (const args of [
      [],
      ['frobnicate'],
      ['check'],
      ['check', fixture('missing.yaml')],
      ['check', fixture('valid.yaml'), '--plan', 'gold'],
      ['preview', fixture('valid.yaml'), '--plan', 'gold', '--severity', 'sev1'],
      ['preview', fixture('valid.yaml'), '--opened', '2026-12-24T16:30', '--plan', 'platinum', '--severity', 'sev1'],
      ['preview', fixture('valid.yaml'), '--opened', '2026-02-30T16:30', '--plan', 'gold', '--severity', 'sev1'],
      ['export', 'acme'],
      ['schema', 'extra'],
      ['import-ical', fixture('holidays.ics'), '--from', '2027'],
    ]) {
      const r = await policy(...args);
      expect({ args, code: r.code, usage: /^usage: npm run policy -- check <file>$/m.test(r.stderr) }).toEqual({
        args,
        code: 2,
        usage: true,
      });
    }
    const invalid = await policy(
      'preview',
      fixture('invalid.yaml'),
      '--opened',
      '2026-12-24T16:30',
      '--plan',
      'gold',
      '--severity',
      'sev1',
    );
    expect(invalid.code).toBe(1);
  });

  it('schema and export print the committed documents; the schema file is as prettier lays it out', async () => {
    const schema = await policy('schema');
    expect(schema.code).toBe(0);
    const committed = readFileSync(path.join(root, 'docs/policy.schema.json'), 'utf8');
    expect({ upToDate: schema.stdout === committed }).toEqual({ upToDate: true }); // else: npm run policy -- schema > docs/policy.schema.json
    const exported = await policy('export', 'xecuritas');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toBe(readFileSync(path.join(root, 'docs/policies/xecuritas.yaml'), 'utf8'));
    const prettier = await spawnIn(process.execPath, [require.resolve('prettier/bin/prettier.cjs'), '--check', 'docs/policy.schema.json']);
    expect({ prettier: prettier.code, out: prettier.code ? prettier.stdout + prettier.stderr : '' }).toEqual({ prettier: 0, out: '' });
  });

  it('import-ical: all-day events as explicit date rules, timed ones skipped with why', async () => {
    const r = await policy('import-ical', fixture('holidays.ics'), '--from', '2027', '--to', '2028', '--name-prefix', 'Acme: ');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `# 3 holidays of holidays.ics, 2027–2028: paste under a calendar's "holidays:"`,
        '- kind: date',
        '  name: "Acme: Christmas Day"',
        '  date: "2027-12-25"',
        '- kind: date',
        '  name: "Acme: Company shutdown after the new year"',
        '  date: "2028-01-03"',
        '- kind: date',
        '  name: "Acme: Christmas Day"',
        '  date: "2028-12-25"',
        '',
      ].join('\n'),
    );
    expect(r.stderr).toMatch(/^skipped Staff party \(party@acme\.example\): timed event/m);
  });
});
