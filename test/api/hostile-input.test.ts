/**
 * Hostile input at the edge (issue 11, defects 1 edge, 2, 8, 9 and 10): what an outside probe sent,
 * answered with a 400 (or 404) problem naming the field, never a 500, and nothing stored.
 */
import { addMonths, formatDate, parseDate } from '../../policies/dates';
import { localDateOf } from '../../policies/zone';
import { text } from '../../api/schemas/common';
import { catalog } from '../../policies/catalog';
import { infotecs } from '../../policies/catalog/infotecs';
import { isode } from '../../policies/catalog/isode';
import { ispsystem } from '../../policies/catalog/ispsystem';
import { xecuritas } from '../../policies/catalog/xecuritas';
import { unknownOverrideKeys } from '../../policies/load';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';

const ticketBody = {
  customerId: 'acme',
  policyId: 'isode',
  plan: 'gold',
  severity: 'p1',
  title: 'Mail relay down',
  description: 'No outbound mail since 09:10.',
  product: 'M-Switch',
};
const contractBody = { customerId: 'acme', policyId: 'isode', plan: 'gold', startsAt: '2020-01-01T00:00:00Z' };
const cursorOf = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const pointers = (r: { body: { errors?: Array<{ pointer: string }> } }) => (r.body.errors ?? []).map((e) => e.pointer);

describe('hostile input at the edge', () => {
  let ll: RunningLifeline;
  let ticketId: string;
  let ga: string;

  beforeAll(async () => {
    ll = await startLifeline();
    const today = formatDate(localDateOf('UTC', await ll.env.currentTimeMs()));
    ga = formatDate(addMonths(parseDate(today), 2));
    const opened = await call(ll.url, 'POST', '/v1/tickets', { key: ll.adminKey, body: ticketBody });
    expect(opened.status).toBe(201);
    ticketId = opened.body.ticketId;
    expect((await put('/v1/products/hostile', { name: 'Hostile', policyId: 'infotecs', zone: 'UTC' })).status).toBe(201);
    expect((await post('/v1/products/hostile/versions', { major: '1', ga })).status).toBe(201);
  });

  afterAll(async () => {
    await ll?.stop();
  });

  const put = (path: string, body: unknown) => call(ll.url, 'PUT', path, { key: ll.adminKey, body });
  const post = (path: string, body: unknown) => call(ll.url, 'POST', path, { key: ll.adminKey, body });
  const get = (path: string) => call(ll.url, 'GET', path, { key: ll.adminKey });

  /** A 400 problem+json whose errors[] names `pointer`. */
  function expectRefused(r: Awaited<ReturnType<typeof call>>, pointer: string, detail?: RegExp): void {
    expect({ status: r.status, type: r.headers.get('content-type'), pointers: pointers(r) }).toEqual({
      status: 400,
      type: expect.stringMatching(/^application\/problem\+json/),
      pointers: expect.arrayContaining([pointer]),
    });
    if (detail) expect(r.body.errors.find((e: { pointer: string }) => e.pointer === pointer).detail).toMatch(detail);
  }

  describe('defect 1: text PostgreSQL cannot store (U+0000, unpaired surrogates) is refused in every route', () => {
    it('in bodies, nested override documents, notes, reasons and titles, naming the field', async () => {
      const cases: Array<[string, string, unknown, string]> = [
        ['POST', '/v1/tickets', { ...ticketBody, customerId: 'nul-probe', title: 'log \u0000' }, '/title'],
        ['POST', '/v1/tickets', { ...ticketBody, contact: { name: 'Ann \ud800' } }, '/contact/name'],
        ['POST', '/v1/tickets', { ...ticketBody, details: { environment: 'x\udc00y' } }, '/details/environment'],
        ['PUT', '/v1/policies/ispsystem/override', { override: {}, reason: 'x\u0000' }, '/reason'],
        ['PUT', '/v1/policies/ispsystem/override', { override: { name: 'ISP\u0000' }, reason: 'x' }, '/override/name'],
        [
          'PUT',
          '/v1/policies/isode/override',
          { override: { targets: { 'go\u0000ld': {} } }, reason: 'x' },
          '/override/targets/go\u0000ld',
        ],
        ['POST', `/v1/tickets/${ticketId}/respond`, { message: 'hi \udc00 there' }, '/message'],
        ['POST', `/v1/tickets/${ticketId}/escalate`, { reason: '\u0000' }, '/reason'],
        [
          'POST',
          `/v1/tickets/${ticketId}/split`,
          { children: [{ title: 'a\u0000', description: 'b', severity: 'p2' }] },
          '/children/0/title',
        ],
        ['PUT', '/v1/contracts/C-1', { ...contractBody, reason: 'signed\u0000' }, '/reason'],
        ['PUT', '/v1/products/hostile', { name: 'Hostile\u0000', policyId: 'infotecs', zone: 'UTC' }, '/name'],
        ['POST', '/v1/products/hostile/versions/1/support-extension', { eol: '2199-01-01', reason: 'r\ud83d' }, '/reason'],
        ['PUT', '/v1/licences/L-1', { customerId: 'acme\u0000', product: 'hostile', version: '1' }, '/customerId'],
        [
          'PUT',
          '/v1/notification-routes',
          { routes: [{ policyId: '*', role: 'onCall', channel: 'email', address: 'a@b\u0000' }] },
          '/routes/0/address',
        ],
        ['POST', '/v1/api-keys', { name: 'key\u0000', role: 'engineer' }, '/name'],
        ['POST', '/v1/sla/preview', { policy: 'isode\u0000', plan: 'gold', severity: 'p1', openedAt: '2026-03-02T09:00:00Z' }, '/policy'],
      ];
      for (const [method, path, body, pointer] of cases) {
        const r = await call(ll.url, method, path, { key: ll.adminKey, body });
        expectRefused(r, pointer, /U\+0000 \(NUL\)|unpaired UTF-16 surrogate/);
      }
      // Nothing was started or stored.
      expect((await get('/v1/tickets?customerId=nul-probe')).body.tickets).toEqual([]);
      expect((await get('/v1/policies/ispsystem/override')).status).toBe(404);
      expect((await get('/v1/contracts/C-1')).status).toBe(404);
    });

    it('in keys, naming the key', async () => {
      const r = await put('/v1/policies/isode/override', { override: { 'na\u0000me': 'x' }, reason: 'x' });
      expectRefused(r, '/override/na\u0000me', /the key contains U\+0000/);
    });

    it('in query strings and path parameters', async () => {
      expectRefused(await get('/v1/tickets?customerId=acme%00'), '/customerId', /U\+0000/);
      expectRefused(await get('/v1/licences?product=%00'), '/product', /U\+0000/);
      // A surrogate cannot be written in UTF-8: its percent-encoding is malformed.
      expectRefused(await get('/v1/tickets?severity=%ED%A0%80'), '/severity', /malformed percent-encoding/);
      expectRefused(await get(`/v1/tickets/${ticketId}%00`), 'path', /U\+0000/);
    });

    it('in the shared text() helper every schema builds its strings from', () => {
      expect(text(20).safeParse('ok').success).toBe(true);
      expect(text(20).safeParse('a\u0000b').error?.issues[0].message).toMatch(/U\+0000 \(NUL\) at character 2/);
      expect(text(20).safeParse('a\ud800').error?.issues[0].message).toMatch(/unpaired UTF-16 surrogate/);
      expect(text(20).safeParse('\ud83d\ude00').success).toBe(true); // a pair is one character
    });
  });

  describe('defect 2: NUL and malformed URL parameters answer 400 or 404 problem+json, never 500', () => {
    const routes = (p: string): Array<[string, string]> => [
      ['GET', `/v1/tickets/${p}`],
      ['GET', `/v1/tickets/${p}/events`],
      ['POST', `/v1/tickets/${p}/close`],
      ['POST', `/v1/tickets/${p}/respond`],
      ['GET', `/v1/policies/${p}/override`],
      ['PUT', `/v1/policies/${p}/override`],
      ['GET', `/v1/contracts/${p}`],
      ['PUT', `/v1/contracts/${p}`],
      ['PUT', `/v1/products/${p}`],
      ['POST', `/v1/products/${p}/versions`],
      ['GET', `/v1/products/${p}/versions/1`],
      ['GET', `/v1/products/hostile/versions/${p}`],
      ['GET', `/v1/products/hostile/versions/${p}/events`],
      ['POST', `/v1/products/hostile/versions/${p}/end-of-sales`],
      ['POST', `/v1/products/${p}/versions/1/minor-releases`],
      ['PUT', `/v1/licences/${p}`],
      ['DELETE', `/v1/api-keys/${p}`],
      ['GET', `/v1/tickets?cursor=${p}`],
      ['GET', `/v1/licences?version=${p}`],
    ];
    const published = (p: string): string[] => [
      `/api/v1/products/${p}`,
      `/api/v1/products/${p}/calendar.ics`,
      `/api/v1/products/${p}/releases/latest`,
      `/api/v1/products/hostile/releases/${p}`,
      `/api/${p}.json`,
    ];

    it.each([
      ['NUL', '%00'],
      ['NUL inside a name', 'host%00ile'],
      ['malformed percent-encoding', '%E0%A4%A'],
      ['a stray %', '%ZZ'],
      ['an encoded surrogate', '%ED%B0%80'],
    ])('%s (%s)', async (_what, p) => {
      const answers: string[] = [];
      for (const [method, path] of routes(p)) {
        const r = await call(ll.url, method, path, { key: ll.adminKey, ...(method === 'GET' || method === 'DELETE' ? {} : { body: {} }) });
        answers.push(`${method} ${path} → ${r.status} ${r.headers.get('content-type')}`);
      }
      for (const path of published(p)) {
        const r = await call(ll.url, 'GET', path); // no key: the published dates are public
        answers.push(`GET ${path} → ${r.status} ${r.headers.get('content-type')}`);
      }
      expect(answers.filter((a) => !/→ (400|404) application\/problem\+json/.test(a))).toEqual([]);
    });

    it('names what is wrong with the path', async () => {
      const r = await call(ll.url, 'GET', '/api/v1/products/%00/calendar.ics');
      expectRefused(r, 'path', /segment 4 \("%00"\) decodes to text that contains U\+0000/);
      const malformed = await call(ll.url, 'GET', '/api/%E0%A4%A.json');
      expectRefused(malformed, 'path', /malformed percent-encoding/);
    });
  });

  describe('defect 8: instants and dates outside 1970-01-01T00:00:00Z … 2200-12-31T23:59:59Z, or not on the calendar, are 400', () => {
    it('dueBefore and cursors', async () => {
      expectRefused(
        await get('/v1/tickets?dueBefore=0000-01-01T00:00:00Z'),
        '/dueBefore',
        /from 1970-01-01T00:00:00Z to 2200-12-31T23:59:59Z/,
      );
      expectRefused(await get(`/v1/tickets?dueBefore=${encodeURIComponent('2200-12-31T23:59:59-01:00')}`), '/dueBefore');
      expectRefused(await get('/v1/tickets?dueBefore=2030-02-31T00:00:00Z'), '/dueBefore');
      // Offsets no zone has, which PostgreSQL refuses (found by the fuzz test: 500 before).
      expectRefused(await get(`/v1/tickets?dueBefore=${encodeURIComponent('1981-10-07T02:09:51-19:54')}`), '/dueBefore', /offset/);
      expect((await get(`/v1/tickets?dueBefore=${encodeURIComponent('2026-03-02T09:00:00+14:00')}`)).status).toBe(200);
      for (const edge of ['1970-01-01T00:00:00Z', '2200-12-31T23:59:59Z']) {
        expect((await get(`/v1/tickets?dueBefore=${edge}`)).status).toBe(200);
      }
      for (const cursor of [
        '1',
        '"2030-02-31"',
        ['1', 'TKT-0123456789ABCDEF'],
        ['2030-02-31', 'TKT-0123456789ABCDEF'],
        ['0000-01-01T00:00:00Z', 'TKT-0123456789ABCDEF'],
        ['2026-01-01T00:00:00Z', "x' OR 1=1"],
      ]) {
        expectRefused(await get(`/v1/tickets?cursor=${cursorOf(cursor)}`), '/cursor', /not a cursor/);
      }
      // A cursor a page wrote still pages.
      const page = await get(`/v1/tickets?cursor=${cursorOf(['2200-12-31T23:59:59.000Z', 'TKT-FFFFFFFFFFFFFFFF'])}`);
      expect(page.status).toBe(200);
      expect(page.body.tickets.map((t: { ticketId: string }) => t.ticketId)).toContain(ticketId);
    });

    it('contract terms, SLA previews and ticket case details', async () => {
      expectRefused(await put('/v1/contracts/C-2', { ...contractBody, startsAt: '0000-01-01T00:00:00Z' }), '/startsAt', /from 1970/);
      expectRefused(await put('/v1/contracts/C-2', { ...contractBody, startsAt: '2174-10-18T20:28:00+23:11' }), '/startsAt', /offset/);
      expectRefused(await put('/v1/contracts/C-2', { ...contractBody, endsAt: '9999-12-31T23:59:59Z' }), '/endsAt');
      expect((await get('/v1/contracts/C-2')).status).toBe(404);
      const preview = (openedAt: string) => post('/v1/sla/preview', { policy: 'isode', plan: 'gold', severity: 'p1', openedAt });
      expectRefused(await preview('9999-12-31T23:59:59Z'), '/openedAt', /from 1970/);
      expectRefused(await preview('1969-12-31T23:59:59Z'), '/openedAt');
      expectRefused(await preview('yesterday'), '/openedAt', /ISO-8601 instant/);
      expect((await preview('2200-12-31T23:59:59Z')).status).toBe(200);
      expect((await preview('1970-01-01T00:00:00Z')).status).toBe(200);
      const early = await post('/v1/tickets', { ...ticketBody, details: { firstReportedAt: '0000-01-01T00:00:00Z' } });
      expectRefused(early, '/details/firstReportedAt', /from 1970/);
    });

    it('lifecycle GA, End of Sales, next major, extensions, minor releases and previews: real dates in range', async () => {
      const v = '/v1/products/hostile/versions';
      expectRefused(await post(v, { major: '2', ga: '9999-12-31' }), '/ga', /from 1970-01-01 to 2200-12-31/);
      expectRefused(await post(v, { major: '2', ga: '2025-02-30' }), '/ga', /real calendar date/);
      expectRefused(await post(v, { major: '2', ga, eos: '2201-01-01' }), '/eos');
      expect((await get(`${v}/2`)).status).toBe(404);
      expectRefused(await post(`${v}/1/end-of-sales`, { date: '9999-99-99' }), '/date', /real calendar date/);
      expectRefused(await post(`${v}/1/end-of-sales`, { date: '2025-02-30' }), '/date');
      expectRefused(await post(`${v}/1/next-major`, { version: '2', ga: '2201-01-01' }), '/ga');
      expectRefused(await post(`${v}/1/support-extension`, { eol: '9999-12-31', reason: 'x' }), '/eol');
      expectRefused(await post(`${v}/1/minor-releases`, { version: '1.1', kind: 'stable', releasedOn: '1969-12-31' }), '/releasedOn');
      expectRefused(await post('/v1/lifecycle/preview', { policy: 'infotecs', ga: '9999-12-31' }), '/ga');
      expectRefused(
        await post('/v1/lifecycle/preview', { policy: 'infotecs', ga: '2024-01-15', nextMajorGa: '0000-01-01' }),
        '/nextMajorGa',
      );
      // The last supported GA still starts a lifecycle whose milestones lie past it.
      const last = await post(v, { major: '3', ga: '2200-12-31' });
      expect(last.status).toBe(201);
      expect(last.body.milestones).toMatchObject({ eoms: '2204-12-31', eol: '2205-12-31' });
    });

    it('the range is documented on the fields in the OpenAPI document', async () => {
      const doc = (await call(ll.url, 'GET', '/openapi.json')).body;
      const schemas = doc.components.schemas;
      expect(schemas.SlaPreviewRequest.properties.openedAt.description).toMatch(/1970-01-01T00:00:00Z to 2200-12-31T23:59:59Z/);
      expect(schemas.ContractRequest.properties.startsAt.description).toMatch(/1970-01-01T00:00:00Z to 2200-12-31T23:59:59Z/);
      expect(schemas.StartLifecycleRequest.properties.ga.description).toMatch(/General Availability.*1970-01-01 to 2200-12-31/);
      expect(schemas.SetEndOfSalesRequest.properties.date.description).toMatch(/1970-01-01 to 2200-12-31/);
    });
  });

  describe('defect 9: bodies that are missing, too deep, too wide, keyed at the prototype, or carry unknown override keys', () => {
    it('a missing body where one is required is a 400, not a 500', async () => {
      for (const [method, path] of [
        ['PUT', '/v1/products/p1'],
        ['PUT', '/v1/policies/isode/override'],
        ['PUT', '/v1/contracts/C-3'],
        ['POST', '/v1/sla/preview'],
        ['POST', '/v1/tickets'],
        ['POST', '/v1/api-keys'],
      ]) {
        const r = await call(ll.url, method, path, { key: ll.adminKey });
        expectRefused(r, '', /JSON request body .* is required/);
      }
      // Not JSON: refused by media type, or as malformed JSON.
      expect(
        (await call(ll.url, 'PUT', '/v1/products/p1', { key: ll.adminKey, rawBody: 'name=x', headers: { 'content-type': 'text/plain' } }))
          .status,
      ).toBe(415);
      expect((await call(ll.url, 'PUT', '/v1/products/p1', { key: ll.adminKey, rawBody: '{"name":' })).status).toBe(400);
      expect((await call(ll.url, 'PUT', '/v1/products/p1', { key: ll.adminKey, rawBody: '[]' })).status).toBe(400);
    });

    it('JSON nested deeper than 32 levels is a 400', async () => {
      const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
      const r = await call(ll.url, 'PUT', '/v1/policies/isode/override', {
        key: ll.adminKey,
        rawBody: `{"override":${deep},"reason":"x"}`,
      });
      expect(r.status).toBe(400);
      expect(r.body.errors).toHaveLength(1);
      expect(r.body.errors[0].detail).toBe('nested deeper than 32 levels of objects and arrays');
      expect(r.body.errors[0].pointer).toBe('/override' + '/a'.repeat(31));
      // 32 levels are read (and refused for what they say, not for their depth).
      const nest = (levels: number): unknown => (levels === 0 ? 1 : { a: nest(levels - 1) });
      const at32 = await put('/v1/policies/isode/override', { override: nest(31), reason: 'x' });
      expect(at32.status).toBe(400);
      expect(at32.body.errors).toEqual([{ pointer: '/override/a', detail: 'unknown field: no policy has it' }]);
      expect(JSON.stringify((await put('/v1/policies/isode/override', { override: nest(32), reason: 'x' })).body)).toMatch(/nested deeper/);
      const arrays = await post('/v1/sla/preview', JSON.parse('['.repeat(40) + ']'.repeat(40)));
      expect(arrays.status).toBe(400);
    });

    it('an object with more than 256 keys is a 400', async () => {
      const wide = Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
      const r = await put('/v1/policies/isode/override', { override: wide, reason: 'x' });
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual([{ pointer: '/override', detail: 'has 10000 keys; an object may have at most 256' }]);
      expect((await get('/v1/policies/isode/override')).status).toBe(404);
    });

    it.each(['__proto__', 'constructor', 'prototype'])('a "%s" key is a 400', async (key) => {
      const r = await call(ll.url, 'PUT', '/v1/policies/isode/override', {
        key: ll.adminKey,
        rawBody: `{"override":{"targets":{"${key}":{"name":"x"}}},"reason":"x"}`,
      });
      expectRefused(r, `/override/targets/${key}`, /is not accepted as a key/);
      expect((await get('/v1/policies/isode/override')).status).toBe(404);
    });

    it('policy and contract overrides refuse unknown keys at every level, by their path, and store nothing', async () => {
      const r = await put('/v1/policies/isode/override', {
        override: {
          quotas: { resolvedTicketsPerYear: 40 },
          targets: { gold: { p1: { firstResponse: { duration: '1 hour', source: 'x', dueIn: 'soon' } } } },
          calendars: [
            {
              id: 'x',
              name: 'X',
              version: 1,
              zone: 'UTC',
              alwaysOpen: true,
              holidays: [{ kind: 'easter', name: 'E', offsetDays: 1, month: 4 }],
              colour: 'red',
            },
          ],
          waitingOnCustomer: { clock: 'pause', source: 'x', pauseAfter: '1 hour' },
        },
        reason: 'x',
      });
      expect(r.status).toBe(400);
      expect(pointers(r)).toEqual(
        expect.arrayContaining([
          '/override/quotas',
          '/override/targets/gold/p1/firstResponse/dueIn',
          '/override/calendars/0/holidays/0/month',
          '/override/calendars/0/colour',
          '/override/waitingOnCustomer/pauseAfter',
        ]),
      );
      expect((await get('/v1/policies/isode/override')).status).toBe(404);

      const contract = await put('/v1/contracts/C-4', {
        ...contractBody,
        override: { lifecycle: { scope: { pilot: { text: 't', source: 's', note: 'n' } } } },
      });
      expectRefused(contract, '/override/lifecycle/scope/pilot/note', /unknown field/);
      expect((await get('/v1/contracts/C-4')).status).toBe(404);

      // Known keys at every level are still accepted.
      const fine = await put('/v1/contracts/C-4', {
        ...contractBody,
        override: { targets: { gold: { p1: { firstResponse: { duration: '2 working hours', source: 'agreed' } } } } },
      });
      expect(fine.status).toBe(201);
    });
  });

  describe('the strict override check knows every key of the catalog', () => {
    it.each([isode, xecuritas, ispsystem, infotecs].map((p) => [p.id, p] as const))('%s, as written and as loaded', (id, input) => {
      expect(unknownOverrideKeys(input)).toEqual([]);
      expect(unknownOverrideKeys(catalog[id as keyof typeof catalog])).toEqual([]);
    });
  });

  describe('defect 10: a 400 lists at most 50 errors, says how many it left out, and is never much larger than the request', () => {
    it('caps the list', async () => {
      const routes = Array.from({ length: 2_000 }, () => ({ policyId: '', role: 'x', channel: 'y', address: '' }));
      const request = JSON.stringify({ routes });
      const r = await call(ll.url, 'PUT', '/v1/notification-routes', { key: ll.adminKey, rawBody: request });
      expect(r.status).toBe(400);
      expect(r.body.errors).toHaveLength(50);
      expect(r.body.errorsOmitted).toBe(2_000 * 4 - 50);
      expect(JSON.stringify(r.body).length).toBeLessThan(request.length);
    });

    it('names each unknown field on its own, within the cap', async () => {
      const body = { ...Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`extra${i}`, 1])), policy: 'isode' };
      const r = await post('/v1/sla/preview', body);
      expect(r.status).toBe(400);
      expect(r.body.errors).toHaveLength(50);
      expect(r.body.errors).toContainEqual({ pointer: '/extra0', detail: 'unknown field' });
      expect(r.body.errorsOmitted).toBeGreaterThanOrEqual(150);
    });

    it('clips long details and pointers', async () => {
      const long = 'k'.repeat(5_000);
      const r = await post('/v1/sla/preview', { [long]: 1 });
      expect(r.status).toBe(400);
      for (const e of r.body.errors) expect(e.pointer.length + e.detail.length).toBeLessThanOrEqual(1_000);
    });
  });
});
