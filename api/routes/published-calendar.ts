/** A product's lifecycle as an iCalendar feed (RFC 5545): one all-day event per milestone and per notice day. */
import { lifecycleMoments, type Milestone } from '../../policies/index';
import { addDays, parseDate } from '../../policies/zone';
import type { PublishedProductRow } from '../read-models/published';
import { isProvisional, momentNames, type Version } from './published-releases';

/** TEXT escaping (RFC 5545 §3.3.11). */
const icsText = (s: string) => s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
const icsDate = (date: string) => date.replace(/-/g, '');
const icsStamp = (t: Date) =>
  t
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
const nextDay = (date: string) => {
  const d = addDays(parseDate(date), 1);
  return `${String(d.year).padStart(4, '0')}${String(d.month).padStart(2, '0')}${String(d.day).padStart(2, '0')}`;
};

/** Folds a content line at 75 octets (RFC 5545 §3.1), never inside a UTF-8 character. */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const n = Buffer.byteLength(ch);
    // Continuation lines start with a space, which counts towards their 75.
    if (octets + n > (out.length === 0 ? 75 : 74)) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += n;
  }
  out.push(current);
  return out.join('\r\n ');
}

interface CalendarEvent {
  uid: string;
  date: string;
  summary: string;
  description: string;
  category: string;
  url: string;
  lastModified: Date;
  alarm: { trigger: string; text: string };
}

/** One all-day, transparent VEVENT with its display alarm. */
function eventLines(e: CalendarEvent, stamp: string): string[] {
  return [
    'BEGIN:VEVENT',
    `UID:${e.uid}`,
    `DTSTAMP:${stamp}`,
    `LAST-MODIFIED:${icsStamp(e.lastModified)}`,
    `DTSTART;VALUE=DATE:${icsDate(e.date)}`,
    `DTEND;VALUE=DATE:${nextDay(e.date)}`,
    `SUMMARY:${icsText(e.summary)}`,
    `DESCRIPTION:${icsText(e.description)}`,
    `CATEGORIES:${icsText(e.category)}`,
    `URL:${e.url}`,
    'TRANSP:TRANSPARENT',
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    `TRIGGER:${e.alarm.trigger}`,
    `DESCRIPTION:${icsText(e.alarm.text)}`,
    'END:VALARM',
    'END:VEVENT',
  ];
}

/** The milestone day itself is still supported: each change happens at the end of its day in the zone. */
function dayStill(m: Milestone, date: string, zone: string, at?: string | null): string {
  const end = `at the end of ${date} in ${zone}${at ? ` (${at})` : ''}`;
  if (m === 'eos') return `The milestone day itself is still on sale and supported: sales end ${end}; support goes on.`;
  if (m === 'eoms')
    return `The milestone day itself is still in mainstream support: it ends ${end}; extended support follows until End of Life.`;
  return `The milestone day itself is still supported: support ends ${end}.`;
}

/** A version's GA and milestone days, each with an alarm a week before. */
function milestoneEvents(v: Version, title: string, url: string, uid: (what: string) => string): CalendarEvent[] {
  const provisional = isProvisional(v);
  const events: CalendarEvent[] = [];
  for (const k of lifecycleMoments) {
    const date = v.dates[k];
    if (!date) continue;
    const description =
      k === 'ga'
        ? `${title}: ${momentNames.ga} on ${date} (dates are days in ${v.zone}): supported from the start of that day in ${v.zone} (${v.at.ga}).`
        : `${title}: ${momentNames[k]} on ${date} (dates are days in ${v.zone}). ${dayStill(k, date, v.zone, v.at[k])}` +
          (provisional && k !== 'eos' ? " Provisional: may move later until the next major version's GA is known." : '');
    events.push({
      uid: uid(k),
      date,
      summary: `${title}: ${momentNames[k]}`,
      description,
      category: k.toUpperCase(),
      url,
      lastModified: v.row.updated_at,
      alarm: { trigger: '-P7D', text: `${title}: ${momentNames[k]} in a week (${date}, ${v.zone})` },
    });
  }
  return events;
}

/** Notice days: the advance notice of each milestone, and one for each time it moved after that (alarm at 09:00). */
function noticeEvents(v: Version, title: string, url: string, uid: (what: string) => string): CalendarEvent[] {
  const changed: Record<string, number> = {};
  return (v.row.snapshot.notices ?? []).map((n) => {
    const name = momentNames[n.milestone];
    const ordinal = n.kind === 'changed' ? (changed[n.milestone] = (changed[n.milestone] ?? 0) + 1) : 0;
    const what = n.kind === 'advance' ? `${name} on ${n.date}` : `${name} moved from ${n.previousDate} to ${n.date}`;
    const current = v.dates[n.milestone];
    return {
      uid: uid(n.kind === 'advance' ? `${n.milestone}-notice` : `${n.milestone}-changed-${ordinal}`),
      date: n.sendOn,
      summary: `${title}: ${n.kind === 'advance' ? 'advance notice' : 'change notice'} of ${name}`,
      description:
        `${title}: licensees are told on this day (${n.sendOn}; dates are days in ${v.zone}): ${what}. ` +
        (current && current !== n.date ? `It has since moved to ${current}.` : dayStill(n.milestone, n.date, v.zone)) +
        (n.sentAt ? ` Sent ${n.sentAt}.` : ''),
      category: 'NOTICE',
      url,
      lastModified: v.row.updated_at,
      alarm: { trigger: 'PT9H', text: `${title}: ${what}` },
    };
  });
}

/** The whole feed, lines folded and CRLF-terminated. */
export function calendar(product: PublishedProductRow, versions: Version[], base: string, now: Date): string {
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Lifeline//Published lifecycle dates//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${icsText(`${product.name} lifecycle`)}`,
    `X-WR-CALDESC:${icsText(`Lifecycle milestones and advance-notice days of ${product.name} versions. Dates are days in ${product.zone}.`)}`,
    // RFC 7986 and its older Microsoft/Apple spelling: re-read the feed every 12 hours.
    'REFRESH-INTERVAL;VALUE=DURATION:PT12H',
    'X-PUBLISHED-TTL:PT12H',
  ];
  const stamp = icsStamp(now);
  for (const v of versions) {
    const title = `${product.name} ${v.row.version}`;
    const url = `${base}/api/v1/products/${product.product}/releases/${encodeURIComponent(v.row.version)}`;
    const uid = (what: string) => `${product.product}-${v.row.version}-${what}@lifeline`;
    for (const e of [...milestoneEvents(v, title, url, uid), ...noticeEvents(v, title, url, uid)]) lines.push(...eventLines(e, stamp));
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
