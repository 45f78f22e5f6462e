/**
 * SLA reports (GET /v1/reports/sla): share met on time per bucket against each goal, and response
 * and relief medians, as inline SVG with the numbers in tables. Opens on the current quarter.
 */
import { api, ApiError } from './api';
import { errorBox, h, svg } from './dom';
import { formatDuration, targetLabel } from './format';
import type { Cleanup, PageContext } from './main';
import { session } from './session';
import type { SlaReport } from './types';

const FIELDS = [
  ['from', 'From', 'date'],
  ['to', 'To', 'date'],
  ['policyId', 'Policy', 'text'],
  ['plan', 'Plan', 'text'],
  ['severity', 'Severity', 'text'],
  ['customerId', 'Customer', 'text'],
  ['product', 'Product', 'text'],
] as const;
const W = 720;
const H = 200;
const pct = (share: number | null) => (share === null ? '—' : `${Math.round(share * 1000) / 10} %`);

function bars(
  title: string,
  labels: string[],
  values: Array<number | null>,
  max: number,
  goal?: number,
  fmt: (v: number | null) => string = pct,
): HTMLElement {
  const step = (W - 60) / Math.max(1, labels.length);
  const y = (v: number) => H - 30 - (v / max) * (H - 50);
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title });
  chart.append(svg('line', { x1: 50, x2: W - 10, y1: H - 30, y2: H - 30, class: 'lc-axis' }));
  values.forEach((v, i) => {
    const x = 55 + i * step;
    if (v !== null)
      chart.append(
        svg('rect', { x, y: y(v), width: step * 0.7, height: H - 30 - y(v), class: 'bar' }, svg('title', {}, `${labels[i]}: ${fmt(v)}`)),
      );
    chart.append(svg('text', { x: x + step * 0.35, y: H - 12, 'text-anchor': 'middle', class: 'tl-label' }, labels[i]));
  });
  if (goal !== undefined) {
    chart.append(svg('line', { x1: 50, x2: W - 10, y1: y(goal), y2: y(goal), class: 'goal' }, svg('title', {}, `goal ${fmt(goal)}`)));
    chart.append(svg('text', { x: 52, y: y(goal) - 4, class: 'tl-label' }, `goal ${fmt(goal)}`));
  }
  return h('figure', {}, h('figcaption', {}, title), chart);
}

function numbers(caption: string, head: string[], rows: Array<Array<string | number>>): HTMLElement {
  return h(
    'table',
    { class: 'numbers' },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
    h(
      'tbody',
      {},
      ...rows.map((r) => h('tr', {}, ...r.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, String(c)) : h('td', {}, String(c)))))),
    ),
  );
}

function reportView(report: SlaReport): HTMLElement {
  const labels = report.buckets.map((b) => b.start.slice(0, 10));
  const kinds = [...new Set(report.buckets.flatMap((b) => b.targets.map((t) => t.kind)))];
  const out = h(
    'div',
    { class: 'report' },
    h('h2', {}, `${report.period.from.slice(0, 10)} to ${report.period.to.slice(0, 10)}, by ${report.groupBy}`),
  );
  for (const kind of kinds) {
    const shares = report.buckets.map((b) => b.targets.find((t) => t.kind === kind)?.shareMetOnTime ?? null);
    const goal = report.totals.goals.find((g) => g.target === kind)?.goal;
    out.append(bars(`${targetLabel(kind)}: share met on time per ${report.groupBy}`, labels, shares, 1, goal));
    out.append(
      numbers(
        `${targetLabel(kind)} per ${report.groupBy}`,
        ['Bucket', 'Total', 'Met on time', 'Met late', 'Breached', 'Open', 'Share on time'],
        report.buckets.map((b, i) => {
          const t = b.targets.find((x) => x.kind === kind);
          return [
            labels[i],
            t?.total ?? 0,
            t?.metOnTime ?? 0,
            t?.metLate ?? 0,
            t?.breached ?? 0,
            t?.open ?? 0,
            pct(t?.shareMetOnTime ?? null),
          ];
        }),
      ),
    );
  }
  const medians = report.buckets.map((b) => b.firstResponse.medianMs);
  const top = Math.max(1, ...medians.filter((m): m is number => m !== null));
  out.append(
    bars(`Median first response per ${report.groupBy}`, labels, medians, top, undefined, (v) => (v === null ? '—' : formatDuration(v))),
  );
  out.append(
    numbers(
      `Response and relief per ${report.groupBy}`,
      ['Bucket', 'Tickets', 'First response median', 'p90', 'Relief median', 'p90'],
      report.buckets.map((b, i) => [
        labels[i],
        b.tickets,
        b.firstResponse.medianMs === null ? '—' : formatDuration(b.firstResponse.medianMs),
        b.firstResponse.p90Ms === null ? '—' : formatDuration(b.firstResponse.p90Ms),
        b.relief.medianMs === null ? '—' : formatDuration(b.relief.medianMs),
        b.relief.p90Ms === null ? '—' : formatDuration(b.relief.p90Ms),
      ]),
    ),
  );
  out.append(
    numbers(
      'Goals over the period',
      ['Goal', 'Source', 'Eligible', 'Kept', 'Share', 'Goal share', 'Reached'],
      report.totals.goals.map((g) => [
        g.text,
        g.source,
        g.eligible,
        g.kept,
        pct(g.share),
        pct(g.goal),
        g.reached === null ? '—' : g.reached ? 'yes' : 'no',
      ]),
    ),
  );
  out.append(
    numbers(
      'Breaches by escalation',
      ['Escalated to', 'Breaches'],
      report.totals.breachesByEscalation.map((b) => [b.escalateTo, b.count]),
    ),
  );
  return out;
}

async function downloadCsv(query: URLSearchParams): Promise<void> {
  const res = await fetch(`/v1/reports/sla?${query}&format=csv`, { headers: { authorization: `Bearer ${session.key() ?? ''}` } });
  if (!res.ok) throw new ApiError(res.status, `The CSV was refused (${res.status}).`);
  const a = h('a', { href: URL.createObjectURL(await res.blob()), download: 'sla-report.csv' });
  a.click();
  URL.revokeObjectURL(a.href);
}

/** The calendar quarter (UTC) a date is in: the period the page opens on. */
function currentQuarter(d: Date): { from: string; to: string } {
  const first = Math.floor(d.getUTCMonth() / 3) * 3;
  const day = (y: number, m: number) => new Date(Date.UTC(y, m, 1)).toISOString().slice(0, 10);
  return { from: day(d.getUTCFullYear(), first), to: day(d.getUTCFullYear(), first + 3) };
}

export async function renderReports({ main }: PageContext): Promise<Cleanup> {
  const form = h('form', { class: 'filters', 'aria-label': 'Report period and filters' });
  const defaults = currentQuarter(new Date());
  for (const [name, label, type] of FIELDS) {
    const value = name === 'from' || name === 'to' ? defaults[name] : undefined;
    form.append(h('div', { class: 'field' }, h('label', { for: `r-${name}` }, label), h('input', { id: `r-${name}`, name, type, value })));
  }
  form.append(
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'r-groupBy' }, 'Group by'),
      h(
        'select',
        { id: 'r-groupBy', name: 'groupBy' },
        h('option', { value: 'month', selected: true }, 'month'),
        h('option', { value: 'week' }, 'week'),
      ),
    ),
  );
  form.append(h('button', { type: 'submit' }, 'Show report'), h('button', { type: 'button', id: 'csv' }, 'Download CSV'));
  const body = h('div', { id: 'report-body' });
  main.append(h('h1', {}, 'SLA reports'), form, body);
  const query = () => {
    const q = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (typeof v === 'string' && v) q.set(k, v);
    return q;
  };
  const load = async () => {
    try {
      body.replaceChildren(reportView(await api<SlaReport>(`/v1/reports/sla?${query()}`)));
    } catch (err) {
      body.replaceChildren(errorBox(err instanceof ApiError ? err.message : (err as Error).message));
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void load();
  });
  form
    .querySelector('#csv')!
    .addEventListener('click', () => void downloadCsv(query()).catch((err: Error) => body.replaceChildren(errorBox(err.message))));
  await load();
  return () => undefined;
}
