/** The console's entry: reads the path, shows its page, and keeps the navigation and sign-out in step. */
import { api } from './api';
import { renderProducts } from './products';
import { renderQueue } from './queue';
import { renderReports } from './reports';
import { session } from './session';
import { renderSignIn } from './signin';
import { renderTicket } from './ticket';
import type { ConsoleConfig } from './types';

export interface PageContext {
  main: HTMLElement;
  config: ConsoleConfig;
  navigate(path: string): void;
}

/** What a page leaves running (a poll, a ticking clock), stopped when another page is shown. */
export type Cleanup = () => void;

let cleanup: Cleanup | undefined;
let config: ConsoleConfig = { temporalUiUrl: '', temporalNamespace: 'default', pollSeconds: 15 };

function route(path: string): { page: string; ticketId?: string } {
  const rest = path.replace(/^\/console\/?/, '');
  const ticket = /^tickets\/(TKT-[0-9A-F]{16})$/.exec(rest);
  if (ticket) return { page: 'ticket', ticketId: ticket[1] };
  if (['queue', 'products', 'reports', 'sign-in'].includes(rest)) return { page: rest };
  return { page: 'queue' };
}

async function show(): Promise<void> {
  cleanup?.();
  cleanup = undefined;
  const main = document.getElementById('main')!;
  main.replaceChildren();
  const nav = document.getElementById('nav')!;
  const { page, ticketId } = route(location.pathname);
  const signedIn = session.key() !== null;
  nav.hidden = !signedIn;
  if (!signedIn || page === 'sign-in') {
    if (location.pathname !== '/console/sign-in') history.replaceState(null, '', '/console/sign-in');
    cleanup = renderSignIn(ctx());
    return;
  }
  for (const link of nav.querySelectorAll<HTMLAnchorElement>('a[data-page]')) {
    if (link.dataset.page === page) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (page === 'ticket' && ticketId) cleanup = await renderTicket(ctx(), ticketId);
  else if (page === 'products') cleanup = await renderProducts(ctx());
  else if (page === 'reports') cleanup = await renderReports(ctx());
  else cleanup = await renderQueue(ctx());
}

function navigate(path: string): void {
  history.pushState(null, '', path);
  void show().then(() => document.getElementById('main')?.focus());
}

const ctx = (): PageContext => ({ main: document.getElementById('main')!, config, navigate });

async function start(): Promise<void> {
  config = await api<ConsoleConfig>('/console/config.json').catch(() => config);
  // Links inside the console change the page without a reload.
  document.addEventListener('click', (e) => {
    const a = (e.target as Element).closest?.('a');
    if (!a || a.target || e.metaKey || e.ctrlKey || e.shiftKey || !a.pathname.startsWith('/console/') || a.origin !== location.origin)
      return;
    e.preventDefault();
    navigate(a.pathname);
  });
  window.addEventListener('popstate', () => void show());
  document.getElementById('sign-out')!.addEventListener('click', () => {
    session.signOut();
    navigate('/console/sign-in');
  });
  await show();
}

void start();
