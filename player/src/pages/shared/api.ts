/**
 * The pages' one way to call the API: same-origin fetch with the session cookie, JSON in and out, and the API's
 * `{ code, message }` errors as an ApiError a page can show.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Seconds from Retry-After (a rate limit), or null. */
    readonly retryAfterSec: number | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export async function api<T>(path: string, init: { method?: string; json?: unknown } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: init.method ?? 'GET',
      credentials: 'same-origin',
      headers: init.json === undefined ? {} : { 'Content-Type': 'application/json' },
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'the server cannot be reached; check your connection and try again', null);
  }
  if (response.status === 204) return undefined as T;
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = body as { code?: unknown; message?: unknown } | null;
    const retry = Number(response.headers.get('Retry-After'));
    throw new ApiError(
      response.status,
      typeof error?.code === 'string' ? error.code : `HTTP_${response.status}`,
      typeof error?.message === 'string' ? error.message : `the server answered ${response.status}`,
      Number.isFinite(retry) && retry > 0 ? retry : null,
    );
  }
  return body as T;
}

/** The signed-in user, or null (anonymous, or the API unreachable: the page then offers no owner tools). */
export async function currentUser<T>(): Promise<T | null> {
  try {
    return await api<T>('/api/me');
  } catch {
    return null;
  }
}

/** A sentence for an error caught from `api`. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'log in to do this';
    const wait = error.retryAfterSec ? ` (try again in ${error.retryAfterSec} s)` : '';
    return `${error.message}${wait}`;
  }
  console.error(error);
  return 'something went wrong; try again';
}
