/**
 * The queue: open tickets soonest due first (GET /v1/queue), filtered, polled every few seconds.
 * Between polls each countdown ticks once a second, and only while its target's clock counts
 * (console/src/clock.ts brings the API's reading at asOf to now).
 */
import { api, ApiError } from './api';
import { countingAt, remainingAt } from './clock';
import { announce, errorBox, h, timeEl } from './dom';
import { formatCountdown, formatFull, formatWhen, targetLabel } from './format';
import type { Cleanup, PageContext } from './main';
import type { Queue, QueueTarget, QueueTicket } from './types';

const FILTERS = [
  ['policyId', 'Policy'],
  ['plan', 'Plan'],
  ['severity', 'Severity'],
  ['customerId', 'Customer'],
  ['assigneeId', 'Assignee'],
] as const;
const STATUSES = ['', 'open', 'waitingOnCustomer', 'forwarded', 'relieved', 'resolved'];

interface Reading {
  queue: Queue;
  /** asOf on the server's clock minus the browser's when the answer arrived. */
  offsetMs: number;
}

function filterForm(onChange: (query: URLSearchParams) => void): HTMLFormElement {
  const form = h('form', { class: 'filters', 'aria-label': 'Filter the queue' });
  for (const [name, label] of FILTERS) {
    const id = `filter-${name}`;
    form.append(h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { id, name, type: 'text', autocomplete: 'off' })));
  }
  const status = h('select', { id: 'filter-status', name: 'status' }, ...STATUSES.map((s) => h('option', { value: s }, s || 'any open')));
  form.append(h('div', { class: 'field' }, h('label', { for: 'filter-status' }, 'Status'), status));
  form.append(h('button', { type: 'submit' }, 'Apply filters'));
  const query = () => {
    const q = new URLSearchParams();
    for (const [name, value] of new FormData(form)) if (typeof value === 'string' && value.trim()) q.set(name, value.trim());
    return q;
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    onChange(query());
  });
  status.addEventListener('change', () => onChange(query()));
  return form;
}

/** One target's cell: its countdown, re-rendered by the ticker from the reading. */
function targetItem(t: QueueTarget, reading: Reading, now: number): HTMLElement {
  const serverNow = now + reading.offsetMs;
  const remainingMs = remainingAt(t, Date.parse(reading.queue.asOf), serverNow);
  const counting = countingAt(t, serverNow);
  const text = formatCountdown({ ...t, remainingMs }, serverNow);
  const state =
    t.breached || remainingMs < 0 ? 'breached' : t.warned ? 'at risk' : t.status === 'running' && !counting ? 'clock stopped' : '';
  const item = h(
    'li',
    { class: `target ${t.breached || remainingMs < 0 ? 'is-breached' : t.warned ? 'is-warned' : ''} status-${t.status}` },
    h('span', { class: 'target-kind' }, targetLabel(t.kind)),
    ' ',
    t.dueAt ? timeEl(t.dueAt, text, t.calendarZone, formatFull) : h('span', {}, text),
    state ? h('span', { class: 'badge' }, state) : null,
  );
  if (t.status === 'running' && !counting && t.changesAt) {
    item.append(h('span', { class: 'help' }, ` counts again ${formatWhen(Date.parse(t.changesAt), serverNow)}`));
  }
  return item;
}

function ticketRow(ticket: QueueTicket, reading: Reading, now: number): HTMLTableRowElement {
  const worst = ticket.breached ? 'row-breached' : ticket.targets.some((t) => t.warned && t.status === 'running') ? 'row-warned' : '';
  return h(
    'tr',
    { class: worst, 'data-ticket': ticket.ticketId },
    h(
      'td',
      { 'data-label': 'Ticket' },
      h('a', { href: `/console/tickets/${ticket.ticketId}` }, ticket.title),
      h('div', { class: 'help' }, ticket.ticketId),
    ),
    h('td', { 'data-label': 'Customer' }, ticket.customerId),
    h('td', { 'data-label': 'Policy' }, `${ticket.policyId} / ${ticket.plan} / ${ticket.severity}`),
    h(
      'td',
      { 'data-label': 'Status' },
      ticket.status,
      ticket.assigneeId ? h('div', { class: 'help' }, `assigned to ${ticket.assigneeId}`) : null,
    ),
    h('td', { 'data-label': 'Targets' }, h('ul', { class: 'targets' }, ...ticket.targets.map((t) => targetItem(t, reading, now)))),
  );
}

function table(reading: Reading): HTMLElement {
  const now = Date.now();
  if (reading.queue.tickets.length === 0) return h('p', {}, 'No open tickets match.');
  return h(
    'table',
    { class: 'queue' },
    h('caption', { class: 'visually-hidden' }, 'Open tickets, soonest due first'),
    h(
      'thead',
      {},
      h('tr', {}, ...['Ticket', 'Customer', 'Policy / plan / severity', 'Status', 'Targets'].map((c) => h('th', { scope: 'col' }, c))),
    ),
    h('tbody', {}, ...reading.queue.tickets.map((t) => ticketRow(t, reading, now))),
  );
}

export async function renderQueue({ main, config }: PageContext): Promise<Cleanup> {
  let query = new URLSearchParams();
  let reading: Reading | undefined;
  const body = h('div', { id: 'queue-body' });
  const updated = h('p', { class: 'help', id: 'queue-updated' });
  main.append(
    h('h1', {}, 'Queue'),
    h(
      'p',
      {},
      `Open tickets, soonest due first. Updated every ${config.pollSeconds} s without reloading; countdowns tick while their calendars are open.`,
    ),
    filterForm((q) => {
      query = q;
      void poll();
    }),
    updated,
    body,
  );
  const poll = async () => {
    try {
      const queue = await api<Queue>(`/v1/queue?${query}`);
      reading = { queue, offsetMs: Date.parse(queue.asOf) - Date.now() };
      body.replaceChildren(table(reading));
      updated.replaceChildren('Updated ', h('time', { datetime: queue.asOf }, new Date(queue.asOf).toLocaleTimeString()), '.');
      announce(`Queue updated: ${queue.tickets.length} open tickets.`);
    } catch (err) {
      body.replaceChildren(errorBox(err instanceof ApiError ? err.message : `Could not reach the API: ${(err as Error).message}`));
    }
  };
  await poll();
  const pollTimer = window.setInterval(() => void poll(), config.pollSeconds * 1000);
  // Between polls only the countdown texts change; the table (and focus in it) stays.
  const tick = window.setInterval(() => {
    if (!reading) return;
    const now = Date.now();
    for (const row of body.querySelectorAll<HTMLTableRowElement>('tr[data-ticket]')) {
      const ticket = reading.queue.tickets.find((t) => t.ticketId === row.dataset.ticket);
      const list = row.querySelector('ul.targets');
      if (ticket && list) list.replaceChildren(...ticket.targets.map((t) => targetItem(t, reading!, now)));
    }
  }, 1000);
  return () => {
    window.clearInterval(pollTimer);
    window.clearInterval(tick);
  };
}
