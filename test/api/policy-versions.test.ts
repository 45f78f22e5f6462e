/**
 * Policies as data over HTTP (issue 13): a fifth vendor's policy (docs/examples/brightdesk.json)
 * stored as a document, a ticket opened under it with the deadline the preview gives, a new version
 * recomputing that ticket (old and new instants recorded), versions kept, retirement, deletion rules,
 * a built-in superseded. Time-skipping Temporal, PostgreSQL, real HTTP.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';
import { skipTo } from '../workflow/ticket-helpers';

jest.setTimeout(120_000);

const brightdesk = JSON.parse(readFileSync(path.join(__dirname, '../../docs/examples/brightdesk.json'), 'utf8')) as Record<string, any>;
const opening = {
  customerId: 'acme',
  policyId: 'brightdesk',
  plan: 'standard',
  severity: 'sev2',
  title: 'Export fails',
  description: 'CSV export times out.',
};

describe('stored policies (HTTP, Temporal, PostgreSQL)', () => {
  let ll: RunningLifeline;
  let recomputedTicket = '';
  const api = (method: string, p: string, body?: unknown) => call(ll.url, method, p, { key: ll.adminKey, body });

  beforeAll(async () => {
    ll = await startLifeline();
  });
  afterAll(async () => {
    await ll?.stop();
  });

  it('refuses a document with every bad field named by its pointer, and stores nothing', async () => {
    const bad = {
      ...brightdesk,
      defaultCalendar: 'nowhere',
      targets: { standard: { sev2: { firstResponse: { duration: 'soon', source: 'x' } } } },
    };
    const r = await api('PUT', '/v1/policies/brightdesk', { reason: 'first draft', document: bad });
    expect(r.status).toBe(400);
    const pointers = r.body.errors.map((e: { pointer: string }) => e.pointer);
    expect(pointers).toEqual(
      expect.arrayContaining(['/document/defaultCalendar', '/document/targets/standard/sev2/firstResponse/duration']),
    );
    // An unknown key is refused at its own path, never dropped: a holiday "enabled" flag, a calendar's "breaks".
    const unknown = structuredClone(brightdesk);
    unknown.calendars[0].breaks = [{ from: '12:30', to: '13:30' }];
    unknown.calendars[0].holidays[0].enabled = false;
    const strict = await api('PUT', '/v1/policies/brightdesk', { reason: 'typos', document: unknown });
    expect(strict.status).toBe(400);
    expect(strict.body.errors.map((e: { pointer: string }) => e.pointer)).toEqual(
      expect.arrayContaining(['/document/calendars/0/breaks', '/document/calendars/0/holidays/0/enabled']),
    );
    const wrongId = await api('PUT', '/v1/policies/other', { reason: 'x', document: brightdesk });
    expect(wrongId.status).toBe(400);
    expect(wrongId.body.errors[0].pointer).toBe('/document/id');
    expect((await api('GET', '/v1/policies/brightdesk/versions')).status).toBe(404);
  });

  it('stores a fifth vendor as version 1, opens a ticket under it with the preview’s deadline', async () => {
    const stored = await api('PUT', '/v1/policies/brightdesk', { reason: 'BrightDesk goes live', document: brightdesk });
    expect(stored.status).toBe(201);
    expect(stored.body).toMatchObject({ policyId: 'brightdesk', version: 1, rulesVersion: 'brightdesk@1', fanoutWorkflowId: null });
    const listed = await api('GET', '/v1/policies');
    expect(listed.body.policies.find((p: { id: string }) => p.id === 'brightdesk')).toMatchObject({
      version: 1,
      builtIn: false,
      retired: false,
    });
    const now = new Date(await ll.env.currentTimeMs()).toISOString();
    const preview = await api('POST', '/v1/sla/preview', { policy: 'brightdesk', plan: 'standard', severity: 'sev2', openedAt: now });
    expect(preview.status).toBe(200);
    const ticket = await api('POST', '/v1/tickets', opening);
    expect(ticket.status).toBe(201);
    expect(ticket.body).toMatchObject({ status: 'open', policyId: 'brightdesk', rulesVersion: 'brightdesk@1' });
    const due = ticket.body.targets.find((t: { kind: string }) => t.kind === 'firstResponse').dueAt;
    // The ticket opened a moment after the preview's instant: the same deadline to the minute.
    expect(due.slice(0, 16)).toBe(preview.body.targets.find((t: { kind: string }) => t.kind === 'firstResponse').dueAt.slice(0, 16));
    recomputedTicket = ticket.body.ticketId;
  });

  it('breaches at the instant the draft preview gave, to the second', async () => {
    const ticket = await api('POST', '/v1/tickets', { ...opening, severity: 'sev3', title: 'A question' });
    const draft = await api('POST', '/v1/policies/preview', {
      document: brightdesk,
      openings: [{ openedAt: ticket.body.openedAt, plan: 'standard', severity: 'sev3' }],
    });
    expect(draft.status).toBe(200);
    const due: string = draft.body.openings[0].targets.find((t: { kind: string }) => t.kind === 'firstResponse').dueAt;
    expect(ticket.body.targets.find((t: { kind: string }) => t.kind === 'firstResponse').dueAt).toBe(due);
    await skipTo(ll.env, new Date(Date.parse(due) + 1_000).toISOString());
    let breached: { occurredAt: string } | undefined;
    for (let i = 0; i < 100 && !breached; i++) {
      const events = (await api('GET', `/v1/tickets/${ticket.body.ticketId}/events`)).body.events;
      breached = events.find((e: { type: string }) => e.type === 'breached');
      if (!breached) await new Promise((r) => setTimeout(r, 100));
    }
    expect(breached?.occurredAt.slice(0, 19)).toBe(due.slice(0, 19));
  });

  it('previews a new version against the open tickets before it goes live', async () => {
    const v2 = structuredClone(brightdesk);
    v2.targets.standard.sev2.firstResponse.duration = '4 working hours';
    const draft = await api('POST', '/v1/policies/preview', { document: v2 });
    expect(draft.status).toBe(200);
    // The default: every hour of the coming week, for each plan and severity (2 × 3).
    expect(draft.body.openings).toHaveLength(168 * 6);
    expect(draft.body.openTickets).toMatchObject({ tickets: 2, earlier: 1, later: 0 });
    expect(draft.body.openTickets.earliest).toMatchObject({ ticketId: recomputedTicket, kind: 'firstResponse' });
    expect(draft.body.openTickets.summary).toMatch(/^2 open tickets: 0 deadlines later, 1 earlier; the earliest moves from /);
    const bad = await api('POST', '/v1/policies/preview', { document: { ...v2, defaultCalendar: 'nowhere' } });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].pointer).toBe('/document/defaultCalendar');
  });

  it('a new version (YAML) recomputes the open ticket and records old and new instants; old versions stay readable', async () => {
    const open = { ticketId: recomputedTicket };
    const v2 = structuredClone(brightdesk);
    v2.targets.standard.sev2.firstResponse.duration = '4 working hours';
    const stored = await api('PUT', '/v1/policies/brightdesk', { reason: 'Sev-2 answered faster', yaml: stringify(v2) });
    expect(stored.status).toBe(200);
    expect(stored.body).toMatchObject({
      version: 2,
      rulesVersion: 'brightdesk@2',
      fanoutWorkflowId: 'rules-changed-policy-brightdesk-document-2',
    });
    let recomputed: any;
    for (let i = 0; i < 100 && !recomputed; i++) {
      const events = (await api('GET', `/v1/tickets/${open.ticketId}/events`)).body.events;
      recomputed = events.find((e: { type: string }) => e.type === 'targetsRecomputed');
      if (!recomputed) await new Promise((r) => setTimeout(r, 100));
    }
    expect(recomputed.data).toMatchObject({ oldRules: 'brightdesk@1', newRules: 'brightdesk@2' });
    expect(recomputed.data.changes[0]).toMatchObject({ kind: 'firstResponse' });
    expect(Date.parse(recomputed.data.changes[0].newDueAt)).toBeLessThan(Date.parse(recomputed.data.changes[0].oldDueAt));
    const versions = await api('GET', '/v1/policies/brightdesk/versions');
    expect(versions.body.items.map((v: { version: number; reason: string }) => [v.version, v.reason])).toEqual([
      [1, 'BrightDesk goes live'],
      [2, 'Sev-2 answered faster'],
    ]);
    const first = await api('GET', '/v1/policies/brightdesk/versions/1');
    expect(first.body.document.targets.standard.sev2.firstResponse.duration).toBe('8 working hours');
  });

  it('a policy in use is retired, not deleted: no new tickets, its open ones run on', async () => {
    expect((await api('DELETE', '/v1/policies/brightdesk')).status).toBe(409);
    expect((await api('POST', '/v1/policies/brightdesk/retire', { reason: 'BrightDesk moved to another tool' })).status).toBe(200);
    const refused = await api('POST', '/v1/tickets', opening);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0]).toMatchObject({ pointer: '/policyId' });
    expect((await api('PUT', '/v1/policies/brightdesk', { reason: 'again', document: brightdesk })).status).toBe(409);
    // A stored policy nothing uses can be deleted.
    const unused = { ...brightdesk, id: 'scratch' };
    expect((await api('PUT', '/v1/policies/scratch', { reason: 'a try', document: unused })).status).toBe(201);
    expect((await api('DELETE', '/v1/policies/scratch')).status).toBe(204);
    expect((await api('GET', '/v1/policies/scratch/versions')).status).toBe(404);
  });

  it('refuses a version that breaks an override running on it, and previews it without a 500', async () => {
    const acme: Record<string, any> = { ...brightdesk, id: 'acme-desk' };
    expect((await api('PUT', '/v1/policies/acme-desk', { reason: 'first', document: acme })).status).toBe(201);
    const local = { targets: { priority: { sev1: { firstResponse: { duration: '15 minutes', escalateTo: 'onCall', source: 'ours' } } } } };
    expect((await api('PUT', '/v1/policies/acme-desk/override', { override: local, reason: 'faster sev-1' })).status).toBe(200);
    const withoutPriority = {
      ...acme,
      plans: acme.plans.filter((p: { id: string }) => p.id !== 'priority'),
      targets: { standard: acme.targets.standard },
    };
    const refused = await api('PUT', '/v1/policies/acme-desk', { reason: 'drop priority', document: withoutPriority });
    expect(refused.status).toBe(409);
    expect(refused.body.overrides[0]).toMatchObject({ override: 'policy override #1' });
    expect(refused.body.overrides[0].detail).toMatch(/priority/);
    const preview = await api('POST', '/v1/policies/preview', { document: withoutPriority, openings: [] });
    expect(preview.status).toBe(200);
    expect(preview.body.overrides).toHaveLength(1);
  });

  it('deletion: refused while a product uses the policy; after it, versions go on and nothing of the old policy is inherited', async () => {
    const mark = async () => (await ll.db.pool.query<{ v: string }>('SELECT last_value::text AS v FROM policy_store_generation')).rows[0].v;
    const temp = { ...brightdesk, id: 'temp-desk' };
    expect((await api('PUT', '/v1/policies/temp-desk', { reason: 'v1', document: temp })).status).toBe(201);
    expect(
      (await api('PUT', '/v1/products/temp-product', { name: 'Temp product', policyId: 'temp-desk', zone: 'UTC' })).status,
    ).toBeLessThan(300);
    const used = await api('DELETE', '/v1/policies/temp-desk');
    expect(used.status).toBe(409);
    expect(used.body.detail).toMatch(/products/);
    const other = { ...brightdesk, id: 'gone-desk' };
    expect((await api('PUT', '/v1/policies/gone-desk', { reason: 'v1', document: other })).status).toBe(201);
    expect((await api('PUT', '/v1/policies/gone-desk/override', { override: { warnAtShare: 0.5 }, reason: 'x' })).status).toBe(200);
    const before = await mark();
    expect((await api('DELETE', '/v1/policies/gone-desk')).status).toBe(204);
    // A deletion and a creation never look like no change to the other API processes.
    expect(await mark()).not.toBe(before);
    const again = await api('PUT', '/v1/policies/gone-desk', { reason: 'back', document: other });
    expect(again.body).toMatchObject({ version: 2, rulesVersion: 'gone-desk@2' });
    expect((await api('GET', '/v1/policies/gone-desk/override')).body.override).toEqual({});
    expect((await api('PUT', '/v1/policies/preview', { reason: 'x', document: { ...brightdesk, id: 'preview' } })).status).toBe(400);
  });

  it('a built-in is version 1, read-only, and superseded by a stored version 2', async () => {
    const builtIn = await api('GET', '/v1/policies/isode/versions');
    expect(builtIn.body.items).toMatchObject([{ version: 1, builtIn: true }]);
    expect((await api('DELETE', '/v1/policies/isode')).status).toBe(409);
    const v1 = (await api('GET', '/v1/policies/isode/versions/1')).body.document;
    const superseded = await api('PUT', '/v1/policies/isode', { reason: 'our own reading', document: { ...v1, name: 'Isode (ours)' } });
    expect(superseded.status).toBe(200);
    expect(superseded.body).toMatchObject({ version: 2, rulesVersion: 'isode@2' });
    const ticket = await api('POST', '/v1/tickets', { ...opening, policyId: 'isode', plan: 'gold', severity: 'p2', product: 'M-Switch' });
    expect(ticket.body.rulesVersion).toBe('isode@2');
  });
});
