/**
 * `npm run policy -- <command>`: the policy document checker, for people writing a policy and for
 * their CI pipelines (docs/policies.md).
 *   check <file>             every error with its JSON pointer and line; else the targets per plan × severity
 *   preview <file> …         each target's due instant for one opening
 *   schema                   the JSON Schema of a policy document (docs/policy.schema.json)
 *   export <policyId>        a catalog policy as YAML (docs/policies/<id>.yaml)
 *   import-ical <file.ics> …  an iCalendar file's all-day events as explicit holiday rules (YAML)
 * Exit status: 0 done, 1 an invalid policy, 2 bad arguments (with the usage line).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { catalogPolicyDocument, catalogSources, parsePolicyDocument, toYaml, type DocumentError } from '../policies/document';
import { PolicyInputError } from '../policies/errors';
import { holidaysFromICalendar } from '../policies/ical';
import { policyJsonSchemaText } from '../policies/json-schema';
import type { Policy } from '../policies/schema';
import { previewSlaFor, targetsFor, validateTicketInputs } from '../policies/sla';
import { isValidZone, localToUtc, offsetMinutes, parseDate } from '../policies/zone';

const USAGE = [
  'usage: npm run policy -- check <file>',
  '       npm run policy -- preview <file> --opened <YYYY-MM-DDTHH:MM> [--zone <IANA zone>] --plan <plan> --severity <severity> [--product <product>] [--option <option>]...',
  '       npm run policy -- schema',
  `       npm run policy -- export <${Object.keys(catalogSources).join('|')}>`,
  '       npm run policy -- import-ical <file.ics> --from <year> --to <year> [--name-prefix <text>]',
].join('\n');

/** Bad arguments: exit 2 with the usage line. */
class UsageError extends Error {}
/** An invalid policy: its errors are printed, exit 1. */
class InvalidPolicy extends Error {}

const out = (text: string): void => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
const err = (text: string): void => void process.stderr.write(`${text}\n`);

function readText(file: string | undefined): string {
  if (!file) throw new UsageError('name a file');
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The policy of a document file (JSON by a .json name, YAML by .yaml/.yml, else by content), or its errors printed. */
function readPolicy(file: string | undefined): Policy {
  const text = readText(file);
  const ext = path.extname(file!).toLowerCase();
  const result = parsePolicyDocument(text, ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : undefined);
  if ('policy' in result) return result.policy;
  for (const e of result.errors) err(formatError(file!, e));
  throw new InvalidPolicy(`${result.errors.length} error${result.errors.length === 1 ? '' : 's'}: ${file} is not a valid policy`);
}

/** `file:line: /pointer: message`, as compilers write it (editors and CI annotations read it). */
export function formatError(file: string, e: DocumentError): string {
  return `${file}${e.line === undefined ? '' : `:${e.line}`}: ${e.pointer || '(document)'}: ${e.message}`;
}

/** Columns padded to their widest cell. */
function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** An instant as the wall clock of a zone reads it, with the offset: `2026-12-29 12:30 +00:00`. */
function localTime(iso: string, zone: string): string {
  const t = Date.parse(iso);
  const offset = offsetMinutes(zone, t);
  const sign = offset < 0 ? '-' : '+';
  const hhmm = `${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${String(Math.abs(offset) % 60).padStart(2, '0')}`;
  return `${new Date(t + offset * 60_000).toISOString().slice(0, 16).replace('T', ' ')} ${sign}${hhmm}`;
}

const utc = (iso: string) => iso.replace(/:00\.000Z$/, 'Z').replace(/\.000Z$/, 'Z');
const zoneOf = (policy: Policy, calendar: string) => policy.calendars.find((c) => c.id === calendar)!.zone;

/** The rows of one plan × severity (× product) for an opening at `openedAt`. */
function targetRows(policy: Policy, plan: string, severity: string, product: string | undefined, openedAt: string): string[][] {
  const lead = [plan, severity, ...(product === undefined ? [] : [product])];
  try {
    const preview = previewSlaFor(policy, { plan, severity, product, openedAt });
    if (preview.targets.length === 0) return [[...lead, '—', 'no targets', '', '']];
    const specs = targetsFor(policy, plan, severity);
    return preview.targets.map((t) => [
      ...lead,
      t.kind,
      specs[t.kind]!.duration,
      t.calendar,
      localTime(t.dueAt, zoneOf(policy, t.calendar)),
    ]);
  } catch (e) {
    if (e instanceof PolicyInputError) return [[...lead, '—', e.message, '', '']];
    throw e;
  }
}

/** `check`: the policy's summary and its targets per plan × severity, each with a due instant for an opening now. */
function check(file: string | undefined): void {
  const policy = readPolicy(file);
  const now = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString(); // this minute
  out(`${file}: valid policy "${policy.id}" version ${policy.version} (${policy.name})`);
  for (const c of policy.calendars) {
    const holidays = c.holidays.length ? `, ${c.holidays.length} holiday rule${c.holidays.length === 1 ? '' : 's'}` : '';
    out(`  calendar ${c.id}: ${c.alwaysOpen ? 'always open' : `open ${openDays(c.open)}`}, ${c.zone}${holidays}`);
  }
  // The calendar of a target may depend on the product: then one row per product.
  const products: Array<string | undefined> = policy.calendarRules.some((r) => r.when.products) ? policy.products : [undefined];
  const rows = [
    [
      'plan',
      'severity',
      ...(products[0] === undefined ? [] : ['product']),
      'kind',
      'duration',
      'calendar',
      `due if opened now (${utc(now)})`,
    ],
  ];
  for (const plan of policy.plans) {
    for (const severity of policy.severities) {
      for (const product of products) rows.push(...targetRows(policy, plan.id, severity.id, product, now));
    }
  }
  out(table(rows));
  const optional = [...new Set(policy.calendarRules.flatMap((r) => (r.when.option ? [r.when.option] : [])))];
  if (optional.length) out(`(calendar rules on plan options are not applied above: preview with --option ${optional.join(' / ')})`);
}

/** Open periods by day, runs of days with the same periods together: `mon–fri 09:00–17:00`. */
function openDays(open: Policy['calendars'][number]['open']): string {
  const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
  const hours = days.map((d) => (open[d] ?? []).map((p) => `${p.from}–${p.to}`).join(', '));
  const runs: string[] = [];
  for (let i = 0; i < days.length; i++) {
    let j = i;
    while (j + 1 < days.length && hours[j + 1] === hours[i]) j++;
    if (hours[i]) runs.push(`${i === j ? days[i] : `${days[i]}–${days[j]}`} ${hours[i]}`);
    i = j;
  }
  return runs.join('; ');
}

const localPattern = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;

/** --opened as an instant: as written when it has an offset, else a wall-clock time in `zone` (policies/zone.ts reads DST gaps). */
function openingInstant(opened: string, zone: string): string {
  const m = localPattern.exec(opened);
  if (!m) return opened; // an instant with an offset: previewSlaFor checks it
  let date;
  try {
    date = parseDate(m[1]);
  } catch {
    throw new UsageError(`--opened: "${opened}" is not a date and time`);
  }
  if (Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4] ?? 0) > 59) throw new UsageError(`--opened: "${opened}" is not a time of day`);
  const instant = localToUtc(zone, date, Number(m[2]) * 60 + Number(m[3])) + Number(m[4] ?? 0) * 1000;
  return new Date(instant).toISOString();
}

interface PreviewArgs {
  opened?: string;
  zone?: string;
  plan?: string;
  severity?: string;
  product?: string;
  option?: string[];
}

/** `preview`: each target's due instant for one opening. */
function preview(file: string | undefined, args: PreviewArgs): void {
  if (!args.opened || !args.plan || !args.severity) throw new UsageError('preview needs --opened, --plan and --severity');
  if (args.zone !== undefined && !isValidZone(args.zone)) throw new UsageError(`--zone: unknown time zone "${args.zone}"`);
  const policy = readPolicy(file);
  const options = Object.fromEntries((args.option ?? []).map((o) => [o, true]));
  const input = { plan: args.plan, severity: args.severity, product: args.product, options };
  try {
    validateTicketInputs(policy, input);
    // A wall-clock opening reads in --zone, else in the zone of the policy's default calendar (the vendor's office).
    const zone = args.zone ?? zoneOf(policy, policy.defaultCalendar);
    const openedAt = openingInstant(args.opened, zone);
    const result = previewSlaFor(policy, { ...input, openedAt });
    out(
      `${policy.id} v${policy.version}, plan ${args.plan}, severity ${args.severity}: opened ${localTime(openedAt, zone)} ${zone} (${utc(openedAt)})`,
    );
    if (result.targets.length === 0) return out('no targets');
    const specs = targetsFor(policy, args.plan, args.severity);
    const rows = [['kind', 'duration', 'calendar', 'due (UTC)', 'due (calendar time)', 'warning (UTC)']];
    for (const t of result.targets) {
      rows.push([t.kind, specs[t.kind]!.duration, t.calendar, utc(t.dueAt), localTime(t.dueAt, zoneOf(policy, t.calendar)), utc(t.warnAt)]);
    }
    out(table(rows));
  } catch (e) {
    if (e instanceof PolicyInputError) throw new UsageError(e.message);
    throw e;
  }
}

function exportPolicy(id: string | undefined): void {
  if (!id || !Object.hasOwn(catalogSources, id)) {
    throw new UsageError(`export: ${id ? `no catalog policy "${id}"` : 'name a policy'}; one of ${Object.keys(catalogSources).join(', ')}`);
  }
  out(catalogPolicyDocument(id as keyof typeof catalogSources));
}

function year(flag: string, value: string | undefined): number {
  if (!value || !/^\d{4}$/.test(value)) throw new UsageError(`${flag}: expected a year such as 2027`);
  return Number(value);
}

/** `import-ical`: the file's all-day events in the years asked for, as `date` holiday rules to paste under a calendar's `holidays:`. */
function importICalendar(file: string | undefined, args: { from?: string; to?: string; 'name-prefix'?: string }): void {
  const text = readText(file);
  const [fromYear, toYear] = [year('--from', args.from), year('--to', args.to)];
  if (fromYear > toYear) throw new UsageError('--from must not be after --to');
  let result;
  try {
    result = holidaysFromICalendar(text, { fromYear, toYear });
  } catch (e) {
    throw new UsageError(`${file}: ${(e as Error).message}`);
  }
  const prefix = args['name-prefix'] ?? '';
  const holidays = result.holidays.map((h) => ({ ...h, name: `${prefix}${h.name}` }));
  for (const s of result.skipped) err(`skipped ${s.summary ?? '(no summary)'}${s.uid ? ` (${s.uid})` : ''}: ${s.reason}`);
  const comment = [`${holidays.length} holidays of ${path.basename(file!)}, ${fromYear}–${toYear}: paste under a calendar's "holidays:"`];
  out(toYaml(holidays, { comment }));
}

const options = {
  opened: { type: 'string' },
  zone: { type: 'string' },
  plan: { type: 'string' },
  severity: { type: 'string' },
  product: { type: 'string' },
  option: { type: 'string', multiple: true },
  from: { type: 'string' },
  to: { type: 'string' },
  'name-prefix': { type: 'string' },
} as const;

/** Which flags each command takes; any other is a usage error. */
const flagsOf: Record<string, Array<keyof typeof options>> = {
  check: [],
  preview: ['opened', 'zone', 'plan', 'severity', 'product', 'option'],
  schema: [],
  export: [],
  'import-ical': ['from', 'to', 'name-prefix'],
};

export function run(argv: string[]): void {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const [command, target, ...extra] = parsed.positionals;
  if (!command || !Object.hasOwn(flagsOf, command)) throw new UsageError(command ? `unknown command "${command}"` : 'name a command');
  const stray = Object.keys(parsed.values).filter((f) => !flagsOf[command].includes(f as keyof typeof options));
  if (stray.length) throw new UsageError(`${command} takes no --${stray.join(', --')}`);
  const arity = command === 'schema' ? 0 : 1;
  if ((arity === 0 ? [target, ...extra] : extra).some((x) => x !== undefined)) throw new UsageError(`${command}: too many arguments`);
  if (command === 'check') check(target);
  else if (command === 'preview') preview(target, parsed.values);
  else if (command === 'schema') out(policyJsonSchemaText());
  else if (command === 'export') exportPolicy(target);
  else importICalendar(target, parsed.values);
}

try {
  run(process.argv.slice(2));
} catch (e) {
  if (e instanceof UsageError) {
    err(`policy: ${e.message}\n${USAGE}`);
    process.exitCode = 2;
  } else if (e instanceof InvalidPolicy) {
    err(e.message);
    process.exitCode = 1;
  } else {
    err(`policy: ${(e as Error).stack ?? e}`);
    process.exitCode = 1;
  }
}
