import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';

// A ticket command retried with the same Idempotency-Key (the API restarted mid-request, the client
// timed out) changes the ticket once; the key reused for another request is refused (issue 14).
describe('ticket commands with an Idempotency-Key', () => {
  let ll: RunningLifeline;
  let ticketId: string;
  const api = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    call(ll.url, 'POST', path, { key: ll.adminKey, body, headers });
  const events = async () =>
    (await call(ll.url, 'GET', `/v1/tickets/${ticketId}/events`, { key: ll.adminKey })).body.events as Array<{ type: string }>;

  beforeAll(async () => {
    ll = await startLifeline();
    const opened = await api('/v1/tickets', {
      customerId: 'acme',
      policyId: 'isode',
      plan: 'gold',
      severity: 'p2',
      title: 'Directory sync fails',
      description: 'Sync to the LDAP replica stops after 5 minutes.',
    });
    expect(opened.status).toBe(201);
    ticketId = opened.body.ticketId;
  });

  afterAll(async () => {
    await ll?.stop();
  });

  it('a retry with the same key answers the first outcome and records the command once', async () => {
    const first = await api(
      `/v1/tickets/${ticketId}/respond`,
      { message: 'Looking at the replica now' },
      { 'Idempotency-Key': 'crm-reply-1' },
    );
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await api(
      `/v1/tickets/${ticketId}/respond`,
      { message: 'Looking at the replica now' },
      { 'Idempotency-Key': 'crm-reply-1' },
    );
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.status).toBe(first.body.status);
    const deadline = Date.now() + 20_000;
    while (!(await events()).some((e) => e.type === 'responded') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect((await events()).filter((e) => e.type === 'responded')).toHaveLength(1);
  });

  it('the same key for another request is refused with 422, naming the key', async () => {
    const other = await api(`/v1/tickets/${ticketId}/respond`, { message: 'Something else' }, { 'Idempotency-Key': 'crm-reply-1' });
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(other.body.type).toMatch(/idempotency-key-reused$/);
    expect(other.body.detail).toMatch(/crm-reply-1/);
  });

  it('a refused command retried with its key is refused again, and changes nothing', async () => {
    const reopen = () => api(`/v1/tickets/${ticketId}/reopen`, { reason: 'again' }, { 'Idempotency-Key': 'crm-reopen-1' });
    const first = await reopen();
    expect(first.status).toBe(409);
    const again = await reopen();
    expect([again.status, again.body.detail]).toEqual([409, first.body.detail]);
  });

  it('a key that is not 1–255 visible ASCII characters is a 400 naming the header', async () => {
    const bad = await api(`/v1/tickets/${ticketId}/respond`, { message: 'x' }, { 'Idempotency-Key': 'a'.repeat(256) });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/header:Idempotency-Key/);
  });
});
