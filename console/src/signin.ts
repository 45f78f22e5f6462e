/** Sign-in: an API key, checked against the API, kept in sessionStorage for this browser session only. */
import { api, ApiError } from './api';
import { announce, errorBox, h } from './dom';
import type { Cleanup, PageContext } from './main';
import { session } from './session';

export function renderSignIn({ main, navigate }: PageContext): Cleanup {
  const input = h('input', {
    id: 'api-key',
    name: 'apiKey',
    type: 'password',
    autocomplete: 'off',
    required: true,
    'aria-describedby': 'api-key-help',
  });
  const status = h('div', { id: 'sign-in-status' });
  const form = h(
    'form',
    { class: 'card sign-in', 'aria-labelledby': 'sign-in-title' },
    h('h1', { id: 'sign-in-title' }, 'Sign in to the Lifeline console'),
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h(
      'p',
      { id: 'api-key-help', class: 'help' },
      'Your Lifeline API key. It is kept in this browser tab only (sessionStorage) and sent as a Bearer token to this server.',
    ),
    h('button', { type: 'submit' }, 'Sign in'),
    status,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      status.replaceChildren();
      session.signIn(input.value.trim());
      try {
        await api('/v1/queue?limit=1');
        announce('Signed in.');
        navigate('/console/queue');
      } catch (err) {
        session.signOut();
        status.replaceChildren(errorBox(err instanceof ApiError ? err.message : `Could not reach the API: ${(err as Error).message}`));
        input.focus();
      }
    })();
  });
  main.append(form);
  input.focus();
  return () => undefined;
}
