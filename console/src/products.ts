/** Products: each major version's lifecycle on a timeline (GA, EOS, EOMS, EOL, their notices), its supported minors, and the public feeds. */
import { api, ApiError } from './api';
import { errorBox, h, svg } from './dom';
import type { Cleanup, PageContext } from './main';
import type { LifecycleState, ProductList } from './types';

const MILESTONES = [
  ['ga', 'GA', 'General Availability'],
  ['eos', 'EOS', 'End of Sales'],
  ['eoms', 'EOMS', 'End of Mainstream Support'],
  ['eol', 'EOL', 'End of Life'],
] as const;
const WIDTH = 760;

const dayOf = (state: LifecycleState, key: (typeof MILESTONES)[number][0]) => (key === 'ga' ? state.inputs.ga : state.milestones[key]);

function lifecycleChart(state: LifecycleState, now: number): SVGElement {
  const days = [state.inputs.ga, state.milestones.eos, state.milestones.eoms, state.milestones.eol, ...state.notices.map((n) => n.sendOn)]
    .filter((d): d is string => Boolean(d))
    .map(Date.parse);
  const start = Math.min(...days, now);
  const end = Math.max(...days, now) + 86_400_000;
  const x = (ms: number) => 10 + ((ms - start) / (end - start)) * (WIDTH - 20);
  const chart = svg('svg', {
    viewBox: `0 0 ${WIDTH} 90`,
    class: 'lifecycle',
    role: 'img',
    'aria-label': `Lifecycle of ${state.productName} ${state.major}`,
  });
  chart.append(svg('line', { x1: 10, x2: WIDTH - 10, y1: 40, y2: 40, class: 'lc-axis' }));
  MILESTONES.forEach(([key, short, long], i) => {
    const day = dayOf(state, key);
    if (!day) return;
    const mx = x(Date.parse(day));
    chart.append(svg('circle', { cx: mx, cy: 40, r: 6, class: `lc-${key}` }, svg('title', {}, `${long}: ${day}`)));
    // A label near either edge is anchored inward, so it is not cut off by the chart's border.
    const anchor = mx < WIDTH * 0.15 ? 'start' : mx > WIDTH * 0.85 ? 'end' : 'middle';
    chart.append(svg('text', { x: mx, y: i % 2 ? 70 : 22, class: 'lc-label', 'text-anchor': anchor }, `${short} ${day}`));
  });
  for (const n of state.notices) {
    const nx = x(Date.parse(n.sendOn));
    chart.append(
      svg(
        'path',
        { d: `M${nx - 5},52 L${nx + 5},52 L${nx},44 Z`, class: n.sentAt ? 'lc-notice sent' : 'lc-notice' },
        svg('title', {}, `${n.kind} notice of ${n.milestone.toUpperCase()} ${n.date}, sent on ${n.sendOn}${n.sentAt ? ' (sent)' : ''}`),
      ),
    );
  }
  const nowX = x(now);
  chart.append(svg('line', { x1: nowX, x2: nowX, y1: 28, y2: 52, class: 'tl-now' }, svg('title', {}, 'today')));
  return chart;
}

function versionSection(state: LifecycleState, now: number): HTMLElement {
  return h(
    'section',
    { class: 'card version', 'data-version': `${state.product} ${state.major}`, 'aria-labelledby': `v-${state.product}-${state.major}` },
    h(
      'h3',
      { id: `v-${state.product}-${state.major}` },
      `${state.productName} ${state.major} — ${state.phase}${state.onSale ? ', on sale' : ''}`,
    ),
    lifecycleChart(state, now),
    h(
      'dl',
      { class: 'milestones' },
      ...MILESTONES.flatMap(([key, short, long]) => [
        h('dt', {}, h('abbr', { title: long }, short)),
        h('dd', {}, dayOf(state, key) ?? 'not set'),
      ]),
      h('dt', {}, 'Notices'),
      h(
        'dd',
        {},
        state.notices.length
          ? state.notices
              .map((n) => `${n.milestone.toUpperCase()} ${n.date} (${n.kind}, send on ${n.sendOn}${n.sentAt ? ', sent' : ''})`)
              .join('; ')
          : 'none',
      ),
      h('dt', {}, 'Supported minors'),
      h('dd', {}, state.supportedMinors.length ? state.supportedMinors.join(', ') : 'none listed'),
    ),
    h(
      'p',
      { class: 'help' },
      `Days in ${state.zone}${state.milestones.provisional ? '; EOMS provisional until the next major version’s GA is known' : ''}.`,
    ),
  );
}

export async function renderProducts({ main }: PageContext): Promise<Cleanup> {
  main.append(h('h1', {}, 'Products'));
  let list: ProductList;
  try {
    list = await api<ProductList>('/v1/products');
  } catch (err) {
    main.append(errorBox(err instanceof ApiError ? err.message : (err as Error).message));
    return () => undefined;
  }
  if (list.items.length === 0) main.append(h('p', {}, 'No products are registered.'));
  const now = Date.now();
  for (const p of list.items) {
    const states = await Promise.all(
      p.versions.map((v) =>
        api<LifecycleState>(`/v1/products/${encodeURIComponent(p.product)}/versions/${encodeURIComponent(v.version)}`).catch(() => null),
      ),
    );
    const slug = encodeURIComponent(p.product);
    main.append(
      h(
        'section',
        { class: 'product', 'aria-labelledby': `p-${p.product}` },
        h('h2', { id: `p-${p.product}` }, `${p.name} (${p.policyId})`),
        h(
          'ul',
          { class: 'feeds' },
          h('li', {}, h('a', { href: `/api/v1/products/${slug}` }, 'endoflife.date JSON (v1)')),
          h('li', {}, h('a', { href: `/api/${slug}.json` }, 'endoflife.date JSON (v0)')),
          h('li', {}, h('a', { href: `/api/v1/products/${slug}/calendar.ics` }, 'iCalendar feed')),
        ),
        ...states.filter((s): s is LifecycleState => s !== null).map((s) => versionSection(s, now)),
      ),
    );
  }
  return () => undefined;
}
