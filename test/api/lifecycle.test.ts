import { earliestMilestoneDate } from '../../policies';
import { addMonths, formatDate, parseDate } from '../../policies/dates';
import { localDateOf } from '../../policies/zone';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';
import { recordHistory } from '../workflow/ticket-helpers';

const ZONE = 'Europe/Moscow';
const plus = (date: string, months: number) => formatDate(addMonths(parseDate(date), months));

describe('products and version lifecycles over HTTP', () => {
  let ll: RunningLifeline;
  let today: string;
  let customerKey: string;

  beforeAll(async () => {
    ll = await startLifeline();
    today = formatDate(localDateOf(ZONE, await ll.env.currentTimeMs()));
    const key = await call(ll.url, 'POST', '/v1/api-keys', {
      key: ll.adminKey,
      body: { name: 'acme portal', role: 'customer', customerId: 'acme' },
    });
    customerKey = key.body.key;
  });

  afterAll(async () => {
    await ll?.stop();
  });

  const put = (path: string, body: unknown, key = ll.adminKey) => call(ll.url, 'PUT', path, { key, body });
  const post = (path: string, body: unknown, key = ll.adminKey) => call(ll.url, 'POST', path, { key, body });
  const get = (path: string, key = ll.adminKey) => call(ll.url, 'GET', path, { key });

  it('registers a product and refuses a bad one, naming the field', async () => {
    const created = await put('/v1/products/vipnet-coordinator', { name: 'ViPNet Coordinator', policyId: 'infotecs', zone: ZONE });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      product: 'vipnet-coordinator',
      name: 'ViPNet Coordinator',
      policyId: 'infotecs',
      zone: ZONE,
      link: null,
    });
    expect((await put('/v1/products/vipnet-coordinator', { name: 'ViPNet Coordinator', policyId: 'infotecs', zone: ZONE })).status).toBe(
      200,
    );
    const bad = await put('/v1/products/x', { name: 'X', policyId: 'nope', zone: 'Mars/Olympus' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/policyId', '/zone']);
    expect((await put('/v1/products/Upper', { name: 'X', policyId: 'infotecs' })).status).toBe(400);
    expect((await put('/v1/products/x', { name: 'X', policyId: 'infotecs' }, customerKey)).status).toBe(403);
    const sameName = await put('/v1/products/coordinator', { name: 'vipnet coordinator', policyId: 'infotecs' });
    expect(sameName.status).toBe(409);
    expect(sameName.body.product).toBe('vipnet-coordinator');
  });

  it('starts a lifecycle: the 5-year floor holds, the next major moves EOMS later, an early EOS is refused with the earliest date', async () => {
    const ga = plus(today, 2);
    // EOS only six months after GA: EOMS is still GA + 4 years, the whole period at least 5 years.
    const started = await post('/v1/products/vipnet-coordinator/versions', { major: '4', ga, eos: plus(ga, 6) });
    expect(started.status).toBe(201);
    expect(started.headers.get('location')).toBe('/v1/products/vipnet-coordinator/versions/4');
    expect(started.body).toMatchObject({
      phase: 'announced',
      milestones: { eos: plus(ga, 6), eoms: plus(ga, 48), eol: plus(ga, 60), provisional: true },
    });
    expect((await post('/v1/products/vipnet-coordinator/versions', { major: '4', ga })).status).toBe(409);
    expect((await post('/v1/products/nothing/versions', { major: '1', ga })).status).toBe(404);
    // A "-" in a major would make `lifecycle-<product>-<major>` ambiguous.
    expect((await post('/v1/products/vipnet-coordinator/versions', { major: 'client-4', ga })).status).toBe(400);
    // End of Sales today: its notice would be six months late.
    expect((await post('/v1/products/vipnet-coordinator/versions', { major: '8', ga: plus(today, -12), eos: today })).status).toBe(409);
    const badDate = await post('/v1/products/vipnet-coordinator/versions', { major: '9', ga, eos: plus(ga, -1) });
    expect(badDate.status).toBe(400);
    expect(badDate.body.errors[0].pointer).toBe('/eos');

    const early = await post('/v1/products/vipnet-coordinator/versions/4/end-of-sales', { date: plus(today, 4) });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ earliestAllowed: earliestMilestoneDate(today), milestone: 'eos' });
    expect(early.body.detail).toMatch(/less than six months/);
    const startEarly = await post('/v1/products/vipnet-coordinator/versions', { major: '5', ga: plus(today, 1), eos: plus(today, 4) });
    expect(startEarly.status).toBe(409);
    expect(startEarly.body.earliestAllowed).toBe(earliestMilestoneDate(today));

    // EOS later: EOMS follows (EOS + 1 year); moving EOS back would move a provisional EOMS earlier: refused.
    const later = await post('/v1/products/vipnet-coordinator/versions/4/end-of-sales', { date: plus(ga, 40), reason: 'demand' });
    expect(later.status).toBe(200);
    expect(later.body.milestones).toMatchObject({ eos: plus(ga, 40), eoms: plus(ga, 52), eol: plus(ga, 64) });
    const back = await post('/v1/products/vipnet-coordinator/versions/4/end-of-sales', { date: plus(ga, 30) });
    expect(back.status).toBe(409);
    expect(back.body.detail).toMatch(/provisional .* can only move later/);

    const next = await post('/v1/products/vipnet-coordinator/versions/4/next-major', { version: '5', ga: plus(ga, 36) });
    expect(next.status).toBe(200);
    expect(next.body.milestones).toMatchObject({ eoms: plus(ga, 60), eol: plus(ga, 72), provisional: false });

    const shorter = await post('/v1/products/vipnet-coordinator/versions/4/support-extension', { eol: plus(ga, 70), reason: 'x' });
    expect(shorter.status).toBe(409);
    expect(shorter.body.detail).toMatch(/moves support later/);
    const extended = await post('/v1/products/vipnet-coordinator/versions/4/support-extension', {
      eol: plus(ga, 78),
      reason: 'customer demand',
    });
    expect(extended.status).toBe(200);
    expect(extended.body.milestones).toMatchObject({ eoms: plus(ga, 60), eol: plus(ga, 78) });
    expect((await post('/v1/products/vipnet-coordinator/versions/4/support-extension', { reason: 'nothing' })).status).toBe(400);

    // A customer asks for a pilot for itself, not for another customer.
    expect((await post('/v1/products/vipnet-coordinator/versions/4/pilot-requests', { customerId: 'globex' }, customerKey)).status).toBe(
      403,
    );
    const pilot = await post('/v1/products/vipnet-coordinator/versions/4/pilot-requests', { customerId: 'acme' }, customerKey);
    expect(pilot.status).toBe(200);
    expect(pilot.body.phase).toBe('pilot');
    expect((await post('/v1/products/vipnet-coordinator/versions/4/end-of-sales', { date: plus(ga, 50) }, customerKey)).status).toBe(403);

    expect((await post('/v1/products/vipnet-coordinator/versions/4/pilot-requests', { customerId: 'globex' })).status).toBe(200);
    const live = await get('/v1/products/vipnet-coordinator/versions/4', customerKey);
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ phase: 'pilot', nextMajor: { version: '5' } });
    // A customer sees its own pilot request only; staff see all.
    expect(live.body.pilots.map((p: { customerId: string }) => p.customerId)).toEqual(['acme']);
    expect((await get('/v1/products/vipnet-coordinator/versions/4')).body.pilots.map((p: { customerId: string }) => p.customerId)).toEqual([
      'acme',
      'globex',
    ]);
    const events = await get('/v1/products/vipnet-coordinator/versions/4/events');
    expect(events.body.items.map((e: { type: string }) => e.type)).toEqual([
      'registered',
      'endOfSalesSet',
      'milestonesChanged',
      'nextMajorAnnounced',
      'milestonesChanged',
      'supportExtended',
      'milestonesChanged',
      'pilotRequested',
      'pilotRequested',
    ]);
    expect((await get('/v1/products/vipnet-coordinator/versions/77')).status).toBe(404);
    await recordHistory(ll.env.client.workflow.getHandle('lifecycle-vipnet-coordinator-4'), 'lifecycle-milestone-changes');
    // Its versions' dates are days in Moscow: the zone no longer changes.
    expect((await put('/v1/products/vipnet-coordinator', { name: 'ViPNet Coordinator', policyId: 'infotecs', zone: 'UTC' })).status).toBe(
      409,
    );
    const list = await get('/v1/products');
    expect(list.body.items).toEqual([
      expect.objectContaining({ product: 'vipnet-coordinator', versions: [{ version: '4', phase: 'pilot' }] }),
    ]);
  });

  async function ticketOutcome(body: Record<string, unknown>) {
    const opened = await post('/v1/tickets', { customerId: 'acme', title: 'Help', description: 'It broke.', ...body });
    expect(opened.status).toBe(201);
    // The opening (entitlement included) is over once its first batch of events reaches the read model.
    for (let i = 0; i < 200; i += 1) {
      const { rows } = await ll.db.pool.query('SELECT 1 FROM tickets WHERE ticket_id = $1', [opened.body.ticketId]);
      if (rows.length > 0) return (await get(`/v1/tickets/${opened.body.ticketId}`)).body;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('ticket did not settle');
  }

  it('answers tickets with the support scope of their version: extended → vulnerabilities and critical bugs, other bugs billable; EOL → none', async () => {
    // GA 50 months ago: past EOMS (GA + 4 years), in Extended Support until GA + 5 years.
    await put('/v1/products/vipnet-client', { name: 'ViPNet Client', policyId: 'infotecs', zone: ZONE });
    expect((await post('/v1/products/vipnet-client/versions', { major: '3', ga: plus(today, -50) })).body.phase).toBe('extended');
    expect((await post('/v1/products/vipnet-client/versions', { major: '2', ga: plus(today, -70) })).body.phase).toBe('endOfLife');
    const base = { policyId: 'infotecs', plan: 'basic', product: 'ViPNet Client' };

    const question = await ticketOutcome({ ...base, productVersion: '3', severity: 'minor', type: 'question' });
    expect(question).toMatchObject({ status: 'rejected' });
    expect(JSON.stringify(question)).toMatch(/Extended Support covers vulnerabilities and critical bugs only/);
    const bug = await ticketOutcome({ ...base, productVersion: '3.4', severity: 'major', type: 'bug' });
    expect(bug.status).toBe('open');
    expect(bug.supportScope).toMatchObject({ decision: 'billable', phase: 'extended' });
    const critical = await ticketOutcome({ ...base, productVersion: '3', severity: 'critical', type: 'bug' });
    expect(critical.status).toBe('open');
    expect(critical.supportScope).toBeUndefined();
    const old = await ticketOutcome({ ...base, productVersion: '2', severity: 'critical', type: 'vulnerability' });
    expect(old.status).toBe('rejected');
    expect(JSON.stringify(old)).toMatch(/not been supported since/);
  });

  it('ISPsystem: a ticket on an outdated minor gets known solutions and migration help only (8.3)', async () => {
    await put('/v1/products/vmmanager', { name: 'VMmanager', policyId: 'ispsystem', zone: 'UTC' });
    const ga = plus(today, -24);
    expect((await post('/v1/products/vmmanager/versions', { major: '6', ga })).status).toBe(201);
    for (const [version, kind] of [
      ['6.1', 'stable'],
      ['6.2', 'stable'],
      ['6.3', 'stable'],
    ]) {
      const r = await post('/v1/products/vmmanager/versions/6/minor-releases', { version, kind, releasedOn: ga });
      expect(r.status).toBe(200);
    }
    expect((await post('/v1/products/vmmanager/versions/6/minor-releases', { version: '6.3', kind: 'stable' })).status).toBe(409);
    const undated = await post('/v1/products/vmmanager/versions/6/minor-releases', { version: '6.3.1', kind: 'regular' });
    expect(undated.body.minors.at(-1)).toEqual({
      version: '6.3.1',
      kind: 'regular',
      releasedOn: formatDate(localDateOf('UTC', await ll.env.currentTimeMs())),
    });
    const licence = await put('/v1/licences/LIC-1', {
      customerId: 'acme',
      product: 'vmmanager',
      version: '6',
      minor: '6.1',
      contactEmail: 'ops@acme.example',
    });
    expect(licence.status).toBe(201);
    expect((await get('/v1/licences?product=vmmanager')).body.items).toEqual([
      {
        licenceId: 'LIC-1',
        customerId: 'acme',
        contractId: null,
        product: 'vmmanager',
        version: '6',
        minor: '6.1',
        contactEmail: 'ops@acme.example',
      },
    ]);
    const base = { policyId: 'ispsystem', plan: 'standard', product: 'VMmanager', severity: 'medium', type: 'question' };
    const outdated = await ticketOutcome({ ...base, productVersion: '6.1' });
    expect(outdated.status).toBe('open');
    expect(outdated.supportScope).toMatchObject({ decision: 'knownSolutionsOnly', phase: 'mainstream', source: '001 8.3' });
    const current = await ticketOutcome({ ...base, productVersion: '6.3' });
    expect(current.supportScope).toBeUndefined();
  });

  it('documents every lifecycle route in the OpenAPI document', async () => {
    const doc = await call(ll.url, 'GET', '/openapi.json');
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/v1/products',
        '/v1/products/{product}',
        '/v1/products/{product}/versions',
        '/v1/products/{product}/versions/{major}',
        '/v1/products/{product}/versions/{major}/events',
        '/v1/products/{product}/versions/{major}/end-of-sales',
        '/v1/products/{product}/versions/{major}/next-major',
        '/v1/products/{product}/versions/{major}/support-extension',
        '/v1/products/{product}/versions/{major}/minor-releases',
        '/v1/products/{product}/versions/{major}/pilot-requests',
        '/v1/licences',
        '/v1/licences/{licenceId}',
      ]),
    );
    expect(
      doc.body.paths['/v1/products/{product}/versions/{major}/end-of-sales'].post.requestBody.content['application/json'].schema.$ref,
    ).toBe('#/components/schemas/SetEndOfSalesRequest');
  });
});
