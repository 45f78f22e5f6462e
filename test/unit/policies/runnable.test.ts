/**
 * What loadPolicy refuses beyond the schema's shape: a policy that would load but could not run
 * (a calendar that does not compile, a duration no calendar can count, a working closing delay,
 * duplicate ids, …), each at the path of its field (docs/policies.md "Writing a policy"). Every case
 * starts from docs/examples/brightdesk.json, a valid document, and breaks one thing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { catalog } from '../../../policies';
import { catalogSources, parsePolicyDocument } from '../../../policies/document';
import { PolicyError } from '../../../policies/errors';
import { loadPolicy } from '../../../policies/load';

const root = path.join(__dirname, '../../..');
const exampleText = readFileSync(path.join(root, 'docs/examples/brightdesk.json'), 'utf8');

type Doc = Record<string, any>;

/** The example as a plain policy (without its "$schema"), for a case to break. */
function example(): Doc {
  const { $schema: _, ...policy } = JSON.parse(exampleText) as Doc;
  return policy;
}

function issuesOf(doc: Doc): Array<{ path: string; message: string }> {
  try {
    loadPolicy(doc);
  } catch (err) {
    if (err instanceof PolicyError) return err.issues;
    throw err;
  }
  throw new Error('expected the policy to be refused');
}

/** Calendar "office" open only on Mondays 09:00–09:01 of the fifth week of a month: a few minutes a year. */
function fifthMondayMinute(d: Doc): void {
  d.calendars[0].open = { mon: [{ from: '09:00', to: '09:01' }] };
  d.calendars[0].holidays = Array.from({ length: 12 }, (_, m) =>
    [1, 2, 3, 4].map((nth) => ({ kind: 'nthWeekday', name: `Closed ${m + 1}/${nth}`, month: m + 1, weekday: 1, nth })),
  ).flat();
}

const cases: Array<[string, (d: Doc) => void, string, RegExp]> = [
  // 1. a calendar that does not compile, or has no time to count in
  [
    'a working day in working time (compileCalendar throws)',
    (d) => (d.calendars[0].workingDay = '8 working hours'),
    'calendars[0].workingDay',
    /^workingDay must be a wall-clock length such as "8 hours", got "8 working hours"$/,
  ],
  [
    'a working day of zero length',
    (d) => (d.calendars[0].workingDay = '0 hours'),
    'calendars[0].workingDay',
    /longer than 0 and at most 24 hours/,
  ],
  [
    'a working day past 24 hours',
    (d) => (d.calendars[0].workingDay = '25 hours'),
    'calendars[0].workingDay',
    /at most 24 hours, got "25 hours"/,
  ],
  [
    'holidays closing every open day',
    (d) => {
      fifthMondayMinute(d);
      d.calendars[0].holidays.push(
        ...Array.from({ length: 12 }, (_, m) => ({ kind: 'nthWeekday', name: `Last ${m}`, month: m + 1, weekday: 1, nth: 5 })),
      );
    },
    'calendars[0].holidays',
    /no open time in the year from 1 January 2026/,
  ],
  // 2. durations that can never be computed
  [
    'a working duration of more than 366 working days',
    (d) => (d.targets.standard.sev3.firstResponse.duration = '99999999 working days'),
    'targets.standard.sev3.firstResponse.duration',
    /^"99999999 working days" is more than 366 working days of calendar "office" \(366 × 8 h = 2928 h of open time\)/,
  ],
  [
    'working hours beyond 366 working days',
    (d) => (d.targets.priority.sev2.firstResponse.duration = '3000 working hours'),
    'targets.priority.sev2.firstResponse.duration',
    /more than 366 working days of calendar "office"/,
  ],
  [
    'a wall-clock target of more than 366 days (sev1 runs on the 24/7 calendar)',
    (d) => (d.targets.standard.sev1.firstResponse.duration = '367 days'),
    'targets.standard.sev1.firstResponse.duration',
    /^"367 days" is longer than 366 days: a duration is at most 366 days of wall-clock time or 366 working days$/,
  ],
  [
    'working days on a 24/7 calendar beyond 366 days',
    (d) => (d.targets.priority.sev1.firstResponse.duration = '400 working days'),
    'targets.priority.sev1.firstResponse.duration',
    /longer than 366 days/,
  ],
  [
    'a warnAfter beyond the bound',
    (d) => (d.targets.priority.sev2.firstResponse.warnAfter = '400 working days'),
    'targets.priority.sev2.firstResponse.warnAfter',
    /more than 366 working days/,
  ],
  [
    'a warnBefore beyond the bound',
    (d) => (d.targets.priority.sev3.firstResponse.warnBefore = 'P400D'),
    'targets.priority.sev3.firstResponse.warnBefore',
    /"P400D" is longer than 366 days/,
  ],
  [
    'a target calendar with too little open time to count it in 50 years',
    (d) => {
      fifthMondayMinute(d);
      d.calendars[0].workingDay = '1 hour';
      d.targets.priority.sev2.firstResponse.duration = '1 working hour'; // ~4 fifth Mondays a year: 60 minutes come in 15 years
    },
    'targets.standard.sev2.firstResponse.duration',
    /^"8 working hours" needs more open time than calendar "office" has in the 50 years from 1 January 2026/,
  ],
  [
    'an auto-close delay beyond 366 days',
    (d) => (d.waitingOnCustomer.autoCloseAfter = '400 calendar days'),
    'waitingOnCustomer.autoCloseAfter',
    /longer than 366 days/,
  ],
  [
    'a reopening window beyond 366 days',
    (d) => (d.closing = { resolvedCloseAfter: '14 calendar days', reopenWithin: '53 weeks' }),
    'closing.reopenWithin',
    /"53 weeks" is longer than 366 days/,
  ],
  // 3. wall-clock-only durations
  [
    'closing.resolvedCloseAfter in working time',
    (d) => (d.closing = { resolvedCloseAfter: '3 working days', reopenWithin: '30 calendar days' }),
    'closing.resolvedCloseAfter',
    /^"3 working days" must be a wall-clock duration \(calendar days\)$/,
  ],
  [
    'closing.reopenWithin in working time',
    (d) => (d.closing = { resolvedCloseAfter: '14 calendar days', reopenWithin: 'PT4H working' }),
    'closing.reopenWithin',
    /^"PT4H working" must be a wall-clock duration \(calendar days\)$/,
  ],
  [
    'waitingOnCustomer.autoCloseAfter in working time',
    (d) => (d.waitingOnCustomer.autoCloseAfter = '10 business days'),
    'waitingOnCustomer.autoCloseAfter',
    /^"10 business days" must be a wall-clock duration \(calendar days\)$/,
  ],
  // 4. a product required, none listed
  [
    'requiresProduct with no products',
    (d) => {
      d.requiresProduct = true;
      d.products = [];
    },
    'requiresProduct',
    /needs at least one product in "products"/,
  ],
  // 5. duplicate ids
  [
    'a duplicate plan id',
    (d) => d.plans.push({ ...d.plans[0], name: 'Standard again' }),
    'plans[2].id',
    /^plans\[0\] is already plan "standard": ids must be unique$/,
  ],
  [
    'a duplicate severity id',
    (d) => d.severities.push({ ...d.severities[1], rank: 4 }),
    'severities[3].id',
    /^severities\[1\] is already severity "sev2": ids must be unique$/,
  ],
  [
    'a duplicate calendar id',
    (d) => d.calendars.push({ ...d.calendars[1], name: 'Around the clock, again' }),
    'calendars[2].id',
    /^calendars\[1\] is already calendar "always": ids must be unique$/,
  ],
  // 6. an unknown pageOnCall severity; a fixed holiday on a day its month never has
  [
    'pageOnCall naming an unknown severity',
    (d) => (d.pageOnCall = { severities: ['sev1', 'sev9'], channels: ['phone'], source: 'Terms §3' }),
    'pageOnCall.severities[1]',
    /^no severity "sev9"$/,
  ],
  [
    'a fixed holiday on 30 February',
    (d) => d.calendars[0].holidays.push({ kind: 'fixed', name: 'Never', month: 2, day: 30 }),
    'calendars[0].holidays[4].day',
    /^February has no day 30 \(it has 29\)/,
  ],
  [
    'a fixed holiday on 31 April',
    (d) => (d.calendars[0].holidays[1] = { kind: 'fixed', name: 'Liberty Day', month: 4, day: 31 }),
    'calendars[0].holidays[1].day',
    /^April has no day 31 \(it has 30\)/,
  ],
];

/** As [what, path, break, message], so the test's name reads "what, at path". */
const refused = cases.map(([what, breakIt, at, message]) => [what, at, breakIt, message] as const);

describe('loadPolicy refuses a policy that cannot run', () => {
  it('starts from a valid document', () => {
    expect(loadPolicy(example()).id).toBe('brightdesk');
  });

  it.each(refused)('%s, at %s', (_, at, breakIt, message) => {
    const doc = example();
    breakIt(doc);
    const issues = issuesOf(doc);
    expect(issues).toContainEqual({ path: at, message: expect.stringMatching(message) });
    expect(issues).toHaveLength(1);
  });

  it('names the field by its JSON pointer and line in a document (what `npm run policy -- check` prints)', () => {
    const doc = example();
    doc.calendars[0].workingDay = '8 working hours';
    doc.targets.standard.sev3.firstResponse.duration = '99999999 working days';
    doc.closing = { resolvedCloseAfter: '3 working days', reopenWithin: '30 calendar days' };
    const result = parsePolicyDocument(JSON.stringify(doc, null, 2), 'json');
    if ('policy' in result) throw new Error('expected errors');
    // What cannot run is looked for once every calendar compiles: the working day first, then the rest.
    expect(result.errors.map((e) => e.pointer)).toEqual(['/calendars/0/workingDay']);
    expect(result.errors[0].line).toEqual(expect.any(Number));
    delete doc.calendars[0].workingDay;
    const second = parsePolicyDocument(JSON.stringify(doc, null, 2), 'json');
    if ('policy' in second) throw new Error('expected errors');
    expect(second.errors.map((e) => e.pointer).sort()).toEqual([
      '/closing/resolvedCloseAfter',
      '/targets/standard/sev3/firstResponse/duration',
    ]);
  });
});

describe('what still loads', () => {
  it('every catalog policy, from its source and from its exported document', () => {
    for (const [id, source] of Object.entries(catalogSources)) {
      expect(loadPolicy(source).id).toBe(id);
      const result = parsePolicyDocument(readFileSync(path.join(root, `docs/policies/${id}.yaml`), 'utf8'));
      expect('errors' in result ? result.errors : []).toEqual([]);
    }
    expect(Object.keys(catalog).sort()).toEqual(Object.keys(catalogSources).sort());
  });

  it('docs/examples/brightdesk.json, as a document', () => {
    const result = parsePolicyDocument(exampleText);
    expect('errors' in result ? result.errors : []).toEqual([]);
  });

  it('the bounds themselves, 29 February, shared ranks and a 24-hour working day', () => {
    const doc = example();
    doc.targets.standard.sev3.firstResponse.duration = '366 working days';
    doc.targets.standard.sev1.firstResponse.duration = '366 days';
    doc.targets.priority.sev1.firstResponse.duration = '366 working days'; // 24/7: 366 × 24 h
    doc.waitingOnCustomer.autoCloseAfter = 'P366D';
    doc.closing = { resolvedCloseAfter: '366 calendar days', reopenWithin: '52 weeks' };
    doc.calendars[0].holidays.push({ kind: 'fixed', name: 'Leap day', month: 2, day: 29 });
    doc.severities[2].rank = 2;
    doc.pageOnCall = { severities: ['sev1'], channels: ['phone'], source: 'Terms §3' };
    doc.requiresProduct = true;
    doc.products = ['desk'];
    expect(() => loadPolicy(doc)).not.toThrow();
    doc.calendars[0].workingDay = '24 hours';
    doc.targets.standard.sev3.firstResponse.duration = '2 working days';
    expect(() => loadPolicy(doc)).not.toThrow();
  });
});
