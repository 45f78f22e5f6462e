import { addMonths } from '../../policies/dates';
import { addDays, formatDate, localDateOf, localToUtc, parseDate } from '../../policies/zone';
import type { LifecycleNotice, LifecycleState } from '../../workflows/lifecycle/contract';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';

const MSK = 'Europe/Moscow';
const KIRITIMATI = 'Pacific/Kiritimati'; // UTC+14: its date is ahead of UTC's for 14 hours a day

const today = (zone: string) => formatDate(localDateOf(zone, Date.now()));
const shift = (date: string, days: number) => formatDate(addDays(parseDate(date), days));
const months = (date: string, n: number) => formatDate(addMonths(parseDate(date), n));
const startOf = (zone: string, date: string) => new Date(localToUtc(zone, parseDate(date), 0)).toISOString();
const endOf = (zone: string, date: string) => startOf(zone, shift(date, 1));
const compact = (date: string) => date.replace(/-/g, '');

type Dates = { ga: string; eos?: string; eoms?: string; eol?: string };
type Notice = Pick<LifecycleNotice, 'milestone' | 'kind' | 'date' | 'sendOn'> & { previousDate?: string; sent?: boolean };

/** A snapshot shaped like the lifecycle workflow's state. */
function snapshot(
  product: string,
  major: string,
  zone: string,
  d: Dates,
  extra: {
    phase: LifecycleState['phase'];
    onSale: boolean;
    provisional?: boolean;
    notices?: Notice[];
    minors?: LifecycleState['minors'];
    withChangesAt?: boolean;
    pilots?: LifecycleState['pilots'];
  },
): LifecycleState {
  const changesAt: LifecycleState['changesAt'] = { ga: startOf(zone, d.ga) };
  for (const m of ['eos', 'eoms', 'eol'] as const) if (d[m]) changesAt[m] = endOf(zone, d[m]!);
  const notices = (extra.notices ?? []).map(({ sent, ...n }) => ({
    ...n,
    dueAt: startOf(zone, n.sendOn),
    ...(sent ? { sentAt: startOf(zone, n.sendOn) } : {}),
  }));
  return {
    workflowId: `lifecycle-${product}-${major}`,
    product,
    productName: product,
    policyId: 'infotecs',
    major,
    zone,
    phase: extra.phase,
    onSale: extra.onSale,
    inputs: { ga: d.ga, ...(d.eos ? { eos: d.eos } : {}) },
    milestones: {
      ...(d.eos ? { eos: d.eos } : {}),
      ...(d.eoms ? { eoms: d.eoms } : {}),
      ...(d.eol ? { eol: d.eol } : {}),
      provisional: extra.provisional ?? false,
      notices: (['eos', 'eoms', 'eol'] as const).filter((m) => d[m]).map((m) => ({ milestone: m, sendOn: months(d[m]!, -6) })),
      policyVersion: 1,
    },
    changesAt: extra.withChangesAt === false ? {} : changesAt,
    notices,
    minors: extra.minors ?? [],
    supportedMinors: (extra.minors ?? []).map((m) => m.version),
    pilots: extra.pilots ?? [],
    extensions: [],
    rulesVersion: '1',
    registeredAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
    seq: 1,
  };
}

async function insertVersion(ll: RunningLifeline, product: string, policy: string, s: LifecycleState | null, version = s?.major ?? '') {
  const m = s?.milestones;
  await ll.db.pool.query(
    `INSERT INTO product_versions (policy_id, product, version, supported_until, workflow_id, phase, on_sale, ga, eos, eoms, eol,
                                   provisional, latest_minor, supported_minors, snapshot, last_seq, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, now())`,
    [
      policy,
      product,
      version,
      s?.changesAt.eol ?? null,
      s?.workflowId ?? null,
      s?.phase ?? null,
      s?.onSale ?? null,
      s?.inputs.ga ?? null,
      m?.eos ?? null,
      m?.eoms ?? null,
      m?.eol ?? null,
      m?.provisional ?? null,
      s?.minors.at(-1)?.version ?? null,
      s?.supportedMinors ?? [],
      s ? JSON.stringify(s) : null,
      s?.seq ?? 0,
    ],
  );
}

/** Unfolds RFC 5545 content lines. */
const unfold = (ics: string) =>
  ics
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter((l) => l !== '');

/** The VEVENTs of a calendar, each as its property lines (VALARM lines included). */
function events(lines: string[]): string[][] {
  const out: string[][] = [];
  let current: string[] | undefined;
  for (const l of lines) {
    if (l === 'BEGIN:VEVENT') current = [];
    else if (l === 'END:VEVENT') {
      out.push(current!);
      current = undefined;
    } else current?.push(l);
  }
  return out;
}

describe('published lifecycle dates (endoflife.date API and iCalendar), without authentication', () => {
  let ll: RunningLifeline;
  const t = today(MSK);
  // An Infotecs product with a version in each situation, dates relative to today in Moscow.
  const v5: Dates = { ga: shift(t, 400), eoms: months(shift(t, 400), 48), eol: months(shift(t, 400), 60) };
  const v4: Dates = { ga: shift(t, -1100), eos: shift(t, -30), eoms: shift(t, 200), eol: months(shift(t, 200), 12) };
  const v3: Dates = { ga: shift(t, -2200), eos: shift(t, -1100), eoms: shift(t, -100), eol: t }; // its EOL day is today
  const v2: Dates = { ga: shift(t, -3300), eos: shift(t, -2200), eoms: shift(t, -400), eol: shift(t, -1) };
  const notice = (d: Dates, m: 'eos' | 'eoms' | 'eol', sent: boolean): Notice => ({
    milestone: m,
    kind: 'advance',
    date: d[m]!,
    sendOn: months(d[m]!, -6),
    sent,
  });
  const snaps = {
    '5': snapshot('vipnet-client', '5', MSK, v5, {
      phase: 'pilot',
      onSale: false,
      provisional: true,
      notices: [notice(v5, 'eoms', false), notice(v5, 'eol', false)],
      pilots: [{ customerId: 'cust-secret-pilot', requestedAt: new Date().toISOString() }],
    }),
    '4': snapshot('vipnet-client', '4', MSK, v4, {
      phase: 'mainstream',
      onSale: false,
      notices: [notice(v4, 'eos', true), notice(v4, 'eoms', false), notice(v4, 'eol', false)],
      // 4.0 recorded last but released first; 4.2 and 4.3 the same day: 4.3 was recorded later.
      minors: [
        { version: '4.1', kind: 'stable', releasedOn: shift(t, -700) },
        { version: '4.2', kind: 'regular', releasedOn: shift(t, -60) },
        { version: '4.3', kind: 'stable', releasedOn: shift(t, -60) },
        { version: '4.0', kind: 'stable', releasedOn: shift(t, -1000) },
      ],
    }),
    '3': snapshot('vipnet-client', '3', MSK, v3, {
      phase: 'extended',
      onSale: false,
      notices: [
        notice(v3, 'eos', true),
        notice(v3, 'eoms', true),
        { milestone: 'eol', kind: 'advance', date: shift(t, -20), sendOn: months(shift(t, -20), -6), sent: true },
        // EOL moved after its advance notice went out: a change notice.
        { milestone: 'eol', kind: 'changed', date: t, previousDate: shift(t, -20), sendOn: shift(t, -60), sent: true },
      ],
    }),
    '2': snapshot('vipnet-client', '2', MSK, v2, {
      phase: 'endOfLife',
      onSale: false,
      notices: [notice(v2, 'eos', true), notice(v2, 'eoms', true), notice(v2, 'eol', true)],
    }),
  };
  const k = today(KIRITIMATI);

  beforeAll(async () => {
    ll = await startLifeline();
    await ll.db.pool.query(
      `INSERT INTO products (product, name, policy_id, zone, link) VALUES
         ('vipnet-client', 'ViPNet Клиент, Coordinator; HW', 'infotecs', $1, 'https://infotecs.ru/product/vipnet-client/'),
         ('far-east', 'Far East', 'infotecs', $2, NULL),
         ('empty', 'Empty', 'infotecs', 'UTC', NULL)`,
      [MSK, KIRITIMATI],
    );
    for (const s of Object.values(snaps)) await insertVersion(ll, 'vipnet-client', 'infotecs', s);
    // A legacy row without a snapshot is no release.
    await insertVersion(ll, 'vipnet-client', 'infotecs', null, '1');
    // Snapshots without changesAt: the instants come from the dates and the zone (days ahead of UTC's).
    const kd = (eol: string): Dates => ({ ga: shift(eol, -2000), eos: shift(eol, -800), eoms: shift(eol, -365), eol });
    await insertVersion(
      ll,
      'far-east',
      'infotecs',
      snapshot('far-east', '2', KIRITIMATI, kd(k), { phase: 'extended', onSale: false, withChangesAt: false }),
    );
    await insertVersion(
      ll,
      'far-east',
      'infotecs',
      snapshot('far-east', '1', KIRITIMATI, kd(shift(k, -1)), { phase: 'endOfLife', onSale: false, withChangesAt: false }),
    );
  });

  afterAll(async () => {
    await ll?.stop();
  });

  it('serves a product in the endoflife.date v1 shape, booleans as of now, with no API key and CORS open', async () => {
    const r = await call(ll.url, 'GET', '/api/v1/products/ViPNet-Client');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('cache-control')).toBe('public, max-age=300');
    expect(r.body).toMatchObject({
      schema_version: '1.2.1',
      generated_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      last_modified: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      result: {
        name: 'vipnet-client',
        label: 'ViPNet Клиент, Coordinator; HW',
        aliases: [],
        tags: ['infotecs'],
        identifiers: [],
        labels: { eoas: 'Mainstream Support', discontinued: 'End of Sales', eol: 'Extended Support', eoes: null },
        links: { html: 'https://infotecs.ru/product/vipnet-client/', icon: null, releasePolicy: null },
        lifeline: { policyId: 'infotecs', zone: MSK, calendar: `${ll.url}/api/v1/products/vipnet-client/calendar.ics` },
      },
    });
    const releases = r.body.result.releases;
    expect(releases.map((x: any) => x.name)).toEqual(['5', '4', '3', '2']); // newest GA first; the snapshot-less row is no release
    const [r5, r4, r3, r2] = releases;
    const base = { codename: null, isLts: false, ltsFrom: null, custom: null };

    // Far in the future: nothing reached, no EOS date yet, provisional.
    expect(r5).toMatchObject({
      ...base,
      label: '5',
      releaseDate: v5.ga,
      isDiscontinued: false,
      discontinuedFrom: null,
      isEoas: false,
      eoasFrom: v5.eoms,
      isEol: false,
      eolFrom: v5.eol,
      isMaintained: true,
      latest: null,
      lifeline: { phase: 'pilot', zone: MSK, onSale: false, provisional: true, changesAt: { ga: startOf(MSK, v5.ga), eos: null } },
    });
    // Past End of Sales, still in mainstream support; the latest minor by release date, then record order.
    expect(r4).toMatchObject({
      ...base,
      releaseDate: v4.ga,
      isDiscontinued: true,
      discontinuedFrom: v4.eos,
      isEoas: false,
      eoasFrom: v4.eoms,
      isEol: false,
      eolFrom: v4.eol,
      isMaintained: true,
      latest: { name: '4.3', date: shift(t, -60), link: null },
      lifeline: { phase: 'mainstream', onSale: false, provisional: false, supportedMinors: ['4.1', '4.2', '4.3', '4.0'] },
    });
    expect(r4.lifeline.minors).toHaveLength(4);
    expect(r4.lifeline.notices).toEqual([
      {
        milestone: 'eos',
        kind: 'advance',
        date: v4.eos,
        sendOn: months(v4.eos!, -6),
        sent: true,
        sentAt: startOf(MSK, months(v4.eos!, -6)),
      },
      { milestone: 'eoms', kind: 'advance', date: v4.eoms, sendOn: months(v4.eoms!, -6), sent: false },
      { milestone: 'eol', kind: 'advance', date: v4.eol, sendOn: months(v4.eol!, -6), sent: false },
    ]);
    // Extended support, and today is its EOL day in Moscow: the day itself is still supported.
    expect(r3).toMatchObject({
      ...base,
      isDiscontinued: true,
      isEoas: true,
      eoasFrom: v3.eoms,
      isEol: false,
      eolFrom: t,
      isMaintained: true,
      lifeline: { phase: 'extended', changesAt: { eol: endOf(MSK, t) }, supportedUntil: endOf(MSK, t) },
    });
    expect(Date.parse(r3.lifeline.supportedUntil)).toBeGreaterThan(Date.now());
    expect(r3.lifeline.notices.find((n: any) => n.kind === 'changed')).toEqual({
      milestone: 'eol',
      kind: 'changed',
      date: t,
      previousDate: shift(t, -20),
      sendOn: shift(t, -60),
      sent: true,
      sentAt: startOf(MSK, shift(t, -60)),
    });
    // EOL was yesterday: end of life since midnight in Moscow.
    expect(r2).toMatchObject({
      ...base,
      isDiscontinued: true,
      isEoas: true,
      isEol: true,
      eolFrom: v2.eol,
      isMaintained: false,
      lifeline: { phase: 'endOfLife', onSale: false },
    });

    // Only the public parts of a snapshot are published.
    expect(JSON.stringify(r.body)).not.toContain('cust-secret-pilot');
  });

  it('computes the instants from the dates in the product zone when a snapshot lacks them', async () => {
    const r = await call(ll.url, 'GET', '/api/v1/products/far-east');
    expect(r.status).toBe(200);
    const [today2, yesterday1] = r.body.result.releases;
    expect(today2).toMatchObject({
      name: '2',
      eolFrom: k,
      isEol: false,
      isMaintained: true,
      lifeline: { zone: KIRITIMATI, supportedUntil: endOf(KIRITIMATI, k) },
    });
    expect(yesterday1).toMatchObject({
      name: '1',
      eolFrom: shift(k, -1),
      isEol: true,
      isMaintained: false,
      lifeline: { phase: 'endOfLife' },
    });

    const empty = await call(ll.url, 'GET', '/api/v1/products/empty');
    expect(empty.body.result.releases).toEqual([]);
  });

  it('serves one release, and `latest`, wrapped like endoflife.date', async () => {
    const r = await call(ll.url, 'GET', '/api/v1/products/vipnet-client/releases/3', { headers: { authorization: 'Bearer not-a-key' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('cache-control')).toBe('public, max-age=300');
    expect(Object.keys(r.body).sort()).toEqual(['generated_at', 'result', 'schema_version']);
    expect(r.body.result).toMatchObject({ name: '3', releaseDate: v3.ga, isEol: false, eolFrom: t, isEoas: true });

    const latest = await call(ll.url, 'GET', '/api/v1/products/vipnet-client/releases/latest');
    expect(latest.body.result.name).toBe('5');
  });

  it('serves the v0 cycles: dates when known, else booleans', async () => {
    const r = await call(ll.url, 'GET', '/api/vipnet-client.json');
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('cache-control')).toBe('public, max-age=300');
    expect(r.body).toEqual([
      { cycle: '5', releaseDate: v5.ga, eol: v5.eol, link: null, lts: false, support: v5.eoms, discontinued: false },
      {
        cycle: '4',
        releaseDate: v4.ga,
        eol: v4.eol,
        latest: '4.3',
        latestReleaseDate: shift(t, -60),
        link: null,
        lts: false,
        support: v4.eoms,
        discontinued: v4.eos,
      },
      { cycle: '3', releaseDate: v3.ga, eol: t, link: null, lts: false, support: v3.eoms, discontinued: v3.eos },
      { cycle: '2', releaseDate: v2.ga, eol: v2.eol, link: null, lts: false, support: v2.eoms, discontinued: v2.eos },
    ]);
  });

  it('answers unknown products and releases with 404 problem+json', async () => {
    for (const path of [
      '/api/v1/products/nope',
      '/api/v1/products/nope/releases/1',
      '/api/v1/products/vipnet-client/releases/1', // the row without a snapshot
      '/api/v1/products/vipnet-client/releases/9',
      '/api/nope.json',
      '/api/v1/products/nope/calendar.ics',
    ]) {
      const r = await call(ll.url, 'GET', path);
      expect({ path, status: r.status }).toEqual({ path, status: 404 });
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.headers.get('access-control-allow-origin')).toBe('*');
      expect(r.body).toMatchObject({ type: '/problems/not-found', status: 404, instance: path });
    }
  });

  it('serves an RFC 5545 calendar a calendar application can subscribe to', async () => {
    const res = await fetch(`${ll.url}/api/v1/products/vipnet-client/calendar.ics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const ics = await res.text();

    // CRLF only, every physical line at most 75 octets.
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const physical = ics.split('\r\n').slice(0, -1);
    for (const line of physical) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(physical.some((l) => l.startsWith(' '))).toBe(true); // long descriptions were folded

    const lines = unfold(ics);
    // BEGIN/END balance, properly nested.
    const stack: string[] = [];
    for (const l of lines) {
      if (l.startsWith('BEGIN:')) stack.push(l.slice(6));
      if (l.startsWith('END:')) expect(stack.pop()).toBe(l.slice(4));
    }
    expect(stack).toEqual([]);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines.at(-1)).toBe('END:VCALENDAR');
    expect(lines).toEqual(
      expect.arrayContaining([
        'VERSION:2.0',
        'CALSCALE:GREGORIAN',
        'METHOD:PUBLISH',
        'REFRESH-INTERVAL;VALUE=DURATION:PT12H',
        'X-PUBLISHED-TTL:PT12H',
        'X-WR-CALNAME:ViPNet Клиент\\, Coordinator\\; HW lifecycle', // TEXT escaping, and UTF-8 survived folding
      ]),
    );
    expect(lines.find((l) => l.startsWith('PRODID:'))).toBeDefined();

    const evs = events(lines);
    const prop = (ev: string[], name: string) => ev.find((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`));
    const uids = evs.map((ev) => prop(ev, 'UID'));
    expect(new Set(uids).size).toBe(evs.length);
    for (const ev of evs) {
      expect(prop(ev, 'DTSTAMP')).toMatch(/^DTSTAMP:\d{8}T\d{6}Z$/);
      expect(prop(ev, 'DTSTART')).toMatch(/^DTSTART;VALUE=DATE:\d{8}$/);
      expect(prop(ev, 'DTEND')).toMatch(/^DTEND;VALUE=DATE:\d{8}$/);
      const start = prop(ev, 'DTSTART')!.slice(-8);
      const iso = `${start.slice(0, 4)}-${start.slice(4, 6)}-${start.slice(6)}`;
      expect(prop(ev, 'DTEND')!.slice(-8)).toBe(compact(shift(iso, 1))); // all day: ends the next day
      expect(prop(ev, 'SUMMARY')).toContain('ViPNet Клиент\\, Coordinator\\; HW');
      expect(ev).toEqual(expect.arrayContaining(['BEGIN:VALARM', 'ACTION:DISPLAY', 'END:VALARM']));
      expect(ev.filter((l) => l.startsWith('DESCRIPTION:'))).toHaveLength(2); // the event's and the alarm's
    }

    // Every milestone date of every release, with the zone and the milestone day still supported.
    const all: Array<[string, Dates]> = [
      ['5', v5],
      ['4', v4],
      ['3', v3],
      ['2', v2],
    ];
    let expected = 0;
    for (const [major, d] of all) {
      for (const m of ['ga', 'eos', 'eoms', 'eol'] as const) {
        if (!d[m]) {
          expect(uids).not.toContain(`UID:vipnet-client-${major}-${m}@lifeline`);
          continue;
        }
        expected++;
        const ev = evs.find((e) => prop(e, 'UID') === `UID:vipnet-client-${major}-${m}@lifeline`)!;
        expect({ major, m, start: prop(ev, 'DTSTART') }).toEqual({ major, m, start: `DTSTART;VALUE=DATE:${compact(d[m]!)}` });
        expect(prop(ev, 'TRIGGER')).toBe('TRIGGER:-P7D');
        const description = prop(ev, 'DESCRIPTION')!;
        expect(description).toContain(`on ${d[m]} (dates are days in ${MSK})`);
        if (m !== 'ga') {
          expect(description).toMatch(/The milestone day itself is still (on sale and supported|in mainstream support|supported)/);
          expect(description).toContain(`at the end of ${d[m]} in ${MSK} (${endOf(MSK, d[m]!)})`);
        }
      }
    }
    // Every notice day: advance notices and the change notice.
    for (const [major, s] of Object.entries(snaps)) {
      for (const n of s.notices) {
        expected++;
        const ev = evs.find(
          (e) =>
            prop(e, 'DTSTART') === `DTSTART;VALUE=DATE:${compact(n.sendOn)}` &&
            prop(e, 'UID')!.startsWith(`UID:vipnet-client-${major}-${n.milestone}-`),
        );
        expect({ major, n: n.sendOn, found: ev !== undefined }).toEqual({ major, n: n.sendOn, found: true });
        expect(prop(ev!, 'TRIGGER')).toBe('TRIGGER:PT9H');
        expect(prop(ev!, 'DESCRIPTION')).toContain(`dates are days in ${MSK}`);
        expect(prop(ev!, 'DESCRIPTION')).toContain(n.date);
      }
    }
    expect(evs).toHaveLength(expected);
    expect(prop(evs.find((e) => prop(e, 'UID') === 'UID:vipnet-client-3-eol-changed-1@lifeline')!, 'DESCRIPTION')).toContain(
      `End of Life moved from ${shift(t, -20)} to ${t}`,
    );
    // The advance notice announced a date that has moved since.
    expect(prop(evs.find((e) => prop(e, 'UID') === 'UID:vipnet-client-3-eol-notice@lifeline')!, 'DESCRIPTION')).toContain(
      `It has since moved to ${t}.`,
    );

    // The UIDs are stable: a calendar application updates its events instead of duplicating them.
    const again = events(unfold(await (await fetch(`${ll.url}/api/v1/products/vipnet-client/calendar.ics`)).text()));
    expect(again.map((ev) => prop(ev, 'UID'))).toEqual(uids);
  });

  it('documents the four public paths without security', async () => {
    const doc = await call(ll.url, 'GET', '/openapi.json');
    for (const path of [
      '/api/v1/products/{product}',
      '/api/v1/products/{product}/releases/{release}',
      '/api/{product}.json',
      '/api/v1/products/{product}/calendar.ics',
    ]) {
      expect(doc.body.paths[path]?.get).toBeDefined();
      expect(doc.body.paths[path].get.security).toBeUndefined();
    }
    expect(doc.body.components.schemas.PublishedRelease.required).toEqual(
      expect.arrayContaining(['isEol', 'eolFrom', 'isMaintained', 'latest']),
    );
  });
});
