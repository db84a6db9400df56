import { type Logger, silentLogger } from '@glint/media-core';
import { type EmoteIndex, type EmoteRef, emoteIndex } from './emote-parser.ts';

/** Where emotes come from: the platform's `emotes` service has this shape. */
export interface EmoteSource {
  /** The channel's own emotes. */
  list(channel: string): Promise<readonly EmoteRef[]>;
  /** The built-in set every channel has. */
  global(): readonly { readonly id: string; readonly code: string }[];
  /** Told when a channel's emotes change, so this pod reads them again at once (other pods: within the TTL). */
  readonly changed?: { add(listener: (channel: string) => void): () => void };
}

export interface EmoteSetsOptions {
  /** How long a channel's set is used before it is read again (an upload shows up within this). */
  readonly ttlMs: number;
  /** After a failed read, how long the fallback (the last set, or the globals alone) is used before trying again. */
  readonly retryMs: number;
  /** Channels kept; past it the expired, then the oldest, are dropped. */
  readonly maxChannels: number;
  readonly nowMs: () => number;
  readonly logger: Logger;
}

export const DEFAULT_EMOTE_SETS_OPTIONS: EmoteSetsOptions = {
  ttlMs: 30_000,
  retryMs: 5_000,
  maxChannels: 10_000,
  nowMs: Date.now,
  logger: silentLogger,
};

interface Entry {
  index: EmoteIndex;
  expiresAtMs: number;
  refreshing: Promise<EmoteIndex> | null;
}

/**
 * Each channel's emote set (the globals, then the channel's own, which win on a shared code), read from the
 * platform at most once per TTL per pod and kept ready for every message. An expired set is still served while one
 * read refreshes it, so a message never waits on the database once its room has a set; only a room's first
 * message does, and concurrent first messages share that one read.
 */
export class EmoteSets {
  readonly #source: EmoteSource;
  readonly #options: EmoteSetsOptions;
  readonly #entries = new Map<string, Entry>();
  readonly #stopListening: () => void;

  constructor(source: EmoteSource, options: Partial<EmoteSetsOptions> = {}) {
    this.#source = source;
    this.#options = { ...DEFAULT_EMOTE_SETS_OPTIONS, ...options };
    const stop = source.changed?.add((channel) => this.invalidate(channel));
    this.#stopListening = () => void stop?.();
  }

  /** Stops listening for changes (the pod is closing); the cache is dropped. */
  close(): void {
    this.#stopListening();
    this.#entries.clear();
  }

  /** The channel's emotes by code, ready for markEmotes. */
  async get(channel: string): Promise<EmoteIndex> {
    const entry = this.#entries.get(channel);
    if (entry === undefined) {
      const created: Entry = { index: new Map(), expiresAtMs: 0, refreshing: null };
      this.#entries.set(channel, created);
      const loading = this.#refresh(channel, created, null);
      // After the read has started: an entry being read is never trimmed as expired.
      this.#trim();
      return loading;
    }
    if (entry.refreshing !== null) return entry.expiresAtMs === 0 ? entry.refreshing : entry.index;
    if (this.#options.nowMs() >= entry.expiresAtMs) void this.#refresh(channel, entry, entry.index);
    return entry.index;
  }

  /** Forget a channel's set (its broadcaster changed it, or the room emptied): the next get reads it again. */
  invalidate(channel: string): void {
    this.#entries.delete(channel);
  }

  #refresh(channel: string, entry: Entry, stale: EmoteIndex | null): Promise<EmoteIndex> {
    const { nowMs, ttlMs, retryMs, logger } = this.#options;
    entry.refreshing = this.#source.list(channel).then(
      (own) => {
        entry.index = emoteIndex(this.#globals(), own);
        entry.expiresAtMs = nowMs() + ttlMs;
        entry.refreshing = null;
        return entry.index;
      },
      (error: unknown) => {
        // Chat goes on with what it had (or the globals alone); messages are marked a little out of date.
        logger.warn({ err: error, channel }, 'reading the channel emotes failed; using the last known set');
        entry.index = stale ?? emoteIndex(this.#globals());
        entry.expiresAtMs = nowMs() + retryMs;
        entry.refreshing = null;
        return entry.index;
      },
    );
    return entry.refreshing;
  }

  #globals(): EmoteRef[] {
    return this.#source.global().map((e) => ({ id: e.id, code: e.code, subscriberOnly: false }));
  }

  #trim(): void {
    const { maxChannels, nowMs } = this.#options;
    if (this.#entries.size <= maxChannels) return;
    const now = nowMs();
    for (const [channel, entry] of this.#entries) {
      if (entry.refreshing === null && entry.expiresAtMs <= now) this.#entries.delete(channel);
    }
    // Still over: the oldest first (a Map iterates in insertion order).
    for (const channel of this.#entries.keys()) {
      if (this.#entries.size <= maxChannels) break;
      this.#entries.delete(channel);
    }
  }
}
