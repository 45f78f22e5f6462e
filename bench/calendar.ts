/**
 * bench/calendar: addBusinessTime and businessTimeBetween calls per second on each catalog
 * calendar, for 8, 32 and 55 business-hour targets, side by side with a minute-stepping reference
 * (the baseline, written here) and two npm business-hours libraries that handle holidays
 * (moment-business-time, dayjs-business-time), checking that all agree on the answers.
 * Also the cost of compiling a calendar for ten years.
 *
 *   npm run bench:calendar            (writes bench/RESULTS.md)
 *
 * The libraries compute in the process's local zone, so each runs in a child process whose TZ is
 * the calendar's zone and is given the holiday dates explicitly; Lifeline needs neither.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { catalog, CompiledCalendar, holidaysInYear, type CalendarSpec } from '../policies';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const TARGET_HOURS = [8, 32, 55];
const SAMPLE = 200; // starts per target for agreement checks and the slow implementations

const specs: CalendarSpec[] = [];
for (const p of Object.values(catalog)) for (const c of p.calendars) if (!specs.some((s) => s.id === c.id)) specs.push(c);

/** Deterministic minute-aligned starts in 2026–2027 (a small LCG: the same starts in every process). */
function starts(n: number, seed = 12345): number[] {
  const from = Date.UTC(2026, 0, 1);
  const span = 2 * 365 * 24 * 60;
  const out: number[] = [];
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(from + (x % span) * MINUTE);
  }
  return out;
}

/** ops per second of fn over the inputs, repeated until at least minMs has passed. */
function rate(inputs: number[], fn: (s: number) => number, minMs = 400): number {
  let calls = 0;
  let sink = 0;
  const t0 = performance.now();
  let elapsed = 0;
  do {
    for (const s of inputs) sink += fn(s);
    calls += inputs.length;
    elapsed = performance.now() - t0;
  } while (elapsed < minMs);
  if (sink === 42) process.stdout.write(''); // keep the results alive
  return (calls / elapsed) * 1000;
}

// ---- The baseline: minute stepping, sharing nothing with the compiled calendar but the rules ----

function referenceCalendar(spec: CalendarSpec) {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone: spec.zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    weekday: 'short',
  });
  const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const keys = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
  const holidayCache = new Map<number, Map<string, string>>();
  const isOpen = (t: number): boolean => {
    if (spec.alwaysOpen) return true;
    const parts = Object.fromEntries(fmt.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
    const year = Number(parts.year);
    if (!holidayCache.has(year)) holidayCache.set(year, holidaysInYear(spec.holidays, year));
    if (holidayCache.get(year)!.has(`${parts.year}-${parts.month}-${parts.day}`)) return false;
    const hhmm = `${parts.hour}:${parts.minute}`;
    return (spec.open[keys[days.indexOf(parts.weekday)]] ?? []).some((p) => p.from <= hhmm && hhmm < p.to);
  };
  return {
    add(start: number, ms: number): number {
      let remaining = ms / MINUTE;
      if (remaining === 0) return start;
      for (let t = start; ; t += MINUTE) if (isOpen(t) && --remaining === 0) return t + MINUTE;
    },
    between(a: number, b: number): number {
      let open = 0;
      for (let t = a; t < b; t += MINUTE) if (isOpen(t)) open += MINUTE;
      return open;
    },
  };
}

// ---- A library, in a child process whose local zone is the calendar's ------------------------

interface LibResult {
  lib: string;
  calendar: string;
  hours: number;
  addPerSecond: number;
  betweenPerSecond: number;
  agree: number;
  total: number;
}

function libraryChild(lib: string, calendarId: string): void {
  const spec = specs.find((s) => s.id === calendarId)!;
  const ours = new CompiledCalendar(spec);
  const holidays = [2025, 2026, 2027, 2028].flatMap((y) => [...holidaysInYear(spec.holidays, y).keys()]);
  const dayNames = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  const keys = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
  let add: (s: number, h: number) => number;
  let between: (a: number, b: number) => number;
  if (lib === 'moment-business-time') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const moment = require('moment-business-time');
    const workinghours: Record<number, string[] | null> = {};
    keys.forEach((k, i) => {
      const periods = spec.open[k];
      workinghours[i] = periods?.length
        ? periods.flatMap((p) => [`${p.from}:00`, `${p.to === '24:00' ? '23:59:59' : `${p.to}:00`}`])
        : null;
    });
    moment.updateLocale('en', { workinghours, holidays });
    add = (s, h) => moment(s).addWorkingTime(h, 'hours').valueOf();
    between = (a, b) => moment(b).workingDiff(moment(a), 'minutes') * MINUTE;
  } else {
    /* eslint-disable @typescript-eslint/no-require-imports */
    const dayjs = require('dayjs');
    const businessTime = require('dayjs-business-time').default ?? require('dayjs-business-time');
    /* eslint-enable @typescript-eslint/no-require-imports */
    dayjs.extend(businessTime);
    const hours: Record<string, Array<{ start: string; end: string }> | null> = {};
    keys.forEach((k, i) => {
      const periods = spec.open[k];
      hours[dayNames[i]] = periods?.length ? periods.map((p) => ({ start: `${p.from}:00`, end: `${p.to}:00` })) : null;
    });
    dayjs.setBusinessTime(hours);
    dayjs.setHolidays(holidays);
    add = (s, h) => dayjs(s).addBusinessTime(h, 'hours').valueOf();
    between = (a, b) => dayjs(a).businessTimeDiff(dayjs(b), 'minutes') * MINUTE;
  }
  const inputs = starts(SAMPLE);
  const results: LibResult[] = [];
  for (const hours of TARGET_HOURS) {
    let agree = 0;
    for (const s of inputs) if (add(s, hours) === ours.addBusinessTime(s, hours * HOUR)) agree++;
    const ends = inputs.map((s) => ours.addBusinessTime(s, hours * HOUR));
    results.push({
      lib,
      calendar: calendarId,
      hours,
      addPerSecond: rate(inputs, (s) => add(s, hours), 300),
      betweenPerSecond: rate(
        inputs.map((_, i) => i),
        (i) => between(inputs[i], ends[i]),
        300,
      ),
      agree,
      total: inputs.length,
    });
  }
  process.stdout.write(JSON.stringify(results));
}

function runLibrary(lib: string, spec: CalendarSpec): LibResult[] {
  const child = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', lib, spec.id], {
    env: { ...process.env, TZ: spec.zone },
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
    timeout: 300_000,
  });
  if (child.status !== 0) throw new Error(`${lib} on ${spec.id} failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as LibResult[];
}

// ---- Main -----------------------------------------------------------------------------------

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0);
}

function main(): void {
  const lines: string[] = [];
  const rows: string[] = [];
  const build: string[] = [];
  let slowest = Infinity;
  for (const spec of specs) {
    // Ten years of intervals, from a fresh calendar each time.
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      new CompiledCalendar(spec).businessTimeBetween(Date.UTC(2026, 0, 1), Date.UTC(2035, 11, 31));
      times.push(performance.now() - t0);
    }
    times.sort((a, b) => a - b);
    build.push(`| ${spec.id} | ${times[2].toFixed(1)} ms |`);

    const ours = new CompiledCalendar(spec);
    const ref = referenceCalendar(spec);
    const inputs = starts(SAMPLE);
    const many = starts(10_000, 777);
    ours.businessTimeBetween(Date.UTC(2025, 6, 1), Date.UTC(2028, 6, 1)); // compiled once, outside the timings
    const libs = spec.alwaysOpen ? [] : ['moment-business-time', 'dayjs-business-time'].flatMap((lib) => runLibrary(lib, spec));
    for (const hours of TARGET_HOURS) {
      const ms = hours * HOUR;
      let agree = 0;
      let agreeBetween = 0;
      for (const s of inputs) {
        const due = ours.addBusinessTime(s, ms);
        if (due === ref.add(s, ms)) agree++;
        if (ours.businessTimeBetween(s, due) === ref.between(s, due)) agreeBetween++;
      }
      const oursAdd = rate(many, (s) => ours.addBusinessTime(s, ms), 500);
      const ends = many.map((s) => ours.addBusinessTime(s, ms));
      const oursBetween = rate(
        many.map((_, i) => i),
        (i) => ours.businessTimeBetween(many[i], ends[i]),
        500,
      );
      const refAdd = rate(inputs.slice(0, 40), (s) => ref.add(s, ms), 300);
      const refEnds = inputs.slice(0, 40).map((s) => ours.addBusinessTime(s, ms));
      const refBetween = rate(
        refEnds.map((_, i) => i),
        (i) => ref.between(inputs[i], refEnds[i]),
        300,
      );
      if (hours * HOUR <= 7 * 24 * HOUR) slowest = Math.min(slowest, oursAdd);
      const lib = (name: string) => libs.find((l) => l.lib === name && l.hours === hours);
      const libCell = (name: string, key: 'addPerSecond' | 'betweenPerSecond') => {
        const l = lib(name);
        return l ? `${fmt(l[key])} (${(l[key] / (key === 'addPerSecond' ? refAdd : refBetween)).toFixed(1)}×)` : '—';
      };
      const agreeLib = (name: string) => {
        const l = lib(name);
        return l ? `${l.agree}/${l.total}` : '—';
      };
      rows.push(
        `| ${spec.id} | ${hours} h | ${fmt(oursAdd)} (${(oursAdd / refAdd).toFixed(0)}×) | ${fmt(refAdd)} (1×) | ${libCell('moment-business-time', 'addPerSecond')} | ${libCell('dayjs-business-time', 'addPerSecond')} | ${fmt(oursBetween)} (${(oursBetween / refBetween).toFixed(0)}×) | ${fmt(refBetween)} (1×) | ${agree}/${SAMPLE}, ${agreeBetween}/${SAMPLE} | ${agreeLib('moment-business-time')} | ${agreeLib('dayjs-business-time')} |`,
      );
      process.stderr.write(`${spec.id} ${hours}h: add ${fmt(oursAdd)}/s, reference ${fmt(refAdd)}/s\n`);
    }
  }
  const command = 'npm run bench:calendar';
  lines.push(
    '## bench/calendar — business-calendar arithmetic',
    '',
    `Command: \`${command}\` · ${new Date().toISOString().slice(0, 10)} · Node ${process.version} · ${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length} (one core used) · process TZ ${process.env.TZ ?? '(unset)'}`,
    '',
    'Calls per second, single thread; in brackets the ratio to the minute-stepping reference measured in the same run (the baseline).',
    'Agreement: due instants (add) and open time (between) equal to the millisecond, on the same 200 minute-aligned starts in 2026–2027.',
    "The libraries run in a child process with TZ set to the calendar's zone and the holiday dates given to them explicitly.",
    '',
    '| calendar | target | Lifeline add/s | reference add/s | moment-business-time add/s | dayjs-business-time add/s | Lifeline between/s | reference between/s | Lifeline = reference (add, between) | moment agrees | dayjs agrees |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
    `Slowest Lifeline addBusinessTime rate for spans up to a week: **${fmt(slowest)} calls/s** (goal ≥ 1 M/s on one core).`,
    '',
    'Building a calendar for ten years (2026–2035: holidays, local-to-UTC conversion, running totals), median of 5:',
    '',
    '| calendar | build |',
    '| --- | --- |',
    ...build,
    '',
  );
  const file = path.join(__dirname, 'RESULTS.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmark results\n\n';
  const section = lines.join('\n');
  const start = previous.indexOf('## bench/calendar');
  const next = start >= 0 ? previous.indexOf('\n## ', start + 3) : -1;
  const updated = start >= 0 ? previous.slice(0, start) + section + (next >= 0 ? previous.slice(next + 1) : '') : previous + section;
  writeFileSync(file, updated);
  process.stdout.write(section + '\n');
}

if (process.argv[2] === '--child') libraryChild(process.argv[3], process.argv[4]);
else main();
