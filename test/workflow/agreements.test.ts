/**
 * Support agreements end to end (issue 12): the contract workflow on the time-skipping test server,
 * PostgreSQL and the API over HTTP. At the end every agreement's history is replayed on the code
 * (as a restarted worker would rebuild it); reminders across a real worker restart are in agreement-restart.test.ts.
 */
import { agreementWorkflowId, getAgreementQuery, ticketResolvedSignal, type AgreementState } from '../../workflows/agreement/contract';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';
import { recordHistory, skipTo } from './ticket-helpers';

jest.setTimeout(240_000);

const basic = {
  customerId: 'acme',
  policyId: 'infotecs',
  plan: 'basic',
  startsAt: '2027-01-01T00:00:00Z',
  endsAt: '2030-01-01T00:00:00Z',
  contactEmail: 'it@acme.example',
};
const ticket = {
  policyId: 'infotecs',
  plan: 'basic',
  severity: 'minor',
  type: 'question',
  title: 'How to rotate keys?',
  description: 'Where is it documented?',
};

describe('support agreements (time-skipping, HTTP, PostgreSQL)', () => {
  let ll: RunningLifeline;
  let acmeKey: string;

  const api = (method: string, path: string, body?: unknown, key = ll.adminKey) => call(ll.url, method, path, { key, body });
  const agreement = (id: string) => ll.env.client.workflow.getHandle(agreementWorkflowId(id)).query(getAgreementQuery);
  /** Polls the live agreement until it satisfies `ok` (signals are processed asynchronously), bounded. */
  async function until(id: string, ok: (s: AgreementState) => boolean): Promise<AgreementState> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const s = await agreement(id);
      if (ok(s) || Date.now() > deadline) return s;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const events = async (id: string, type: string) =>
    (
      await ll.db.pool.query<{ occurred_at: Date; data: Record<string, unknown> }>(
        'SELECT occurred_at, data FROM contract_events WHERE contract_id = $1 AND type = $2 ORDER BY seq',
        [id, type],
      )
    ).rows.map((r) => ({ at: r.occurred_at.toISOString(), ...r.data }));
  const resolve = (ticketId: string) => api('POST', `/v1/tickets/${ticketId}/resolve`, { kind: 'resolution', note: 'answered' });

  beforeAll(async () => {
    ll = await startLifeline();
    const key = await api('POST', '/v1/api-keys', { name: 'Acme portal', role: 'customer', customerId: 'acme' });
    acmeKey = key.body.key;
  });
  afterAll(async () => {
    await ll?.stop();
  });

  it('makes an agreement that waits for its term, with its reminders scheduled', async () => {
    const made = await api('PUT', '/v1/contracts/INF-1', basic);
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({ contractId: 'INF-1', status: 'pending', version: 1, years: [] });
    expect(made.body.reminders.map((r: { dueAt: string }) => r.dueAt)).toEqual([
      '2029-11-02T00:00:00.000Z',
      '2029-12-02T00:00:00.000Z',
      '2029-12-25T00:00:00.000Z',
    ]);
    const early = await api('POST', '/v1/tickets', ticket, acmeKey);
    expect(early.status).toBe(201);
    expect(early.body).toMatchObject({
      status: 'rejected',
      contractId: 'INF-1',
      entitlement: { decision: 'rejected', reasonId: 'contractNotStarted' },
    });
  });

  it('refuses Premium without a Basic agreement over the same period (000 §3), and takes it with one', async () => {
    const lone = await api('PUT', '/v1/contracts/GLX-P', { ...basic, customerId: 'globex', plan: 'premium' });
    expect(lone.status).toBe(409);
    expect(lone.body.errors[0].pointer).toBe('/plan');
    expect(lone.body.detail).toContain('000 §3');
    const longer = await api('PUT', '/v1/contracts/INF-P', { ...basic, plan: 'premium', endsAt: '2031-01-01T00:00:00Z' });
    expect(longer.status).toBe(409);
    const within = await api('PUT', '/v1/contracts/INF-P', { ...basic, plan: 'premium' });
    expect(within.status).toBe(201);
    // Two agreements under the policy: a customer's ticket must name one, and cannot pick its plan.
    const unnamed = await api('POST', '/v1/tickets', ticket, acmeKey);
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.errors[0].pointer).toBe('/contractId');
    const picked = await api('POST', '/v1/tickets', { ...ticket, plan: 'premium', contractId: 'INF-1' }, acmeKey);
    expect(picked.status).toBe(400);
    expect(picked.body.errors[0].pointer).toBe('/plan');
  });

  it('refuses a second level of service on one ISPsystem licence (10.1)', async () => {
    const isp = {
      customerId: 'acme',
      policyId: 'ispsystem',
      plan: 'standard',
      startsAt: '2027-01-01T00:00:00Z',
      endsAt: '2029-06-01T00:00:00Z',
      licences: [{ licenceId: 'L-100', product: 'VMmanager', major: '6', extensions: ['L-100-E1'] }],
    };
    expect((await api('PUT', '/v1/contracts/ISP-1', isp)).status).toBe(201);
    const other = await api('PUT', '/v1/contracts/ISP-2', {
      ...isp,
      plan: 'privilege',
      licences: [{ licenceId: 'L-200', product: 'VMmanager', major: '6', extensions: ['L-100-E1'] }],
    });
    expect(other.status).toBe(409);
    expect(other.body.errors[0].pointer).toBe('/licences/0/extensions/0');
    expect(other.body.detail).toContain('10.1');
    // Another customer's licence is never covered by this customer's agreement.
    const theirs = await api('PUT', '/v1/contracts/GLX-ISP', { ...isp, customerId: 'globex' });
    expect(theirs.status).toBe(409);
    expect(theirs.body.errors[0].pointer).toBe('/licences/0/licenceId');
  });

  it('counts 40 resolved tickets in the year; the 41st is billable and the customer is told at opening', async () => {
    await skipTo(ll.env, '2027-01-01T00:00:01Z');
    const started = await until('INF-1', (s) => s.years.length === 1);
    expect(started).toMatchObject({
      status: 'active',
      years: [{ index: 1, startsAt: '2027-01-01T00:00:00.000Z', endsAt: '2028-01-01T00:00:00.000Z', included: 40 }],
    });
    // Two real tickets reported by their workflows…
    for (let i = 0; i < 2; i++) {
      const opened = await api('POST', '/v1/tickets', { ...ticket, contractId: 'INF-1' }, acmeKey);
      expect(opened.body.entitlement).toMatchObject({
        decision: 'accepted',
        contractId: 'INF-1',
        quota: { year: 1, allowance: 40, left: 40 - i },
      });
      expect((await resolve(opened.body.ticketId)).status).toBe(200);
    }
    await until('INF-1', (s) => s.years[0].used === 2);
    // …one reopened and resolved again counts once…
    const again = await api('POST', '/v1/tickets', { ...ticket, contractId: 'INF-1' }, acmeKey);
    await resolve(again.body.ticketId);
    await until('INF-1', (s) => s.years[0].used === 3);
    expect((await api('POST', `/v1/tickets/${again.body.ticketId}/close`, {})).status).toBe(200);
    expect((await api('POST', `/v1/tickets/${again.body.ticketId}/reopen`, { reason: 'not solved' })).status).toBe(200);
    await resolve(again.body.ticketId);
    // …and 37 more through the same signal their workflows send.
    const handle = ll.env.client.workflow.getHandle(agreementWorkflowId('INF-1'));
    for (let i = 0; i < 37; i++)
      await handle.signal(ticketResolvedSignal, { ticketId: `TKT-SIM-${i}`, resolvedAt: '2027-01-02T10:00:00.000Z', billable: false });
    const full = await until('INF-1', (s) => s.years[0].used === 40);
    expect(full.years[0]).toMatchObject({ used: 40, billable: 0 });
    const billable = await api('POST', '/v1/tickets', { ...ticket, contractId: 'INF-1' }, acmeKey);
    expect(billable.status).toBe(201);
    expect(billable.body.status).not.toBe('rejected');
    expect(billable.body.entitlement).toMatchObject({
      decision: 'acceptedBillable',
      reasonId: 'quotaUsed',
      source: '000 §3 Basic Support Plan: up to 40 Tickets per year',
      quota: { year: 1, allowance: 40, used: 40, left: 0 },
    });
    expect(billable.body.entitlement.text).toContain('40 included tickets are used');
    await resolve(billable.body.ticketId);
    const after = await until('INF-1', (s) => s.years[0].billable === 1);
    expect(after.years[0].used).toBe(40);
    // Its history: the entitlement recorded at opening, the report of its resolution (patched: agreement-quota).
    await recordHistory(ll.env.client.workflow.getHandle(`ticket-${billable.body.ticketId}`), 'ticket-quota-report');
  });

  it('rolls unused tickets over at the year end, to the second, and records exchanges (000 §3)', async () => {
    const made = await api('PUT', '/v1/contracts/INI-1', { ...basic, customerId: 'initech', startsAt: '2027-01-02T00:00:00Z' });
    expect(made.status).toBe(201);
    await skipTo(ll.env, '2027-01-02T00:00:01Z');
    const handle = ll.env.client.workflow.getHandle(agreementWorkflowId('INI-1'));
    for (let i = 0; i < 3; i++)
      await handle.signal(ticketResolvedSignal, { ticketId: `TKT-INI-${i}`, resolvedAt: '2027-03-01T00:00:00.000Z', billable: false });
    await until('INI-1', (s) => s.years[0]?.used === 3);
    await skipTo(ll.env, '2028-01-02T00:00:01Z');
    const year2 = await until('INI-1', (s) => s.years.length === 2);
    expect(year2.years[1]).toMatchObject({ index: 2, startsAt: '2028-01-02T00:00:00.000Z', rolledOver: 37, included: 40, used: 0 });
    for (let i = 0; i < 10; i++)
      await handle.signal(ticketResolvedSignal, { ticketId: `TKT-INI2-${i}`, resolvedAt: '2028-02-01T00:00:00.000Z', billable: false });
    await until('INI-1', (s) => s.years[1].used === 10);
    const exchanged = await api('POST', '/v1/contracts/INI-1/quota-exchanges', { tickets: 5, for: 'Premium: one on-site visit' });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body.years[1].exchanged).toMatchObject([{ tickets: 5, for: 'Premium: one on-site visit' }]);
    const tooMany = await api('POST', '/v1/contracts/INI-1/quota-exchanges', { tickets: 100, for: 'everything' });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.detail).toContain('62 unused tickets left');
    await skipTo(ll.env, '2029-01-02T00:00:01Z');
    const year3 = await until('INI-1', (s) => s.years.length === 3);
    // Of year 2's own 40: 10 used and 5 exchanged leave 25 to roll over; the 37 rolled into it expire.
    expect(year3.years[1].rolledOverToNext).toBe(25);
    expect(year3.years[2]).toMatchObject({ index: 3, startsAt: '2029-01-02T00:00:00.000Z', rolledOver: 25 });
    expect((await events('INI-1', 'yearStarted')).map((e) => e.at)).toEqual([
      '2027-01-02T00:00:00.000Z',
      '2028-01-02T00:00:00.000Z',
      '2029-01-02T00:00:00.000Z',
    ]);
    const read = await api('GET', '/v1/contracts/INI-1');
    expect(read.body.years.map((y: { rolledOver: number }) => y.rolledOver)).toEqual([0, 37, 25]);
    await recordHistory(handle, 'contract-quota-years');
  });

  it('reminds the customer and the account manager once each at 60, 30 and 7 days before the end', async () => {
    await skipTo(ll.env, '2029-12-26T00:00:00Z');
    await until('INF-1', (s) => s.reminders.every((r) => r.sentAt));
    const sent = await events('INF-1', 'reminderSent');
    expect(sent.map((e) => [e.at, (e as Record<string, unknown>).daysBefore])).toEqual([
      ['2029-11-02T00:00:00.000Z', 60],
      ['2029-12-02T00:00:00.000Z', 30],
      ['2029-12-25T00:00:00.000Z', 7],
    ]);
    const { rows } = await ll.db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM notifications WHERE workflow_id = $1 AND event_type LIKE '%termReminder%' AND role = 'customer'",
      [agreementWorkflowId('INF-1')],
    );
    expect(rows[0].n).toBe(3);
  });

  it('rejects a ticket after the term with ISPsystem 3.8, and accepts it again after a renewal', async () => {
    const isp = {
      policyId: 'ispsystem',
      plan: 'standard',
      severity: 'low',
      type: 'question',
      product: 'VMmanager',
      productVersion: '6',
      title: 'Backups?',
      description: 'How?',
      contractId: 'ISP-1',
    };
    const lapsed = await until('ISP-1', (s) => s.status === 'lapsed');
    expect(lapsed.status).toBe('lapsed');
    const refused = await api('POST', '/v1/tickets', isp, acmeKey);
    expect(refused.body).toMatchObject({
      status: 'rejected',
      entitlement: { decision: 'rejected', reasonId: 'contractEnded', source: '001 3.8' },
    });
    expect(refused.body.entitlement.text).toContain('Client Area remain available');
    const renewed = await api('POST', '/v1/contracts/ISP-1/renewals', { endsAt: '2030-12-26T00:00:00Z' });
    expect(renewed.status).toBe(200);
    const active = await until('ISP-1', (s) => s.status === 'active');
    expect(active.periods).toHaveLength(2);
    expect(active.years.at(-1)).toMatchObject({ period: 1, rolledOver: 0 });
    const accepted = await api('POST', '/v1/tickets', isp, acmeKey);
    expect(accepted.body.status).toBe('open');
    expect(accepted.body.entitlement).toMatchObject({ decision: 'accepted', contractId: 'ISP-1' });
  });

  it('in Extended Support an Infotecs question is refused, a major bug billable, a vulnerability accepted (000 §2)', async () => {
    // GA 2025-06-01, End of Sales 2025-12-01: EOMS 2029-06-01 (GA + 4 years), EOL 2030-06-01; today is 2029-12-26.
    expect(
      (await api('PUT', '/v1/products/vipnet-client', { name: 'ViPNet Client', policyId: 'infotecs', zone: 'UTC' })).status,
    ).toBeLessThan(300);
    const version = await api('POST', '/v1/products/vipnet-client/versions', { major: '4', ga: '2025-06-01', eos: '2025-12-01' });
    expect(version.body.phase).toBe('extended');
    const open = (type: string, severity: string) =>
      api(
        'POST',
        '/v1/tickets',
        { ...ticket, contractId: 'INF-1', type, severity, product: 'ViPNet Client', productVersion: '4' },
        acmeKey,
      );
    const question = await open('question', 'minor');
    expect(question.body).toMatchObject({
      status: 'rejected',
      entitlement: { decision: 'rejected', reasonId: 'versionUnsupported', contractId: 'INF-1' },
    });
    const bug = await open('bug', 'major');
    expect(bug.body).toMatchObject({
      status: 'open',
      entitlement: { decision: 'acceptedBillable', reasonId: 'extendedSupportBillable', source: '000 §2 Extended Support period' },
    });
    const vulnerability = await open('vulnerability', 'major');
    expect(vulnerability.body).toMatchObject({ status: 'open', entitlement: { decision: 'accepted', contractId: 'INF-1' } });
    await recordHistory(ll.env.client.workflow.getHandle(`ticket-${bug.body.ticketId}`), 'ticket-entitlement-billable');
  });

  it("never opens a customer's ticket under another customer's agreement", async () => {
    const foreign = await api('POST', '/v1/tickets', { ...ticket, contractId: 'INI-1' }, acmeKey);
    const unknown = await api('POST', '/v1/tickets', { ...ticket, contractId: 'NOPE-1' }, acmeKey);
    expect(foreign.body).toMatchObject({ status: 'rejected', entitlement: { decision: 'rejected', reasonId: 'contractInactive' } });
    // The same answer as for a contract that does not exist: nothing of the other customer's leaks.
    expect(foreign.body.entitlement.text.replace('INI-1', 'X')).toBe(unknown.body.entitlement.text.replace('NOPE-1', 'X'));
    expect((await api('GET', '/v1/contracts/INI-1', undefined, acmeKey)).status).toBe(404);
    expect((await api('GET', '/v1/contracts/INF-1', undefined, acmeKey)).status).toBe(200);
  });
});
