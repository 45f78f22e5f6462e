import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';
import { recordHistory } from '../workflow/ticket-helpers';

const isodeBody = {
  policyId: 'isode',
  plan: 'gold',
  severity: 'p2',
  title: 'Directory sync fails',
  description: 'Sync to the LDAP replica stops after 5 minutes.',
  product: 'M-Vault',
  contact: { name: 'Ada', email: 'ada@acme.example' },
};

describe('ticket commands, roles and lists over HTTP', () => {
  let ll: RunningLifeline;
  let acmeKey: string;
  let globexKey: string;
  let engineerKey: string;
  let managerKey: string;

  const key = async (role: string, customerId?: string) => {
    const r = await call(ll.url, 'POST', '/v1/api-keys', {
      key: ll.adminKey,
      body: { name: `${role} ${customerId ?? ''}`, role, customerId },
    });
    expect(r.status).toBe(201);
    return r.body.key as string;
  };

  beforeAll(async () => {
    ll = await startLifeline();
    acmeKey = await key('customer', 'acme');
    globexKey = await key('customer', 'globex');
    engineerKey = await key('engineer');
    managerKey = await key('manager');
    // A customer key opens tickets only under its own agreements: Acme has an Isode Gold and an Isode Bronze one.
    for (const [contractId, plan] of [
      ['C-ACME', 'gold'],
      ['C-ACME-BRONZE', 'bronze'],
    ] as const) {
      const agreement = await call(ll.url, 'PUT', `/v1/contracts/${contractId}`, {
        key: managerKey,
        body: { customerId: 'acme', policyId: 'isode', plan, startsAt: '2020-01-01T00:00:00Z' },
      });
      expect([contractId, agreement.status]).toEqual([contractId, 201]);
    }
  });

  afterAll(async () => {
    await ll?.stop();
  });

  it('customers act on their own tickets with customer commands only; engineers run the rest', async () => {
    // With two agreements under the policy, the customer names the one the ticket is opened under.
    const unnamed = await call(ll.url, 'POST', '/v1/tickets', { key: acmeKey, body: isodeBody });
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(['/contractId']);
    const opened = await call(ll.url, 'POST', '/v1/tickets', { key: acmeKey, body: { ...isodeBody, contractId: 'C-ACME' } });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ status: 'open', contractId: 'C-ACME' });
    const id = opened.body.ticketId;
    expect(opened.body.targets.map((t: { kind: string }) => t.kind)).toEqual(['firstResponse', 'relief']);
    expect(opened.body.targets[0]).toMatchObject({
      status: 'running',
      calendar: 'uk-office',
      remaining: expect.stringMatching(/^-?PT\d+H\d+M$/),
    });

    // Another customer cannot learn the ticket exists.
    expect((await call(ll.url, 'GET', `/v1/tickets/${id}`, { key: globexKey })).status).toBe(404);
    expect((await call(ll.url, 'POST', `/v1/tickets/${id}/reply`, { key: globexKey, body: {} })).status).toBe(404);
    // A customer may not respond to, reclassify or resolve a ticket.
    for (const [command, body] of [
      ['respond', {}],
      ['reclassify', { severity: 'p1', reason: 'x' }],
      ['resolve', { kind: 'resolution', note: 'x' }],
    ] as const) {
      const refused = await call(ll.url, 'POST', `/v1/tickets/${id}/${command}`, { key: acmeKey, body });
      expect([command, refused.status]).toEqual([command, 403]);
    }

    const asked = await call(ll.url, 'POST', `/v1/tickets/${id}/request-information`, {
      key: engineerKey,
      body: { message: 'Which replica?' },
    });
    expect(asked.status).toBe(200);
    expect(asked.body.status).toBe('waitingOnCustomer');
    expect(asked.body.targets.find((t: { kind: string }) => t.kind === 'relief')).toMatchObject({ status: 'paused' });
    const replied = await call(ll.url, 'POST', `/v1/tickets/${id}/reply`, { key: acmeKey, body: { message: 'replica-2' } });
    expect(replied.body.status).toBe('open');
    const escalated = await call(ll.url, 'POST', `/v1/tickets/${id}/escalate`, {
      key: acmeKey,
      body: { reason: 'outage for our customers' },
    });
    expect(escalated.status).toBe(200);
    const closed = await call(ll.url, 'POST', `/v1/tickets/${id}/close`, { key: acmeKey, body: { reason: 'works again' } });
    expect(closed.body.status).toBe('closed');

    // Illegal transitions: 409 with the reason, nothing changes.
    const again = await call(ll.url, 'POST', `/v1/tickets/${id}/reclassify`, {
      key: engineerKey,
      body: { severity: 'p1', reason: 'P3 on test that would be P1 in production' },
    });
    expect(again.status).toBe(409);
    expect(again.body.detail).toBe('a closed ticket cannot be reclassified');
    const reopened = await call(ll.url, 'POST', `/v1/tickets/${id}/reopen`, { key: engineerKey, body: { reason: 'fails again' } });
    expect(reopened.body).toMatchObject({ status: 'open', reopenCount: 1 });
    // The relief target the close stopped runs again, the closed time not counted.
    expect(reopened.body.targets.find((t: { kind: string }) => t.kind === 'relief')).toMatchObject({ status: 'running' });
    expect(reopened.body.pauses.at(-1)).toMatchObject({ reason: 'closed' });

    const events = await call(ll.url, 'GET', `/v1/tickets/${id}/events`, { key: acmeKey });
    const types = events.body.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['informationRequested', 'customerReplied', 'escalated', 'closed', 'reopened']));
    const escalation = events.body.events.find((e: { type: string }) => e.type === 'escalated');
    expect(escalation.data).toMatchObject({ via: 'accountManager', automatic: false });
    // Bad bodies never reach the workflow.
    const bad = await call(ll.url, 'POST', `/v1/tickets/${id}/resolve`, { key: engineerKey, body: { kind: 'magic' } });
    expect(bad.status).toBe(400);
  });

  it("records an Isode Bronze customer's severity as a suggestion until triage", async () => {
    const opened = await call(ll.url, 'POST', '/v1/tickets', {
      key: acmeKey,
      body: { ...isodeBody, contractId: 'C-ACME-BRONZE', plan: 'bronze', severity: 'p1' },
    });
    expect(opened.body).toMatchObject({ status: 'open', contractId: 'C-ACME-BRONZE', severity: 'p1', suggestedSeverity: 'p1' });
    const triaged = await call(ll.url, 'POST', `/v1/tickets/${opened.body.ticketId}/reclassify`, {
      key: engineerKey,
      body: { severity: 'p3', reason: 'triage: one user affected' },
    });
    expect(triaged.body.severity).toBe('p3');
    expect(triaged.body.suggestedSeverity).toBeUndefined();
  });

  it('requires the case fields Xecuritas keeps', async () => {
    const r = await call(ll.url, 'POST', '/v1/tickets', {
      key: engineerKey,
      body: { customerId: 'acme', policyId: 'xecuritas', plan: 'standard', severity: 'sev2', title: 'x', description: 'y' },
    });
    expect(r.status).toBe(400);
    expect(r.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/contact',
      '/contractId',
      '/details/environment',
      '/productVersion',
    ]);
  });

  it('a retried split opens its children once', async () => {
    const opened = await call(ll.url, 'POST', '/v1/tickets', {
      key: engineerKey,
      body: {
        customerId: 'acme',
        policyId: 'ispsystem',
        plan: 'standard',
        severity: 'medium',
        product: 'VMmanager',
        title: 'Two problems',
        description: 'backups and the panel',
      },
    });
    const split = {
      children: [
        { title: 'Backups fail', description: 'since 6.2', severity: 'high' },
        { title: 'Panel typo', description: 'menu', severity: 'low' },
      ],
    };
    const headers = { 'idempotency-key': 'split-1' };
    const first = await call(ll.url, 'POST', `/v1/tickets/${opened.body.ticketId}/split`, { key: engineerKey, body: split, headers });
    const again = await call(ll.url, 'POST', `/v1/tickets/${opened.body.ticketId}/split`, { key: engineerKey, body: split, headers });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body.childTicketIds).toEqual(first.body.childTicketIds);
    expect(first.body.childTicketIds).toHaveLength(2);
    const child = await call(ll.url, 'GET', `/v1/tickets/${first.body.childTicketIds[0]}`, { key: engineerKey });
    expect(child.body).toMatchObject({ severity: 'high', parentTicketId: opened.body.ticketId });
  });

  it('lists tickets from the read model with filters and pages; customers only see their own', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await call(ll.url, 'POST', '/v1/tickets', {
        key: engineerKey,
        body: { ...isodeBody, customerId: 'globex', severity: i === 0 ? 'p1' : 'p4' },
      });
      expect(r.status).toBe(201);
    }
    // The read model is written by the workflow's activities: wait until all three rows are there.
    let rows: Array<{ severity: string; customerId: string }> = [];
    for (let i = 0; i < 100 && rows.length < 3; i++) {
      rows = (await call(ll.url, 'GET', '/v1/tickets?customerId=globex', { key: engineerKey })).body.tickets;
      if (rows.length < 3) await new Promise((r) => setTimeout(r, 100));
    }
    expect(rows).toHaveLength(3);
    const p4 = await call(ll.url, 'GET', '/v1/tickets?customerId=globex&severity=p4&status=open&breached=false', { key: engineerKey });
    expect(p4.body.tickets.map((t: { severity: string }) => t.severity)).toEqual(['p4', 'p4']);
    const page1 = await call(ll.url, 'GET', '/v1/tickets?customerId=globex&limit=2', { key: engineerKey });
    expect(page1.body.tickets).toHaveLength(2);
    const page2 = await call(ll.url, 'GET', `/v1/tickets?customerId=globex&limit=2&cursor=${page1.body.nextCursor}`, { key: engineerKey });
    expect(page2.body.tickets).toHaveLength(1);
    expect(page2.body.nextCursor).toBeNull();
    const due = await call(ll.url, 'GET', `/v1/tickets?customerId=globex&dueBefore=${encodeURIComponent('2100-01-01T00:00:00Z')}`, {
      key: engineerKey,
    });
    expect(due.body.tickets).toHaveLength(3);
    // A customer key asking for someone else's tickets gets its own.
    const mine = await call(ll.url, 'GET', '/v1/tickets?customerId=globex', { key: acmeKey });
    expect(mine.body.tickets.every((t: { customerId: string }) => t.customerId === 'acme')).toBe(true);
    expect((await call(ll.url, 'GET', '/v1/tickets?cursor=nope', { key: engineerKey })).status).toBe(400);
  });

  it('a policy override reaches the open tickets it governs, recorded with old and new deadlines', async () => {
    const opened = await call(ll.url, 'POST', '/v1/tickets', {
      key: engineerKey,
      body: { ...isodeBody, customerId: 'initech', plan: 'silver', severity: 'p3' },
    });
    const id = opened.body.ticketId;
    for (let i = 0; i < 100; i++) {
      const r = await call(ll.url, 'GET', '/v1/tickets?customerId=initech', { key: engineerKey });
      if (r.body.tickets.length) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const before = opened.body.targets.find((t: { kind: string }) => t.kind === 'firstResponse').dueAt;
    expect(
      (await call(ll.url, 'PUT', '/v1/policies/isode/override', { key: engineerKey, body: { override: {}, reason: 'x' } })).status,
    ).toBe(403);
    const invalid = await call(ll.url, 'PUT', '/v1/policies/isode/override', {
      key: managerKey,
      body: { override: { targets: { silver: { p3: { firstResponse: { duration: 'soon' } } } } }, reason: 'typo' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors[0].pointer).toMatch(/^\/override\/targets\/silver\/p3\/firstResponse/);
    const changed = await call(ll.url, 'PUT', '/v1/policies/isode/override', {
      key: managerKey,
      body: {
        override: { targets: { silver: { p3: { firstResponse: { duration: '1 working day', source: 'corrected table' } } } } },
        reason: 'corrected Silver P3',
      },
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ version: 1, rulesVersion: 'isode@1+policy#1' });
    let live = opened.body;
    for (let i = 0; i < 100 && live.rulesVersion !== 'isode@1+policy#1'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      live = (await call(ll.url, 'GET', `/v1/tickets/${id}`, { key: engineerKey })).body;
    }
    expect(live.rulesVersion).toBe('isode@1+policy#1');
    const after = live.targets.find((t: { kind: string }) => t.kind === 'firstResponse').dueAt;
    expect(Date.parse(after)).toBeLessThan(Date.parse(before));
    const events = (await call(ll.url, 'GET', `/v1/tickets/${id}/events`, { key: engineerKey })).body.events;
    const recomputed = events.find((e: { type: string }) => e.type === 'targetsRecomputed');
    expect(recomputed.data.changes).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'firstResponse', oldDueAt: before, newDueAt: after })]),
    );
    await ll.db.pool.query('DELETE FROM policy_overrides');
    const fanout = ll.env.client.workflow.getHandle(changed.body.fanoutWorkflowId);
    expect(await fanout.result()).toEqual({ told: expect.any(Number) });
    await recordHistory(fanout, 'rules-changed-fanout');
  });

  it('contracts: stored by managers, checked at opening, their plan binds the ticket', async () => {
    const contract = {
      customerId: 'acme',
      policyId: 'isode',
      plan: 'gold',
      startsAt: '2020-01-01T00:00:00Z',
      options: { p1TwentyFourSeven: true },
    };
    expect((await call(ll.url, 'PUT', '/v1/contracts/C-100', { key: engineerKey, body: contract })).status).toBe(403);
    const created = await call(ll.url, 'PUT', '/v1/contracts/C-100', { key: managerKey, body: contract });
    expect(created.status).toBe(201);
    const wrongPlan = await call(ll.url, 'POST', '/v1/tickets', {
      key: acmeKey,
      body: { ...isodeBody, contractId: 'C-100', plan: 'silver' },
    });
    expect(wrongPlan.status).toBe(400);
    expect(wrongPlan.body.errors[0]).toMatchObject({ pointer: '/plan', detail: 'contract C-100 is on plan gold' });
    const p1 = await call(ll.url, 'POST', '/v1/tickets', { key: acmeKey, body: { ...isodeBody, contractId: 'C-100', severity: 'p1' } });
    // The contract's custom package puts P1 on the 24/7 calendar.
    expect(p1.body.targets[0]).toMatchObject({ calendar: 'always-open', duration: '4 working hours' });
    const badOption = await call(ll.url, 'PUT', '/v1/contracts/C-101', { key: managerKey, body: { ...contract, plan: 'bronze' } });
    expect(badOption.status).toBe(400);
  });

  it('notification routes: admins set them, addresses are checked', async () => {
    const bad = await call(ll.url, 'PUT', '/v1/notification-routes', {
      key: ll.adminKey,
      body: { routes: [{ policyId: '*', role: 'onCall', channel: 'page', address: 'not a url' }] },
    });
    expect(bad.status).toBe(400);
    const ok = await call(ll.url, 'PUT', '/v1/notification-routes', {
      key: ll.adminKey,
      body: { routes: [{ policyId: '*', role: 'supportManagement', channel: 'email', address: 'managers@vendor.example' }] },
    });
    expect(ok.status).toBe(200);
    expect((await call(ll.url, 'GET', '/v1/notification-routes', { key: managerKey })).body.routes).toEqual([
      { policyId: '*', role: 'supportManagement', channel: 'email', address: 'managers@vendor.example', signed: false },
    ]);
    expect((await call(ll.url, 'PUT', '/v1/notification-routes', { key: managerKey, body: { routes: [] } })).status).toBe(403);
  });
});
