import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { SMTPServer } from 'smtp-server';
import { createSmtpMailer } from '../../common/mailer';
import {
  assignTicketUpdate,
  closeTicketUpdate,
  escalateUpdate,
  forwardUpdate,
  getTicketQuery,
  hotfixUpdate,
  reclassifyUpdate,
  rejectUpdate,
  relieveUpdate,
  replyUpdate,
  requestInformationUpdate,
  respondUpdate,
  returnUpdate,
  rulesChangedSignal,
  splitUpdate,
} from '../../workflows/ticket/contract';
import { startLifeline, type RunningLifeline } from '../helpers/lifeline';
import {
  customer,
  engineer,
  eventsOf,
  newTicketId,
  openTicket,
  recordHistory,
  replayOpenedTickets,
  sec,
  skipTo,
  target,
  untilStatus,
} from './ticket-helpers';

const SECRET = 'pager-secret-0123456789';

describe('ticket rules of the four policies (time-skipping)', () => {
  let ll: RunningLifeline;
  let env: TestWorkflowEnvironment;
  let hooks: Server;
  const received: Array<{ headers: IncomingHttpHeaders; body: string; url?: string }> = [];
  let smtp: SMTPServer;
  const mails: string[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, done) {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString()));
        stream.on('end', () => {
          mails.push(data);
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const smtpPort = (smtp.server.address() as AddressInfo).port;
    hooks = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body, url: req.url });
        // The managers' endpoint fails the first delivery of the escalation below: Temporal retries it.
        const marked = (r: { url?: string; body: string }) => r.url === '/managers' && r.body.includes('our launch is tomorrow');
        const failing = marked({ url: req.url, body }) && received.filter(marked).length === 1;
        res.writeHead(failing ? 503 : 204).end();
      });
    });
    await new Promise<void>((resolve) => hooks.listen(0, '127.0.0.1', resolve));
    ll = await startLifeline({
      activities: { mailer: createSmtpMailer(`smtp://127.0.0.1:${smtpPort}`), notifyFrom: 'Lifeline <sla@vendor.example>' },
    });
    env = ll.env;
    const hookUrl = `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/page`;
    await ll.db.pool.query(
      `INSERT INTO notification_routes (policy_id, role, channel, address, secret) VALUES
         ('xecuritas', 'onCall', 'page', $1, $2),
         ('*', 'supportManagement', 'email', 'support-managers@vendor.example', NULL),
         ('isode', 'supportManagement', 'webhook', $3, $2)`,
      [hookUrl, SECRET, hookUrl.replace('/page', '/managers')],
    );
  });

  afterEach(async () => {
    if (process.env.DEBUG_TIME) console.log(expect.getState().currentTestName, new Date(await env.currentTimeMs()).toISOString());
  });

  afterAll(async () => {
    await ll?.stop();
    await new Promise((resolve) => hooks?.close(resolve));
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  });

  it("ISPsystem's response window restarts in full on the customer's reply", async () => {
    await skipTo(env, '2027-03-01T08:00:00Z');
    const { handle, state } = await openTicket(ll, { policyId: 'ispsystem', plan: 'standard', severity: 'high', product: 'BILLmanager' });
    // 16 working hours on 06:00–18:00 UTC every day: 10 h on the 1st, 6 h on the 2nd.
    expect(sec(target(state, 'nextResponse').dueAt)).toBe('2027-03-02T12:00:00Z');
    await skipTo(env, '2027-03-01T09:00:00Z');
    const responded = await handle.executeUpdate(respondUpdate, { args: [{ by: engineer, message: 'Please try 6.2' }] });
    // 2.6 *: a response hands the ticket to the user; 3.6: it closes 7 calendar days later without an answer.
    expect(responded.status).toBe('waitingOnCustomer');
    expect(sec(responded.autoCloseAt)).toBe('2027-03-08T09:00:00Z');
    await skipTo(env, '2027-03-03T10:00:00Z');
    const back = await handle.executeUpdate(replyUpdate, { args: [{ by: customer, message: 'Here is the log' }] });
    const window = target(back, 'nextResponse');
    expect(window).toMatchObject({ status: 'running', window: 2 });
    expect(sec(window.startedAt)).toBe('2027-03-03T10:00:00Z');
    // The full 16 hours again: 8 h on the 3rd, 8 h on the 4th from 06:00.
    expect(sec(window.dueAt)).toBe('2027-03-04T14:00:00Z');
    expect(back.autoCloseAt).toBeUndefined();
  });

  it('ISPsystem closes a ticket 7 calendar days after the last response, with a notice to the customer', async () => {
    const { handle, ticketId } = await openTicket(ll, { policyId: 'ispsystem', plan: 'privilege', severity: 'low', product: 'VMmanager' });
    const responded = await handle.executeUpdate(respondUpdate, { args: [{ by: engineer, message: 'Fixed in 6.3' }] });
    await env.sleep('8 days');
    const final = await untilStatus(handle, 'closed');
    expect(final.status).toBe('closed');
    const events = await eventsOf(ll, ticketId);
    const closed = events.find((e) => e.type === 'autoClosed')!;
    expect(Date.parse(closed.at) - Date.parse(responded.respondedAt!)).toBe(7 * 24 * 3600_000);
    const { rows } = await ll.db.pool.query(
      "SELECT role, channel, address, status FROM notifications WHERE ticket_id = $1 AND event_type = 'autoClosed'",
      [ticketId],
    );
    expect(rows).toEqual([{ role: 'customer', channel: 'email', address: 'ada@acme.example', status: 'sent' }]);
    expect(mails.some((m) => m.includes(ticketId) && /closed automatically/i.test(m))).toBe(true);
  });

  it('Xecuritas closes a ticket 10 days after an unanswered request for information', async () => {
    const { handle, ticketId } = await openTicket(ll, { policyId: 'xecuritas', plan: 'standard', severity: 'sev3' });
    const asked = await handle.executeUpdate(requestInformationUpdate, { args: [{ by: engineer, message: 'Which build?' }] });
    await env.sleep('11 days');
    const final = await untilStatus(handle, 'closed');
    expect(final.closeReason).toMatch(/request for information/);
    const closed = (await eventsOf(ll, ticketId)).find((e) => e.type === 'autoClosed')!;
    expect(Date.parse(closed.at) - Date.parse(asked.respondedAt!)).toBe(10 * 24 * 3600_000);
  });

  it('a forwarded ISPsystem ticket never breaches, and its clock resumes when it comes back', async () => {
    const { handle, ticketId } = await openTicket(ll, {
      policyId: 'ispsystem',
      plan: 'privilege',
      severity: 'high',
      product: 'DCImanager',
    });
    await env.sleep('1 hour');
    const forwarded = await handle.executeUpdate(forwardUpdate, { args: [{ by: engineer, team: 'development', note: 'confirmed error' }] });
    expect(target(forwarded, 'nextResponse')).toMatchObject({ status: 'suspended' });
    await env.sleep('60 days');
    expect((await eventsOf(ll, ticketId)).filter((e) => e.type === 'breached')).toEqual([]);
    const back = await handle.executeUpdate(returnUpdate, { args: [{ by: engineer, note: 'fix ready' }] });
    // Privilege high = 8 hours on 24/7; 1 hour was used before forwarding.
    const t = target(back, 'nextResponse');
    expect(t.status).toBe('running');
    // Ticket instants are whole seconds, so the hour used before forwarding reads as 1 h or 1 h 1 s.
    expect(Math.abs(Date.parse(t.dueAt!) - Date.parse(back.pauses[0].end!) - 7 * 3600_000)).toBeLessThanOrEqual(1_000);
    await recordHistory(handle, 'ticket-forward-return');
  });

  it('a reclassification recomputes from the original start and records its reason; a closed ticket cannot be reclassified', async () => {
    await skipTo(env, '2027-06-09T13:00:00Z'); // Wednesday, 09:00 in New York (EDT)
    const { handle, ticketId } = await openTicket(ll, { policyId: 'xecuritas', plan: 'standard', severity: 'sev3', channel: 'phone' });
    await skipTo(env, '2027-06-09T13:30:00Z');
    const reclassified = await handle.executeUpdate(reclassifyUpdate, {
      args: [{ by: engineer, severity: 'sev1', reason: 'the whole mail service is down' }],
    });
    expect(reclassified.severity).toBe('sev1');
    expect(sec(target(reclassified, 'firstResponse').dueAt)).toBe('2027-06-09T14:00:00Z'); // 1 hour from the opening
    expect(sec(target(reclassified, 'resolution').dueAt)).toBe('2027-06-10T13:00:00Z');
    const events = await eventsOf(ll, ticketId);
    expect(events.find((e) => e.type === 'reclassified')?.data).toMatchObject({
      from: 'sev3',
      to: 'sev1',
      reason: 'the whole mail service is down',
    });
    expect(events.find((e) => e.type === 'targetsRecomputed')?.data.reason).toMatch(/reclassified from sev3 to sev1/);
    // A phone ticket is not "opened online": no page.
    expect(events.some((e) => e.type === 'paged')).toBe(false);
    await handle.executeUpdate(closeTicketUpdate, { args: [{ by: engineer }] });
    const refused = await handle
      .executeUpdate(reclassifyUpdate, { args: [{ by: engineer, severity: 'sev2', reason: 'x' }] })
      .catch((e) => e);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    expect(refused.cause.message).toBe('a closed ticket cannot be reclassified');
    expect((await handle.query(getTicketQuery)).severity).toBe('sev1');
  });

  it('splits an ISPsystem ticket into child tickets with their own criticality and targets', async () => {
    const { handle, ticketId } = await openTicket(ll, {
      policyId: 'ispsystem',
      plan: 'privilege',
      severity: 'medium',
      product: 'VMmanager',
    });
    const children = [
      { ticketId: newTicketId(7), title: 'VM migration fails', description: 'task 1', severity: 'emergency' },
      { ticketId: newTicketId(7), title: 'Typo in the panel', description: 'task 2', severity: 'low' },
    ];
    const split = await handle.executeUpdate(splitUpdate, { args: [{ by: engineer, children }] });
    expect(split.childTicketIds).toEqual(children.map((c) => c.ticketId));
    const [a, b] = await Promise.all(children.map((c) => env.client.workflow.getHandle(`ticket-${c.ticketId}`).query(getTicketQuery)));
    expect(a).toMatchObject({ severity: 'emergency', parentTicketId: ticketId });
    expect(b).toMatchObject({ severity: 'low', parentTicketId: ticketId });
    await recordHistory(handle, 'ticket-split');
    // Privilege: emergency 4 hours, low 16 hours, each from the child's own opening.
    expect(Date.parse(target(a, 'nextResponse').dueAt!) - Date.parse(a.openedAt)).toBe(4 * 3600_000);
    expect(Date.parse(target(b, 'nextResponse').dueAt!) - Date.parse(b.openedAt)).toBe(16 * 3600_000);
  });

  it('rejects with one of the policy reasons (ISPsystem 3.2) and refuses an unknown one', async () => {
    const { handle, ticketId } = await openTicket(ll, { policyId: 'ispsystem', plan: 'standard', severity: 'low', product: 'VMmanager' });
    const refused = await handle.executeUpdate(rejectUpdate, { args: [{ by: engineer, reasonId: 'boring' }] }).catch((e) => e);
    expect(refused.cause.message).toMatch(/unknown rejection reason "boring"; expected one of levelNotCovered, informationRefused/);
    const rejected = await handle.executeUpdate(rejectUpdate, { args: [{ by: engineer, reasonId: 'notReproducible' }] });
    expect(rejected).toMatchObject({
      status: 'rejected',
      rejection: { reasonId: 'notReproducible', text: 'The incident described in the Ticket cannot be reproduced.' },
    });
    expect((await handle.describe()).status.name).toMatch(/COMPLETED|RUNNING/);
    expect((await eventsOf(ll, ticketId)).map((e) => e.type)).toContain('rejected');
  });

  it('a ticket under an ended contract is opened and rejected at once, so the customer sees why', async () => {
    await ll.db.pool.query(
      `INSERT INTO contracts (contract_id, customer_id, policy_id, plan, starts_at, ends_at, version)
       VALUES ('C-OLD', 'acme', 'ispsystem', 'standard', '2024-01-01Z', '2026-01-01Z', 1)`,
    );
    const { handle, ticketId } = await openTicket(ll, {
      policyId: 'ispsystem',
      plan: 'standard',
      severity: 'low',
      product: 'VMmanager',
      contractId: 'C-OLD',
    });
    const final = await untilStatus(handle, 'rejected');
    expect(final).toMatchObject({ status: 'rejected', rejection: { reasonId: 'contractInactive' } });
    expect(final.rejection!.text).toMatch(/ended on 2026-01-01/);
    expect((await eventsOf(ll, ticketId)).map((e) => e.type)).toEqual([
      'opened',
      'targetsComputed',
      'entitlementDecided',
      'entitlementRefused',
      'rejected',
    ]);
  });

  it('a Xecuritas Sev-1 opened online pages the on-call engineer at once, signed', async () => {
    const { ticketId } = await openTicket(ll, { policyId: 'xecuritas', plan: 'standard', severity: 'sev1', channel: 'portal' });
    const deadline = Date.now() + 20_000;
    while (!received.some((r) => r.body.includes(ticketId)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const page = received.find((r) => r.body.includes(ticketId))!;
    const body = JSON.parse(page.body);
    expect(body).toMatchObject({ type: 'ticket.paged', role: 'onCall', ticketId, severity: 'sev1', urgent: true });
    const [t, v1] = String(page.headers['lifeline-signature'])
      .split(',')
      .map((p) => p.split('=')[1]);
    expect(v1).toBe(createHmac('sha256', SECRET).update(`${t}.${page.body}`).digest('hex'));
    expect(page.headers['idempotency-key']).toMatch(new RegExp(`ticket-${ticketId}:\\d+:onCall:page:`));
    const events = await eventsOf(ll, ticketId);
    expect(events.find((e) => e.type === 'paged')?.at).toBe(events[0].at);
  });

  it('recomputes pending deadlines when its policy changes, recording the old and new instants', async () => {
    await skipTo(env, '2027-07-05T09:00:00Z'); // Monday, 10:00 in London (BST)
    const { handle, ticketId, state } = await openTicket(ll, { policyId: 'isode', plan: 'gold', severity: 'p3' });
    expect(sec(target(state, 'firstResponse').dueAt)).toBe('2027-07-06T09:00:00Z'); // 1 working day
    await ll.db.pool.query(`INSERT INTO policy_overrides (policy_id, override, version, updated_by) VALUES ('isode', $1, 1, 'test')`, [
      JSON.stringify({
        targets: {
          gold: { p3: { firstResponse: { duration: '4 working hours', escalateTo: 'supportManagement', source: 'corrected table' } } },
        },
      }),
    ]);
    await handle.signal(rulesChangedSignal, { scope: 'policy isode', version: 1, reason: 'corrected Gold P3 response' });
    let live = await handle.query(getTicketQuery);
    for (let i = 0; i < 50 && live.rulesVersion === state.rulesVersion; i++) {
      await new Promise((r) => setTimeout(r, 100));
      live = await handle.query(getTicketQuery);
    }
    expect(live.rulesVersion).toBe('isode@1+policy#1');
    expect(sec(target(live, 'firstResponse').dueAt)).toBe('2027-07-05T13:00:00Z');
    await ll.db.pool.query('DELETE FROM policy_overrides');
    const recomputed = (await eventsOf(ll, ticketId)).find((e) => e.type === 'targetsRecomputed')!;
    expect(recomputed.data).toMatchObject({ oldRules: 'isode@1', newRules: 'isode@1+policy#1' });
    const change = recomputed.data.changes.find((c: { kind: string }) => c.kind === 'firstResponse');
    expect([sec(change.oldDueAt), sec(change.newDueAt)]).toEqual(['2027-07-06T09:00:00Z', '2027-07-05T13:00:00Z']);
    await recordHistory(handle, 'ticket-rules-changed');
  });

  it('a ticket with 500 events continues as new and keeps every target, without re-notifying', async () => {
    const { handle, ticketId, state } = await openTicket(ll, { policyId: 'isode', plan: 'bronze', severity: 'p4' });
    for (let i = 0; i < 500; i++) {
      await handle.executeUpdate(assignTicketUpdate, { args: [{ by: engineer, engineer: { id: `eng-${i % 7}` } }] });
    }
    const live = await handle.query(getTicketQuery);
    expect(live.run).toBeGreaterThan(1);
    expect(live.eventCount).toBeGreaterThanOrEqual(502);
    expect(live.targets.map((t) => [t.kind, t.dueAt])).toEqual(state.targets.map((t) => [t.kind, t.dueAt]));
    const { rows } = await ll.db.pool.query(
      'SELECT count(*)::int AS n, count(DISTINCT seq)::int AS d FROM ticket_events WHERE ticket_id = $1',
      [ticketId],
    );
    expect(rows[0]).toEqual({ n: live.eventCount, d: live.eventCount });
    const opened = await ll.db.pool.query("SELECT count(*)::int AS n FROM notifications WHERE ticket_id = $1 AND event_type = 'opened'", [
      ticketId,
    ]);
    expect(opened.rows[0].n).toBe(1);
    // The targets still fire after the new run: one breach per target.
    await env.sleep('30 days');
    const breaches = (await eventsOf(ll, ticketId)).filter((e) => e.type === 'breached');
    expect(breaches.map((e) => e.data.kind).sort()).toEqual(['firstResponse', 'relief']);
  }, 120_000);

  it('a Xecuritas feature request is forwarded to product management at once, without a target', async () => {
    const { state } = await openTicket(ll, { policyId: 'xecuritas', plan: 'standard', severity: 'sev3', type: 'featureRequest' });
    expect(state).toMatchObject({ status: 'forwarded', forwardedTo: 'product management', targets: [] });
    expect(state.nextDueAt).toBeUndefined();
  });

  it('Isode relief meets the relief target; a hot fix is recorded for P1 and P2 only', async () => {
    const p2 = await openTicket(ll, { policyId: 'isode', plan: 'gold', severity: 'p2' });
    const relieved = await p2.handle.executeUpdate(relieveUpdate, { args: [{ by: engineer, note: 'service restarted' }] });
    expect(relieved.status).toBe('relieved');
    expect(target(relieved, 'relief').status).toBe('met');
    expect(target(relieved, 'firstResponse').status).toBe('met');
    const hotfix = await p2.handle.executeUpdate(hotfixUpdate, { args: [{ by: engineer, required: true, note: 'patch 17.2.1' }] });
    expect(hotfix.hotfixRequired).toBe(true);
    const p4 = await openTicket(ll, { policyId: 'isode', plan: 'gold', severity: 'p4' });
    const refused = await p4.handle.executeUpdate(hotfixUpdate, { args: [{ by: engineer, required: true }] }).catch((e) => e);
    expect(refused.cause.message).toMatch(/priority 1 and 2 incidents only/);
  });

  it('a webhook that fails is retried by Temporal and delivered once', async () => {
    const { handle, ticketId } = await openTicket(ll, { policyId: 'isode', plan: 'gold', severity: 'p3' });
    await handle.executeUpdate(escalateUpdate, { args: [{ by: customer, reason: 'our launch is tomorrow' }] });
    const deadline = Date.now() + 30_000;
    const calls = () => received.filter((r) => r.url === '/managers' && r.body.includes(ticketId));
    // Skip server time past the retry's backoff until the retry has come.
    while (calls().length < 2 && Date.now() < deadline) {
      await env.sleep('1 minute');
      await new Promise((r) => setTimeout(r, 200));
    }
    await env.sleep('30 minutes');
    expect(calls()).toHaveLength(2); // the failed attempt and the retry, no third
    expect(new Set(calls().map((c) => c.headers['idempotency-key'])).size).toBe(1);
    const { rows } = await ll.db.pool.query(
      "SELECT role, channel, status, attempts FROM notifications WHERE ticket_id = $1 AND event_type = 'escalated' ORDER BY channel",
      [ticketId],
    );
    // The customer's escalation goes through the account manager (unrouted here) to support management.
    expect(rows).toEqual(
      expect.arrayContaining([
        { role: 'supportManagement', channel: 'webhook', status: 'sent', attempts: 2 },
        { role: 'accountManager', channel: 'none', status: 'unrouted', attempts: 0 },
      ]),
    );
  });

  it('every ticket opened above replays on the current code', async () => {
    expect(await replayOpenedTickets()).toBeGreaterThan(0);
  }, 120_000);
});
