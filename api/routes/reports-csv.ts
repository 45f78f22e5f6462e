/** The SLA report as RFC 4180 CSV: a header, one row per bucket, then the total row; flat, named columns. */
import { escalationSchema, targetKinds } from '../../policies/schema';
import type { Figures, SlaReport } from '../schemas/reports';

type Cell = string | number | boolean | null;

/** A field quoted when it holds a comma, a quote or a line break, its quotes doubled (RFC 4180 2.6, 2.7). */
export function csvField(value: Cell): string {
  const s = value === null ? '' : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const snake = (s: string) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** Every column of one row, named: the same names in every row, whatever the bucket holds (absent kinds count 0). */
function columns(f: Figures, goals: SlaReport['totals']['goals']): Array<[string, Cell]> {
  const cols: Array<[string, Cell]> = [['tickets', f.tickets]];
  for (const kind of targetKinds) {
    const t = f.targets.find((x) => x.kind === kind);
    const k = snake(kind);
    for (const field of ['total', 'met', 'metOnTime', 'metLate', 'breached', 'open', 'cancelled'] as const)
      cols.push([`${k}_${snake(field)}`, t?.[field] ?? 0]);
    cols.push([`${k}_share_met_on_time`, t?.shareMetOnTime ?? null]);
  }
  for (const [name, d] of [
    ['first_response', f.firstResponse],
    ['relief', f.relief],
  ] as const) {
    cols.push([`${name}_count`, d.count], [`${name}_median_ms`, d.medianMs], [`${name}_p90_ms`, d.p90Ms]);
  }
  const w = f.waitingOnCustomer;
  cols.push(
    ['waiting_on_customer_tickets', w.tickets],
    ['waiting_on_customer_total_ms', w.totalMs],
    ['waiting_on_customer_median_ms', w.medianMs],
  );
  for (const level of escalationSchema.options)
    cols.push([`breaches_${snake(level)}`, f.breachesByEscalation.find((b) => b.escalateTo === level)?.count ?? 0]);
  for (const g of goals) {
    const mine = f.goals.find((x) => x.policyId === g.policyId && x.id === g.id);
    const p = `goal_${g.policyId}_${g.id}`;
    cols.push(
      [`${p}_goal`, g.goal],
      [`${p}_eligible`, mine?.eligible ?? 0],
      [`${p}_kept`, mine?.kept ?? 0],
      [`${p}_share`, mine?.share ?? null],
      [`${p}_reached`, mine?.reached ?? null],
    );
  }
  return cols;
}

export function slaReportCsv(report: SlaReport): string {
  const goals = report.totals.goals;
  const rows: Array<Array<[string, Cell]>> = [
    ...report.buckets.map(
      (b): Array<[string, Cell]> => [['row', report.groupBy], ['start', b.start], ['end', b.end], ...columns(b, goals)],
    ),
    [['row', 'total'], ['start', report.period.from], ['end', report.period.to], ...columns(report.totals, goals)],
  ];
  const header = rows[0].map(([name]) => name);
  return [header, ...rows.map((r) => r.map(([, v]) => v))].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
