import type { LoginThrottleLimits } from '../limits/login-throttle.ts';
import type { Platform } from '../platform.ts';

export interface ApiLimits {
  /** Requests per minute from one address (an IPv4 address or an IPv6 /64) to /api. */
  readonly perIpPerMinute: number;
  /** Requests per minute from one signed-in account, whatever address they come from. */
  readonly perAccountPerMinute: number;
  /** Mark the session cookie Secure (set it when the site is served over HTTPS). */
  readonly secureCookies: boolean;
  /** Failed log-ins allowed per address and per login (defaults: 10 and 5 per 15 minutes). */
  readonly loginThrottle: Partial<LoginThrottleLimits>;
  /** Largest request body, in bytes; a larger one is refused with 413 before it is parsed. */
  readonly bodyLimitBytes: number;
  /** Accounts one address (IPv6: /64) may create per hour: each costs an argon2id hash and a database row. */
  readonly signupsPerHourPerIp: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = {
  perIpPerMinute: 1200,
  perAccountPerMinute: 600,
  secureCookies: false,
  loginThrottle: {},
  bodyLimitBytes: 16 * 1024,
  signupsPerHourPerIp: 20,
};

export interface ApiOptions {
  readonly platform: Platform;
  /** Concurrent viewers of a channel right now (WebRTC and LL-HLS), from the media server. */
  readonly viewers?: (channel: string) => number;
  readonly limits?: Partial<ApiLimits>;
}

/** What every route plugin of the API is given. */
export interface RouteContext {
  readonly platform: Platform;
  readonly viewers: (channel: string) => number;
  readonly limits: ApiLimits;
}
