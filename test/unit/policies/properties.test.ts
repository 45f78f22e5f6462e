import fc from 'fast-check';
import { catalog, compileCalendar, type CompiledCalendar, type Interval } from '../../../policies';

// The laws of calendar arithmetic, checked on every catalog calendar over 2010–2040.
const HOUR = 3_600_000;
const calendars: Array<[string, CompiledCalendar]> = [];
for (const policy of Object.values(catalog)) {
  for (const spec of policy.calendars) {
    if (!calendars.some(([id]) => id === spec.id)) calendars.push([spec.id, compileCalendar(spec)]);
  }
}

const instant = fc.integer({ min: Date.UTC(2010, 0, 1), max: Date.UTC(2040, 11, 1) });
const duration = fc.integer({ min: 0, max: 7 * 24 * HOUR }); // spans up to a week of open time
const pauses = fc
  .array(fc.tuple(fc.integer({ min: -2 * 24 * HOUR, max: 20 * 24 * HOUR }), fc.integer({ min: 1, max: 3 * 24 * HOUR })), { maxLength: 4 })
  .map((list) => list.map(([offset, length]) => ({ offset, length })));
const runs = { numRuns: 300 };

describe.each(calendars)('calendar %s', (_id, cal) => {
  it('a longer duration never gives an earlier due instant', () => {
    fc.assert(
      fc.property(instant, duration, duration, (s, a, b) => {
        const [short, long] = a <= b ? [a, b] : [b, a];
        return cal.addBusinessTime(s, short) <= cal.addBusinessTime(s, long);
      }),
      runs,
    );
  });

  it('between(start, add(start, d)) = d', () => {
    fc.assert(
      fc.property(instant, duration, (s, d) => cal.businessTimeBetween(s, cal.addBusinessTime(s, d)) === d),
      runs,
    );
  });

  it('a due instant is never inside a closed period except at its boundary', () => {
    fc.assert(
      fc.property(
        instant,
        duration.filter((d) => d > 0),
        (s, d) => {
          const due = cal.addBusinessTime(s, d);
          return cal.isOpen(due - 1) && due > s;
        },
      ),
      runs,
    );
  });

  it('adding in two steps equals adding at once', () => {
    fc.assert(
      fc.property(
        instant,
        duration,
        duration,
        (s, a, b) => cal.addBusinessTime(cal.addBusinessTime(s, a), b) === cal.addBusinessTime(s, a + b),
      ),
      runs,
    );
  });

  it('between is antisymmetric and additive', () => {
    fc.assert(
      fc.property(instant, instant, instant, (a, b, c) => {
        return (
          cal.businessTimeBetween(a, b) === -cal.businessTimeBetween(b, a) &&
          cal.businessTimeBetween(a, b) + cal.businessTimeBetween(b, c) === cal.businessTimeBetween(a, c)
        );
      }),
      { numRuns: 100 },
    );
  });

  it('the next open instant is open, not before t, and no open time lies between', () => {
    fc.assert(
      fc.property(instant, (s) => {
        const next = cal.nextOpenInstant(s);
        return next >= s && cal.isOpen(next) && cal.businessTimeBetween(s, next) === 0;
      }),
      runs,
    );
  });

  it('pauses only move a due instant later, by at most the open time they cover, and never lose budget', () => {
    fc.assert(
      fc.property(
        instant,
        duration.filter((d) => d > 0),
        pauses,
        (s, d, ps) => {
          const intervals: Interval[] = ps.map((p) => ({ start: s + p.offset, end: s + p.offset + p.length }));
          const plain = cal.addBusinessTime(s, d);
          const paused = cal.addBusinessTimeExcluding(s, d, intervals);
          const pausedOpenTime = cal.businessTimeBetween(s, paused) - cal.businessTimeBetweenExcluding(s, paused, intervals);
          return (
            paused >= plain &&
            cal.businessTimeBetweenExcluding(s, paused, intervals) === d &&
            cal.businessTimeBetween(plain, paused) <= pausedOpenTime
          );
        },
      ),
      runs,
    );
  });
});
