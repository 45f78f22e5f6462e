import { breachLagSeconds, ticketEventObservations } from '../../activities/ticket-event-observations';
import type { TicketEventRecord } from '../../workflows/ticket/contract';

const event = (
  type: TicketEventRecord['type'],
  data: Record<string, unknown>,
  occurredAt = '2030-06-03T10:00:05.000Z',
): TicketEventRecord => ({
  workflowId: 'ticket-TKT-1',
  ticketId: 'TKT-1',
  seq: 1,
  type,
  occurredAt,
  actor: { kind: 'system', id: 'sla-clock' },
  data,
});
const ticket = { policyId: 'xecuritas', severity: 'sev1' };

describe('the metrics a batch of new ticket events moves', () => {
  it('counts a breach with its lag, and the automatic escalation to its level', () => {
    const observed = ticketEventObservations(
      [
        event('breached', { kind: 'firstResponse', dueAt: '2030-06-03T10:00:00.000Z' }),
        event('escalated', { kind: 'firstResponse', to: 'onCall', automatic: true }),
      ],
      ticket,
    );
    expect(observed).toEqual([
      { metric: 'breach', labels: { policy: 'xecuritas', severity: 'sev1', kind: 'firstResponse' } },
      { metric: 'breachLag', labels: { policy: 'xecuritas', kind: 'firstResponse' }, seconds: 5 },
      {
        metric: 'escalation',
        labels: { policy: 'xecuritas', severity: 'sev1', kind: 'firstResponse', to: 'onCall', automatic: 'true' },
      },
    ]);
  });

  it('counts a staff escalation under kind none at the level it went to (via)', () => {
    expect(ticketEventObservations([event('escalated', { reason: 'VIP', via: 'accountManager', automatic: false })], ticket)).toEqual([
      {
        metric: 'escalation',
        labels: { policy: 'xecuritas', severity: 'sev1', kind: 'none', to: 'accountManager', automatic: 'false' },
      },
    ]);
  });

  it('counts warnings and auto-closes, and nothing for other events', () => {
    const observed = ticketEventObservations(
      [event('warning', { kind: 'resolution' }), event('autoClosed', { reason: 'no answer' }), event('responded', {}), event('closed', {})],
      ticket,
    );
    expect(observed.map((o) => o.metric)).toEqual(['warning', 'autoClose']);
    expect(observed[1].labels).toEqual({ policy: 'xecuritas', severity: 'sev1' });
  });

  it('labels a batch without a snapshot unknown rather than dropping it', () => {
    expect(ticketEventObservations([event('warning', { kind: 'relief' })], undefined)).toEqual([
      { metric: 'warning', labels: { policy: 'unknown', severity: 'unknown', kind: 'relief' } },
    ]);
  });

  it('reads a breach lag to the second, never below 0, and none without a dueAt', () => {
    // Ticket events are kept to the second: a breach in the deadline's own second reads 0.
    expect(breachLagSeconds(event('breached', { dueAt: '2030-06-03T10:00:05.400Z' }))).toBe(0);
    expect(breachLagSeconds(event('breached', { dueAt: '2030-06-03T09:59:00.000Z' }))).toBe(65);
    expect(breachLagSeconds(event('breached', {}))).toBeUndefined();
  });
});
