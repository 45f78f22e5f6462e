/** A ticket: its targets on a timeline, its events, and the commands the signed-in role may send now. */
import { api, ApiError } from './api';
import { commandsPanel } from './commands';
import { announce, errorBox, h, timeEl } from './dom';
import { formatCountdown, formatFull, formatWhen, targetLabel } from './format';
import type { Cleanup, PageContext } from './main';
import { targetTimeline } from './timeline';
import type { Ticket, TicketCommands, TicketEvent } from './types';
import { whatIfPanel } from './what-if';

const viewerZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone;
const at = (iso: string | undefined, now: number, zone?: string) =>
  iso ? timeEl(iso, formatWhen(Date.parse(iso), now), zone, formatFull) : '—';

function targetsTable(ticket: Ticket, now: number): HTMLElement {
  return h(
    'table',
    { class: 'targets-table' },
    h('caption', {}, 'Targets'),
    h(
      'thead',
      {},
      h('tr', {}, ...['Target', 'Status', 'Remaining', 'Warned', 'Breached', 'Met', 'Source'].map((c) => h('th', { scope: 'col' }, c))),
    ),
    h(
      'tbody',
      {},
      ...ticket.targets.map((t) =>
        h(
          'tr',
          { class: t.breachedAt ? 'row-breached' : t.warnedAt && !t.metAt ? 'row-warned' : '', 'data-target': t.kind },
          h('th', { scope: 'row' }, `${targetLabel(t.kind)}${t.window > 1 ? ` #${t.window}` : ''}`),
          h('td', { 'data-label': 'Status' }, t.status),
          h('td', { 'data-label': 'Remaining' }, formatCountdown({ ...t, dueAt: t.dueAt ?? null }, now)),
          h('td', { 'data-label': 'Warned' }, at(t.warnedAt, now)),
          h('td', { 'data-label': 'Breached' }, at(t.breachedAt, now)),
          h('td', { 'data-label': 'Met' }, at(t.metAt, now)),
          h('td', { 'data-label': 'Source' }, t.source),
        ),
      ),
    ),
  );
}

function eventsList(events: TicketEvent[], now: number): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'events-title' },
    h('h2', { id: 'events-title' }, `Events (${events.length})`),
    h(
      'ol',
      { class: 'events' },
      ...events.map((e) =>
        h(
          'li',
          { 'data-event': e.type },
          at(e.occurredAt, now),
          ' ',
          h('strong', {}, e.type),
          ` by ${e.actor.kind} ${e.actor.id}`,
          Object.keys(e.data).length ? h('code', { class: 'event-data' }, JSON.stringify(e.data)) : null,
        ),
      ),
    ),
  );
}

function workflowLink(ctx: PageContext, commands: TicketCommands): HTMLElement | null {
  if (!ctx.config.temporalUiUrl) return null;
  const href = `${ctx.config.temporalUiUrl.replace(/\/$/, '')}/namespaces/${encodeURIComponent(ctx.config.temporalNamespace)}/workflows/${encodeURIComponent(commands.workflowId)}`;
  return h('a', { href, target: '_blank', rel: 'noopener' }, `Workflow ${commands.workflowId} in the Temporal UI`);
}

export async function renderTicket(ctx: PageContext, ticketId: string): Promise<Cleanup> {
  const { main } = ctx;
  const load = async (said?: string) => {
    let ticket: Ticket, events: { events: TicketEvent[] }, commands: TicketCommands;
    try {
      [ticket, events, commands] = await Promise.all([
        api<Ticket>(`/v1/tickets/${ticketId}`),
        api<{ events: TicketEvent[] }>(`/v1/tickets/${ticketId}/events`),
        api<TicketCommands>(`/v1/tickets/${ticketId}/commands`),
      ]);
    } catch (err) {
      main.replaceChildren(h('h1', {}, `Ticket ${ticketId}`), errorBox(err instanceof ApiError ? err.message : (err as Error).message));
      return;
    }
    const now = Date.now();
    const whatIf = await whatIfPanel(ticket, commands.role).catch(() => null);
    main.replaceChildren(
      h('p', {}, h('a', { href: '/console/queue' }, '← Queue')),
      h('h1', {}, ticket.title),
      h(
        'p',
        { class: 'ticket-meta' },
        h('span', { class: 'badge', id: 'ticket-status' }, ticket.status),
        ` ${ticket.ticketId} · ${ticket.customerId} · ${ticket.policyId} / ${ticket.plan} / ${ticket.severity}${ticket.product ? ` · ${ticket.product}` : ''} · opened `,
        at(ticket.openedAt, now),
        ` (your zone: ${viewerZone()})`,
      ),
      workflowLink(ctx, commands) ?? '',
      h(
        'section',
        { 'aria-labelledby': 'targets-title' },
        h('h2', { id: 'targets-title' }, 'Targets'),
        targetTimeline(ticket, now),
        targetsTable(ticket, now),
      ),
      commandsPanel(ticketId, commands, (what) => void load(what)),
      whatIf ?? '',
      eventsList(events.events, now),
    );
    if (said) announce(said);
  };
  await load();
  return () => undefined;
}
