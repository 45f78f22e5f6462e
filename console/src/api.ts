/** The console's fetch client: same origin, the session's key as a Bearer token, problem+json turned into clear messages. */
import { session } from './session';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly problem?: { title?: string; detail?: string; errors?: Array<{ pointer: string; detail: string }> },
  ) {
    super(message);
  }
}

/** What a refused request means to the person at the screen. */
function messageFor(status: number, problem: ApiError['problem']): string {
  const detail = problem?.detail ?? problem?.title ?? `HTTP ${status}`;
  if (status === 401) return `This API key was not accepted (401): ${detail} Sign in again with a valid key.`;
  if (status === 403) return `Your key's role may not do this (403): ${detail}`;
  const fields = problem?.errors?.map((e) => `${e.pointer || '(body)'}: ${e.detail}`).join('; ');
  return fields ? `${detail} ${fields}` : detail;
}

export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = session.key();
  if (key) headers.authorization = `Bearer ${key}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await res.text();
  const json = text && /json/.test(res.headers.get('content-type') ?? '') ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) throw new ApiError(res.status, messageFor(res.status, json as ApiError['problem']), json as ApiError['problem']);
  return json as T;
}
