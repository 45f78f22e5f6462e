/**
 * The commands panel of a ticket: every command the API lists (GET /v1/tickets/{id}/commands),
 * a small form for each the caller may send, and for the others the reason they are refused.
 * A command refused at submit (409 problem+json) shows the API's message.
 */
import { api, ApiError } from './api';
import { announce, errorBox, h } from './dom';
import type { TicketCommands } from './types';

type Field = { name: string; label: string; kind?: 'textarea' | 'checkbox' | 'select'; required?: boolean; options?: string[] };

/** The fields of each command's body (api/schemas/tickets.ts commandSchemas). */
const FIELDS: Record<string, Field[]> = {
  assign: [
    { name: 'engineer.id', label: 'Engineer id', required: true },
    { name: 'engineer.name', label: 'Engineer name' },
  ],
  respond: [{ name: 'message', label: 'Message to the customer', kind: 'textarea' }],
  'request-information': [{ name: 'message', label: 'What is needed', kind: 'textarea', required: true }],
  reply: [{ name: 'message', label: 'Message', kind: 'textarea' }],
  reclassify: [
    { name: 'severity', label: 'New severity', required: true },
    { name: 'reason', label: 'Reason', kind: 'textarea', required: true },
  ],
  forward: [
    { name: 'team', label: 'Team', required: true },
    { name: 'note', label: 'Note', kind: 'textarea' },
  ],
  return: [{ name: 'note', label: 'Note', kind: 'textarea' }],
  relieve: [{ name: 'note', label: 'Workaround for the customer', kind: 'textarea' }],
  resolve: [
    { name: 'kind', label: 'Kind', kind: 'select', options: ['resolution', 'workaround', 'resolutionPlan'] },
    { name: 'note', label: 'What was delivered', kind: 'textarea', required: true },
  ],
  close: [{ name: 'reason', label: 'Reason', kind: 'textarea' }],
  reopen: [{ name: 'reason', label: 'Reason', kind: 'textarea', required: true }],
  reject: [
    { name: 'reasonId', label: 'Reason id', required: true },
    { name: 'note', label: 'Note', kind: 'textarea' },
  ],
  split: [
    { name: 'children.0.title', label: 'Child ticket title', required: true },
    { name: 'children.0.description', label: 'Child ticket description', kind: 'textarea', required: true },
    { name: 'children.0.severity', label: 'Child ticket severity', required: true },
  ],
  escalate: [{ name: 'reason', label: 'Reason', kind: 'textarea', required: true }],
  'hotfix-required': [
    { name: 'required', label: 'A hot fix is required', kind: 'checkbox' },
    { name: 'note', label: 'Note', kind: 'textarea' },
  ],
};

const title = (command: string) => command.charAt(0).toUpperCase() + command.slice(1).replace(/-/g, ' ');

/** Sets a dotted path ("children.0.title") in the body. */
function put(body: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let at: Record<string, unknown> = body;
  parts.slice(0, -1).forEach((p, i) => {
    at[p] ??= /^\d+$/.test(parts[i + 1]) ? [] : {};
    at = at[p] as Record<string, unknown>;
  });
  at[parts[parts.length - 1]] = value;
}

function fieldEl(command: string, f: Field): HTMLElement {
  const id = `${command}-${f.name.replace(/\./g, '-')}`;
  const input =
    f.kind === 'textarea'
      ? h('textarea', { id, name: f.name, rows: 2, required: f.required })
      : f.kind === 'select'
        ? h('select', { id, name: f.name }, ...(f.options ?? []).map((o) => h('option', { value: o }, o)))
        : h('input', { id, name: f.name, type: f.kind === 'checkbox' ? 'checkbox' : 'text', required: f.required });
  return h('div', { class: f.kind === 'checkbox' ? 'field checkbox' : 'field' }, h('label', { for: id }, f.label), input);
}

function commandForm(ticketId: string, c: TicketCommands['commands'][number], done: (what: string) => void): HTMLElement {
  const outcome = h('div', { class: 'outcome' });
  const section = h('section', {
    class: `command ${c.allowed ? '' : 'refused'}`,
    'data-command': c.command,
    'aria-labelledby': `cmd-${c.command}`,
  });
  section.append(h('h3', { id: `cmd-${c.command}` }, title(c.command)));
  if (!c.allowed) {
    section.append(h('p', { class: 'refusal', id: `why-${c.command}` }, `Not available: ${c.refusal}`));
    return section;
  }
  const fields = FIELDS[c.command] ?? [];
  const form = h('form', {}, ...fields.map((f) => fieldEl(c.command, f)), h('button', { type: 'submit' }, title(c.command)), outcome);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      const body: Record<string, unknown> = {};
      for (const f of fields) {
        const el = form.elements.namedItem(f.name) as HTMLInputElement;
        const value = f.kind === 'checkbox' ? el.checked : el.value.trim();
        if (value !== '') put(body, f.name, value);
      }
      outcome.replaceChildren();
      try {
        await api(`/v1/tickets/${ticketId}/${c.command}`, { method: 'POST', body });
        done(`${title(c.command)}: done.`);
      } catch (err) {
        const message =
          err instanceof ApiError ? `Refused (${err.status}): ${err.message}` : `Could not reach the API: ${(err as Error).message}`;
        outcome.replaceChildren(errorBox(message));
        announce(message);
      }
    })();
  });
  section.append(form);
  return section;
}

export function commandsPanel(ticketId: string, commands: TicketCommands, done: (what: string) => void): HTMLElement {
  const allowed = commands.commands.filter((c) => c.allowed);
  const refused = commands.commands.filter((c) => !c.allowed);
  return h(
    'section',
    { class: 'commands', 'aria-labelledby': 'commands-title' },
    h('h2', { id: 'commands-title' }, `Commands (signed in as ${commands.role})`),
    h('div', { class: 'command-grid' }, ...allowed.map((c) => commandForm(ticketId, c, done))),
    h('details', {}, h('summary', {}, `Not available now (${refused.length})`), ...refused.map((c) => commandForm(ticketId, c, done))),
  );
}
