import type { AuthUser } from '@glint/platform';
import type { StartedPlatformApi } from '@glint/testkit/platform';

/** One reply as a test sees it. */
export interface ApiReply {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read reply bodies field by field and assert their shape.
  readonly body: any;
  readonly text: string;
}

/** A request, remembered with its reply text, so a test can check what every reply of a run carried. */
export interface ApiExchange {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly text: string;
}

/**
 * JSON over real HTTP to a started platform API, signed in with a Bearer token or anonymous, recording every
 * exchange. A test helper, kept beside the route tests until the test kit has one for the API.
 */
export class ApiTestClient {
  readonly exchanges: ApiExchange[] = [];
  readonly #api: StartedPlatformApi;

  constructor(api: StartedPlatformApi) {
    this.#api = api;
  }

  async call(
    method: string,
    path: string,
    options: { token?: string | undefined; body?: unknown } = {},
  ): Promise<ApiReply> {
    const headers: Record<string, string> = {};
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(this.#api.url(path), {
      method,
      headers,
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    this.exchanges.push({ method, path, status: response.status, text });
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text), text };
  }

  /** A streamer account with its channel, signed in: its session token for Bearer. */
  async signUp(login: string): Promise<{ user: AuthUser; token: string }> {
    const { platform } = this.#api;
    const user = await platform.signUp(login, 'correct horse battery');
    const session = await platform.accounts.logIn(login, 'correct horse battery');
    if (!session) throw new Error(`log-in of ${login} failed`);
    return { user, token: session.token };
  }

  /** Follows `cursor` from the first page to the last, returning every item in order. */
  async walk(path: string, token?: string): Promise<unknown[]> {
    const items: unknown[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const separator = path.includes('?') ? '&' : '?';
      const reply = await this.call('GET', cursor === null ? path : `${path}${separator}cursor=${cursor}`, {
        ...(token !== undefined && { token }),
      });
      if (reply.status !== 200) throw new Error(`GET ${path} → ${reply.status} ${reply.text}`);
      items.push(...reply.body.items);
      cursor = reply.body.nextCursor;
      if (cursor === null) return items;
    }
    throw new Error(`GET ${path} did not reach its last page in 100 pages`);
  }
}
