/**
 * The ticket page's what-if panel (POST /v1/tickets/{id}/what-if): would this ticket have met its
 * targets under another plan or severity? Support staff only; the answer sits beside what it had.
 */
import { api, ApiError } from './api';
import { announce, errorBox, h, timeEl } from './dom';
import { formatFull, formatWhen, targetLabel } from './format';
import type { Ticket, WhatIf } from './types';

type Outcome = WhatIf['actual'];
type PolicyList = {
  policies: Array<{ id: string; plans: Array<{ id: string; name: string }>; severities: Array<{ id: string; name: string }> }>;
};

const STAFF = ['engineer', 'manager', 'admin'];

/** An instant in the viewer's zone, in full on hover. */
const when = (iso: string) => timeEl(iso, formatWhen(Date.parse(iso), Date.now()), undefined, formatFull);

/** "met on time", "met late", "breached …", or the status of a target still counting. */
function verdict(t: Outcome['targets'][number] | undefined): Node | string {
  if (!t) return '—';
  if (t.metOnTime === true) return 'met on time';
  if (t.status === 'met') return 'met late';
  return t.breachedAt ? h('span', { class: 'breached' }, 'breached ', when(t.breachedAt)) : t.status;
}

const due = (t: Outcome['targets'][number] | undefined): Node | string => (t?.dueAt ? when(t.dueAt) : '—');

function comparison(result: WhatIf): HTMLElement {
  const key = (t: { kind: string; window: number }) => `${t.kind}#${t.window}`;
  const kinds = [...new Set([...result.actual.targets, ...result.whatIf.targets].map(key))];
  const find = (o: Outcome, k: string) => o.targets.find((t) => key(t) === k);
  const head = [
    'Target',
    `Due (${result.actual.plan} ${result.actual.severity})`,
    'It had',
    `Due (${result.whatIf.plan} ${result.whatIf.severity})`,
    'It would have had',
  ];
  return h(
    'div',
    { id: 'what-if-result' },
    h(
      'table',
      { class: 'targets-table' },
      h('caption', {}, `Replayed under ${result.whatIf.rules}`),
      h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        {},
        ...kinds.map((k) => {
          const had = find(result.actual, k);
          const would = find(result.whatIf, k);
          return h(
            'tr',
            { 'data-target': k },
            h('th', { scope: 'row' }, targetLabel((had ?? would)!.kind)),
            h('td', { 'data-label': 'Due' }, due(had)),
            h('td', { 'data-label': 'It had' }, verdict(had)),
            h('td', { 'data-label': 'Due (what-if)' }, due(would)),
            h('td', { 'data-label': 'It would have had' }, verdict(would)),
          );
        }),
      ),
    ),
    result.whatIf.skipped.length
      ? h(
          'ul',
          {},
          ...result.whatIf.skipped.map((s) =>
            h('li', {}, `${s.command} at ${formatWhen(Date.parse(s.at), Date.now())} not replayed: ${s.reason}`),
          ),
        )
      : '',
  );
}

function choice(id: string, label: string, current: string, options: Array<{ id: string; name: string }>): HTMLElement {
  return h(
    'label',
    { for: id },
    label,
    h(
      'select',
      { id, name: id },
      ...options.map((o) => h('option', { value: o.id, ...(o.id === current ? { selected: true } : {}) }, o.name)),
    ),
  );
}

/** The panel, for staff keys; a customer key sees nothing of it. */
export async function whatIfPanel(ticket: Ticket, role: string): Promise<HTMLElement | null> {
  if (!STAFF.includes(role)) return null;
  const { policies } = await api<PolicyList>('/v1/policies');
  const policy = policies.find((p) => p.id === ticket.policyId);
  if (!policy) return null;
  const out = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'what-if-form' },
    choice('what-if-plan', 'Plan', ticket.plan, policy.plans),
    choice('what-if-severity', 'Severity', ticket.severity, policy.severities),
    h('button', { type: 'submit' }, 'Replay'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const plan = (form.querySelector('#what-if-plan') as HTMLSelectElement).value;
    const severity = (form.querySelector('#what-if-severity') as HTMLSelectElement).value;
    api<WhatIf>(`/v1/tickets/${ticket.ticketId}/what-if`, {
      method: 'POST',
      body: { plan, ...(severity !== ticket.severity ? { severity } : {}) },
    })
      .then((result) => {
        out.replaceChildren(comparison(result));
        announce(`Replayed under ${plan} ${severity}`);
      })
      .catch((err: unknown) => out.replaceChildren(errorBox(err instanceof ApiError ? err.message : (err as Error).message)));
  });
  return h(
    'section',
    { 'aria-labelledby': 'what-if-title' },
    h('h2', { id: 'what-if-title' }, 'What if…'),
    h(
      'p',
      {},
      'Would this ticket have met its targets under another plan or severity? Its recorded commands are replayed at their instants; nothing is changed.',
    ),
    form,
    out,
  );
}
