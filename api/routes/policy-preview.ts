/**
 * POST /v1/policies/preview: what a draft policy would do before it goes live — each sample
 * opening's targets, and the deadlines of the open tickets it would govern, against today's.
 */
import { Router, type Request, type Response } from 'express';
import type { Pool } from 'pg';
import { ticketTargets } from '../../common/rules';
import {
  applyOverride,
  diffDeadlines,
  PolicyError,
  PolicyInputError,
  previewSlaFor,
  targetKinds,
  type Deadline,
  type Policy,
  type PolicyOverride,
} from '../../policies/index';
import type { TicketState } from '../../workflows/ticket/contract';
import { allow } from '../auth';
import { PolicyPreviewRequestSchema } from '../schemas';
import { parse } from '../validate';
import type { RouteDeps } from './deps';
import { documentOf, overrideProblems, validated } from './policy-versions';

const HOUR = 3_600_000;
const MAX_OPENINGS = 2_000;
const MAX_TICKETS = 5_000;

type Opening = { openedAt: string; plan: string; severity: string; product?: string; options?: Record<string, boolean> };

/** Every hour of the coming week, for every plan and severity (products: the first, where the hours depend on one). */
function defaultWeek(policy: Policy, now: number): Opening[] {
  const start = Math.ceil(now / HOUR) * HOUR;
  const product = policy.requiresProduct ? policy.products[0] : undefined;
  const out: Opening[] = [];
  for (let h = 0; h < 168 && out.length < MAX_OPENINGS; h++) {
    for (const plan of policy.plans)
      for (const severity of policy.severities) {
        out.push({
          openedAt: new Date(start + h * HOUR).toISOString(),
          plan: plan.id,
          severity: severity.id,
          ...(product ? { product } : {}),
        });
      }
  }
  return out.slice(0, MAX_OPENINGS);
}

function previewOpening(policy: Policy, o: Opening) {
  try {
    return {
      ...o,
      targets: previewSlaFor(policy, o).targets.map(({ kind, dueAt, warnAt, calendar, duration }) => ({
        kind,
        dueAt,
        warnAt,
        calendar,
        duration,
      })),
    };
  } catch (err) {
    if (err instanceof PolicyInputError || err instanceof PolicyError) return { ...o, refused: err.message };
    throw err;
  }
}

interface OpenTicketRow {
  ticket_id: string;
  snapshot: TicketState;
  contract_override: PolicyOverride | null;
  contract_options: Record<string, boolean> | null;
}

async function openTicketsUnder(pool: Pool, policyId: string): Promise<{ rows: OpenTicketRow[]; override?: PolicyOverride }> {
  const [tickets, override] = await Promise.all([
    pool.query<OpenTicketRow>(
      `SELECT t.ticket_id, t.snapshot, c.override AS contract_override, c.options AS contract_options
         FROM tickets t LEFT JOIN contracts c ON c.contract_id = t.contract_id AND c.customer_id = t.customer_id AND c.policy_id = t.policy_id
        WHERE t.policy_id = $1 AND t.status NOT IN ('closed', 'rejected') ORDER BY t.ticket_id LIMIT $2`,
      [policyId, MAX_TICKETS],
    ),
    pool.query<{ override: PolicyOverride }>('SELECT override FROM policy_overrides WHERE policy_id = $1', [policyId]),
  ]);
  return { rows: tickets.rows, override: override.rows[0]?.override };
}

/** One open ticket's deadlines today (its live targets) and under the draft (with its policy's and contract's overrides). */
function deadlinesOf(row: OpenTicketRow, draft: Policy, now: string): { current: Deadline[]; next: Deadline[]; refused?: string } {
  const t = row.snapshot;
  const live = t.targets.filter((x) => x.status !== 'met' && x.status !== 'cancelled');
  const current = live.map((x) => ({ ticketId: t.ticketId, kind: x.kind, dueAt: x.dueAt ?? null }));
  let policy = draft;
  try {
    if (row.contract_override && Object.keys(row.contract_override).length) policy = applyOverride(draft, row.contract_override);
  } catch (err) {
    if (err instanceof PolicyError) return { current, next: current, refused: `its agreement's terms no longer apply: ${err.message}` };
    throw err;
  }
  const contract = row.contract_options
    ? {
        contractId: t.contractId!,
        customerId: t.customerId,
        plan: t.plan,
        startsAt: new Date(0),
        endsAt: null,
        options: row.contract_options,
      }
    : undefined;
  try {
    const { targets } = ticketTargets(
      { policy, version: 'draft', ...(contract ? { contract } : {}) },
      {
        policyId: t.policyId,
        customerId: t.customerId,
        inputs: {
          plan: t.plan,
          severity: t.severity,
          type: t.type,
          channel: t.channel,
          product: t.product,
          needsCodeChange: t.needsCodeChange,
          options: t.options,
        },
        clocks: live.map((x) => ({ kind: x.kind, startedAt: x.startedAt })),
        pauses: t.pauses.map((p) => ({ start: p.start, ...(p.end ? { end: p.end } : {}) })),
        now,
      },
    );
    return { current, next: targets.map((x) => ({ ticketId: t.ticketId, kind: x.kind, dueAt: x.dueAt ?? null })) };
  } catch (err) {
    // The draft cannot compute this ticket's deadlines (it dropped its severity, say): it is listed, not counted.
    return { current, next: current, refused: (err as Error).message };
  }
}

async function preview({ pool }: RouteDeps, req: Request, res: Response): Promise<void> {
  const body = parse(PolicyPreviewRequestSchema, req.body, 'request body');
  const id = documentOf(body).raw.id;
  // A draft names the policy it would replace; one without an id is previewed as "draft".
  const draft = validated(typeof id === 'string' && /^[a-z][a-zA-Z0-9-]*$/.test(id) ? id : 'draft', body)(1);
  const now = Date.now();
  const openings = (body.openings ?? defaultWeek(draft, now)).map((o) => previewOpening(draft, o));
  const { rows, override } = await openTicketsUnder(pool, draft.id);
  // Overrides the draft would break are named (PUT refuses it then); the draft is shown without them.
  const overrides = await overrideProblems(pool, draft);
  const merged = override && !overrides.some((o) => o.override.startsWith('policy override')) ? applyOverride(draft, override) : draft;
  const current: Deadline[] = [];
  const next: Deadline[] = [];
  const refused: Array<{ ticketId: string; reason: string }> = [];
  for (const row of rows) {
    const d = deadlinesOf(row, merged, new Date(now).toISOString());
    current.push(...d.current);
    next.push(...d.next);
    if (d.refused) refused.push({ ticketId: row.ticket_id, reason: d.refused });
  }
  res.json({
    policyId: draft.id,
    overrides,
    kinds: targetKinds.filter((k) => openings.some((o) => 'targets' in o && o.targets.some((t) => t.kind === k))),
    openings,
    openTickets: { ...diffDeadlines(current, next, rows.length), refused, capped: rows.length === MAX_TICKETS },
  });
}

export function policyPreviewRoutes(deps: RouteDeps): Router {
  const router = Router();
  router.post('/policies/preview', allow('engineer'), (req, res) => preview(deps, req, res));
  return router;
}
