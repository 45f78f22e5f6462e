/** A ticket's targets on one time axis (inline SVG): each target's run to its due instant, pauses, warnings, breaches, escalations, met. */
import { h, svg } from './dom';
import { formatWhen, targetLabel } from './format';
import type { Ticket } from './types';

const ROW = 34;
const LEFT = 130;
const WIDTH = 760;

type Marker = { at: string | undefined; label: string; cls: string };

export function targetTimeline(ticket: Ticket, now: number): HTMLElement {
  const targets = ticket.targets;
  const instants = [ticket.openedAt, ...targets.flatMap((t) => [t.startedAt, t.dueAt, t.metAt, t.breachedAt, t.warnedAt])]
    .filter((x): x is string => Boolean(x))
    .map(Date.parse);
  const start = Math.min(...instants);
  const end = Math.max(now, ...instants) + 60_000;
  const x = (ms: number) => LEFT + ((ms - start) / (end - start)) * (WIDTH - LEFT - 10);
  const height = targets.length * ROW + 30;
  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${height}`, class: 'timeline', role: 'img', 'aria-labelledby': 'timeline-title' });
  chart.append(svg('title', { id: 'timeline-title' }, `Targets of ${ticket.ticketId} from ${ticket.openedAt} to now`));
  targets.forEach((t, i) => {
    const y = 10 + i * ROW;
    chart.append(svg('text', { x: 0, y: y + 15, class: 'tl-label' }, `${targetLabel(t.kind)}${t.window > 1 ? ` #${t.window}` : ''}`));
    const from = Date.parse(t.startedAt);
    const to = Date.parse(t.metAt ?? t.dueAt ?? new Date(now).toISOString());
    // The budget's whole span, faint, under the part that ran (to met, or to due).
    if (t.dueAt)
      chart.append(svg('rect', { x: x(from), y, width: Math.max(2, x(Date.parse(t.dueAt)) - x(from)), height: 20, class: 'tl-budget' }));
    chart.append(
      svg(
        'rect',
        { x: x(from), y, width: Math.max(2, x(to) - x(from)), height: 20, class: `tl-bar tl-${t.status}` },
        svg('title', {}, `${t.kind}: ${t.status}`),
      ),
    );
    for (const p of ticket.pauses) {
      const ps = Date.parse(p.start);
      const pe = p.end ? Date.parse(p.end) : now;
      chart.append(
        svg(
          'rect',
          { x: x(ps), y, width: Math.max(2, x(pe) - x(ps)), height: 20, class: 'tl-pause' },
          svg('title', {}, `paused: ${p.reason}`),
        ),
      );
    }
    const markers: Marker[] = [
      { at: t.warnedAt, label: 'warned', cls: 'tl-warn' },
      { at: t.breachedAt, label: 'breached', cls: 'tl-breach' },
      { at: t.escalatedAt, label: `escalated to ${t.escalateTo ?? 'management'}`, cls: 'tl-escalate' },
      { at: t.metAt, label: 'met', cls: 'tl-met' },
      { at: t.dueAt, label: 'due', cls: 'tl-due' },
    ];
    for (const m of markers) {
      if (!m.at) continue;
      const mx = x(Date.parse(m.at));
      chart.append(
        svg(
          'line',
          { x1: mx, x2: mx, y1: y - 3, y2: y + 23, class: `tl-marker ${m.cls}` },
          svg('title', {}, `${m.label} ${formatWhen(Date.parse(m.at), now)}`),
        ),
      );
    }
  });
  const nx = x(now);
  chart.append(svg('line', { x1: nx, x2: nx, y1: 0, y2: height - 20, class: 'tl-now' }));
  chart.append(svg('text', { x: Math.min(nx, WIDTH - 30), y: height - 5, class: 'tl-label' }, 'now'));
  return h(
    'figure',
    { class: 'timeline-figure' },
    chart,
    h(
      'figcaption',
      { class: 'help' },
      'Bars run from each target’s start to its due (or met) instant; grey: paused; marks: warned (amber), breached (red), escalated (purple), met (green).',
    ),
  );
}
