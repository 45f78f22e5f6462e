import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';

describe('policy previews over HTTP', () => {
  let ll: RunningLifeline;

  beforeAll(async () => {
    ll = await startLifeline();
  });

  afterAll(async () => {
    await ll?.stop();
  });

  it('previews SLA targets', async () => {
    const r = await call(ll.url, 'POST', '/v1/sla/preview', {
      key: ll.adminKey,
      body: { policy: 'xecuritas', plan: 'standard', severity: 'sev2', openedAt: '2026-03-02T08:00:00-05:00' },
    });
    expect(r.status).toBe(200);
    expect(r.body.targets[0]).toMatchObject({
      kind: 'firstResponse',
      warnAt: '2026-03-02T17:00:00.000Z',
      dueAt: '2026-03-02T19:00:00.000Z',
    });
  });

  it('previews a lifecycle', async () => {
    const r = await call(ll.url, 'POST', '/v1/lifecycle/preview', { key: ll.adminKey, body: { policy: 'infotecs', ga: '2024-01-15' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ eoms: '2028-01-15', eol: '2029-01-15', provisional: true });
  });

  it('answers bad input with 400 naming the field and the valid choices', async () => {
    const plan = await call(ll.url, 'POST', '/v1/sla/preview', {
      key: ll.adminKey,
      body: { policy: 'isode', plan: 'platinum', severity: 'p1', openedAt: '2026-03-02T09:00:00Z' },
    });
    expect(plan.status).toBe(400);
    expect(plan.body.errors).toEqual([{ pointer: '/plan', detail: expect.stringMatching(/bronze, silver, gold/) }]);
    const date = await call(ll.url, 'POST', '/v1/lifecycle/preview', { key: ll.adminKey, body: { policy: 'infotecs', ga: '2024-02-30' } });
    expect(date.status).toBe(400);
    expect(date.body.errors[0].pointer).toBe('/ga');
    const noKey = await call(ll.url, 'POST', '/v1/sla/preview', { body: {} });
    expect(noKey.status).toBe(401);
  });

  it('lists the catalog', async () => {
    const r = await call(ll.url, 'GET', '/v1/policies', { key: ll.adminKey });
    expect(r.body.policies.map((p: { id: string }) => p.id)).toEqual(['isode', 'xecuritas', 'ispsystem', 'infotecs']);
  });
});
