/**
 * The role matrix (issue 11): every operation of the OpenAPI document, called as customer A (the
 * owner), customer B (a foreign customer), engineer, manager, admin, a revoked key and no key, each
 * answered with the status class the README's "API in one page" table gives. The operations come
 * from /openapi.json: one the table below does not know fails the test, so a new route cannot be
 * left out. Every status a caller gets must also be one the document lists for the operation.
 * Seeded once: one ticket, one contract, one product version (state-changing calls are made valid
 * for each allowed caller by a `prepare` step through the admin key).
 */
import { catalog } from '../../policies/catalog';
import { addMonths, formatDate, parseDate } from '../../policies/dates';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';

const callers = ['customerA', 'customerB', 'engineer', 'manager', 'admin', 'revoked', 'none'] as const;
type Caller = (typeof callers)[number];
type Outcome = '2xx' | 401 | 403 | 404;

/**
 * Who may call an operation, as the README's table says it:
 * public (no key), any key, the owning customer and engineer+, engineer+, manager+, admin, and a
 * pilot request (the customer for itself, or manager+).
 */
type Who = 'public' | 'anyKey' | 'own' | 'engineer' | 'manager' | 'admin' | 'ownOrManager';

interface Operation {
  who: Who;
  /** The concrete path to call (ids of the seeded ticket, contract, product…). */
  path: () => string;
  body?: (caller: Caller) => unknown | Promise<unknown>;
  /** Run before each allowed caller's call, so the call is one the current state accepts. */
  prepare?: () => Promise<void>;
  /** What the foreign customer gets when it is not 404 (a list of its own, a 403 for another customer's id). */
  foreign?: Outcome;
  check?: (caller: Caller, body: any) => void;
}

const rank = { engineer: 1, manager: 2, admin: 3 } as const;

function expected(op: Operation, caller: Caller): Outcome {
  if (op.who === 'public') return '2xx';
  if (caller === 'revoked' || caller === 'none') return 401;
  if (op.who === 'anyKey') return '2xx';
  const customer = caller === 'customerA' || caller === 'customerB';
  switch (op.who) {
    case 'own':
      if (caller === 'customerA' || !customer) return '2xx';
      return op.foreign ?? 404;
    case 'ownOrManager':
      if (caller === 'customerA') return '2xx';
      if (caller === 'customerB') return op.foreign ?? 403;
      return rank[caller as keyof typeof rank] >= rank.manager ? '2xx' : 403;
    default:
      if (customer) return 403;
      return rank[caller as keyof typeof rank] >= rank[op.who] ? '2xx' : 403;
  }
}

const allowed = (op: Operation, caller: Caller) => expected(op, caller) === '2xx';

describe('role matrix: every documented operation, every kind of caller', () => {
  let ll: RunningLifeline;
  const keys = {} as Record<Caller, string | undefined>;
  let ticketId = '';
  let victimKeyId = '00000000-0000-4000-8000-000000000000';
  let doc: { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
  let n = 0;
  const next = () => (n += 1);

  // Today as the workflows' clock reads it (set in beforeAll).
  let today = '';
  const plus = (months: number) => formatDate(addMonths(parseDate(today), months));
  const ticketBody = {
    customerId: 'acme',
    policyId: 'isode',
    plan: 'gold',
    severity: 'p2',
    title: 'Relay down',
    description: 'No mail since 09:10.',
    product: 'M-Switch',
  };
  const contract = {
    customerId: 'acme',
    policyId: 'isode',
    plan: 'gold',
    startsAt: '2020-01-01T00:00:00Z',
    endsAt: '2040-01-01T00:00:00Z',
    options: {},
  };
  // Refused callers never reach it; an allowed one ends an agreement its `prepare` made.
  let endingId = 'C-MATRIX';
  // Refused callers never reach it; an allowed one deletes or retires a policy its `prepare` stored.
  let scratchPolicy = 'isode';
  const product = { name: 'Matrix Relay', policyId: 'infotecs', zone: 'UTC' };
  const licence = { customerId: 'acme', product: 'matrix', version: '1', contactEmail: 'ops@acme.example' };
  const routes = { routes: [{ policyId: '*', role: 'supportManagement', channel: 'email', address: 'managers@vendor.example' }] };

  const admin = (method: string, path: string, body?: unknown) => call(ll.url, method, path, { key: ll.adminKey, body });
  const must = async (method: string, path: string, body?: unknown) => {
    const r = await admin(method, path, body);
    if (r.status >= 300) throw new Error(`set-up ${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r;
  };
  const command = (name: string, body: unknown) => must('POST', `/v1/tickets/${ticketId}/${name}`, body);
  const openTicket = async () => {
    ticketId = (await must('POST', '/v1/tickets', ticketBody)).body.ticketId;
  };

  /** Brings the ticket back to `open` by the commands a helpdesk would use; a rejected one is replaced. */
  const toOpen = async () => {
    for (let i = 0; i < 6; i += 1) {
      const { status } = (await must('GET', `/v1/tickets/${ticketId}`)).body as { status: string };
      if (status === 'open') return;
      if (status === 'waitingOnCustomer' || status === 'resolved') await command('reply', { message: 'back to you' });
      else if (status === 'forwarded') await command('return', {});
      else if (status === 'relieved') await command('resolve', { kind: 'workaround', note: 'restart it' });
      else if (status === 'closed') await command('reopen', { reason: 'again' });
      else await openTicket();
    }
    throw new Error(`ticket ${ticketId} does not come back to open`);
  };
  const commandOp = (name: string, who: Who, body: Operation['body'], prepare: () => Promise<void> = toOpen): Operation => ({
    who,
    path: () => `/v1/tickets/${ticketId}/${name}`,
    body,
    prepare,
  });
  const version = (suffix = '') => `/v1/products/matrix/versions/1${suffix}`;

  /** Every operation of the document, by "METHOD path" as /openapi.json names it. */
  const operations: Record<string, Operation> = {
    'GET /healthz': { who: 'public', path: () => '/healthz' },
    'GET /readyz': { who: 'public', path: () => '/readyz' },
    'GET /metrics': { who: 'public', path: () => '/metrics' },
    'GET /openapi.json': { who: 'public', path: () => '/openapi.json' },
    'GET /schemas/policy.json': { who: 'public', path: () => '/schemas/policy.json' },
    'POST /v1/tickets': { who: 'own', path: () => '/v1/tickets', body: () => ticketBody, foreign: 403 },
    'GET /v1/tickets': {
      who: 'own',
      path: () => '/v1/tickets',
      foreign: '2xx',
      check: (caller, body) => {
        const customers = new Set(body.tickets.map((t: { customerId: string }) => t.customerId));
        if (caller === 'customerB') expect([...customers].filter((c) => c !== 'globex')).toEqual([]);
        else expect(customers.has('acme')).toBe(true);
      },
    },
    'POST /v1/reports/what-if': {
      who: 'engineer',
      path: () => '/v1/reports/what-if',
      body: () => ({ report: { from: '2026-01-01', to: '2027-01-01', policyId: 'isode' }, scenario: { plan: 'gold' } }),
    },
    'GET /v1/reports/sla': {
      who: 'own',
      path: () => '/v1/reports/sla?from=2026-01-01&to=2027-01-01&customerId=acme',
      foreign: '2xx',
      // A customer's report is of its own tickets whatever customerId it asks for; staff get the one asked for.
      check: (caller, body) => expect(body.filters.customerId).toBe(caller === 'customerB' ? 'globex' : 'acme'),
    },
    'GET /v1/tickets/{ticketId}': { who: 'own', path: () => `/v1/tickets/${ticketId}` },
    'GET /v1/tickets/{ticketId}/events': { who: 'own', path: () => `/v1/tickets/${ticketId}/events` },
    'GET /v1/tickets/{ticketId}/commands': { who: 'own', path: () => `/v1/tickets/${ticketId}/commands` },
    'GET /v1/queue': {
      who: 'own',
      path: () => '/v1/queue',
      foreign: '2xx',
      check: (caller, body) => {
        const customers = new Set(body.tickets.map((t: { customerId: string }) => t.customerId));
        if (caller === 'customerB') expect([...customers].filter((c) => c !== 'globex')).toEqual([]);
        else expect(customers.has('acme')).toBe(true);
      },
    },
    'POST /v1/tickets/{ticketId}/assign': commandOp('assign', 'engineer', () => ({ engineer: { id: 'eng-1', name: 'Grace' } })),
    'POST /v1/tickets/{ticketId}/respond': commandOp('respond', 'engineer', () => ({ message: 'Looking', awaitCustomer: false })),
    'POST /v1/tickets/{ticketId}/request-information': commandOp('request-information', 'engineer', () => ({ message: 'Which host?' })),
    'POST /v1/tickets/{ticketId}/reply': commandOp('reply', 'own', () => ({ message: 'relay-2' })),
    'POST /v1/tickets/{ticketId}/reclassify': commandOp('reclassify', 'engineer', async () => {
      const { severity } = (await must('GET', `/v1/tickets/${ticketId}`)).body as { severity: string };
      return { severity: severity === 'p3' ? 'p2' : 'p3', reason: 'triage' };
    }),
    'POST /v1/tickets/{ticketId}/forward': commandOp('forward', 'engineer', () => ({ team: 'directory', note: 'n' })),
    'POST /v1/tickets/{ticketId}/return': commandOp(
      'return',
      'engineer',
      () => ({ note: 'n' }),
      async () => {
        await toOpen();
        await command('forward', { team: 'directory' });
      },
    ),
    'POST /v1/tickets/{ticketId}/relieve': commandOp('relieve', 'engineer', () => ({ note: 'n' })),
    'POST /v1/tickets/{ticketId}/resolve': commandOp('resolve', 'engineer', () => ({ kind: 'resolution', note: 'fixed' })),
    'POST /v1/tickets/{ticketId}/close': commandOp('close', 'own', () => ({ reason: 'works again' })),
    'POST /v1/tickets/{ticketId}/reopen': commandOp(
      'reopen',
      'engineer',
      () => ({ reason: 'fails again' }),
      async () => {
        await toOpen();
        await command('close', {});
      },
    ),
    'POST /v1/tickets/{ticketId}/reject': commandOp('reject', 'engineer', () => ({ reasonId: 'duplicate', note: 'n' })),
    'POST /v1/tickets/{ticketId}/split': commandOp('split', 'engineer', () => ({
      children: [{ title: 'Second relay', description: 'Also down.', severity: 'p3' }],
    })),
    'POST /v1/tickets/{ticketId}/escalate': commandOp('escalate', 'own', () => ({ reason: 'outage' })),
    'POST /v1/tickets/{ticketId}/what-if': {
      who: 'engineer',
      path: () => `/v1/tickets/${ticketId}/what-if`,
      body: () => ({ plan: 'gold' }),
    },
    'POST /v1/tickets/{ticketId}/hotfix-required': commandOp('hotfix-required', 'engineer', () => ({ required: false })),
    'GET /v1/policies/{policyId}/override': { who: 'engineer', path: () => '/v1/policies/isode/override' },
    'PUT /v1/policies/{policyId}/override': {
      who: 'manager',
      path: () => '/v1/policies/isode/override',
      body: () => ({ override: { warnAtShare: 0.8 }, reason: 'role matrix' }),
    },
    'PUT /v1/contracts/{contractId}': { who: 'manager', path: () => '/v1/contracts/C-MATRIX', body: () => contract },
    'GET /v1/contracts/{contractId}': { who: 'own', path: () => '/v1/contracts/C-MATRIX' },
    'POST /v1/contracts/{contractId}/renewals': {
      who: 'manager',
      path: () => '/v1/contracts/C-MATRIX/renewals',
      body: () => ({ endsAt: `${2041 + next()}-01-01T00:00:00Z` }),
    },
    'POST /v1/contracts/{contractId}/end': {
      who: 'manager',
      path: () => `/v1/contracts/${endingId}/end`,
      body: () => ({ reason: 'role matrix' }),
      // Each allowed caller ends an agreement of its own (an ended one takes no more changes).
      prepare: async () => {
        endingId = `C-END-${next()}`;
        await must('PUT', `/v1/contracts/${endingId}`, { ...contract, customerId: 'initech' });
      },
    },
    'POST /v1/contracts/{contractId}/quota-exchanges': {
      who: 'manager',
      path: () => '/v1/contracts/C-QUOTA/quota-exchanges',
      body: () => ({ tickets: 1, for: 'Premium: one on-site visit' }),
    },
    'PUT /v1/policies/{policyId}': {
      who: 'manager',
      path: () => '/v1/policies/matrix-policy',
      body: () => ({ reason: 'role matrix', document: { ...catalog.isode, id: 'matrix-policy' } }),
    },
    'POST /v1/policies/preview': {
      who: 'engineer',
      path: () => '/v1/policies/preview',
      body: () => ({ document: { ...catalog.isode }, openings: [{ openedAt: '2027-03-01T09:00:00Z', plan: 'gold', severity: 'p1' }] }),
    },
    'DELETE /v1/policies/{policyId}': {
      who: 'manager',
      path: () => `/v1/policies/${scratchPolicy}`,
      // Each allowed caller deletes a policy of its own, nothing uses it.
      prepare: async () => {
        scratchPolicy = `matrix-scratch-${next()}`;
        await must('PUT', `/v1/policies/${scratchPolicy}`, { reason: 'scratch', document: { ...catalog.isode, id: scratchPolicy } });
      },
    },
    'GET /v1/policies/{policyId}/versions': { who: 'engineer', path: () => '/v1/policies/isode/versions' },
    'GET /v1/policies/{policyId}/versions/{version}': { who: 'engineer', path: () => '/v1/policies/isode/versions/1' },
    'POST /v1/policies/{policyId}/retire': {
      who: 'manager',
      path: () => `/v1/policies/${scratchPolicy}/retire`,
      body: () => ({ reason: 'role matrix' }),
      prepare: async () => {
        scratchPolicy = `matrix-retired-${next()}`;
        await must('PUT', `/v1/policies/${scratchPolicy}`, { reason: 'scratch', document: { ...catalog.isode, id: scratchPolicy } });
      },
    },
    'POST /v1/quotes/renewal': {
      who: 'anyKey',
      path: () => '/v1/quotes/renewal',
      body: () => ({ policyId: 'infotecs', licencePrice: { amount: 100000, currency: 'EUR' }, year: 1 }),
    },
    'POST /v1/quotes/co-terming': {
      who: 'anyKey',
      path: () => '/v1/quotes/co-terming',
      body: () => ({ policyId: 'ispsystem', purchasedOn: '2026-01-15', existingEndsOn: '2026-07-21' }),
    },
    'POST /v1/quotes/back-payment': {
      who: 'anyKey',
      path: () => '/v1/quotes/back-payment',
      body: () => ({
        policyId: 'ispsystem',
        updatesEndedOn: '2023-03-01',
        purchasedOn: '2026-03-01',
        annualPrice: { amount: 120000, currency: 'EUR' },
      }),
    },
    'GET /v1/notification-routes': { who: 'manager', path: () => '/v1/notification-routes' },
    'PUT /v1/notification-routes': { who: 'admin', path: () => '/v1/notification-routes', body: () => routes },
    'POST /v1/sla/preview': {
      who: 'anyKey',
      path: () => '/v1/sla/preview',
      body: () => ({ policy: 'isode', plan: 'gold', severity: 'p1', openedAt: '2026-03-02T09:00:00Z' }),
    },
    'POST /v1/lifecycle/preview': {
      who: 'anyKey',
      path: () => '/v1/lifecycle/preview',
      body: () => ({ policy: 'infotecs', ga: '2024-01-15' }),
    },
    'GET /v1/policies': { who: 'anyKey', path: () => '/v1/policies' },
    'POST /v1/api-keys': { who: 'admin', path: () => '/v1/api-keys', body: () => ({ name: `matrix ${next()}`, role: 'engineer' }) },
    'DELETE /v1/api-keys/{keyId}': {
      who: 'admin',
      path: () => `/v1/api-keys/${victimKeyId}`,
      prepare: async () => {
        victimKeyId = (await must('POST', '/v1/api-keys', { name: `victim ${next()}`, role: 'engineer' })).body.id;
      },
    },
    'PUT /v1/products/{product}': { who: 'manager', path: () => '/v1/products/matrix', body: () => product },
    'GET /v1/products': { who: 'anyKey', path: () => '/v1/products' },
    'POST /v1/products/{product}/versions': {
      who: 'manager',
      path: () => '/v1/products/matrix/versions',
      body: () => ({ major: `m${next()}`, ga: plus(3) }),
    },
    'GET /v1/products/{product}/versions/{major}': { who: 'anyKey', path: () => version() },
    'GET /v1/products/{product}/versions/{major}/events': { who: 'engineer', path: () => version('/events') },
    'POST /v1/products/{product}/versions/{major}/end-of-sales': {
      who: 'manager',
      path: () => version('/end-of-sales'),
      body: () => ({ date: plus(30 + next()) }),
    },
    'POST /v1/products/{product}/versions/{major}/next-major': {
      who: 'manager',
      path: () => version('/next-major'),
      body: () => ({ version: '2', ga: plus(14) }),
    },
    'POST /v1/products/{product}/versions/{major}/support-extension': {
      who: 'manager',
      path: () => version('/support-extension'),
      body: () => ({ eol: plus(200 + 12 * next()), reason: 'role matrix' }),
    },
    'POST /v1/products/{product}/versions/{major}/minor-releases': {
      who: 'manager',
      path: () => version('/minor-releases'),
      body: () => ({ version: `1.${next()}`, kind: 'stable', releasedOn: today }),
    },
    'POST /v1/products/{product}/versions/{major}/pilot-requests': {
      who: 'ownOrManager',
      path: () => version('/pilot-requests'),
      body: () => ({ customerId: 'acme' }),
    },
    'PUT /v1/licences/{licenceId}': { who: 'manager', path: () => '/v1/licences/L-MATRIX', body: () => licence },
    'GET /v1/licences': { who: 'engineer', path: () => '/v1/licences' },
    'GET /api/v1/products/{product}': { who: 'public', path: () => '/api/v1/products/matrix' },
    'GET /api/v1/products/{product}/releases/{release}': { who: 'public', path: () => '/api/v1/products/matrix/releases/1' },
    'GET /api/{product}.json': { who: 'public', path: () => '/api/matrix.json' },
    'GET /api/v1/products/{product}/calendar.ics': { who: 'public', path: () => '/api/v1/products/matrix/calendar.ics' },
  };

  beforeAll(async () => {
    ll = await startLifeline();
    today = new Date(await ll.env.currentTimeMs()).toISOString().slice(0, 10);
    const key = async (role: string, customerId?: string) =>
      (await must('POST', '/v1/api-keys', { name: `matrix ${role} ${customerId ?? ''}`, role, customerId })).body as {
        id: string;
        key: string;
      };
    keys.customerA = (await key('customer', 'acme')).key;
    keys.customerB = (await key('customer', 'globex')).key;
    keys.engineer = (await key('engineer')).key;
    keys.manager = (await key('manager')).key;
    keys.admin = (await key('admin')).key;
    const revoked = await key('admin');
    await must('DELETE', `/v1/api-keys/${revoked.id}`);
    keys.revoked = revoked.key;
    keys.none = undefined;
    // The seed: one contract, the policy's override, routes, one product version (before GA: pilots allowed), a licence, one ticket.
    await must('PUT', '/v1/contracts/C-MATRIX', contract);
    await must('PUT', '/v1/contracts/C-QUOTA', {
      customerId: 'acme',
      policyId: 'infotecs',
      plan: 'basic',
      startsAt: '2020-01-01T00:00:00Z',
    });
    await must('PUT', '/v1/policies/isode/override', { override: { warnAtShare: 0.8 }, reason: 'seed' });
    await must('PUT', '/v1/notification-routes', routes);
    await must('PUT', '/v1/products/matrix', product);
    await must('POST', '/v1/products/matrix/versions', { major: '1', ga: plus(2) });
    await must('PUT', '/v1/licences/L-MATRIX', licence);
    await openTicket();
    doc = (await call(ll.url, 'GET', '/openapi.json')).body;
  });

  afterAll(async () => {
    await ll?.stop();
  });

  it('knows every operation the OpenAPI document lists', () => {
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.length).toBeGreaterThan(40);
    expect(documented.filter((op) => !(op in operations))).toEqual([]);
    expect(Object.keys(operations).filter((op) => !documented.includes(op))).toEqual([]);
  });

  it('answers each caller as the README table says, with a documented status', async () => {
    const seen: string[] = [];
    for (const [name, op] of Object.entries(operations)) {
      const [method, path] = name.split(' ');
      const documented = Object.keys(doc.paths[path]?.[method.toLowerCase()]?.responses ?? {});
      const attempt = async (caller: Caller) => {
        if (allowed(op, caller)) await op.prepare?.();
        const body = await op.body?.(caller);
        const r = await call(ll.url, method, op.path(), { key: keys[caller], body });
        const want = expected(op, caller);
        const got = r.status >= 200 && r.status < 300 ? '2xx' : r.status;
        seen.push(`${name} ${caller} ${r.status}`);
        expect({ op: name, caller, status: got, detail: got === want ? undefined : r.body }).toEqual({
          op: name,
          caller,
          status: want,
          detail: undefined,
        });
        expect({ op: name, caller, documented: documented.includes(String(r.status)) }).toEqual({ op: name, caller, documented: true });
        if (want === '2xx') op.check?.(caller, r.body);
      };
      // Callers that are refused change nothing: they go together; the allowed ones one after another.
      await Promise.all(callers.filter((c) => !allowed(op, c)).map(attempt));
      for (const caller of callers.filter((c) => allowed(op, c))) await attempt(caller);
    }
    expect(seen).toHaveLength(Object.keys(operations).length * callers.length);
  });
});
