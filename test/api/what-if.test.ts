/**
 * POST /v1/tickets/{id}/what-if over HTTP: a ticket that went through its real workflow, replayed
 * under another plan, severity and contract terms; the answers' due instants are the calendar's own;
 * nothing is written; bad scenarios are 400s naming their field.
 */
import { catalog, compileCalendar } from '../../policies/index';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';

const ukOffice = compileCalendar(catalog.isode.calendars.find((c) => c.id === 'uk-office')!);
const dueAfter = (openedAt: string, duration: string) => new Date(ukOffice.due(Date.parse(openedAt), duration)).toISOString();

describe('what-if over HTTP', () => {
  let ll: RunningLifeline;
  let engineerKey: string;
  let acmeKey: string;
  let ticketId: string;
  let openedAt: string;

  beforeAll(async () => {
    ll = await startLifeline();
    const key = async (role: string, customerId?: string) =>
      (await call(ll.url, 'POST', '/v1/api-keys', { key: ll.adminKey, body: { name: role, role, customerId } })).body.key as string;
    engineerKey = await key('engineer');
    acmeKey = await key('customer', 'acme');
    const opened = await call(ll.url, 'POST', '/v1/tickets', {
      key: engineerKey,
      body: {
        customerId: 'acme',
        policyId: 'isode',
        plan: 'silver',
        severity: 'p2',
        type: 'incident',
        channel: 'email',
        title: 'Directory sync fails',
        description: 'Sync to the LDAP replica stops after 5 minutes.',
        product: 'M-Vault',
      },
    });
    expect(opened.status).toBe(201);
    ({ ticketId, openedAt } = opened.body);
    expect((await call(ll.url, 'POST', `/v1/tickets/${ticketId}/respond`, { key: engineerKey, body: { message: 'On it' } })).status).toBe(
      200,
    );
    expect((await call(ll.url, 'POST', `/v1/tickets/${ticketId}/relieve`, { key: engineerKey, body: {} })).status).toBe(200);
  });

  afterAll(async () => {
    await ll?.stop();
  });

  const whatIf = (body: unknown, key = engineerKey) => call(ll.url, 'POST', `/v1/tickets/${ticketId}/what-if`, { key, body });

  it('replays the ticket under Gold: the due instants are Gold P2 ones from the same opening, beside what it had', async () => {
    const before = await call(ll.url, 'GET', `/v1/tickets/${ticketId}/events`, { key: engineerKey });
    const r = await whatIf({ plan: 'gold' });
    expect(r.status).toBe(200);
    expect(r.body.ticketId).toBe(ticketId);
    const dues = (o: { targets: Array<{ kind: string; dueAt: string; status: string; metOnTime: boolean }> }) =>
      o.targets.map((t) => [t.kind, t.dueAt, t.status, t.metOnTime]);
    expect(r.body.actual).toMatchObject({ plan: 'silver', severity: 'p2', status: 'relieved', rules: 'isode@1' });
    expect(dues(r.body.actual)).toEqual([
      ['firstResponse', dueAfter(openedAt, '1 working day'), 'met', true],
      ['relief', dueAfter(openedAt, '3 working days'), 'met', true],
    ]);
    expect(r.body.whatIf).toMatchObject({ plan: 'gold', severity: 'p2', status: 'relieved', rules: 'isode@1', skipped: [] });
    expect(dues(r.body.whatIf)).toEqual([
      ['firstResponse', dueAfter(openedAt, '4 working hours'), 'met', true],
      ['relief', dueAfter(openedAt, '12 working hours'), 'met', true],
    ]);
    // Nothing is written: the ticket's events are as they were.
    expect((await call(ll.url, 'GET', `/v1/tickets/${ticketId}/events`, { key: engineerKey })).body).toEqual(before.body);
  });

  it('takes contract terms in place of the contract’s own, and a severity for the whole life', async () => {
    const r = await whatIf({
      severity: 'p3',
      contractOverride: { targets: { silver: { p3: { firstResponse: { duration: '2 working hours' } } } } },
    });
    expect(r.status).toBe(200);
    expect(r.body.whatIf.rules).toBe('isode@1+contract:what-if+what-if');
    expect(r.body.whatIf.targets.map((t: { kind: string; duration: string; dueAt: string }) => [t.kind, t.duration, t.dueAt])).toEqual([
      ['firstResponse', '2 working hours', dueAfter(openedAt, '2 working hours')],
      ['relief', '6 working days', dueAfter(openedAt, '6 working days')],
    ]);
  });

  it('refuses a scenario it cannot run, naming the field', async () => {
    const cases: Array<[unknown, string]> = [
      [{ plan: 'platinum' }, '/plan'],
      [{ severity: 'p9' }, '/severity'],
      [{ policyVersion: 99 }, '/policyVersion'],
      [{}, '/'],
      [{ plan: 'gold', colour: 'red' }, '/colour'],
      [{ policy: { yaml: 'plans: [' } }, '/policy/yaml'],
      [{ policyVersion: 1, policy: { yaml: 'id: isode' } }, '/policy'],
    ];
    for (const [body, pointer] of cases) {
      const r = await whatIf(body);
      expect([body, r.status, r.headers.get('content-type')]).toEqual([body, 400, expect.stringContaining('application/problem+json')]);
      expect([body, r.body.errors.map((e: { pointer: string }) => e.pointer)]).toEqual([body, [pointer]]);
    }
  });

  it('is for support staff: a customer key is refused, an unknown ticket is a 404', async () => {
    expect((await whatIf({ plan: 'gold' }, acmeKey)).status).toBe(403);
    const unknown = await call(ll.url, 'POST', '/v1/tickets/TKT-0000000000000404/what-if', { key: engineerKey, body: { plan: 'gold' } });
    expect(unknown.status).toBe(404);
  });
});
