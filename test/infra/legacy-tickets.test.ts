import { openFirstSliceTickets } from '../../activities/legacy-tickets-report';
import { recordTicketEvent } from '../../activities/legacy-ticket-events';
import { persistTicketEvents } from '../../activities/ticket-events';
import { RulesStore } from '../../common/rules';
import type { LegacyTicketState } from '../../workflows/legacy/types';
import { openingState } from '../../workflows/ticket/machine';
import { createTestDatabase, type TestDatabase } from '../helpers/db';

// The report that says when workflows/legacy/ may be deleted: first-slice tickets still open.
describe('first-slice tickets still open', () => {
  let db: TestDatabase;
  const by = { kind: 'customer' as const, id: 'acme' };

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  const legacy = (ticketId: string, status: 'open' | 'closed', seq: number): LegacyTicketState => ({
    ticketId,
    status,
    customerId: 'acme',
    policyId: 'isode',
    plan: 'gold',
    severity: 'p2',
    type: 'incident',
    title: 'Relay slow',
    description: 'since the upgrade',
    channel: 'portal',
    openedAt: `2025-01-0${seq}T09:00:00.000Z`,
    openedBy: by,
    eventCount: seq,
  });

  it('counts open first-slice tickets, not closed ones nor tickets with SLA clocks', async () => {
    const write = (s: LegacyTicketState, type: 'opened' | 'closed') =>
      recordTicketEvent(db.pool, {
        workflowId: `ticket-${s.ticketId}`,
        ticketId: s.ticketId,
        seq: s.eventCount,
        type,
        occurredAt: s.openedAt,
        actor: by,
        data: {},
        snapshot: s,
      });
    expect(await openFirstSliceTickets(db.pool)).toEqual({ count: 0, ticketIds: [] });
    await write(legacy('TKT-00000000000000A1', 'open', 1), 'opened');
    await write(legacy('TKT-00000000000000A2', 'open', 1), 'opened');
    await write(legacy('TKT-00000000000000A2', 'closed', 2), 'closed');
    const state = openingState(
      {
        ticketId: 'TKT-00000000000000B1',
        customerId: 'acme',
        policyId: 'isode',
        plan: 'gold',
        severity: 'p2',
        type: 'incident',
        title: 'Relay slow',
        description: 'since the upgrade',
        channel: 'portal',
        openedBy: by,
      },
      Date.parse('2026-03-02T09:00:00Z'),
    );
    await persistTicketEvents(
      db.pool,
      [
        {
          workflowId: 'ticket-TKT-00000000000000B1',
          ticketId: state.ticketId,
          seq: 1,
          type: 'opened',
          occurredAt: state.openedAt,
          actor: by,
          data: {},
          snapshot: { ...state, eventCount: 1 },
        },
      ],
      new RulesStore(db.pool),
    );
    expect(await openFirstSliceTickets(db.pool)).toEqual({ count: 1, ticketIds: ['TKT-00000000000000A1'] });
  });
});
