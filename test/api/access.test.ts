/**
 * What one customer may learn of another's contract and tickets, and what a customer may see of the
 * vendor's side (api/visibility.ts): regressions of issue 11's defects 3, 5, 6 and 7, over real HTTP
 * against real Temporal and PostgreSQL.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { addMonths, formatDate, parseDate } from '../../policies/dates';
import { localDateOf } from '../../policies/zone';
import { ticketIdFor } from '../../api/routes/tickets-open';
import { ticketWorkflowId } from '../../workflows/ticket/contract';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';

const isode = {
  policyId: 'isode',
  plan: 'gold',
  severity: 'p1',
  title: 'Relay down',
  description: 'No mail since 09:10.',
  product: 'M-Switch',
};

/** Text staff write that a customer must never read (the relief note and a close's reason are the customer's: see below). */
const SECRET = {
  contractName: 'Acme Custom Package',
  team: 'kernel-crew',
  email: 'grace@vendor.example',
  forward: 'forward: suspect their firewall',
  returned: 'return: nothing found on our side',
  reclassify: 'reclassify: they overstate every outage',
  hotfix: 'hotfix: patch from branch 7.3-rc',
  reopen: 'reopen: same root cause as before',
  escalate: 'staff escalation: account at risk',
  reject: 'reject: second ticket for the same outage',
  rules: 'manager note: cutting costs on isode',
  extension: 'extension: Acme pays for two more years',
  eos: 'eos: the sales team wants it gone',
};

describe('access: contracts, visibility and foreign tickets', () => {
  let ll: RunningLifeline;
  let acme: string;
  let globex: string;
  let engineer: string;
  let manager: string;
  let staffKeyIds: string[];

  const key = async (role: string, customerId?: string) => {
    const r = await call(ll.url, 'POST', '/v1/api-keys', {
      key: ll.adminKey,
      body: { name: `${role} ${customerId ?? ''}`, role, customerId },
    });
    expect(r.status).toBe(201);
    return r.body.key as string;
  };
  const post = (path: string, body: unknown, k: string, headers?: Record<string, string>) =>
    call(ll.url, 'POST', path, { key: k, body, headers });
  const get = (path: string, k: string) => call(ll.url, 'GET', path, { key: k });

  /** Everything in a response a customer reads, for searching. */
  const leaks = (body: unknown, extra: string[] = []) => {
    const text = JSON.stringify(body);
    return [...Object.values(SECRET), ...staffKeyIds, ...extra].filter((s) => text.includes(s));
  };

  beforeAll(async () => {
    ll = await startLifeline();
    acme = await key('customer', 'acme');
    globex = await key('customer', 'globex');
    engineer = await key('engineer');
    manager = await key('manager');
    const { rows } = await ll.db.pool.query<{ id: string }>("SELECT id FROM api_keys WHERE role <> 'customer'");
    staffKeyIds = rows.map((r) => r.id);
    // Acme's contract: a custom package (P1 around the clock) under a renamed policy.
    const contract = await call(ll.url, 'PUT', '/v1/contracts/C-ACME', {
      key: manager,
      body: {
        customerId: 'acme',
        policyId: 'isode',
        plan: 'gold',
        startsAt: '2020-01-01T00:00:00Z',
        options: { p1TwentyFourSeven: true },
        override: { name: SECRET.contractName },
      },
    });
    expect(contract.status).toBe(201);
  });

  afterAll(async () => {
    await ll?.stop();
  });

  it("defect 3: a customer opening a ticket under another customer's contract learns nothing of it", async () => {
    const own = await post('/v1/tickets', { ...isode, contractId: 'C-ACME' }, acme);
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ status: 'open', rulesVersion: expect.stringContaining('+contract:C-ACME') });
    expect(own.body.targets[0]).toMatchObject({ calendar: 'always-open' });

    const foreign = await post('/v1/tickets', { ...isode, contractId: 'C-ACME' }, globex);
    const unknown = await post('/v1/tickets', { ...isode, contractId: 'C-NOBODY' }, globex);
    for (const r of [foreign, unknown]) {
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ status: 'rejected', rejection: { reasonId: 'contractInactive' } });
      // The base policy's rules only: no contract version, no custom package, the catalog's name.
      expect(r.body.rulesVersion).toMatch(/^isode@\d+$/);
      expect(r.body.targets.map((t: { calendar: string }) => t.calendar)).not.toContain('always-open');
      expect(r.body.rejection.text).toMatch(/Isode/);
      expect(leaks(r.body)).toEqual([]);
      const events = await get(`/v1/tickets/${r.body.ticketId}/events`, globex);
      expect(events.status).toBe(200);
      expect(leaks(events.body)).toEqual([]);
    }
    // A foreign contract and an unknown one read the same.
    expect(foreign.body.rejection.text.replace('C-ACME', '<id>')).toBe(unknown.body.rejection.text.replace('C-NOBODY', '<id>'));
    // Staff opening for globex under acme's contract: the same.
    const staff = await post('/v1/tickets', { ...isode, customerId: 'globex', contractId: 'C-ACME' }, engineer);
    expect(staff.body).toMatchObject({ status: 'rejected', rulesVersion: expect.stringMatching(/^isode@\d+$/) });
    expect(JSON.stringify(staff.body)).not.toContain(SECRET.contractName);
  });

  it('defect 5: unknown plan options (and other inputs the policy refuses) are refused at the edge, naming the field, and start no ticket', async () => {
    // Acme's key naming no contract opens under C-ACME, its only Isode agreement; staff open for acme under none.
    const cases: Array<[Record<string, unknown>, string, string?]> = [
      [{ ...isode, options: { bogus: true } }, '/options/bogus'],
      [{ ...isode, options: { bogus: false } }, '/options/bogus'],
      [{ ...isode, customerId: 'acme', options: { bogus: true } }, '/options/bogus', engineer],
      // Bronze has no custom packages.
      [
        { ...isode, customerId: 'acme', plan: 'bronze', severity: 'p2', options: { p1TwentyFourSeven: true } },
        '/options/p1TwentyFourSeven',
        engineer,
      ],
      // Acme's only agreement is on Gold: its key cannot open a Bronze ticket.
      [{ ...isode, plan: 'bronze', severity: 'p2' }, '/plan'],
      // Under acme's own contract, the contract's options are the ticket's.
      [{ ...isode, contractId: 'C-ACME', options: { bogus: true } }, '/options/bogus'],
      [{ ...isode, contractId: 'C-ACME', options: { p1TwentyFourSeven: false } }, '/options/p1TwentyFourSeven'],
      // What the policy refuses at opening is refused here too: ISPsystem's hours depend on the product (3.1).
      [{ ...isode, policyId: 'ispsystem', plan: 'standard', severity: 'medium', product: undefined }, '/product'],
      [{ ...isode, policyId: 'ispsystem', plan: 'standard', severity: 'medium', product: 'ISPmanager' }, '/product'],
    ];
    for (const [i, [body, pointer, as = acme]] of cases.entries()) {
      const idempotencyKey = `defect-5-${i}`;
      const r = await post('/v1/tickets', body, as, { 'idempotency-key': idempotencyKey });
      expect([i, r.status]).toEqual([i, 400]);
      expect(r.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
      const workflowId = ticketWorkflowId(ticketIdFor('acme', idempotencyKey));
      await expect(ll.env.client.workflow.getHandle(workflowId).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    }
    // The options a plan has are still taken, and so is the contract's own value.
    const ok = await post('/v1/tickets', { ...isode, customerId: 'acme', options: { p1TwentyFourSeven: true } }, engineer);
    expect(ok.status).toBe(201);
    expect(ok.body.contractId).toBeUndefined();
    expect(ok.body.targets[0]).toMatchObject({ calendar: 'always-open' });
    const same = await post('/v1/tickets', { ...isode, contractId: 'C-ACME', options: { p1TwentyFourSeven: true } }, acme);
    expect(same.status).toBe(201);
    const taken = await post('/v1/tickets', { ...isode, options: { p1TwentyFourSeven: true } }, acme);
    expect(taken.status).toBe(201);
    expect(taken.body).toMatchObject({ status: 'open', contractId: 'C-ACME', rulesVersion: expect.stringContaining('+contract:C-ACME') });
    expect(taken.body.targets[0]).toMatchObject({ calendar: 'always-open' });
  });

  it('defect 6: a customer sees public replies, never staff notes, team names, e-mail or staff key ids', async () => {
    const opened = await post('/v1/tickets', { ...isode, severity: 'p2' }, acme);
    const id = opened.body.ticketId as string;
    const staff = async (command: string, body: unknown) => {
      const r = await post(`/v1/tickets/${id}/${command}`, body, engineer);
      expect([command, r.status]).toEqual([command, 200]);
      return r;
    };
    await staff('assign', { engineer: { id: 'eng-grace', name: 'Grace', email: SECRET.email } });
    await staff('respond', { message: 'We are looking into it.', awaitCustomer: false });
    await staff('forward', { team: SECRET.team, note: SECRET.forward });
    await staff('return', { note: SECRET.returned });
    await staff('reclassify', { severity: 'p3', reason: SECRET.reclassify });
    await staff('hotfix-required', { required: false, note: SECRET.hotfix });
    await staff('escalate', { reason: SECRET.escalate });
    await staff('relieve', { note: 'Restarted the relay; mail flows again.' });
    await staff('resolve', { kind: 'workaround', note: 'Restart the relay nightly until 7.4.' });
    await staff('close', { reason: 'Fixed by the nightly restart.' });
    await staff('reopen', { reason: SECRET.reopen });
    // The policy changes under the ticket: the manager's reason is internal.
    const changed = await call(ll.url, 'PUT', '/v1/policies/isode/override', {
      key: manager,
      body: { override: { warnAtShare: 0.7 }, reason: SECRET.rules },
    });
    expect(changed.status).toBe(200);
    await ll.env.client.workflow.getHandle(changed.body.fanoutWorkflowId).result();
    let recomputed = false;
    for (let i = 0; i < 100 && !recomputed; i += 1) {
      const events = await get(`/v1/tickets/${id}/events`, engineer);
      recomputed = events.body.events.some((e: { type: string; data: { reason?: string } }) => e.data.reason?.includes(SECRET.rules));
      if (!recomputed) await new Promise((r) => setTimeout(r, 100));
    }
    expect(recomputed).toBe(true);
    const reply = await post(`/v1/tickets/${id}/reply`, { message: 'Still failing at night.' }, acme);
    expect(reply.status).toBe(200);

    // Staff read everything.
    const staffView = await get(`/v1/tickets/${id}`, engineer);
    const staffEvents = await get(`/v1/tickets/${id}/events`, engineer);
    expect(staffView.body).toMatchObject({ assignee: { id: 'eng-grace', email: SECRET.email } });
    for (const s of [SECRET.team, SECRET.forward, SECRET.reclassify, SECRET.rules]) expect(JSON.stringify(staffEvents.body)).toContain(s);

    // The customer reads the ticket, its events, its list and its own command's answer without any of it.
    const view = await get(`/v1/tickets/${id}`, acme);
    const events = await get(`/v1/tickets/${id}/events`, acme);
    const list = await get('/v1/tickets', acme);
    for (const r of [reply, view, events, list]) {
      expect(r.status).toBe(200);
      expect(leaks(r.body, ['eng-grace'])).toEqual([]);
    }
    expect(view.body).toMatchObject({ status: 'open', assignee: { id: 'engineer', name: 'Grace' }, reopenCount: 1 });
    expect(view.body.forwardedTo).toBeUndefined();
    const actors = new Set<string>(events.body.events.map((e: { actor: { kind: string; id: string } }) => `${e.actor.kind}:${e.actor.id}`));
    expect([...actors].filter((a) => /^(engineer|manager|admin):/.test(a))).toEqual(['engineer:engineer']);
    const data = (type: string) =>
      events.body.events.filter((e: { type: string }) => e.type === type).map((e: { data: unknown }) => e.data);
    // What the vendor says to the customer stays: the response, the resolution, the severity change.
    expect(data('responded')).toEqual([{ message: 'We are looking into it.' }]);
    expect(data('resolved')).toEqual([{ kind: 'workaround', note: 'Restart the relay nightly until 7.4.' }]);
    // So do the relief (the workaround the customer applies) and why the ticket was closed.
    expect(data('relieved')).toEqual([{ note: 'Restarted the relay; mail flows again.' }]);
    expect(data('closed')).toEqual([{ reason: 'Fixed by the nightly restart.' }]);
    expect(data('reclassified')).toEqual([{ from: 'p2', to: 'p3' }]);
    expect(data('customerReplied')).toEqual([{ message: 'Still failing at night.', from: 'open' }]);
    expect(data('targetsRecomputed').map((d: { reason?: string }) => d.reason)).toContain('reclassified from p2 to p3');
    expect(list.body.tickets.find((t: { ticketId: string }) => t.ticketId === id)).toMatchObject({ assigneeId: null });
    const staffList = await get('/v1/tickets?customerId=acme', engineer);
    expect(staffList.body.tickets.find((t: { ticketId: string }) => t.ticketId === id)).toMatchObject({ assigneeId: 'eng-grace' });

    // What the customer is told by e-mail or webhook is what its key reads; the assignee is told everything.
    const notices = await ll.db.pool.query<{ role: string; event_type: string; subject: string; body: unknown }>(
      'SELECT role, event_type, subject, body FROM notifications WHERE ticket_id = $1 ORDER BY id',
      [id],
    );
    const toCustomer = notices.rows.filter((r) => r.role === 'customer');
    expect(toCustomer.map((r) => r.event_type)).toEqual(expect.arrayContaining(['reclassified', 'resolved']));
    expect(leaks(toCustomer, ['eng-grace'])).toEqual([]);
    expect(toCustomer.find((r) => r.event_type === 'reclassified')!.subject).toMatch(/severity p2 → p3$/);
    expect(JSON.stringify(notices.rows.filter((r) => r.role === 'assignee'))).toContain(SECRET.reclassify);

    // A rejection: its reason's text is the customer's, the staff note is not.
    const second = await post('/v1/tickets', { ...isode, severity: 'p2' }, acme);
    await post(`/v1/tickets/${second.body.ticketId}/reject`, { reasonId: 'duplicate', note: SECRET.reject }, engineer);
    const rejected = await get(`/v1/tickets/${second.body.ticketId}`, acme);
    expect(rejected.body).toMatchObject({ status: 'rejected', rejection: { reasonId: 'duplicate' } });
    expect(leaks(rejected.body)).toEqual([]);
    expect(leaks((await get(`/v1/tickets/${second.body.ticketId}/events`, acme)).body)).toEqual([]);
    // A customer's own words stay its own.
    const third = await post('/v1/tickets', { ...isode, severity: 'p2' }, acme);
    const own = await post(`/v1/tickets/${third.body.ticketId}/escalate`, { reason: 'board meeting at noon' }, acme);
    const closed = await post(`/v1/tickets/${third.body.ticketId}/close`, { reason: 'works again' }, acme);
    expect(closed.body).toMatchObject({ status: 'closed', closeReason: 'works again' });
    expect(JSON.stringify(own.body.history)).toContain('board meeting at noon');
  });

  it('defect 6: a customer reads a lifecycle without internal extension and End of Sales reasons', async () => {
    const zone = 'Europe/Moscow';
    const today = formatDate(localDateOf(zone, await ll.env.currentTimeMs()));
    const plus = (months: number) => formatDate(addMonths(parseDate(today), months));
    expect(
      (await call(ll.url, 'PUT', '/v1/products/relay', { key: manager, body: { name: 'Relay', policyId: 'infotecs', zone } })).status,
    ).toBe(201);
    expect((await post('/v1/products/relay/versions', { major: '3', ga: plus(2) }, manager)).status).toBe(201);
    expect((await post('/v1/products/relay/versions/3/end-of-sales', { date: plus(30), reason: SECRET.eos }, manager)).status).toBe(200);
    const extended = await post('/v1/products/relay/versions/3/support-extension', { eol: plus(120), reason: SECRET.extension }, manager);
    expect(extended.status).toBe(200);
    expect(JSON.stringify(extended.body)).toContain(SECRET.extension);

    const pilot = await post('/v1/products/relay/versions/3/pilot-requests', { customerId: 'acme' }, acme);
    const live = await get('/v1/products/relay/versions/3', acme);
    for (const r of [pilot, live]) {
      expect(r.status).toBe(200);
      expect(leaks(r.body)).toEqual([]);
      expect(r.body.milestones.eol).toBe(plus(120));
      expect(r.body.extensions).toEqual([{ eolNotBefore: plus(120), at: expect.any(String), reason: expect.any(String) }]);
    }
    expect((await get('/v1/products/relay/versions/3/events', acme)).status).toBe(403);
    expect(JSON.stringify((await get('/v1/products/relay/versions/3', engineer)).body)).toContain(SECRET.extension);
  });

  it('defect 7: a foreign ticket and an unknown one answer the same 404 on every ticket route', async () => {
    const theirs = await post('/v1/tickets', { ...isode, customerId: 'globex', severity: 'p3' }, engineer);
    expect(theirs.status).toBe(201);
    const foreignId = theirs.body.ticketId as string;
    const unknownId = 'TKT-0000000000000000';
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['GET', '/events', undefined],
      ['POST', '/reply', { message: 'hello' }],
      ['POST', '/close', {}],
      ['POST', '/escalate', { reason: 'now' }],
    ] as const) {
      const foreign = await call(ll.url, method, `/v1/tickets/${foreignId}${suffix}`, { key: acme, body });
      const unknown = await call(ll.url, method, `/v1/tickets/${unknownId}${suffix}`, { key: acme, body });
      expect([suffix, foreign.status, unknown.status]).toEqual([suffix, 404, 404]);
      expect(JSON.stringify(foreign.body).replaceAll(foreignId, '<id>')).toBe(JSON.stringify(unknown.body).replaceAll(unknownId, '<id>'));
    }
  });
});
