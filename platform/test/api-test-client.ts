import type { AuthUser } from '@glint/platform';
import { type ApiAnswer, callApi, type StartedPlatformApi } from '@glint/testkit/platform';

/** A request, remembered with its reply text, so a test can check what every reply of a run carried. */
export interface ApiExchange {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly text: string;
}

/**
 * testkit's callApi against one started platform API, signed in with a Bearer token or anonymous, recording every
 * exchange (to check what every reply of a run carried); plus sign-up and cursor walks. For the platform's route
 * tests; a candidate for the test kit.
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
  ): Promise<ApiAnswer> {
    const reply = await callApi(this.#api.url(path), {
      method,
      ...(options.token !== undefined && { bearer: options.token }),
      ...(options.body !== undefined && { json: options.body }),
    });
    this.exchanges.push({ method, path, status: reply.status, text: reply.text });
    return reply;
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
