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

describe('tickets API against real Temporal and PostgreSQL', () => {
  let ll: RunningLifeline;

  beforeAll(async () => {
    ll = await startLifeline();
  });

  afterAll(async () => {
    await ll?.stop();
  });

  it('opens a ticket, reads it live, closes it and lists its persisted events', async () => {
    const opened = await call(ll.url, 'POST', '/v1/tickets', { key: ll.adminKey, body: ticketBody });
    expect(opened.status).toBe(201);
    const ticketId: string = opened.body.ticketId;
    expect(ticketId).toMatch(/^TKT-[0-9A-F]{16}$/);
    expect(opened.headers.get('location')).toBe(`/v1/tickets/${ticketId}`);
    expect(opened.body).toMatchObject({ status: 'open', customerId: 'acme', policyId: 'isode', severity: 'p1', type: 'incident' });

    const live = await call(ll.url, 'GET', `/v1/tickets/${ticketId}`, { key: ll.adminKey });
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ ticketId, status: 'open', title: ticketBody.title });

    const closed = await call(ll.url, 'POST', `/v1/tickets/${ticketId}/close`, {
      key: ll.adminKey,
      body: { reason: 'Customer confirmed mail flows again' },
    });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', closeReason: 'Customer confirmed mail flows again' });

    const again = await call(ll.url, 'POST', `/v1/tickets/${ticketId}/close`, { key: ll.adminKey, body: {} });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(again.body.detail).toMatch(/closed/);

    const events = await call(ll.url, 'GET', `/v1/tickets/${ticketId}/events`, { key: ll.adminKey });
    expect(events.status).toBe(200);
    expect(events.body.events.map((e: { seq: number; type: string }) => [e.seq, e.type])).toEqual([
      [1, 'opened'],
      [2, 'targetsComputed'],
      [3, 'entitlementDecided'],
      [4, 'closed'],
    ]);
    expect(events.body.events[2].data).toEqual({ decision: 'accepted' });
    expect(events.body.events[3].data).toEqual({ reason: 'Customer confirmed mail flows again' });
    expect(Date.parse(events.body.events[3].occurredAt)).toBeGreaterThanOrEqual(Date.parse(events.body.events[0].occurredAt));

    const row = await ll.db.pool.query('SELECT status, last_seq, closed_at FROM tickets WHERE ticket_id = $1', [ticketId]);
    expect(row.rows[0]).toMatchObject({ status: 'closed', last_seq: 4 });
    expect(row.rows[0].closed_at).toBeInstanceOf(Date);

    // Still readable while the workflow waits out the reopen window, and from the read model after.
    const after = await call(ll.url, 'GET', `/v1/tickets/${ticketId}`, { key: ll.adminKey });
    expect(after.body.status).toBe('closed');
  });

  it('starts one workflow for a retried request with the same Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'crm-case-48213' };
    const first = await call(ll.url, 'POST', '/v1/tickets', { key: ll.adminKey, body: ticketBody, headers });
    const second = await call(ll.url, 'POST', '/v1/tickets', { key: ll.adminKey, body: ticketBody, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.ticketId).toBe(first.body.ticketId);
    const rows = await ll.db.pool.query("SELECT count(*)::int AS n FROM ticket_events WHERE ticket_id = $1 AND type = 'opened'", [
      first.body.ticketId,
    ]);
    expect(rows.rows[0].n).toBe(1);

    const different = await call(ll.url, 'POST', '/v1/tickets', {
      key: ll.adminKey,
      body: { ...ticketBody, severity: 'p2' },
      headers,
    });
    expect(different.status).toBe(422);
    expect(different.body.type).toMatch(/idempotency-key-reused$/);
  });

  it('answers bad input with problem+json: unknown route, malformed JSON, missing or wrong key, invalid body', async () => {
    const unknown = await call(ll.url, 'GET', '/v1/nothing-here', { key: ll.adminKey });
    expect(unknown.status).toBe(404);
    const unknownRoot = await call(ll.url, 'GET', '/nothing');
    expect(unknownRoot.status).toBe(404);

    const noKey = await call(ll.url, 'POST', '/v1/tickets', { body: ticketBody });
    expect(noKey.status).toBe(401);
    expect(noKey.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrongKey = await call(ll.url, 'POST', '/v1/tickets', { key: 'not-a-real-key-0000000000', body: ticketBody });
    expect(wrongKey.status).toBe(401);

    const malformed = await call(ll.url, 'POST', '/v1/tickets', { key: ll.adminKey, rawBody: '{"title": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.type).toMatch(/malformed-json$/);

    const wrongType = await call(ll.url, 'POST', '/v1/tickets', {
      key: ll.adminKey,
      rawBody: 'title=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrongType.status).toBe(415);

    const invalid = await call(ll.url, 'POST', '/v1/tickets', {
      key: ll.adminKey,
      body: { customerId: 'acme', policyId: 'isode', plan: 'platinum', severity: 'p9', description: 'x', color: 'red' },
    });
    expect(invalid.status).toBe(400);
    const pointers = invalid.body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(expect.arrayContaining(['/title', '/plan', '/severity']));
    expect(invalid.body.errors.find((e: { pointer: string }) => e.pointer === '/plan').detail).toMatch(/bronze, silver, gold/);

    const badId = await call(ll.url, 'GET', '/v1/tickets/not-a-ticket', { key: ll.adminKey });
    expect(badId.status).toBe(400);
    const missing = await call(ll.url, 'GET', '/v1/tickets/TKT-0000000000000000', { key: ll.adminKey });
    expect(missing.status).toBe(404);

    for (const r of [unknown, unknownRoot, noKey, wrongKey, malformed, wrongType, invalid, badId, missing]) {
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.body).toEqual(expect.objectContaining({ type: expect.any(String), title: expect.any(String), status: r.status }));
      expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts:\d+/); // no stack traces
    }
  });

  it('binds customer keys to their customer and reserves key management to admins', async () => {
    const created = await call(ll.url, 'POST', '/v1/api-keys', {
      key: ll.adminKey,
      body: { name: 'Acme portal', role: 'customer', customerId: 'acme' },
    });
    expect(created.status).toBe(201);
    const customerKey: string = created.body.key;
    const stored = await ll.db.pool.query('SELECT key_hash FROM api_keys WHERE id = $1', [created.body.id]);
    expect(stored.rows[0].key_hash).not.toContain(customerKey);
    expect(stored.rows[0].key_hash).toMatch(/^[0-9a-f]{64}$/);

    const own = await call(ll.url, 'POST', '/v1/tickets', { key: customerKey, body: { ...ticketBody, customerId: undefined } });
    expect(own.status).toBe(201);
    expect(own.body.customerId).toBe('acme');
    expect(own.body.openedBy).toEqual({ kind: 'customer', id: created.body.id });
    // Acme has no agreement yet: a customer key opens tickets only under its own, so the ticket is rejected at once.
    expect(own.body).toMatchObject({ status: 'rejected', rejection: { reasonId: 'noAgreement' } });
    const agreement = await call(ll.url, 'PUT', '/v1/contracts/C-ACME', {
      key: ll.adminKey,
      body: { customerId: 'acme', policyId: 'isode', plan: 'gold', startsAt: '2020-01-01T00:00:00Z' },
    });
    expect(agreement.status).toBe(201);
    const underAgreement = await call(ll.url, 'POST', '/v1/tickets', { key: customerKey, body: { ...ticketBody, customerId: undefined } });
    expect(underAgreement.status).toBe(201);
    expect(underAgreement.body).toMatchObject({ status: 'open', customerId: 'acme', contractId: 'C-ACME' });

    const foreign = await call(ll.url, 'POST', '/v1/tickets', { key: customerKey, body: { ...ticketBody, customerId: 'globex' } });
    expect(foreign.status).toBe(403);

    const globexTicket = await call(ll.url, 'POST', '/v1/tickets', { key: ll.adminKey, body: { ...ticketBody, customerId: 'globex' } });
    const peek = await call(ll.url, 'GET', `/v1/tickets/${globexTicket.body.ticketId}`, { key: customerKey });
    expect(peek.status).toBe(404);

    const engineer = await call(ll.url, 'POST', '/v1/api-keys', { key: ll.adminKey, body: { name: 'Jo', role: 'engineer' } });
    const escalate = await call(ll.url, 'POST', '/v1/api-keys', { key: engineer.body.key, body: { name: 'x', role: 'admin' } });
    expect(escalate.status).toBe(403);
    const noCustomer = await call(ll.url, 'POST', '/v1/tickets', {
      key: engineer.body.key,
      body: { ...ticketBody, customerId: undefined },
    });
    expect(noCustomer.status).toBe(400);

    const revoked = await call(ll.url, 'DELETE', `/v1/api-keys/${created.body.id}`, { key: ll.adminKey });
    expect(revoked.status).toBe(204);
    const afterRevoke = await call(ll.url, 'GET', `/v1/tickets/${own.body.ticketId}`, { key: customerKey });
    expect(afterRevoke.status).toBe(401);
  });

  it('serves health, readiness, metrics, the OpenAPI document and its browser', async () => {
    expect((await call(ll.url, 'GET', '/healthz')).body).toEqual({ status: 'up' });
    const ready = await call(ll.url, 'GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { temporal: { ok: true }, postgres: { ok: true } } });

    const metrics = await call(ll.url, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/lifeline_http_requests_total\{method="GET",route="\/readyz",status="200"\} \d+/);
    expect(metrics.body).toMatch(/lifeline_process_cpu_seconds_total/);

    const doc = await call(ll.url, 'GET', '/openapi.json');
    expect(doc.body.openapi).toBe('3.1.0');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining(['/v1/tickets', '/v1/tickets/{ticketId}', '/v1/tickets/{ticketId}/close', '/v1/tickets/{ticketId}/events']),
    );
    expect(doc.body.components.schemas.OpenTicketRequest.required).toEqual(
      expect.arrayContaining(['policyId', 'plan', 'severity', 'title', 'description']),
    );

    const docs = await call(ll.url, 'GET', '/docs');
    expect(docs.status).toBe(200);
    // The page loads its initializer from a file: the CSP allows no inline script.
    expect(docs.body).toContain('<script src="/docs/lifeline-init.js"></script>');
    expect(await (await fetch(`${ll.url}/docs/lifeline-init.js`)).text()).toMatch(/SwaggerUIBundle\(\{ url: '\/openapi.json'/);
    const bundle = await fetch(`${ll.url}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    await bundle.arrayBuffer();
  });
});
