/**
 * The worker's Prometheus metrics, scraped over HTTP from the registry its activities report to:
 * a ticket opened through the API warns, breaches and escalates as the time-skipping server moves
 * on, and each is counted once; a retried persistence counts nothing twice; every delivery attempt
 * and failure is counted by channel.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createActivities } from '../../activities';
import { deliverNotifications, enqueueNotification } from '../../activities/notifications/outbox';
import { getTicketQuery, ticketWorkflowId, type TicketEventRecord, type TicketState } from '../../workflows/ticket/contract';
import { call, startLifeline, type RunningLifeline } from '../helpers/lifeline';
import { skipTo } from './ticket-helpers';

/** The value of one series in Prometheus text, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const m = /^([a-z_:]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = m[2].split(',');
    if (have.length === wanted.length && wanted.every((w) => have.includes(w))) return Number(m[3]);
  }
  return undefined;
}

describe('worker metrics (time-skipping)', () => {
  let ll: RunningLifeline;
  const scrape = async () => {
    const res = await fetch(ll.workerMetricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };

  beforeAll(async () => {
    ll = await startLifeline();
  });
  afterAll(async () => {
    await ll?.stop();
  });

  it('counts the warning, the breach and the escalation of a ticket opened through the API once each', async () => {
    await skipTo(ll.env, '2030-06-03T09:00:00Z'); // a Monday in London, no holiday near
    const opened = await call(ll.url, 'POST', '/v1/tickets', {
      key: ll.adminKey,
      body: {
        customerId: 'acme',
        policyId: 'isode',
        plan: 'silver',
        severity: 'p2',
        title: 'Mail relay down',
        description: 'No mail since 09:00.',
        contact: { name: 'Ada', email: 'ada@acme.example' },
      },
    });
    expect(opened.status).toBe(201);
    const ticketId: string = opened.body.ticketId;
    const first = (opened.body.targets as Array<{ kind: string; dueAt: string; warnAt?: string }>).find((t) => t.kind === 'firstResponse')!;
    expect(first.warnAt).toBeDefined();
    const firstLabels = { policy: 'isode', severity: 'p2', kind: 'firstResponse' };

    await skipTo(ll.env, new Date(Date.parse(first.warnAt!) + 1_000).toISOString());
    let text = await scrape();
    // Bounded: the local activity that writes the warning may still be committing when the clock stops.
    for (let i = 0; i < 50 && sample(text, 'lifeline_ticket_warnings_total', firstLabels) === undefined; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      text = await scrape();
    }
    expect(sample(text, 'lifeline_ticket_warnings_total', firstLabels)).toBe(1);
    expect(sample(text, 'lifeline_ticket_breaches_total', firstLabels)).toBeUndefined();

    await skipTo(ll.env, new Date(Date.parse(first.dueAt) + 60_000).toISOString());
    text = await scrape();
    for (let i = 0; i < 50 && sample(text, 'lifeline_ticket_breaches_total', firstLabels) === undefined; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      text = await scrape();
    }
    expect(sample(text, 'lifeline_ticket_warnings_total', firstLabels)).toBe(1);
    expect(sample(text, 'lifeline_ticket_breaches_total', firstLabels)).toBe(1);
    const escalation = { ...firstLabels, to: 'supportManagement', automatic: 'true' };
    expect(sample(text, 'lifeline_ticket_escalations_total', escalation)).toBe(1);
    const lag = { policy: 'isode', kind: 'firstResponse' };
    expect(sample(text, 'lifeline_breach_detection_lag_seconds_count', lag)).toBe(1);
    // The breach fired on its timer: recorded within a minute of dueAt, in the 60 s bucket.
    expect(sample(text, 'lifeline_breach_detection_lag_seconds_bucket', { ...lag, le: '60' })).toBe(1);

    // The same figures as the audit log: one row per counted event.
    const { rows } = await ll.db.pool.query<{ type: string; n: number }>(
      `SELECT type, count(*)::int AS n FROM ticket_events WHERE ticket_id = $1 AND data->>'kind' = 'firstResponse' GROUP BY type`,
      [ticketId],
    );
    expect(Object.fromEntries(rows.map((r) => [r.type, r.n]))).toMatchObject({ warning: 1, breached: 1, escalated: 1 });

    // Each outbox row tried (the customer's e-mails, recorded without SMTP) is one attempt, as the outbox counts them.
    const tried = await ll.db.pool.query<{ n: number }>(
      `SELECT coalesce(sum(attempts), 0)::int AS n FROM notifications WHERE ticket_id = $1 AND channel = 'email'`,
      [ticketId],
    );
    expect(tried.rows[0].n).toBeGreaterThan(0);
    expect(sample(text, 'lifeline_notification_delivery_attempts_total', { channel: 'email' })).toBe(tried.rows[0].n);
    expect(sample(text, 'lifeline_notification_delivery_failures_total', { channel: 'email' })).toBeUndefined();

    const state = await ll.env.client.workflow.getHandle(ticketWorkflowId(ticketId)).query(getTicketQuery);
    await retriedPersistenceCountsOnce(state);
  });

  /** A batch written twice (Temporal retrying the local activity) and a batch extended by a retry: each event counts once. */
  async function retriedPersistenceCountsOnce(live: TicketState): Promise<void> {
    const ticketId = 'TKT-00000000000RETRY';
    const labels = { policy: 'isode', severity: 'p4', kind: 'resolution' };
    const snapshot: TicketState = { ...live, ticketId, severity: 'p4' };
    const event = (seq: number, type: 'breached' | 'warning', at: string): TicketEventRecord => ({
      workflowId: ticketWorkflowId(ticketId),
      ticketId,
      seq,
      type,
      occurredAt: at,
      actor: { kind: 'system', id: 'sla-clock' },
      data: { kind: 'resolution', window: 1, dueAt: '2030-06-10T09:00:00.000Z' },
      snapshot,
    });
    const acts = createActivities({ pool: ll.db.pool, metrics: ll.workerMetrics.sink });
    const warned = event(1, 'warning', '2030-06-10T08:00:00.000Z');
    await acts.persistTicketEvents([warned]);
    await acts.persistTicketEvents([warned]);
    let text = await scrape();
    expect(sample(text, 'lifeline_ticket_warnings_total', labels)).toBe(1);
    // A retry that carries the written event and a new one counts only the new one.
    const breached = event(2, 'breached', '2030-06-10T09:00:02.000Z');
    await acts.persistTicketEvents([{ ...warned, snapshot: undefined }, breached]);
    await acts.persistTicketEvents([{ ...warned, snapshot: undefined }, breached]);
    text = await scrape();
    expect(sample(text, 'lifeline_ticket_warnings_total', labels)).toBe(1);
    expect(sample(text, 'lifeline_ticket_breaches_total', labels)).toBe(1);
    const lag = { policy: 'isode', kind: 'resolution' };
    expect(sample(text, 'lifeline_breach_detection_lag_seconds_count', lag)).toBe(1);
    expect(sample(text, 'lifeline_breach_detection_lag_seconds_sum', lag)).toBe(2);
    expect(sample(text, 'lifeline_breach_detection_lag_seconds_bucket', { ...lag, le: '1' })).toBe(0);
    expect(sample(text, 'lifeline_breach_detection_lag_seconds_bucket', { ...lag, le: '2.5' })).toBe(1);
  }

  it('counts each webhook attempt and each failure by channel', async () => {
    let answer = 503;
    const hook: Server = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(answer).end());
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    try {
      const address = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
      const client = await ll.db.pool.connect();
      const id = await enqueueNotification(client, {
        key: 'metrics-webhook-1',
        ticketId: null,
        workflowId: 'ticket-TKT-METRICS-HOOK',
        eventSeq: 1,
        eventType: 'breached',
        role: 'supportManagement',
        route: { channel: 'webhook', address },
        subject: 'Breached',
        body: {},
        occurredAt: new Date().toISOString(),
      }).finally(() => client.release());
      // The outbox as the delivery activity runs it, outside an activity context (so its log goes nowhere).
      const deliver = () =>
        deliverNotifications(
          { pool: ll.db.pool, from: 'Lifeline <support@localhost>', log: () => undefined, metrics: ll.workerMetrics.sink },
          { ids: [id!], at: new Date().toISOString() },
        );
      await expect(deliver()).rejects.toThrow(/HTTP 503/);
      let text = await scrape();
      expect(sample(text, 'lifeline_notification_delivery_attempts_total', { channel: 'webhook' })).toBe(1);
      expect(sample(text, 'lifeline_notification_delivery_failures_total', { channel: 'webhook' })).toBe(1);
      answer = 204;
      await expect(deliver()).resolves.toEqual({ sent: 1, recorded: 0 });
      // Delivered: nothing left to try, so a third call attempts nothing.
      await deliver();
      text = await scrape();
      expect(sample(text, 'lifeline_notification_delivery_attempts_total', { channel: 'webhook' })).toBe(2);
      expect(sample(text, 'lifeline_notification_delivery_failures_total', { channel: 'webhook' })).toBe(1);
    } finally {
      await new Promise((resolve) => hook.close(resolve));
    }
  });

  it('serves only GET /metrics', async () => {
    const other = await fetch(ll.workerMetricsUrl.replace(/\/metrics$/, '/'));
    expect(other.status).toBe(404);
    await other.text();
  });
});
