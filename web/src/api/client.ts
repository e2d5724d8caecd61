// A thin typed client over fetch. URLs and methods are checked against the
// paths generated from the API's OpenAPI document (schema.d.ts); each
// resource file names the generated schemas of its bodies and answers.

import type { paths } from './schema';

/** The session ended (401): the app is back at the sign-in form. */
export class SignedOut extends Error {}

/** The API refused a request: its status, error code and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';
/** The paths that have an operation for `M`. */
export type PathFor<M extends Method> = {
  [P in keyof paths]: NonNullable<paths[P][M]> extends never ? never : P;
}[keyof paths];

export type Query = Record<string, string | number | boolean | null | undefined>;

interface Options {
  query?: Query;
  json?: unknown;
  headers?: Record<string, string>;
}

/** `/api/contacts/{id}` with `{id: 'a/b'}` becomes `/api/contacts/a%2Fb`, plus the query. */
export function url(path: string, params: Record<string, string> = {}, query?: Query): string {
  const filled = path.replace(/\{(\w+)\}/g, (_all, name: string) => encodeURIComponent(params[name] ?? ''));
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== null && v !== undefined && v !== '') search.set(k, String(v));
  }
  const qs = search.toString();
  return qs ? `${filled}?${qs}` : filled;
}

type Listener = () => void;
let onSignedOut: Listener = () => {};
/** What happens when any call answers 401. */
export function whenSignedOut(listener: Listener): void {
  onSignedOut = listener;
}

/** How many requests the app has made (the live-update budget is counted in tests). */
export let requestCount = 0;

export async function errorFrom(res: Response): Promise<ApiError> {
  let body: { error?: { code?: unknown; message?: unknown } & Record<string, unknown> } | null = null;
  try {
    body = await res.json();
  } catch {
    // not JSON: the generic message below
  }
  const code = typeof body?.error?.code === 'string' ? body.error.code : `http_${res.status}`;
  const message = typeof body?.error?.message === 'string' ? body.error.message : `request failed (${res.status})`;
  return new ApiError(res.status, code, message, body?.error ?? {});
}

/**
 * How long a read may take before it fails like a lost connection: a
 * request the network or a stalled function never answers would otherwise
 * leave its screen waiting for good. Writes are not cut short, since their
 * outcome would then be unknown.
 */
const READ_TIMEOUT_MS = 20_000;

/** One same-origin call. 401 ends the session and throws SignedOut. */
async function call<T>(method: Method, path: string, options: Options & { params?: Record<string, string> }): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.json !== undefined) headers['content-type'] = 'application/json';
  requestCount++;
  const res = await fetch(url(path, options.params, options.query), {
    method: method.toUpperCase(),
    headers,
    body: options.json === undefined ? undefined : JSON.stringify(options.json),
    credentials: 'same-origin',
    cache: 'no-store',
    signal: method === 'get' ? AbortSignal.timeout(READ_TIMEOUT_MS) : undefined,
  });
  if (res.status === 401 && !path.startsWith('/api/login') && !path.startsWith('/api/invites')) {
    onSignedOut();
    throw new SignedOut('signed out');
  }
  if (!res.ok) throw await errorFrom(res);
  if (res.status === 204) return null as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : null) as T;
}

type WithParams = Options & { params?: Record<string, string> };

// The path is checked against the generated document; the answer's type is
// the generated schema the resource file names.
export const get = <T>(path: PathFor<'get'>, options: WithParams = {}) => call<T>('get', path, options);
export const post = <T>(path: PathFor<'post'>, options: WithParams = {}) => call<T>('post', path, options);
export const patch = <T>(path: PathFor<'patch'>, options: WithParams) => call<T>('patch', path, options);
export const put = <T>(path: PathFor<'put'>, options: WithParams) => call<T>('put', path, options);
export const del = <T>(path: PathFor<'delete'>, options: WithParams) => call<T>('delete', path, options);

/** Every list the API returns. */
export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export const items = <T>(page: Page<T> | null | undefined): T[] => (Array.isArray(page?.items) ? page.items : []);
export const nextCursor = (page: Page<unknown> | null | undefined): string | null =>
  typeof page?.next_cursor === 'string' && page.next_cursor ? page.next_cursor : null;
