import { Router, type Request, type Response } from 'express';
import { RulesStore } from '../../common/rules';
import { policyById, type Policy } from '../../policies/index';
import { calendarsOf } from '../../policies/calendar';
import { targetClock } from '../../policies/target-clock';
import type { TicketTarget } from '../../workflows/ticket/contract';
import { allow } from '../auth';
import { queueTickets, type QueueRow } from '../read-models/tickets';
import { decodeQueueCursor, encodeQueueCursor, QueueQuerySchema } from '../schemas';
import { parse } from '../validate';
import type { RouteDeps } from './deps';

type Calendars = ReturnType<typeof calendarsOf>;

/** Each ticket's rules, read once per policy and agreement in a page (the rules store caches the merged policies). */
function rulesForPage(rules: RulesStore, logger: RouteDeps['logger']) {
  const seen = new Map<string, Promise<{ policy: Policy; calendars: Calendars }>>();
  return (row: QueueRow) => {
    const key = JSON.stringify([row.policy_id, row.contract_id, row.customer_id]);
    let found = seen.get(key);
    if (!found) {
      const claim = row.contract_id ? { contractId: row.contract_id, customerId: row.customer_id } : undefined;
      found = rules.effective(row.policy_id, claim).then(
        ({ policy }) => ({ policy, calendars: calendarsOf(policy) }),
        (err: Error) => {
          logger.warn({ err: err.message, policyId: row.policy_id }, 'rules unavailable; queue clocks from the catalog policy');
          const policy = policyById(row.policy_id);
          return { policy, calendars: calendarsOf(policy) };
        },
      );
      seen.set(key, found);
    }
    return found;
  };
}

function queueTarget(t: TicketTarget, calendars: Calendars, policy: Policy, asOf: number) {
  const clock = targetClock(calendars(t.calendar), t, asOf);
  return {
    kind: t.kind,
    window: t.window,
    status: t.status,
    dueAt: t.dueAt ?? null,
    ...clock,
    working: t.working,
    calendar: t.calendar,
    calendarZone: policy.calendars.find((c) => c.id === t.calendar)?.zone ?? null,
    warned: t.warnedAt !== undefined,
    breached: t.breachedAt !== undefined,
  };
}

/** GET /v1/queue: open tickets by next due instant, every target's clock read at one instant. */
async function queuePage(deps: RouteDeps, rules: RulesStore, req: Request, res: Response): Promise<void> {
  const q = parse(QueueQuerySchema, req.query, 'query');
  const principal = req.principal!;
  const rows = await queueTickets(deps.pool, {
    policyId: q.policyId,
    plan: q.plan,
    severity: q.severity,
    status: q.status,
    customerId: principal.role === 'customer' ? principal.customerId! : q.customerId,
    assigneeId: q.assigneeId,
    ...(q.cursor ? { after: decodeQueueCursor(q.cursor)! } : {}),
    limit: q.limit + 1,
  });
  const asOf = Date.now();
  const rulesOf = rulesForPage(rules, deps.logger);
  const page = rows.slice(0, q.limit);
  const tickets = await Promise.all(
    page.map(async (r) => {
      const { policy, calendars } = await rulesOf(r);
      return {
        ticketId: r.ticket_id,
        customerId: r.customer_id,
        policyId: r.policy_id,
        plan: r.plan,
        severity: r.severity,
        status: r.status,
        title: r.title,
        product: r.product,
        // The assignee's id is internal to the vendor (common/visibility.ts).
        assigneeId: principal.role === 'customer' ? null : r.assignee_id,
        openedAt: r.opened_at.toISOString(),
        nextDueAt: r.next_due_at?.toISOString() ?? null,
        breached: r.breached,
        targets: (r.snapshot?.targets ?? []).map((t) => queueTarget(t, calendars, policy, asOf)),
      };
    }),
  );
  const last = page[page.length - 1];
  res.json({
    asOf: new Date(asOf).toISOString(),
    tickets,
    nextCursor: rows.length > q.limit && last ? encodeQueueCursor(last.next_due_at?.toISOString() ?? null, last.ticket_id) : null,
  });
}

export function queueRoutes(deps: RouteDeps): Router {
  const router = Router();
  const rules = new RulesStore(deps.pool);
  router.get('/queue', allow('customer', 'engineer'), (req, res) => queuePage(deps, rules, req, res));
  return router;
}
