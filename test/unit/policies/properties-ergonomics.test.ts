import fc from 'fast-check';
import { catalog, compileCalendar, type CompiledCalendar } from '../../../policies';
import { calendarSchema } from '../../../policies/schema';

// Laws of business time counted backwards and of open periods crossing midnight, in the style of properties.test.ts.
const HOUR = 3_600_000;
const calendars: Array<[string, CompiledCalendar]> = [];
for (const policy of Object.values(catalog)) {
  for (const spec of policy.calendars) {
    if (!calendars.some(([id]) => id === spec.id)) calendars.push([spec.id, compileCalendar(spec)]);
  }
}

const instant = fc.integer({ min: Date.UTC(2010, 0, 1), max: Date.UTC(2040, 11, 1) });
const duration = fc.integer({ min: 0, max: 7 * 24 * HOUR });
const runs = { numRuns: 300 };

describe.each(calendars)('calendar %s counted backwards', (_id, cal) => {
  it('subtract(add(t, d), d) = t for t at an open instant', () => {
    fc.assert(
      fc.property(instant, duration, (s, d) => {
        const t = cal.nextOpenInstant(s);
        return cal.subtractBusinessTime(cal.addBusinessTime(t, d), d) === t;
      }),
      runs,
    );
  });

  it('between(subtract(e, d), e) = d, and the result is never after e', () => {
    fc.assert(
      fc.property(instant, duration, (e, d) => {
        const s = cal.subtractBusinessTime(e, d);
        return s <= e && cal.businessTimeBetween(s, e) === d;
      }),
      runs,
    );
  });
});

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const nightShift = fc.record({
  zone: fc.constantFrom('Europe/London', 'America/New_York', 'Australia/Sydney', 'Asia/Tokyo'),
  from: fc.integer({ min: 13 * 4, max: 23 * 4 + 3 }).map((q) => q * 15),
  to: fc.integer({ min: 0, max: 12 * 4 }).map((q) => q * 15),
  days: fc.subarray([...weekdays], { minLength: 1 }),
});

/** The same shifts written as one overnight period each, and as their two days' parts. */
function bothForms(shift: { zone: string; from: number; to: number; days: string[] }): [CompiledCalendar, CompiledCalendar] {
  const one: Record<string, Array<Record<string, unknown>>> = {};
  const split: Record<string, Array<Record<string, unknown>>> = {};
  for (const day of shift.days) {
    (one[day] ??= []).push({ from: hhmm(shift.from), to: hhmm(shift.to), overnight: true });
    (split[day] ??= []).push({ from: hhmm(shift.from), to: '24:00' });
    const next = weekdays[(weekdays.indexOf(day as (typeof weekdays)[number]) + 1) % 7];
    if (shift.to > 0) (split[next] ??= []).push({ from: '00:00', to: hhmm(shift.to) });
  }
  const base = {
    id: 'night',
    name: 'Night',
    version: 1,
    zone: shift.zone,
    holidays: [{ kind: 'fixed', name: 'Christmas', month: 12, day: 25 }],
  };
  return [compileCalendar(calendarSchema.parse({ ...base, open: one })), compileCalendar(calendarSchema.parse({ ...base, open: split }))];
}

const nearInstant = fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2027, 5, 1) });
const probes = fc.array(fc.tuple(nearInstant, nearInstant, duration), { minLength: 1, maxLength: 6 });

describe('an open period crossing midnight', () => {
  it('counts exactly as its split form (daylight-saving changes and holidays included)', () => {
    fc.assert(
      fc.property(nightShift, probes, (shift, list) => {
        const [one, split] = bothForms(shift);
        return list.every(
          ([a, b, d]) =>
            one.isOpen(a) === split.isOpen(a) &&
            one.addBusinessTime(a, d) === split.addBusinessTime(a, d) &&
            one.businessTimeBetween(a, b) === split.businessTimeBetween(a, b) &&
            one.subtractBusinessTime(b, d) === split.subtractBusinessTime(b, d),
        );
      }),
      { numRuns: 40 },
    );
  });
});

/** The wall clock in a zone, read with Intl: an independent model of what "open" means. */
function wallClock(zone: string, t: number) {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(t);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  const offset = (at: number) => new Date(at).toLocaleString('en-GB', { timeZone: zone, timeZoneName: 'longOffset' }).split('GMT')[1] ?? '';
  return {
    weekday: get('weekday').toLowerCase().slice(0, 3),
    minutes: Number(get('hour')) * 60 + Number(get('minute')),
    christmas: get('month') === '12' && get('day') === '25',
    // Near a daylight-saving change the wall clock repeats or skips: the model stays out of it.
    nearChange: offset(t - 3 * HOUR) !== offset(t + 3 * HOUR),
  };
}

describe('an open period crossing midnight, against the wall clock', () => {
  it('is open from its start on its own days to its end the next morning, closed on a holiday', () => {
    fc.assert(
      fc.property(nightShift, fc.array(nearInstant, { minLength: 1, maxLength: 20 }), (shift, instants) => {
        const [one] = bothForms(shift);
        return instants.every((t) => {
          const w = wallClock(shift.zone, t);
          if (w.nearChange) return true;
          const day = weekdays.indexOf(w.weekday as (typeof weekdays)[number]);
          const previous = weekdays[(day + 6) % 7];
          const days: readonly string[] = shift.days;
          const open =
            !w.christmas && ((days.includes(w.weekday) && w.minutes >= shift.from) || (days.includes(previous) && w.minutes < shift.to));
          return one.isOpen(t) === open;
        });
      }),
      { numRuns: 60 },
    );
  });
});
