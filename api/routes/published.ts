/**
 * The published lifecycle dates, without authentication (the vendors' policies make them public):
 * endoflife.date's API v1 and v0 shapes, so tools that read endoflife.date can read Lifeline, and
 * an iCalendar feed per product. Field names and semantics follow endoflife.date's generators
 * (github.com/endoflife-date/endoflife.date: _plugins/generate-api-v1.rb, generate-api-v0.rb,
 * product-data-enricher.rb, api_v1/openapi.yml, API v1 schema 1.2.1).
 */
import { extendZodWithOpenApi, type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request, type Response } from 'express';
import type { Pool } from 'pg';
import { z } from 'zod';
import { milestoneNames, type Milestone } from '../../policies/index';
import { addDays, localToUtc, parseDate } from '../../policies/zone';
import type { LifecycleState } from '../../workflows/definitions';
import { problems } from '../problem';
import { ProblemSchema } from '../schemas';

extendZodWithOpenApi(z);

/** The endoflife.date API v1 schema these responses follow (its VERSION in generate-api-v1.rb). */
export const SCHEMA_VERSION = '1.2.1';

// ---- Response schemas ---------------------------------------------------------------------------

const day = z.string().openapi({ format: 'date', example: '2027-03-31' });
const instant = z.string().openapi({ format: 'date-time', example: '2027-03-31T21:00:00.000Z' });
const milestoneEnum = z.enum(['eos', 'eoms', 'eol']);

const PublishedNoticeSchema = z
  .object({
    milestone: milestoneEnum,
    kind: z.enum(['advance', 'changed']),
    date: day.openapi({ description: 'The milestone date this notice announces.' }),
    previousDate: day.optional(),
    sendOn: day.openapi({ description: "The notice's day, in the product's zone." }),
    sent: z.boolean(),
    sentAt: instant.optional(),
  })
  .openapi('PublishedNotice');

const LifelineReleaseSchema = z
  .object({
    phase: z.enum(['announced', 'pilot', 'mainstream', 'extended', 'endOfLife']).openapi({ description: 'At request time.' }),
    zone: z.string().openapi({ description: 'The IANA zone the dates are days in.', example: 'Europe/Moscow' }),
    onSale: z.boolean(),
    provisional: z
      .boolean()
      .openapi({ description: "EOMS (and so EOL) may still move later: the next major version's GA is not known yet." }),
    changesAt: z.object({ ga: instant.nullable(), eos: instant.nullable(), eoms: instant.nullable(), eol: instant.nullable() }).openapi({
      description:
        'When each milestone takes effect: GA at the start of its day, the others at the end of theirs (the milestone day is still supported).',
    }),
    supportedUntil: instant.nullable().openapi({ description: 'The end of the EOL day in the zone.' }),
    supportedMinors: z.array(z.string()),
    minors: z.array(z.object({ version: z.string(), kind: z.enum(['stable', 'regular']), releasedOn: day })),
    notices: z.array(PublishedNoticeSchema),
    nextMajor: z.object({ version: z.string(), ga: day }).nullable(),
    updatedAt: instant,
  })
  .openapi('LifelineReleaseExtension');

const PublishedReleaseSchema = z
  .object({
    name: z.string().openapi({ description: 'The major version.', example: '4' }),
    codename: z.null(),
    label: z.string(),
    releaseDate: day.openapi({ description: 'GA.' }),
    isLts: z.boolean(),
    ltsFrom: day.nullable(),
    isEoas: z.boolean(),
    eoasFrom: day.nullable().openapi({ description: 'End of Mainstream Support (EOMS): its last day.' }),
    isEol: z.boolean(),
    eolFrom: day.nullable().openapi({ description: 'End of Life (EOL): its last supported day.' }),
    isDiscontinued: z.boolean(),
    discontinuedFrom: day.nullable().openapi({ description: 'End of Sales (EOS): its last day on sale.' }),
    isMaintained: z.boolean(),
    latest: z.object({ name: z.string(), date: day.nullable(), link: z.string().nullable() }).nullable(),
    custom: z.null(),
    lifeline: LifelineReleaseSchema,
  })
  .openapi('PublishedRelease', {
    description:
      'An endoflife.date v1 ProductRelease. `isX` is true once now is past the end of the `xFrom` day in `lifeline.zone` (endoflife.date: `Date.today > date`): the day itself is still supported.',
  });

const PublishedProductSchema = z
  .object({
    name: z.string().openapi({ example: 'vipnet-client' }),
    aliases: z.array(z.string()),
    label: z.string(),
    tags: z.array(z.string()),
    versionCommand: z.null(),
    identifiers: z.array(z.object({ type: z.string(), id: z.string() })),
    labels: z.object({ eoas: z.string().nullable(), discontinued: z.string().nullable(), eol: z.string(), eoes: z.string().nullable() }),
    links: z.object({ icon: z.string().nullable(), html: z.string(), releasePolicy: z.string().nullable() }),
    releases: z.array(PublishedReleaseSchema),
    lifeline: z.object({ policyId: z.string(), zone: z.string(), calendar: z.string().openapi({ description: 'The iCalendar feed.' }) }),
  })
  .openapi('PublishedProduct');

const envelope = { schema_version: z.string().openapi({ example: SCHEMA_VERSION }), generated_at: instant };
const PublishedProductResponseSchema = z
  .object({ ...envelope, last_modified: instant, result: PublishedProductSchema })
  .openapi('PublishedProductResponse');
const PublishedReleaseResponseSchema = z.object({ ...envelope, result: PublishedReleaseSchema }).openapi('PublishedReleaseResponse');

const dateOrBool = z.union([day, z.boolean()]);
const PublishedCycleV0Schema = z
  .object({
    cycle: z.string(),
    releaseDate: day,
    eol: dateOrBool.openapi({ description: 'EOL date, or whether it is reached when no date is known.' }),
    latest: z.string().optional(),
    latestReleaseDate: day.optional(),
    link: z.null(),
    lts: z.literal(false),
    support: dateOrBool.openapi({ description: 'EOMS date, or whether mainstream support goes on when no date is known.' }),
    discontinued: dateOrBool.openapi({ description: 'EOS date, or whether sales ended when no date is known.' }),
  })
  .openapi('PublishedCycleV0');

type PublishedRelease = z.infer<typeof PublishedReleaseSchema>;
type PublishedCycleV0 = z.infer<typeof PublishedCycleV0Schema>;

// ---- Read model ---------------------------------------------------------------------------------

interface ProductRow {
  product: string;
  name: string;
  policy_id: string;
  zone: string;
  link: string | null;
  updated_at: Date;
}

interface VersionRow {
  version: string;
  phase: LifecycleState['phase'] | null;
  provisional: boolean | null;
  ga: string;
  eos: string | null;
  eoms: string | null;
  eol: string | null;
  supported_minors: string[];
  snapshot: LifecycleState;
  last_seq: number;
  updated_at: Date;
}

type Key = 'ga' | Milestone;
const KEYS: readonly Key[] = ['ga', 'eos', 'eoms', 'eol'];
const keyNames: Record<Key, string> = { ga: 'General Availability', ...milestoneNames };

/** One version as the routes read it: dates, their instants, and what is reached now. */
interface Version {
  row: VersionRow;
  zone: string;
  dates: Record<Key, string | null>;
  at: Record<Key, string | null>;
  reached: Record<Key, boolean>;
}

async function loadProduct(pool: Pool, param: string): Promise<{ product: ProductRow; versions: Version[] }> {
  const id = param.toLowerCase();
  const { rows } = await pool.query<ProductRow>(
    'SELECT product, name, policy_id, zone, link, updated_at FROM products WHERE product = $1',
    [id],
  );
  if (rows.length === 0) throw problems.notFound(`No product "${id}".`);
  const product = rows[0];
  const versions = await pool.query<VersionRow>(
    `SELECT version, phase, provisional,
            COALESCE(to_char(ga, 'YYYY-MM-DD'), snapshot->'inputs'->>'ga') AS ga,
            to_char(eos, 'YYYY-MM-DD') AS eos, to_char(eoms, 'YYYY-MM-DD') AS eoms, to_char(eol, 'YYYY-MM-DD') AS eol,
            supported_minors, snapshot, last_seq, updated_at
       FROM product_versions
      WHERE product = $1 AND policy_id = $2 AND snapshot IS NOT NULL`,
    [product.product, product.policy_id],
  );
  const now = Date.now();
  const list = versions.rows.map((row) => toVersion(row, product.zone, now));
  // Newest GA first, as endoflife.date lists releases; the same GA orders by version, highest first.
  list.sort(
    (a, b) => (b.dates.ga ?? '').localeCompare(a.dates.ga ?? '') || b.row.version.localeCompare(a.row.version, 'en', { numeric: true }),
  );
  return { product, versions: list };
}

function toVersion(row: VersionRow, productZone: string, now: number): Version {
  const s = row.snapshot;
  const zone = s.zone ?? productZone;
  const dates: Record<Key, string | null> = { ga: row.ga, eos: row.eos, eoms: row.eoms, eol: row.eol };
  const at = {} as Record<Key, string | null>;
  for (const k of KEYS) {
    const date = dates[k];
    // The workflow's instants; computed the same way (planLifecycle) should a snapshot lack one.
    at[k] =
      s.changesAt?.[k] ??
      (date ? new Date(localToUtc(zone, k === 'ga' ? parseDate(date) : addDays(parseDate(date), 1), 0)).toISOString() : null);
  }
  // Reached by the calendar, or already recorded by the workflow (whose clock runs ahead of the host's in time-skipping tests).
  const phase = row.phase ?? 'announced';
  const released = ['mainstream', 'extended', 'endOfLife'].includes(phase);
  const recorded: Record<Key, boolean> = {
    ga: released,
    eos: released && s.onSale === false && dates.eos !== null,
    eoms: ['extended', 'endOfLife'].includes(phase),
    eol: row.phase === 'endOfLife',
  };
  const hit = (k: Key) => recorded[k] || (at[k] !== null && now >= Date.parse(at[k]!));
  // Later milestones imply earlier ones (EOL ends mainstream support and sales too), as the workflow's transitions do.
  const reached: Record<Key, boolean> = {
    ga: hit('ga'),
    eos: hit('eos') || hit('eoms') || hit('eol'),
    eoms: hit('eoms') || hit('eol'),
    eol: hit('eol'),
  };
  return { row, zone, dates, at, reached };
}

/** The latest minor: by release date, then the order recorded (as the read model's latest_minor). */
function latestMinor(s: LifecycleState) {
  const minors = (s.minors ?? []).map((m, i) => ({ ...m, i }));
  minors.sort((a, b) => a.releasedOn.localeCompare(b.releasedOn) || a.i - b.i);
  return minors.at(-1);
}

// ---- endoflife.date v1 and v0 -------------------------------------------------------------------

function releaseJson(v: Version): PublishedRelease {
  const s = v.row.snapshot;
  const latest = latestMinor(s);
  const phase = v.reached.eol
    ? 'endOfLife'
    : v.reached.eoms
      ? 'extended'
      : v.reached.ga
        ? 'mainstream'
        : v.row.phase === 'pilot'
          ? 'pilot'
          : 'announced';
  const isDiscontinued = v.reached.eos;
  const isEoas = v.reached.eoms;
  const isEol = v.reached.eol;
  return {
    name: v.row.version,
    codename: null,
    label: v.row.version,
    releaseDate: v.dates.ga!,
    isLts: false,
    ltsFrom: null,
    isEoas,
    eoasFrom: v.dates.eoms,
    isEol,
    eolFrom: v.dates.eol,
    isDiscontinued,
    discontinuedFrom: v.dates.eos,
    // endoflife.date set_is_maintained: maintained while any of isEoas/isEol/isDiscontinued/isEoes is false.
    isMaintained: [isEoas, isEol, isDiscontinued].some((b) => !b),
    latest: latest ? { name: latest.version, date: latest.releasedOn, link: null } : null,
    custom: null,
    lifeline: {
      phase,
      zone: v.zone,
      onSale: v.reached.ga && !isDiscontinued,
      provisional: v.row.provisional ?? s.milestones?.provisional ?? false,
      changesAt: { ga: v.at.ga, eos: v.at.eos, eoms: v.at.eoms, eol: v.at.eol },
      supportedUntil: v.at.eol,
      supportedMinors: v.row.supported_minors ?? s.supportedMinors ?? [],
      minors: (s.minors ?? []).map(({ version, kind, releasedOn }) => ({ version, kind, releasedOn })),
      // Only the public parts of the snapshot: never pilots (customer ids) or extension reasons.
      notices: (s.notices ?? []).map((n) => ({
        milestone: n.milestone,
        kind: n.kind,
        date: n.date,
        ...(n.previousDate ? { previousDate: n.previousDate } : {}),
        sendOn: n.sendOn,
        sent: n.sentAt !== undefined,
        ...(n.sentAt ? { sentAt: n.sentAt } : {}),
      })),
      nextMajor: s.nextMajor ? { version: s.nextMajor.version, ga: s.nextMajor.ga } : null,
      updatedAt: v.row.updated_at.toISOString(),
    },
  };
}

/** v0 (generate-api-v0.rb): `eol`/`discontinued` are a date or "already reached"; `support` a date or "still going" (v0's `support` = !eoas). */
function cycleV0(v: Version): PublishedCycleV0 {
  const latest = latestMinor(v.row.snapshot);
  return {
    cycle: v.row.version,
    releaseDate: v.dates.ga!,
    eol: v.dates.eol ?? v.reached.eol,
    // v0 omits `latest` when unknown (v1's changelog: "now always contain … even if they are null").
    ...(latest ? { latest: latest.version, latestReleaseDate: latest.releasedOn } : {}),
    link: null,
    lts: false,
    support: v.dates.eoms ?? !v.reached.eoms,
    discontinued: v.dates.eos ?? v.reached.eos,
  };
}

// ---- iCalendar (RFC 5545) -----------------------------------------------------------------------

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

function calendar(product: ProductRow, versions: Version[], base: string, now: Date): string {
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
  const event = (
    uid: string,
    date: string,
    summary: string,
    description: string,
    category: string,
    url: string,
    lastModified: Date,
    alarm: { trigger: string; text: string },
  ) => {
    lines.push(
      'BEGIN:VEVENT',
      `UID:${uid}`,
      `DTSTAMP:${stamp}`,
      `LAST-MODIFIED:${icsStamp(lastModified)}`,
      `DTSTART;VALUE=DATE:${icsDate(date)}`,
      `DTEND;VALUE=DATE:${nextDay(date)}`,
      `SUMMARY:${icsText(summary)}`,
      `DESCRIPTION:${icsText(description)}`,
      `CATEGORIES:${icsText(category)}`,
      `URL:${url}`,
      'TRANSP:TRANSPARENT',
      'BEGIN:VALARM',
      'ACTION:DISPLAY',
      `TRIGGER:${alarm.trigger}`,
      `DESCRIPTION:${icsText(alarm.text)}`,
      'END:VALARM',
      'END:VEVENT',
    );
  };
  // The milestone day itself is still supported: each change happens at the end of its day in the zone.
  const dayStill = (m: Milestone, date: string, zone: string, at?: string | null) => {
    const end = `at the end of ${date} in ${zone}${at ? ` (${at})` : ''}`;
    if (m === 'eos') return `The milestone day itself is still on sale and supported: sales end ${end}; support goes on.`;
    if (m === 'eoms')
      return `The milestone day itself is still in mainstream support: it ends ${end}; extended support follows until End of Life.`;
    return `The milestone day itself is still supported: support ends ${end}.`;
  };
  for (const v of versions) {
    const title = `${product.name} ${v.row.version}`;
    const url = `${base}/api/v1/products/${product.product}/releases/${encodeURIComponent(v.row.version)}`;
    const uid = (what: string) => `${product.product}-${v.row.version}-${what}@lifeline`;
    const provisional = v.row.provisional ?? v.row.snapshot.milestones?.provisional ?? false;
    for (const k of KEYS) {
      const date = v.dates[k];
      if (!date) continue;
      const description =
        k === 'ga'
          ? `${title}: ${keyNames.ga} on ${date} (dates are days in ${v.zone}): supported from the start of that day in ${v.zone} (${v.at.ga}).`
          : `${title}: ${keyNames[k]} on ${date} (dates are days in ${v.zone}). ${dayStill(k, date, v.zone, v.at[k])}` +
            (provisional && k !== 'eos' ? " Provisional: may move later until the next major version's GA is known." : '');
      event(uid(k), date, `${title}: ${keyNames[k]}`, description, k.toUpperCase(), url, v.row.updated_at, {
        trigger: '-P7D',
        text: `${title}: ${keyNames[k]} in a week (${date}, ${v.zone})`,
      });
    }
    // Notice days: the advance notice of each milestone, and one for each time it moved after that.
    const changed: Record<string, number> = {};
    for (const n of v.row.snapshot.notices ?? []) {
      const name = keyNames[n.milestone];
      const ordinal = n.kind === 'changed' ? (changed[n.milestone] = (changed[n.milestone] ?? 0) + 1) : 0;
      const what = n.kind === 'advance' ? `${name} on ${n.date}` : `${name} moved from ${n.previousDate} to ${n.date}`;
      const current = v.dates[n.milestone];
      event(
        uid(n.kind === 'advance' ? `${n.milestone}-notice` : `${n.milestone}-changed-${ordinal}`),
        n.sendOn,
        `${title}: ${n.kind === 'advance' ? 'advance notice' : 'change notice'} of ${name}`,
        `${title}: licensees are told on this day (${n.sendOn}; dates are days in ${v.zone}): ${what}. ` +
          (current && current !== n.date ? `It has since moved to ${current}.` : dayStill(n.milestone, n.date, v.zone)) +
          (n.sentAt ? ` Sent ${n.sentAt}.` : ''),
        'NOTICE',
        url,
        v.row.updated_at,
        { trigger: 'PT9H', text: `${title}: ${what}` },
      );
    }
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

// ---- Routes -------------------------------------------------------------------------------------

/** Public reads: anyone may cache them for five minutes and read them from any origin. */
function publicHeaders(res: Response): void {
  res.set({ 'Cache-Control': 'public, max-age=300', 'Access-Control-Allow-Origin': '*' });
}

const baseUrl = (req: Request) => `${req.protocol}://${req.get('host')}`;
const param = (req: Request, name: string) => String(req.params[name]);

export function publishedRoutes({ pool }: { pool: Pool }): Router {
  const router = Router();

  router.get('/api/v1/products/:product', async (req, res) => {
    publicHeaders(res);
    const { product, versions } = await loadProduct(pool, param(req, 'product'));
    const base = baseUrl(req);
    const modified = Math.max(product.updated_at.getTime(), ...versions.map((v) => v.row.updated_at.getTime()));
    res.json({
      schema_version: SCHEMA_VERSION,
      generated_at: new Date().toISOString(),
      last_modified: new Date(modified).toISOString(),
      result: {
        name: product.product,
        aliases: [],
        label: product.name,
        // No category: Lifeline does not classify products (endoflife.date's category list has no vendor-neutral default).
        tags: [product.policy_id],
        versionCommand: null,
        identifiers: [],
        // Each label names the phase before that milestone (endoflife.date's column labels).
        labels: { eoas: 'Mainstream Support', discontinued: 'End of Sales', eol: 'Extended Support', eoes: null },
        links: { icon: null, html: product.link ?? `${base}/api/v1/products/${product.product}`, releasePolicy: null },
        releases: versions.map(releaseJson),
        lifeline: { policyId: product.policy_id, zone: product.zone, calendar: `${base}/api/v1/products/${product.product}/calendar.ics` },
      },
    } satisfies z.infer<typeof PublishedProductResponseSchema>);
  });

  router.get('/api/v1/products/:product/releases/:release', async (req, res) => {
    publicHeaders(res);
    const { product, versions } = await loadProduct(pool, param(req, 'product'));
    const name = param(req, 'release');
    // endoflife.date's /releases/latest is the first release listed (newest release date).
    const v = versions.find((x) => x.row.version === name) ?? (name === 'latest' ? versions[0] : undefined);
    if (!v) throw problems.notFound(`No release "${name}" of product "${product.product}".`);
    res.json({ schema_version: SCHEMA_VERSION, generated_at: new Date().toISOString(), result: releaseJson(v) } satisfies z.infer<
      typeof PublishedReleaseResponseSchema
    >);
  });

  router.get('/api/v1/products/:product/calendar.ics', async (req, res) => {
    publicHeaders(res);
    const { product, versions } = await loadProduct(pool, param(req, 'product'));
    res
      .type('text/calendar; charset=utf-8')
      .set('Content-Disposition', `inline; filename="${product.product}.ics"`)
      .send(calendar(product, versions, baseUrl(req), new Date()));
  });

  router.get('/api/:product.json', async (req, res) => {
    publicHeaders(res);
    const { versions } = await loadProduct(pool, param(req, 'product'));
    res.json(versions.map(cycleV0));
  });

  return router;
}

// ---- OpenAPI ------------------------------------------------------------------------------------

export function registerPublishedPaths(registry: OpenAPIRegistry): void {
  const product = z.object({ product: z.string().openapi({ description: "The product's id (lower case).", example: 'vipnet-client' }) });
  const notFound = { description: 'No such product (or release)', content: { 'application/problem+json': { schema: ProblemSchema } } };
  const headers = z.object({
    'Cache-Control': z.string().openapi({ example: 'public, max-age=300' }),
    'Access-Control-Allow-Origin': z.string().openapi({ example: '*' }),
  });
  const ok = (description: string, type: string, schema: z.ZodType | { type: 'string' }) => ({
    description,
    headers,
    content: { [type]: { schema } },
  });
  const tags = ['published dates'];

  registry.registerPath({
    method: 'get',
    path: '/api/v1/products/{product}',
    summary: "A product's lifecycle dates (endoflife.date API v1)",
    description:
      'No authentication. The endoflife.date v1 product shape: EOS is `discontinued`, EOMS `eoas`, EOL `eol`; the `isX` booleans are computed at request time and stay false on the milestone day itself. Lifeline extensions are under `lifeline`.',
    tags,
    request: { params: product },
    responses: {
      200: ok('The product and its releases, newest GA first', 'application/json', PublishedProductResponseSchema),
      404: notFound,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/products/{product}/releases/{release}',
    summary: 'One release (major version) of a product (endoflife.date API v1)',
    description: 'No authentication. `latest` names the newest release, as on endoflife.date.',
    tags,
    request: { params: product.extend({ release: z.string().openapi({ example: '4' }) }) },
    responses: { 200: ok('The release', 'application/json', PublishedReleaseResponseSchema), 404: notFound },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/{product}.json',
    summary: "A product's release cycles (endoflife.date API v0)",
    description:
      'No authentication. `eol`, `support` and `discontinued` are dates when known, else booleans (`support: true` = mainstream support goes on).',
    tags,
    request: { params: product },
    responses: { 200: ok('The cycles, newest GA first', 'application/json', z.array(PublishedCycleV0Schema)), 404: notFound },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/v1/products/{product}/calendar.ics',
    summary: "A product's lifecycle calendar (iCalendar, RFC 5545)",
    description:
      'No authentication; subscribe to it. One all-day event per GA, EOS, EOMS and EOL date (alarm a week before) and per notice day (alarm at 09:00), each with a stable UID.',
    tags,
    request: { params: product },
    responses: { 200: ok('The calendar', 'text/calendar', { type: 'string' }), 404: notFound },
  });
}
