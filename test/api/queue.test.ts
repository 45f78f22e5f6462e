/** GET /v1/queue and GET /v1/tickets/{id}/commands against real Temporal, PostgreSQL and HTTP. */
import { catalog, compileCalendar } from '../../policies';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';

const isode = { policyId: 'isode', product: 'M-Switch', description: 'Relay refuses mail.' };

describe('the support queue and the commands a caller may send', () => {
  let ll: RunningLifeline;
  let acme: string;
  let globex: string;
  let engineer: string;
  const ids: Record<string, string> = {};

  const key = async (role: string, customerId?: string) => {
    const r = await call(ll.url, 'POST', '/v1/api-keys', {
      key: ll.adminKey,
      body: { name: `${role} ${customerId ?? ''}`, role, customerId },
    });
    expect(r.status).toBe(201);
    return r.body.key as string;
  };
  const get = (path: string, k: string) => call(ll.url, 'GET', path, { key: k });

  beforeAll(async () => {
    ll = await startLifeline();
    [acme, globex, engineer] = await Promise.all([key('customer', 'acme'), key('customer', 'globex'), key('engineer')]);
    const open = async (name: string, body: Record<string, unknown>) => {
      const r = await call(ll.url, 'POST', '/v1/tickets', { key: ll.adminKey, body: { ...isode, title: name, ...body } });
      expect(r.status).toBe(201);
      ids[name] = r.body.ticketId;
    };
    await open('acme p1', { customerId: 'acme', plan: 'gold', severity: 'p1' });
    await open('acme p3', { customerId: 'acme', plan: 'gold', severity: 'p3' });
    await open('globex silver', { customerId: 'globex', plan: 'silver', severity: 'p2' });
  });

  afterAll(async () => {
    await ll?.stop();
  });

  it('lists open tickets soonest due first, every target read at asOf on its calendar', async () => {
    const q = await get('/v1/queue', engineer);
    expect(q.status).toBe(200);
    const dues = q.body.tickets.map((t: { nextDueAt: string }) => Date.parse(t.nextDueAt));
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    expect(q.body.tickets.map((t: { ticketId: string }) => t.ticketId).sort()).toEqual(Object.values(ids).sort());
    const asOf = Date.parse(q.body.asOf);
    for (const ticket of q.body.tickets) {
      for (const t of ticket.targets) {
        expect(t).toMatchObject({ status: 'running', warned: false, breached: false });
        const spec = catalog.isode.calendars.find((c) => c.id === t.calendar)!;
        expect(t.calendarZone).toBe(spec.zone);
        const calendar = compileCalendar(spec);
        // What the console counts down from: the calendar's open time between asOf and the due instant.
        expect(t.remainingMs).toBe(calendar.elapsed(asOf, Date.parse(t.dueAt), t.working));
        expect(t.counting).toBe(!t.working || calendar.isOpen(asOf));
        if (t.working && !spec.alwaysOpen) expect(t.changesAt).toBe(new Date(calendar.nextChange(asOf)!).toISOString());
      }
    }
  });

  it('filters by plan, severity, customer and assignee, and pages with a cursor without repeating a ticket', async () => {
    const bySilver = await get('/v1/queue?plan=silver', engineer);
    expect(bySilver.body.tickets.map((t: { ticketId: string }) => t.ticketId)).toEqual([ids['globex silver']]);
    const byP3 = await get('/v1/queue?severity=p3&customerId=acme', engineer);
    expect(byP3.body.tickets.map((t: { ticketId: string }) => t.ticketId)).toEqual([ids['acme p3']]);
    const assigned = await call(ll.url, 'POST', `/v1/tickets/${ids['acme p3']}/assign`, {
      key: engineer,
      body: { engineer: { id: 'e-ann', name: 'Ann' } },
    });
    expect(assigned.status).toBe(200);
    const byAnn = await get('/v1/queue?assigneeId=e-ann', engineer);
    expect(byAnn.body.tickets.map((t: { ticketId: string; assigneeId: string }) => [t.ticketId, t.assigneeId])).toEqual([
      [ids['acme p3'], 'e-ann'],
    ]);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 5; page++) {
      const r = await get(`/v1/queue?limit=1${cursor ? `&cursor=${cursor}` : ''}`, engineer);
      expect(r.status).toBe(200);
      seen.push(...r.body.tickets.map((t: { ticketId: string }) => t.ticketId));
      cursor = r.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen.sort()).toEqual(Object.values(ids).sort());
  });

  it("shows a customer key its own tickets only, without the assignee's id, and names a bad filter", async () => {
    const mine = await get('/v1/queue?customerId=globex', acme);
    expect(mine.body.tickets.map((t: { customerId: string }) => t.customerId)).toEqual(['acme', 'acme']);
    expect(mine.body.tickets.every((t: { assigneeId: string | null }) => t.assigneeId === null)).toBe(true);
    const bad = await get('/v1/queue?status=closed&limit=0', engineer);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/limit', '/status']);
    expect((await get('/v1/queue?cursor=nonsense', engineer)).status).toBe(400);
  });

  it("answers each command with the caller's role and the workflow's own refusal", async () => {
    const staff = await get(`/v1/tickets/${ids['acme p1']}/commands`, engineer);
    expect(staff.status).toBe(200);
    const of = (body: { commands: Array<{ command: string; allowed: boolean; refusal: string | null }> }) =>
      Object.fromEntries(body.commands.map((c) => [c.command, c.refusal]));
    expect(of(staff.body)).toMatchObject({ respond: null, 'request-information': null, reopen: 'an open ticket cannot be reopened' });
    const own = await get(`/v1/tickets/${ids['acme p1']}/commands`, acme);
    expect(own.body.role).toBe('customer');
    expect(of(own.body)).toMatchObject({
      reply: null,
      close: null,
      respond: 'a customer key cannot send this; it needs one of the roles: engineer',
    });
    expect((await get(`/v1/tickets/${ids['acme p1']}/commands`, globex)).status).toBe(404);
    const closed = await call(ll.url, 'POST', `/v1/tickets/${ids['acme p1']}/close`, { key: engineer, body: {} });
    expect(closed.status).toBe(200);
    const after = of((await get(`/v1/tickets/${ids['acme p1']}/commands`, engineer)).body);
    expect(after.respond).toBe('a closed ticket cannot be responded to');
    expect(after.reopen).toBeNull();
  });
});
