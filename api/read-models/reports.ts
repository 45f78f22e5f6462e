/**
 * The SLA report (GET /v1/reports/sla, docs/architecture.md "Reports"): one SQL statement over a
 * table of report facts — ticket_targets, or the what-if replay's temporary table of the same shape —
 * and the buckets and goals put together from its rows.
 */
import { DateTime } from 'luxon';
import type { Pool, PoolClient } from 'pg';
import { policyById, targetKinds, type GoalSpec } from '../../policies/index';
import { escalationSchema } from '../../policies/schema';
import { reportSource, type ReportSource } from '../../common/ticket-targets-table';
import type { Figures, SlaReport } from '../schemas/reports';

export interface SlaReportRequest {
  from: string;
  to: string;
  zone: string;
  groupBy: 'week' | 'month';
  policyId?: string;
  plan?: string;
  severity?: string;
  customerId?: string;
  product?: string;
  /** The goals of a policy; by default the policy this process knows (built-in or stored), none for an unknown one. */
  goalsOf?: (policyId: string) => GoalSpec[];
}

const FILTERS = { policyId: 'policy_id', plan: 'plan', severity: 'severity', customerId: 'customer_id', product: 'product' } as const;
type FilterKey = keyof typeof FILTERS;

interface DurationRow {
  bucket: string | null;
  tickets: number;
  fr_count: number;
  fr_median: number | null;
  fr_p90: number | null;
  relief_count: number;
  relief_median: number | null;
  relief_p90: number | null;
  waiting_tickets: number;
  waiting_total: number;
  waiting_median: number | null;
}
interface KindRow {
  bucket: string;
  kind: (typeof targetKinds)[number];
  policy_id: string;
  ticket_type: string;
  total: number;
  met: number;
  met_on_time: number;
  breached: number;
  open: number;
  cancelled: number;
}
interface EscalationRow {
  bucket: string;
  escalate_to: (typeof escalationSchema.options)[number];
  count: number;
}

const met = (kind: string) => `kind = '${kind}' AND status = 'met'`;

/** The statement: the period's facts once (materialized), then durations by bucket and in total, counts by kind, breaches by level. */
function reportSql(table: ReportSource, where: string): string {
  return `WITH f AS MATERIALIZED (
    SELECT to_char(date_trunc($3, opened_at AT TIME ZONE $4), 'YYYY-MM-DD') AS bucket,
           kind, status, met_on_time, elapsed_ms, waiting_ms, ticket_row, breached_at, escalate_to, policy_id, ticket_type
      FROM ${table} WHERE opened_at >= $1 AND opened_at < $2 ${where}
  ), durations AS (
    SELECT bucket, count(*) FILTER (WHERE ticket_row) AS tickets,
           count(*) FILTER (WHERE ${met('firstResponse')}) AS fr_count,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY elapsed_ms) FILTER (WHERE ${met('firstResponse')}) AS fr_median,
           percentile_disc(0.9) WITHIN GROUP (ORDER BY elapsed_ms) FILTER (WHERE ${met('firstResponse')}) AS fr_p90,
           count(*) FILTER (WHERE ${met('relief')}) AS relief_count,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY elapsed_ms) FILTER (WHERE ${met('relief')}) AS relief_median,
           percentile_disc(0.9) WITHIN GROUP (ORDER BY elapsed_ms) FILTER (WHERE ${met('relief')}) AS relief_p90,
           count(*) FILTER (WHERE ticket_row AND waiting_ms > 0) AS waiting_tickets,
           coalesce(sum(waiting_ms) FILTER (WHERE ticket_row), 0) AS waiting_total,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY waiting_ms) FILTER (WHERE ticket_row AND waiting_ms > 0) AS waiting_median
      FROM f GROUP BY ROLLUP (bucket)
  ), kinds AS (
    SELECT bucket, kind, policy_id, ticket_type, count(*) AS total,
           count(*) FILTER (WHERE status = 'met') AS met,
           count(*) FILTER (WHERE status = 'met' AND met_on_time) AS met_on_time,
           count(*) FILTER (WHERE status = 'breached') AS breached,
           count(*) FILTER (WHERE status IN ('running', 'paused', 'suspended')) AS open,
           count(*) FILTER (WHERE status = 'cancelled') AS cancelled
      FROM f WHERE kind <> 'none' GROUP BY bucket, kind, policy_id, ticket_type
  ), escalations AS (
    SELECT bucket, escalate_to, count(*) AS count FROM f WHERE breached_at IS NOT NULL GROUP BY bucket, escalate_to
  )
  SELECT (SELECT coalesce(json_agg(d), '[]') FROM durations d) AS durations,
         (SELECT coalesce(json_agg(k), '[]') FROM kinds k) AS kinds,
         (SELECT coalesce(json_agg(e), '[]') FROM escalations e) AS escalations`;
}

/** The period's bucket keys (the local start day of each ISO week or month) with their start and end clipped to the period. */
export function reportBuckets(
  q: Pick<SlaReportRequest, 'from' | 'to' | 'zone' | 'groupBy'>,
): Array<{ key: string; start: string; end: string }> {
  const out: Array<{ key: string; start: string; end: string }> = [];
  const step = q.groupBy === 'week' ? { weeks: 1 } : { months: 1 };
  for (let b = DateTime.fromISO(q.from, { zone: q.zone }).startOf(q.groupBy); b.toISODate()! < q.to; b = b.plus(step)) {
    const key = b.toISODate()!;
    const next = b.plus(step).toISODate()!;
    out.push({ key, start: key < q.from ? q.from : key, end: next > q.to ? q.to : next });
  }
  return out;
}

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

function defaultGoals(policyId: string): GoalSpec[] {
  try {
    return policyById(policyId).goals ?? [];
  } catch {
    return []; // a policy no longer known here: its tickets are counted, its goals cannot be
  }
}

/** Figures of one bucket (or the total: every row) from the statement's rows. */
function figures(
  d: DurationRow | undefined,
  kinds: KindRow[],
  escalations: EscalationRow[],
  reportKinds: string[],
  goals: Array<GoalSpec & { policyId: string }>,
): Figures {
  const sum = (rows: KindRow[], k: keyof KindRow) => rows.reduce((s, r) => s + Number(r[k]), 0);
  return {
    tickets: Number(d?.tickets ?? 0),
    targets: reportKinds.map((kind) => {
      const rows = kinds.filter((r) => r.kind === kind);
      const [m, onTime, breached] = [sum(rows, 'met'), sum(rows, 'met_on_time'), sum(rows, 'breached')];
      return {
        kind: kind as (typeof targetKinds)[number],
        total: sum(rows, 'total'),
        met: m,
        metOnTime: onTime,
        metLate: m - onTime,
        breached,
        open: sum(rows, 'open'),
        cancelled: sum(rows, 'cancelled'),
        shareMetOnTime: share(onTime, m + breached),
      };
    }),
    firstResponse: { count: Number(d?.fr_count ?? 0), medianMs: d?.fr_median ?? null, p90Ms: d?.fr_p90 ?? null },
    relief: { count: Number(d?.relief_count ?? 0), medianMs: d?.relief_median ?? null, p90Ms: d?.relief_p90 ?? null },
    waitingOnCustomer: {
      tickets: Number(d?.waiting_tickets ?? 0),
      totalMs: Number(d?.waiting_total ?? 0),
      medianMs: d?.waiting_median ?? null,
    },
    breachesByEscalation: escalationSchema.options
      .map((level) => ({
        escalateTo: level,
        count: escalations.filter((e) => e.escalate_to === level).reduce((s, e) => s + Number(e.count), 0),
      }))
      .filter((e) => e.count > 0),
    goals: goals.map((g) => {
      const rows = kinds.filter(
        (r) => r.policy_id === g.policyId && r.kind === g.target && (!g.ticketTypes || g.ticketTypes.includes(r.ticket_type as never)),
      );
      const [eligible, kept] = [sum(rows, 'met') + sum(rows, 'breached'), sum(rows, 'met_on_time')];
      const s = share(kept, eligible);
      return {
        policyId: g.policyId,
        id: g.id,
        text: g.text,
        source: g.source,
        target: g.target,
        goal: g.share,
        eligible,
        kept,
        share: s,
        reached: s === null ? null : s >= g.share,
      };
    }),
  };
}

/** Compliance figures of the tickets opened in [from, to) in `zone`, under the filters, read from `source` (an allow-listed table). */
export async function slaReport(db: Pool | PoolClient, query: SlaReportRequest, source: string = 'ticket_targets'): Promise<SlaReport> {
  const table = reportSource(source);
  const start = DateTime.fromISO(query.from, { zone: query.zone }).toUTC().toISO()!;
  const end = DateTime.fromISO(query.to, { zone: query.zone }).toUTC().toISO()!;
  const args: unknown[] = [start, end, query.groupBy, query.zone];
  const where = (Object.keys(FILTERS) as FilterKey[])
    .filter((k) => query[k] !== undefined)
    .map((k) => {
      args.push(query[k]);
      return `AND ${FILTERS[k]} = $${args.length}`;
    })
    .join(' ');
  const { rows } = await db.query<{ durations: DurationRow[]; kinds: KindRow[]; escalations: EscalationRow[] }>(
    reportSql(table, where),
    args,
  );
  const { durations, kinds, escalations } = rows[0];
  const reportKinds = targetKinds.filter((k) => kinds.some((r) => r.kind === k));
  const policies = query.policyId ? [query.policyId] : [...new Set(kinds.map((r) => r.policy_id))].sort();
  const goalsOf = query.goalsOf ?? defaultGoals;
  const goals = policies.flatMap((policyId) => goalsOf(policyId).map((g) => ({ ...g, policyId })));
  const filters = Object.fromEntries((Object.keys(FILTERS) as FilterKey[]).map((k) => [k, query[k] ?? null])) as SlaReport['filters'];
  return {
    period: { from: query.from, to: query.to, zone: query.zone },
    groupBy: query.groupBy,
    filters,
    totals: figures(
      durations.find((d) => d.bucket === null),
      kinds,
      escalations,
      reportKinds,
      goals,
    ),
    buckets: reportBuckets(query).map(({ key, start: s, end: e }) => ({
      start: s,
      end: e,
      ...figures(
        durations.find((d) => d.bucket === key),
        kinds.filter((r) => r.bucket === key),
        escalations.filter((r) => r.bucket === key),
        reportKinds,
        goals,
      ),
    })),
  };
}
