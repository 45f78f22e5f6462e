/**
 * GET /v1/tickets pages are index range reads (issue 14, defect 7): the list's own SQL
 * (listTickets, captured as it is sent) is EXPLAINed over a realistic table, and each plan must read
 * one of migration 008's indexes in order, with no Sort and no Seq Scan of tickets. No timings.
 */
import type { Pool } from 'pg';
import { listTickets, type TicketFilter } from '../../api/read-models/tickets';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

const ROWS = 20_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const nodes = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodes)];

describe('ticket list indexes', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    // 20,000 tickets over ~2 years, skewed as a help desk is: 2% critical, 13% high, 45% medium,
    // 40% low; 15% not yet closed; 200 customers, 10 policies, 2% breached.
    await db.pool.query(
      `INSERT INTO tickets (ticket_id, workflow_id, customer_id, policy_id, plan, severity, status, type, title,
                            opened_at, last_seq, snapshot, breached, next_due_at)
       SELECT 'T-' || lpad(i::text, 6, '0'), 'ticket-T-' || i, 'cust-' || (i % 200), 'policy-' || (i % 10), 'standard',
              CASE WHEN (i * 37) % 100 < 2 THEN 'critical' WHEN (i * 37) % 100 < 15 THEN 'high'
                   WHEN (i * 37) % 100 < 60 THEN 'medium' ELSE 'low' END,
              CASE WHEN (i * 53) % 100 < 3 THEN 'new' WHEN (i * 53) % 100 < 10 THEN 'open'
                   WHEN (i * 53) % 100 < 15 THEN 'pending' WHEN (i * 53) % 100 < 30 THEN 'resolved' ELSE 'closed' END,
              'incident', 'ticket ' || i,
              timestamptz '2025-01-01T00:00:00Z' + (i * interval '1 hour') - ((i % 3) * interval '1 second'),
              1, '{}'::jsonb, i % 50 = 0,
              CASE WHEN i % 3 = 0 THEN timestamptz '2025-01-01T00:00:00Z' + (i * interval '1 hour') + interval '4 hours' END
         FROM generate_series(1, $1::int) AS i`,
      [ROWS],
    );
    await db.pool.query('ANALYZE tickets');
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
  });

  /** The plan of the query listTickets sends for `f`, with its parameters bound as the API binds them. */
  async function planOf(f: TicketFilter): Promise<PlanNode> {
    let sent: { text: string; values: unknown[] } | undefined;
    const capture = {
      query: async (text: string, values: unknown[]) => {
        sent = { text, values };
        return { rows: [] };
      },
    } as unknown as Pool;
    await listTickets(capture, f);
    if (!sent) throw new Error('listTickets sent no query');
    const { rows } = await db.pool.query<{ 'QUERY PLAN': Array<{ Plan: PlanNode }> }>(`EXPLAIN (FORMAT JSON) ${sent.text}`, sent.values);
    return rows[0]['QUERY PLAN'][0].Plan;
  }

  // A page of 25 and one more, as the route asks; the cursor is a row from mid-table. A selective
  // filter (critical, breached, open, one customer) must read its own index; a common one (medium:
  // 45%) may as well read tickets_list_idx and filter, which the planner prefers (that index is in
  // heap order here): either way a range read in order, no sort.
  const limit = 26;
  const after: [string, string] = ['2026-01-01T00:00:00.000Z', 'T-008760'];

  const anyList = /^tickets_(list|severity_list)_idx$/;
  it.each<[string, string | RegExp, TicketFilter]>([
    ['no filter, first page', 'tickets_list_idx', { limit }],
    ['no filter, cursor page', 'tickets_list_idx', { limit, after }],
    ['severity, first page', 'tickets_severity_list_idx', { limit, severity: 'critical' }],
    ['severity, cursor page', 'tickets_severity_list_idx', { limit, severity: 'critical', after }],
    ['common severity, cursor page', anyList, { limit, severity: 'medium', after }],
    ['breached, first page', 'tickets_breached_list_idx', { limit, breached: true }],
    ['breached, cursor page', 'tickets_breached_list_idx', { limit, breached: true, after }],
    ['not breached', 'tickets_list_idx', { limit, breached: false }],
    ['status, cursor page', 'tickets_status_list_idx', { limit, status: 'open', after }],
    ['customer, cursor page', 'tickets_customer_list_idx', { limit, customerId: 'cust-7', after }],
  ])('%s reads %s in order, without a sort or a table scan', async (_name, index, filter) => {
    const plan = await planOf(filter);
    const all = nodes(plan);
    const scans = all.filter((n) => n['Relation Name'] === 'tickets');
    expect(scans.map((n) => n['Node Type'])).toEqual([expect.stringMatching(/^Index (Only )?Scan$/)]);
    expect(scans[0]['Index Name']).toMatch(typeof index === 'string' ? new RegExp(`^${index}$`) : index);
    expect(all.map((n) => n['Node Type'])).not.toEqual(expect.arrayContaining([expect.stringMatching(/Sort|Seq Scan|Bitmap/)]));
    expect(plan['Node Type']).toBe('Limit');
  });

  it('cursor pages of a filtered list follow on, newest first', async () => {
    const first = await listTickets(db.pool, { limit: 3, severity: 'high' });
    const last = first[first.length - 1];
    const next = await listTickets(db.pool, { limit: 3, severity: 'high', after: [last.opened_at.toISOString(), last.ticket_id] });
    const all = [...first, ...next];
    expect(all.every((r) => r.severity === 'high')).toBe(true);
    for (let i = 1; i < all.length; i++) expect(all[i - 1].opened_at.getTime()).toBeGreaterThan(all[i].opened_at.getTime());
  });
});
