import { ApplicationFailure } from '@temporalio/common';
import { withTransaction, type Pool, type PoolClient } from '../common/db';
import type { RulesStore } from '../common/rules';
import { queueLifecycleNotices } from './notifications/lifecycle-messages';
import {
  earliestMilestoneDate,
  lifecycleDates,
  minorRuleFor,
  PolicyError,
  PolicyInputError,
  type Milestone,
  type Policy,
} from '../policies/index';
import { addDays, formatDate, localDateOf, localToUtc, parseDate } from '../policies/zone';
import {
  INVALID_LIFECYCLE_INPUT,
  type LifecycleEventRecord,
  type LifecyclePlan,
  type LifecycleState,
  type PlanLifecycleInput,
} from '../workflows/lifecycle/contract';

const startOf = (zone: string, date: string) => new Date(localToUtc(zone, parseDate(date), 0)).toISOString();
// A milestone day is still supported: the change happens at the start of the next day in the zone.
const endOf = (zone: string, date: string) => new Date(localToUtc(zone, addDays(parseDate(date), 1), 0)).toISOString();

/**
 * The lifecycle local activity: milestones from the current rules (catalog + policy override),
 * the instants of each phase change and advance notice in the product's zone, today's date there
 * and the earliest date a milestone may be set to. The result is recorded in the workflow's history.
 */
export async function planLifecycle(rules: RulesStore, input: PlanLifecycleInput): Promise<LifecyclePlan> {
  try {
    const effective = await rules.effective(input.policyId);
    return lifecyclePlan(effective.policy, effective.version, input);
  } catch (err) {
    if (err instanceof PolicyInputError || err instanceof PolicyError) {
      throw ApplicationFailure.create({ type: INVALID_LIFECYCLE_INPUT, message: err.message, nonRetryable: true });
    }
    throw err;
  }
}

/** The plan itself, pure: the same answer for the same policy, rules version and input (unit tests use it directly). */
export function lifecyclePlan(policy: Policy, rulesVersion: string, input: PlanLifecycleInput): LifecyclePlan {
  const milestones = lifecycleDates(policy.lifecycle, policy.version, input.dates);
  const today = formatDate(localDateOf(input.zone, Date.parse(input.now)));
  const changesAt: LifecyclePlan['changesAt'] = { ga: startOf(input.zone, input.dates.ga) };
  const noticeDueAt: LifecyclePlan['noticeDueAt'] = {};
  for (const m of ['eos', 'eoms', 'eol'] as Milestone[]) {
    const date = milestones[m];
    if (date) changesAt[m] = endOf(input.zone, date);
  }
  for (const n of milestones.notices) noticeDueAt[n.milestone] = startOf(input.zone, n.sendOn);
  const minorRule = minorRuleFor(policy.minorVersions, input.product);
  return {
    milestones,
    changesAt,
    noticeDueAt,
    today,
    earliest: earliestMilestoneDate(today, policy.lifecycle?.noticeMonths ?? 6),
    rulesVersion,
    ...(policy.lifecycle ? { rules: policy.lifecycle } : {}),
    ...(minorRule ? { minorRule } : {}),
  };
}

/**
 * Appends a batch of lifecycle events, moves the version's read-model row forward and queues the
 * notices they cause for the version's licensees, in one transaction. Idempotent like the ticket
 * events: (workflow_id, seq) is unique, one outbox row per (event, customer and contact).
 */
export async function persistLifecycleEvents(pool: Pool, events: LifecycleEventRecord[]): Promise<{ deliveries: number[] }> {
  if (events.length === 0) return { deliveries: [] };
  return withTransaction(pool, async (client) => {
    await client.query(
      `INSERT INTO lifecycle_events (workflow_id, product, version, seq, type, occurred_at, actor_kind, actor_id, data)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::timestamptz[], $7::text[], $8::text[], $9::jsonb[])
       ON CONFLICT (workflow_id, seq) DO NOTHING`,
      [
        events.map((e) => e.workflowId),
        events.map((e) => e.product),
        events.map((e) => e.version),
        events.map((e) => e.seq),
        events.map((e) => e.type),
        events.map((e) => e.occurredAt),
        events.map((e) => e.actor.kind),
        events.map((e) => e.actor.id),
        events.map((e) => JSON.stringify(e.data)),
      ],
    );
    const last = events.reduce((a, b) => (b.seq > a.seq ? b : a));
    const snapshot = last.snapshot ?? events.find((e) => e.snapshot)?.snapshot;
    if (snapshot) await upsertVersion(client, last.seq, snapshot);
    const deliveries: number[] = [];
    for (const event of events) {
      if (event.notify && snapshot) deliveries.push(...(await queueLifecycleNotices(client, event, snapshot)));
    }
    return { deliveries };
  });
}

async function upsertVersion(client: PoolClient, seq: number, s: LifecycleState): Promise<void> {
  const latest = [...s.minors].sort((a, b) => (a.releasedOn < b.releasedOn ? -1 : a.releasedOn > b.releasedOn ? 1 : 0)).at(-1);
  await client.query(
    `INSERT INTO product_versions (policy_id, product, version, supported_until, workflow_id, phase, on_sale, ga, eos, eoms, eol,
                                   provisional, latest_minor, supported_minors, snapshot, last_seq, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, now())
     ON CONFLICT (policy_id, product, version) DO UPDATE SET
       supported_until = EXCLUDED.supported_until, workflow_id = EXCLUDED.workflow_id, phase = EXCLUDED.phase,
       on_sale = EXCLUDED.on_sale, ga = EXCLUDED.ga, eos = EXCLUDED.eos, eoms = EXCLUDED.eoms, eol = EXCLUDED.eol,
       provisional = EXCLUDED.provisional, latest_minor = EXCLUDED.latest_minor, supported_minors = EXCLUDED.supported_minors,
       snapshot = EXCLUDED.snapshot, last_seq = EXCLUDED.last_seq, updated_at = now()
     WHERE product_versions.last_seq < EXCLUDED.last_seq`,
    [
      s.policyId,
      s.product,
      s.major,
      s.changesAt.eol ?? null,
      s.workflowId,
      s.phase,
      s.onSale,
      s.inputs.ga,
      s.milestones.eos ?? null,
      s.milestones.eoms ?? null,
      s.milestones.eol ?? null,
      s.milestones.provisional,
      latest?.version ?? null,
      s.supportedMinors,
      JSON.stringify(s),
      seq,
    ],
  );
}
