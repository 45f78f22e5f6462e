import { ApplicationFailure } from '@temporalio/common';
import { getTicketQuery, respondUpdate } from '../../workflows/ticket/contract';
import { PERMANENT_WRITE_FAILURE } from '../../workflows/contract';
import { isPermanentDatabaseError, writeOrRepair } from '../../activities/write-failures';
import { startLifeline, type RunningLifeline } from '../helpers/lifeline';
import { engineer, eventsOf, openTicket, recordHistory, replayOpenedTickets } from './ticket-helpers';

// A value PostgreSQL can never store must not wedge a workflow in retries: it is repaired and
// recorded (write_failures, the alert metric), and the ticket keeps answering (issue 11, defect 1).
describe('writes the database refuses for good', () => {
  let ll: RunningLifeline;

  beforeAll(async () => {
    ll = await startLifeline();
  });

  afterAll(async () => {
    await ll?.stop();
  });

  it('a ticket whose text holds NUL and an unpaired surrogate reaches the read model repaired, says so, and still answers', async () => {
    // The API refuses such text at the edge; this ticket is started behind its back, as older code or another client could.
    const { handle, ticketId } = await openTicket(ll, {
      policyId: 'isode',
      plan: 'gold',
      severity: 'p2',
      title: 'log \u0000 line',
      description: 'half a pair: \ud800',
    });
    const deadline = Date.now() + 30_000;
    let events = await eventsOf(ll, ticketId);
    while (!events.some((e) => e.type === 'writeRepaired') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      events = await eventsOf(ll, ticketId);
    }
    const repaired = events.find((e) => e.type === 'writeRepaired');
    // The batch of the opening: its last event carried the state, whose title held the NUL.
    expect(repaired?.data.seqs).toEqual([events.filter((e) => e.type !== 'writeRepaired').at(-1)!.seq]);
    const { rows } = await ll.db.pool.query<{ title: string }>('SELECT title FROM tickets WHERE ticket_id = $1', [ticketId]);
    expect(rows[0].title).toBe('log \uFFFD line');
    const failures = await ll.db.pool.query<{ sqlstate: string; repaired: boolean }>(
      'SELECT sqlstate, repaired FROM write_failures WHERE workflow_id = $1',
      [`ticket-${ticketId}`],
    );
    expect(failures.rows.length).toBeGreaterThan(0);
    expect(failures.rows.every((f) => f.repaired && f.sqlstate.startsWith('22'))).toBe(true);
    // The ticket still answers queries and commands, and later writes go through.
    const responded = await handle.executeUpdate(respondUpdate, { args: [{ by: engineer, message: 'looking' }] });
    expect(responded.status).toBe('open');
    // The ticket's own state took the same repair: it shows what is stored.
    const state = await handle.query(getTicketQuery);
    expect([state.title, state.description]).toEqual(['log \uFFFD line', 'half a pair: \uFFFD']);
    const until = Date.now() + 30_000;
    while (!(await eventsOf(ll, ticketId)).some((e) => e.type === 'responded') && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await eventsOf(ll, ticketId)).some((e) => e.type === 'responded')).toBe(true);
    await recordHistory(handle, 'ticket-write-repaired');
  });

  it('a batch that cannot be stored even repaired fails without retry, and is recorded for on-call', async () => {
    const events = [{ workflowId: 'ticket-TKT-00000000DEADBEEF', seq: 7 }];
    // A write the database refuses whatever its text: a product id its CHECK constraint forbids.
    const write = async () => {
      await ll.db.pool.query(`INSERT INTO products (product, name, policy_id) VALUES ('Not A Valid Id!', 'x', 'isode')`);
      return { deliveries: [] };
    };
    const failure = await writeOrRepair(ll.db.pool, events, write).catch((e) => e);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.type).toBe(PERMANENT_WRITE_FAILURE);
    expect(failure.nonRetryable).toBe(true);
    const { rows } = await ll.db.pool.query('SELECT sqlstate, repaired, first_seq, last_seq FROM write_failures WHERE workflow_id = $1', [
      'ticket-TKT-00000000DEADBEEF',
    ]);
    expect(rows).toEqual([{ sqlstate: '23514', repaired: false, first_seq: 7, last_seq: 7 }]);
  });

  it('tells an outage from a refusal: only SQLSTATE classes 22, 23 and 54 are permanent', () => {
    expect(isPermanentDatabaseError({ code: '22P05' })).toBe(true); // unsupported Unicode escape (jsonb and \u0000)
    expect(isPermanentDatabaseError({ code: '22021' })).toBe(true); // invalid byte sequence (text and NUL)
    expect(isPermanentDatabaseError({ code: '23514' })).toBe(true);
    expect(isPermanentDatabaseError({ code: '54000' })).toBe(true);
    expect(isPermanentDatabaseError({ code: '08006' })).toBe(false); // connection failure
    expect(isPermanentDatabaseError({ code: '57P01' })).toBe(false); // admin shutdown
    expect(isPermanentDatabaseError({ code: '40001' })).toBe(false); // serialization failure
    expect(isPermanentDatabaseError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(false);
  });

  it('every ticket opened above replays on the current code', async () => {
    expect(await replayOpenedTickets()).toBeGreaterThan(0);
  });
});
