import { Worker } from '@temporalio/worker';
import type { WorkflowHandle } from '@temporalio/client';
import { earliestMilestoneDate } from '../../policies';
import {
  announceNextMajorUpdate,
  getLifecycleQuery,
  recordMinorReleaseUpdate,
  requestPilotUpdate,
  setEndOfSalesUpdate,
  type LifecycleState,
} from '../../workflows/lifecycle/contract';
import { startLifeline, type RunningLifeline } from '../helpers/lifeline';
import { recordHistory, sec, skipTo } from './ticket-helpers';
import { lifecycleEvents, manager, monthsFromNow, plusMonths, startOfDay, startVersion, untilLifecycle } from './lifecycle-helpers';

const ZONE = 'Europe/Moscow';
const HOUR = 3_600_000;
/** The reason an Update was refused with. */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { cause?: Error }).cause?.message ?? (err as Error).message;
  }
  throw new Error('the update was not refused');
}
const startOfNextDay = (date: string) => new Date(Date.parse(startOfDay(ZONE, date)) + 24 * HOUR).toISOString();

describe('product-version lifecycle workflow (time-skipping)', () => {
  let ll: RunningLifeline;
  const started: WorkflowHandle[] = [];

  beforeAll(async () => {
    ll = await startLifeline();
  });

  afterAll(async () => {
    // Every lifecycle this file started replays on the current code.
    for (const h of started) {
      await Worker.runReplayHistory({ workflowsPath: require.resolve('../../workflows') }, await h.fetchHistory(), h.workflowId);
    }
    await ll?.stop();
  });

  /** The read model has caught up with the workflow's events (written after each step's task). */
  async function untilRows(workflowId: string, seq: number) {
    for (let i = 0; i < 400; i += 1) {
      const { rows } = await ll.db.pool.query('SELECT last_seq FROM product_versions WHERE workflow_id = $1', [workflowId]);
      if (rows[0]?.last_seq >= seq) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`the read model of ${workflowId} did not reach event ${seq}`);
  }

  async function licence(id: string, product: string, version: string, minor?: string) {
    await ll.db.pool.query(
      `INSERT INTO licences (licence_id, customer_id, product, version, minor, contact_email) VALUES ($1, $2, $3, $4, $5, $6)`,
      [id, `customer-${id}`, product, version, minor ?? null, `${id}@customers.example`],
    );
  }

  it('runs GA → EOS → EOMS → EOL over seven years: every notice once at its instant, every phase at its milestone', async () => {
    const ga = await monthsFromNow(ll, ZONE, 3);
    const eos = plusMonths(ga, 30);
    await licence('L-1', 'vipnet-coordinator', '4');
    // A second licence of the same customer and contact: still one notice each time.
    await ll.db.pool.query(
      `INSERT INTO licences (licence_id, customer_id, product, version, contact_email) VALUES ('L-1b', 'customer-L-1', 'vipnet-coordinator', '4', 'L-1@customers.example')`,
    );
    await ll.db.pool.query(
      `INSERT INTO products (product, name, policy_id, zone) VALUES ('vipnet-coordinator', 'ViPNet Coordinator', 'infotecs', $1)`,
      [ZONE],
    );
    /** The public feed (no key): the endoflife.date v1 release, and the iCalendar feed's dates. */
    const feed = async () => {
      const r = await fetch(`${ll.url}/api/v1/products/vipnet-coordinator/releases/4`);
      expect(r.status).toBe(200);
      const { result } = (await r.json()) as { result: Record<string, unknown> };
      const ics = await (await fetch(`${ll.url}/api/v1/products/vipnet-coordinator/calendar.ics`)).text();
      return { ...result, ics };
    };
    await ll.db.pool.query(
      `INSERT INTO notification_routes (policy_id, role, channel, address) VALUES ('infotecs', 'accountManager', 'email', 'accounts@vendor.example')`,
    );
    const handle = await startVersion(ll, { product: 'vipnet-coordinator', productName: 'ViPNet Coordinator', major: '4', ga, eos });
    started.push(handle);
    let s = await untilLifecycle(handle, (x) => x.seq >= 1);
    // 000 §2: EOMS = latest of EOS + 1 year and GA + 4 years; EOL = EOMS + 1 year; provisional until the next GA is known.
    expect(s).toMatchObject({
      phase: 'announced',
      onSale: false,
      milestones: { eos, eoms: plusMonths(ga, 48), eol: plusMonths(ga, 60), provisional: true },
    });
    expect(s.notices.map((n) => [n.milestone, n.sendOn, n.dueAt])).toEqual([
      ['eos', plusMonths(ga, 24), startOfDay(ZONE, plusMonths(ga, 24))],
      ['eoms', plusMonths(ga, 42), startOfDay(ZONE, plusMonths(ga, 42))],
      ['eol', plusMonths(ga, 54), startOfDay(ZONE, plusMonths(ga, 54))],
    ]);

    await untilRows(handle.workflowId, 1);
    expect(await feed()).toMatchObject({
      releaseDate: ga,
      discontinuedFrom: eos,
      eoasFrom: plusMonths(ga, 48),
      eolFrom: plusMonths(ga, 60),
      isDiscontinued: false,
      isEoas: false,
      isEol: false,
      isMaintained: true,
      ics: expect.stringContaining(`DTSTART;VALUE=DATE:${plusMonths(ga, 60).replace(/-/g, '')}`),
    });

    s = await handle.executeUpdate(requestPilotUpdate, { args: [{ by: manager, customerId: 'acme' }] });
    expect(s.phase).toBe('pilot');

    await skipTo(ll.env, startOfDay(ZONE, ga));
    s = await untilLifecycle(handle, (x) => x.phase === 'mainstream');
    expect(s.onSale).toBe(true);

    // 20 months after GA: an End of Sales four months away would break the six-month notice.
    await skipTo(ll.env, new Date(Date.parse(startOfDay(ZONE, plusMonths(ga, 20))) + HOUR).toISOString());
    const today = plusMonths(ga, 20);
    expect(await refusal(handle.executeUpdate(setEndOfSalesUpdate, { args: [{ by: manager, date: plusMonths(today, 4) }] }))).toMatch(
      new RegExp(`less than six months after today \\(${today}\\).*earliest allowed date is ${earliestMilestoneDate(today)}`),
    );

    await skipTo(ll.env, startOfDay(ZONE, plusMonths(ga, 24)));
    s = await untilLifecycle(handle, (x) => x.notices[0].sentAt !== undefined);
    expect(s.notices[0]).toMatchObject({ milestone: 'eos', kind: 'advance' });
    expect(sec(s.notices[0].sentAt)).toBe(sec(startOfDay(ZONE, plusMonths(ga, 24))));

    // Past EOS (the EOS day itself is still on sale) and past the EOMS advance notice.
    await skipTo(ll.env, startOfNextDay(eos));
    s = await untilLifecycle(handle, (x) => !x.onSale);
    expect(s.phase).toBe('mainstream');
    await untilRows(handle.workflowId, s.seq);
    expect(await feed()).toMatchObject({ isDiscontinued: true, isEoas: false, isEol: false });
    await skipTo(ll.env, new Date(Date.parse(startOfDay(ZONE, plusMonths(ga, 44))) + HOUR).toISOString());
    s = await untilLifecycle(handle, (x) => x.notices[1].sentAt !== undefined);

    // Half-way: the next major's GA is announced; EOMS moves to its GA + 2 years, EOL a year later.
    const announcedAt = await ll.env.currentTimeMs();
    s = await handle.executeUpdate(announceNextMajorUpdate, { args: [{ by: manager, version: '5', ga: plusMonths(ga, 46) }] });
    expect(s.milestones).toMatchObject({ eoms: plusMonths(ga, 70), eol: plusMonths(ga, 82), provisional: false });
    expect(s.nextMajor).toEqual({ version: '5', ga: plusMonths(ga, 46) });
    const changed = s.notices.find((n) => n.kind === 'changed')!;
    await untilRows(handle.workflowId, s.seq);
    expect(await feed()).toMatchObject({
      eoasFrom: plusMonths(ga, 70),
      eolFrom: plusMonths(ga, 82),
      isEoas: false,
      ics: expect.stringContaining(`DTSTART;VALUE=DATE:${plusMonths(ga, 82).replace(/-/g, '')}`),
    });
    expect(changed).toMatchObject({ milestone: 'eoms', date: plusMonths(ga, 70), previousDate: plusMonths(ga, 48) });
    expect(Date.parse(changed.sentAt!) - announcedAt).toBeLessThan(60_000);
    // The EOL notice had not gone out: it moves with its milestone, no "changed" notice needed.
    expect(s.notices.filter((n) => n.milestone === 'eoms' && !n.sentAt)).toEqual([
      {
        milestone: 'eoms',
        kind: 'advance',
        date: plusMonths(ga, 70),
        sendOn: plusMonths(ga, 64),
        dueAt: startOfDay(ZONE, plusMonths(ga, 64)),
      },
    ]);
    expect(s.notices.filter((n) => n.milestone === 'eol')).toEqual([
      {
        milestone: 'eol',
        kind: 'advance',
        date: plusMonths(ga, 82),
        sendOn: plusMonths(ga, 76),
        dueAt: startOfDay(ZONE, plusMonths(ga, 76)),
      },
    ]);

    await skipTo(ll.env, startOfNextDay(plusMonths(ga, 70)));
    s = await untilLifecycle(handle, (x) => x.phase === 'extended');
    await untilRows(handle.workflowId, s.seq);
    expect(await feed()).toMatchObject({ isEoas: true, isEol: false, isMaintained: true });
    await skipTo(ll.env, startOfNextDay(plusMonths(ga, 82)));
    s = await untilLifecycle(handle, (x) => x.phase === 'endOfLife');
    const final = (await handle.result()) as LifecycleState;
    await untilRows(handle.workflowId, final.seq);
    expect(await feed()).toMatchObject({ isDiscontinued: true, isEoas: true, isEol: true, isMaintained: false });
    expect(final.phase).toBe('endOfLife');
    await recordHistory(handle, 'lifecycle-seven-years');

    const events = await lifecycleEvents(ll, handle.workflowId);
    const notices = events.filter((e) => e.type === 'noticeSent').map((e) => [e.data.milestone, e.data.kind, e.data.date, sec(e.at)]);
    expect(notices).toEqual([
      ['eos', 'advance', eos, sec(startOfDay(ZONE, plusMonths(ga, 24)))],
      ['eoms', 'advance', plusMonths(ga, 48), sec(startOfDay(ZONE, plusMonths(ga, 42)))],
      ['eoms', 'changed', plusMonths(ga, 70), sec(changed.sentAt)],
      // Moved later, EOMS is announced again six months before its new date.
      ['eoms', 'advance', plusMonths(ga, 70), sec(startOfDay(ZONE, plusMonths(ga, 64)))],
      ['eol', 'advance', plusMonths(ga, 82), sec(startOfDay(ZONE, plusMonths(ga, 76)))],
    ]);
    const reached = events.filter((e) => e.type === 'milestoneReached').map((e) => [e.data.milestone, e.data.phase, sec(e.at)]);
    expect(reached).toEqual([
      ['ga', 'mainstream', sec(startOfDay(ZONE, ga))],
      ['eos', 'mainstream', sec(startOfNextDay(eos))],
      ['eoms', 'extended', sec(startOfNextDay(plusMonths(ga, 70)))],
      ['eol', 'endOfLife', sec(startOfNextDay(plusMonths(ga, 82)))],
    ]);
    // Seven simulated years and more.
    expect(Date.parse(final.updatedAt) - Date.parse(final.registeredAt)).toBeGreaterThan(7 * 365 * 24 * HOUR);

    // The licensee heard of each notice and each milestone once; the read model ends at End of Life.
    const { rows: mail } = await ll.db.pool.query(
      `SELECT event_type, count(*)::int AS n FROM notifications WHERE workflow_id = $1 AND address = 'L-1@customers.example' GROUP BY event_type ORDER BY event_type`,
      [handle.workflowId],
    );
    expect(mail).toEqual([
      { event_type: 'lifecycle.milestone', n: 4 },
      { event_type: 'lifecycle.notice', n: 5 },
    ]);
    const { rows: copies } = await ll.db.pool.query(
      `SELECT count(*)::int AS n, count(DISTINCT idempotency_key)::int AS keys FROM notifications WHERE workflow_id = $1 AND role = 'accountManager' AND status = 'recorded'`,
      [handle.workflowId],
    );
    expect(copies[0]).toEqual({ n: 9, keys: 9 });
    const { rows: version } = await ll.db.pool.query(
      'SELECT phase, eoms::text, eol::text, supported_until FROM product_versions WHERE workflow_id = $1',
      [handle.workflowId],
    );
    expect(version[0]).toMatchObject({ phase: 'endOfLife', eoms: plusMonths(ga, 70), eol: plusMonths(ga, 82) });
    expect(version[0].supported_until.toISOString()).toBe(startOfNextDay(plusMonths(ga, 82)));
  });

  it('ISPsystem 8.1: supported minors per product, and customers on a minor that became outdated are told (8.3)', async () => {
    const ga = await monthsFromNow(ll, 'UTC', -12);
    await licence('L-vm-61', 'vmmanager', '6', '6.1');
    await licence('L-vm-63', 'vmmanager', '6', '6.3');
    const vm = await startVersion(ll, {
      product: 'vmmanager',
      productName: 'VMmanager',
      policyId: 'ispsystem',
      zone: 'UTC',
      major: '6',
      ga,
    });
    const dns = await startVersion(ll, {
      product: 'dnsmanager',
      productName: 'DNSmanager',
      policyId: 'ispsystem',
      zone: 'UTC',
      major: '6',
      ga,
    });
    started.push(vm, dns);
    const release = (h: WorkflowHandle, version: string, kind: 'stable' | 'regular', releasedOn: string) =>
      h.executeUpdate(recordMinorReleaseUpdate, { args: [{ by: manager, version, kind, releasedOn }] });
    let s = await release(vm, '6.1', 'stable', plusMonths(ga, 1));
    s = await release(vm, '6.2', 'regular', plusMonths(ga, 2));
    s = await release(vm, '6.3', 'stable', plusMonths(ga, 3));
    s = await release(vm, '6.4', 'regular', plusMonths(ga, 4));
    expect(s.supportedMinors).toEqual(['6.1', '6.2', '6.3', '6.4']);
    s = await release(vm, '6.5', 'stable', plusMonths(ga, 5));
    expect(s.supportedMinors).toEqual(['6.3', '6.4', '6.5']);
    // No major-version lifecycle is published by ISPsystem: mainstream, no milestones.
    expect(s).toMatchObject({ phase: 'mainstream', milestones: { provisional: false, notices: [] } });
    expect(await refusal(release(vm, '6.5', 'stable', plusMonths(ga, 5)))).toBe('minor release 6.5 is already recorded');

    let d = await release(dns, '6.1', 'stable', plusMonths(ga, 1));
    d = await release(dns, '6.2', 'regular', plusMonths(ga, 2));
    expect(d.supportedMinors).toEqual(['6.1']);
    d = await release(dns, '6.3', 'stable', plusMonths(ga, 3));
    expect(d.supportedMinors).toEqual(['6.3']);

    const events = await lifecycleEvents(ll, vm.workflowId);
    expect(events.filter((e) => e.type === 'minorOutdated').map((e) => e.data.minor)).toEqual(['6.1', '6.2']);
    const { rows } = await ll.db.pool.query<{ address: string; subject: string; body: any }>(
      `SELECT address, subject, body FROM notifications WHERE workflow_id = $1 AND event_type = 'lifecycle.minorOutdated'`,
      [vm.workflowId],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].address).toBe('L-vm-61@customers.example');
    expect(rows[0].subject).toBe('VMmanager 6: minor release 6.1 is outdated');
    expect(rows[0].body.event.data.text).toMatch(/known solutions/);
    await recordHistory(vm, 'lifecycle-minor-releases');
    const { rows: pv } = await ll.db.pool.query('SELECT supported_minors, latest_minor FROM product_versions WHERE workflow_id = $1', [
      vm.workflowId,
    ]);
    expect(pv[0]).toEqual({ supported_minors: ['6.3', '6.4', '6.5'], latest_minor: '6.5' });
  });

  it('continues as new: a long run of updates never grows one run past 200 events', async () => {
    const ga = await monthsFromNow(ll, 'UTC', -1);
    const h = await startVersion(ll, { product: 'bill', productName: 'BILLmanager', policyId: 'ispsystem', zone: 'UTC', major: '6', ga });
    started.push(h);
    const firstRun = (await h.describe()).runId;
    for (let i = 1; i <= 40; i += 1) {
      await h.executeUpdate(recordMinorReleaseUpdate, {
        args: [{ by: manager, version: `6.${i}`, kind: i % 2 ? 'stable' : 'regular', releasedOn: plusMonths('2020-01-01', i) }],
      });
    }
    const s = await h.query(getLifecycleQuery);
    expect(s.minors).toHaveLength(40);
    expect(s.supportedMinors).toEqual(['6.37', '6.38', '6.39', '6.40']);
    const lastRun = (await h.describe()).runId;
    expect(lastRun).not.toBe(firstRun);
    const first = await ll.env.client.workflow.getHandle(h.workflowId, firstRun).fetchHistory();
    expect(first.events!.length).toBeLessThanOrEqual(200);
    expect(first.events!.at(-1)!.workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
  });
});
