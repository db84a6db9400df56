import type { Platform } from '../platform.ts';

export interface ApiLimits {
  /** Requests per minute from one address (an IPv4 address or an IPv6 /64) to /api. */
  readonly perIpPerMinute: number;
  /** Requests per minute from one signed-in account, whatever address they come from. */
  readonly perAccountPerMinute: number;
  /** Mark the session cookie Secure (set it when the site is served over HTTPS). */
  readonly secureCookies: boolean;
}

export const DEFAULT_API_LIMITS: ApiLimits = { perIpPerMinute: 1200, perAccountPerMinute: 600, secureCookies: false };

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
