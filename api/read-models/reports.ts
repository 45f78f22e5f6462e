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

interface TicketRow {
  bucket: number | null;
  tickets: number;
  waiting_tickets: number;
  waiting_total: number;
  waiting_median: number | null;
}
interface TimeRow {
  bucket: number | null;
  kind: 'firstResponse' | 'relief';
  count: number;
  /** percentile_disc at 0.5 and 0.9. */
  p: [number, number] | null;
}
interface KindRow {
  bucket: number;
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
  bucket: number;
  escalate_to: (typeof escalationSchema.options)[number];
  count: number;
}

interface GroupRow extends KindRow {
  escalate_to: EscalationRow['escalate_to'] | null;
  breaches: number;
}

/**
 * The statement. Three parts, each a scan of the period's facts (the equality filters an index
 * range), the bucket of a fact found by binary search in the buckets' start instants ($3): counts by
 * bucket, kind, policy, ticket type and escalation level (hashed, no sort); the met first-response
 * and relief times' percentiles, one ordered-set aggregate for both, by kind and bucket and by kind;
 * tickets and their waiting by bucket and in total.
 */
function reportSql(table: ReportSource, where: string): string {
  return `WITH f AS NOT MATERIALIZED (
    SELECT width_bucket(opened_at, $3::timestamptz[]) AS bucket,
           kind, status, met_on_time, elapsed_ms, waiting_ms, ticket_row, breached_at, escalate_to, policy_id, ticket_type
      FROM ${table} WHERE opened_at >= $1 AND opened_at < $2 ${where}
  ), kinds AS (
    SELECT bucket, kind, policy_id, ticket_type, escalate_to, count(*) AS total,
           count(*) FILTER (WHERE status = 'met') AS met,
           count(*) FILTER (WHERE status = 'met' AND met_on_time) AS met_on_time,
           count(*) FILTER (WHERE status = 'breached') AS breached,
           count(*) FILTER (WHERE status IN ('running', 'paused', 'suspended')) AS open,
           count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
           count(*) FILTER (WHERE breached_at IS NOT NULL) AS breaches
      FROM f WHERE kind <> 'none' GROUP BY bucket, kind, policy_id, ticket_type, escalate_to
  ), times AS (
    SELECT bucket, kind, count(elapsed_ms) AS count, percentile_disc(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY elapsed_ms) AS p
      FROM f WHERE status = 'met' AND kind IN ('firstResponse', 'relief') GROUP BY kind, ROLLUP (bucket)
  ), tickets AS (
    SELECT bucket, count(*) AS tickets, count(*) FILTER (WHERE waiting_ms > 0) AS waiting_tickets,
           coalesce(sum(waiting_ms), 0) AS waiting_total,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY waiting_ms) FILTER (WHERE waiting_ms > 0) AS waiting_median
      FROM f WHERE ticket_row GROUP BY ROLLUP (bucket)
  )
  SELECT (SELECT coalesce(json_agg(k), '[]') FROM kinds k) AS kinds,
         (SELECT coalesce(json_agg(d), '[]') FROM times d) AS times,
         (SELECT coalesce(json_agg(t), '[]') FROM tickets t) AS tickets`;
}

/** Sorts and hashes of a year's facts fit in memory with this; the default 4 MB spills them to disk. */
export const REPORT_WORK_MEM = '64MB';

/** Runs the statement: on a pool in a read-only transaction of its own with REPORT_WORK_MEM; on a client as it is set. */
async function run<R extends object>(db: Pool | PoolClient, text: string, args: unknown[]): Promise<R> {
  if (!('totalCount' in db)) return (await db.query<R>(text, args)).rows[0];
  const client = await db.connect();
  try {
    await client.query('BEGIN READ ONLY');
    await client.query(`SET LOCAL work_mem = '${REPORT_WORK_MEM}'`);
    const { rows } = await client.query<R>(text, args);
    await client.query('COMMIT');
    return rows[0];
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export interface ReportBucket {
  start: string;
  end: string;
  /** The instant the bucket begins (its first day's start in the zone), clipped to the period. */
  startsAt: string;
}

/** The period's buckets (ISO weeks from Monday, or months, in the zone), their first and last clipped to the period. */
export function reportBuckets(q: Pick<SlaReportRequest, 'from' | 'to' | 'zone' | 'groupBy'>): ReportBucket[] {
  const out: ReportBucket[] = [];
  const step = q.groupBy === 'week' ? { weeks: 1 } : { months: 1 };
  for (let b = DateTime.fromISO(q.from, { zone: q.zone }).startOf(q.groupBy); b.toISODate()! < q.to; b = b.plus(step)) {
    const key = b.toISODate()!;
    const next = b.plus(step).toISODate()!;
    const start = key < q.from ? q.from : key;
    out.push({ start, end: next > q.to ? q.to : next, startsAt: DateTime.fromISO(start, { zone: q.zone }).toUTC().toISO()! });
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
  t: TicketRow | undefined,
  times: TimeRow[],
  kinds: KindRow[],
  escalations: EscalationRow[],
  reportKinds: string[],
  goals: Array<GoalSpec & { policyId: string }>,
): Figures {
  const timesOf = (kind: TimeRow['kind']) => {
    const r = times.find((x) => x.kind === kind);
    return { count: Number(r?.count ?? 0), medianMs: r?.p?.[0] ?? null, p90Ms: r?.p?.[1] ?? null };
  };
  const sum = (rows: KindRow[], k: keyof KindRow) => rows.reduce((s, r) => s + Number(r[k]), 0);
  return {
    tickets: Number(t?.tickets ?? 0),
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
    firstResponse: timesOf('firstResponse'),
    relief: timesOf('relief'),
    waitingOnCustomer: {
      tickets: Number(t?.waiting_tickets ?? 0),
      totalMs: Number(t?.waiting_total ?? 0),
      medianMs: t?.waiting_median ?? null,
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

/** The period ($1, $2: its first bucket's start and the end of `to` in the zone), then `leading`, then one parameter per filter. */
function periodAndFilters(query: SlaReportRequest, leading: unknown[]): { args: unknown[]; where: string } {
  const start = reportBuckets(query)[0].startsAt;
  const end = DateTime.fromISO(query.to, { zone: query.zone }).toUTC().toISO()!;
  const args: unknown[] = [start, end, ...leading];
  const where = (Object.keys(FILTERS) as FilterKey[])
    .filter((k) => query[k] !== undefined)
    .map((k) => {
      args.push(query[k]);
      return `AND ${FILTERS[k]} = $${args.length}`;
    })
    .join(' ');
  return { args, where };
}

/** The tickets a report counts (at most `limit` + 1, so a caller can tell there are more), in opening order. */
export async function reportTickets(db: Pool | PoolClient, query: SlaReportRequest, limit: number): Promise<string[]> {
  const { args, where } = periodAndFilters(query, []);
  args.push(limit + 1);
  const { rows } = await db.query<{ ticket_id: string }>(
    `SELECT ticket_id FROM ticket_targets WHERE ticket_row AND opened_at >= $1 AND opened_at < $2 ${where}
      ORDER BY opened_at, ticket_id LIMIT $${args.length}`,
    args,
  );
  return rows.map((r) => r.ticket_id);
}

/** Compliance figures of the tickets opened in [from, to) in `zone`, under the filters, read from `source` (an allow-listed table). */
export async function slaReport(db: Pool | PoolClient, query: SlaReportRequest, source: string = 'ticket_targets'): Promise<SlaReport> {
  const table = reportSource(source);
  const buckets = reportBuckets(query);
  const { args, where } = periodAndFilters(query, [buckets.map((b) => b.startsAt)]);
  const part = await run<{ kinds: GroupRow[]; times: TimeRow[]; tickets: TicketRow[] }>(db, reportSql(table, where), args);
  const { kinds, times, tickets } = part;
  const escalations = kinds
    .filter((r) => r.breaches > 0)
    .map((r) => ({ bucket: r.bucket, escalate_to: r.escalate_to!, count: r.breaches }));
  const reportKinds = targetKinds.filter((k) => kinds.some((r) => r.kind === k));
  const policies = query.policyId ? [query.policyId] : [...new Set(kinds.map((r) => r.policy_id))].sort();
  const goalsOf = query.goalsOf ?? defaultGoals;
  const goals = policies.flatMap((policyId) => goalsOf(policyId).map((g) => ({ ...g, policyId })));
  const filters = Object.fromEntries((Object.keys(FILTERS) as FilterKey[]).map((k) => [k, query[k] ?? null])) as SlaReport['filters'];
  // width_bucket numbers the buckets from 1; the ROLLUP's total rows have bucket null.
  const of = <R extends { bucket: number | null }>(list: R[], n: number | null) => list.filter((r) => r.bucket === n);
  return {
    period: { from: query.from, to: query.to, zone: query.zone },
    groupBy: query.groupBy,
    filters,
    totals: figures(of(tickets, null)[0], of(times, null), kinds, escalations, reportKinds, goals),
    buckets: buckets.map(({ start: s, end: e }, i) => ({
      start: s,
      end: e,
      ...figures(of(tickets, i + 1)[0], of(times, i + 1), of(kinds, i + 1), of(escalations, i + 1), reportKinds, goals),
    })),
  };
}
