/**
 * Concurrent LL-HLS viewers per channel, counted from playlist requests in two rolling windows: a viewer is anyone
 * whose player asked for a playlist in the current or the previous window. LL-HLS players reload playlists every
 * part (~0.2 s) or segment (~1 s), so a window of 4 s sees every one of them, and a viewer who left drops out within
 * two windows. Nothing is kept per request: one id per viewer per window, in bounded sets.
 */
export interface LlhlsViewerOptions {
  readonly windowMs: number;
  /** Distinct viewers remembered per channel per window; beyond it the count saturates rather than grow memory. */
  readonly maxViewersPerChannel: number;
  readonly nowMs?: () => number;
}

export const LLHLS_VIEWER_DEFAULTS: LlhlsViewerOptions = { windowMs: 4000, maxViewersPerChannel: 200_000 };

interface ChannelWindows {
  startMs: number;
  current: Set<string>;
  previous: Set<string>;
  /** Ids in current that previous lacks: count() is previous.size plus this, with no pass over the sets. */
  newInCurrent: number;
}

export class LlhlsViewers {
  readonly #options: LlhlsViewerOptions;
  readonly #nowMs: () => number;
  readonly #channels = new Map<string, ChannelWindows>();

  constructor(options: Partial<LlhlsViewerOptions> = {}) {
    this.#options = { ...LLHLS_VIEWER_DEFAULTS, ...options };
    this.#nowMs = options.nowMs ?? Date.now;
  }

  /** A playlist request from `viewerId` on a live channel. */
  seen(channel: string, viewerId: string): void {
    const windows = this.#windows(channel, true);
    if (windows.current.size >= this.#options.maxViewersPerChannel || windows.current.has(viewerId)) return;
    windows.current.add(viewerId);
    if (!windows.previous.has(viewerId)) windows.newInCurrent += 1;
  }

  /** Viewers in the current or previous window. */
  count(channel: string): number {
    const windows = this.#windows(channel, false);
    return windows ? windows.previous.size + windows.newInCurrent : 0;
  }

  /** Forgets channels whose output is gone, so the map holds live channels only. */
  retain(isLive: (channel: string) => boolean): void {
    for (const channel of this.#channels.keys()) if (!isLive(channel)) this.#channels.delete(channel);
  }

  #windows(channel: string, create: true): ChannelWindows;
  #windows(channel: string, create: false): ChannelWindows | undefined;
  #windows(channel: string, create: boolean): ChannelWindows | undefined {
    const now = this.#nowMs();
    let windows = this.#channels.get(channel);
    if (!windows) {
      if (!create) return undefined;
      windows = { startMs: now, current: new Set(), previous: new Set(), newInCurrent: 0 };
      this.#channels.set(channel, windows);
      return windows;
    }
    const elapsed = now - windows.startMs;
    if (elapsed >= 2 * this.#options.windowMs) {
      windows.previous = new Set();
      windows.current = new Set();
      windows.newInCurrent = 0;
      windows.startMs = now;
    } else if (elapsed >= this.#options.windowMs) {
      windows.previous = windows.current;
      windows.current = new Set();
      windows.newInCurrent = 0;
      windows.startMs += this.#options.windowMs;
    }
    return windows;
  }
}
