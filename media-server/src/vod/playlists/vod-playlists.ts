import { createHash } from 'node:crypto';
import { renderMultivariantPlaylist } from '@glint/llhls-packager';
import type { VodIndex, VodSummary } from '@glint/platform';
import { ByteLru } from './byte-lru.ts';
import { type RenditionRates, VodMediaPlaylist } from './vod-media-playlist.ts';
import { vodMultivariantModel } from './vod-multivariant.ts';

/** A rendered playlist as served: its bytes and strong ETag (a hash of them). */
export interface RenderedPlaylist {
  readonly body: Buffer;
  readonly etag: string;
  /** VOD (ended, ENDLIST) rather than a recording broadcast's EVENT playlist. */
  readonly ended: boolean;
}

export interface VodPlaylistsOptions {
  readonly index: VodIndex;
  /** Rendered playlists kept, in bytes; least recently used go first. Default 64 MiB. */
  readonly maxCacheBytes?: number;
  /** A recording broadcast's playlist asks the index for new segments at most this often. Default 250 ms. */
  readonly refreshMs?: number;
  /**
   * After a broadcast ends, its last queued segments may still be indexed: its playlists are checked as while
   * recording for this long, then served from the cache without asking the database. Default 30 s.
   */
  readonly settleMs?: number;
  /**
   * A settled playlist is read again from the index this long after it was built (the same bytes keep the same
   * ETag): a segment the archive finds corrupt later, or a VOD retention deleted, shows within this even when nobody
   * calls `forget`. Default 5 minutes.
   */
  readonly revalidateMs?: number;
  readonly nowMs?: () => number;
}

export interface VodPlaylistsStats {
  readonly cachedBytes: number;
  readonly cachedPlaylists: number;
  /** Times a playlist was rendered (a recording one once per new segment, not per request). */
  readonly renders: number;
}

interface Entry {
  /** Undefined once settled: only the rendered bytes are kept. */
  playlist: VodMediaPlaylist | undefined;
  rendered: RenderedPlaylist | undefined;
  rates: RenditionRates;
  settled: boolean;
  builtAtMs: number;
  checkedAtMs: number;
  refreshing: Promise<void> | undefined;
}

const MULTIVARIANT = '*';
/** Summaries held at once (one per VOD asked for within a refresh period). */
const MAX_HEADS = 10_000;
/** Segments read from the index at once. */
const READ_PAGE = 1000;

export function strongEtag(body: Uint8Array): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/**
 * The VOD and DVR playlists of archived broadcasts, from the index, cached: an ended VOD's playlists are rendered once
 * and kept (bounded by bytes); a recording broadcast's grow by the segments indexed since the last look, which is at
 * most every `refreshMs` whatever the number of viewers (concurrent requests share one look).
 */
export class VodPlaylists {
  readonly #index: VodIndex;
  readonly #cache: ByteLru<string, Entry>;
  readonly #refreshMs: number;
  readonly #settleMs: number;
  readonly #revalidateMs: number;
  readonly #nowMs: () => number;
  /** Each VOD's summary (is it there, has it ended), read once per refresh for all its playlists. */
  readonly #heads = new Map<string, { atMs: number; summary: Promise<VodSummary | undefined> }>();
  #renders = 0;
  /** Counts `forget` calls: a refresh that began before one does not put what it read back in the cache. */
  #forgets = 0;

  constructor(options: VodPlaylistsOptions) {
    this.#index = options.index;
    this.#cache = new ByteLru(options.maxCacheBytes ?? 64 * 1024 * 1024);
    this.#refreshMs = options.refreshMs ?? 250;
    this.#settleMs = options.settleMs ?? 30_000;
    this.#revalidateMs = options.revalidateMs ?? 300_000;
    this.#nowMs = options.nowMs ?? Date.now;
  }

  get stats(): VodPlaylistsStats {
    return { cachedBytes: this.#cache.bytes, cachedPlaylists: this.#cache.size, renders: this.#renders };
  }

  /** A rendition's media playlist; undefined when the VOD or the rendition is unknown (or deleted). */
  async media(broadcastId: string, rendition: string): Promise<RenderedPlaylist | undefined> {
    const entry = await this.#entry(broadcastId, rendition);
    return entry?.rendered;
  }

  /** The multivariant playlist over the archived renditions; undefined when the VOD is unknown. */
  async multivariant(broadcastId: string): Promise<RenderedPlaylist | undefined> {
    const entry = await this.#entry(broadcastId, MULTIVARIANT);
    return entry?.rendered;
  }

  /** Drops a VOD's playlists (deleted, or a segment found bad): the next request reads the index again. */
  forget(broadcastId: string): void {
    this.#forgets++;
    this.#heads.delete(broadcastId);
    this.#cache.deleteWhere((key) => key.startsWith(`${broadcastId}/`));
  }

  /**
   * The VOD's summary, shared by its playlists' refreshes within `refreshMs` (the summary sums every segment's bytes:
   * once per refresh of the VOD, not once per rendition). Bounded: only VODs being refreshed are held.
   */
  #summary(broadcastId: string): Promise<VodSummary | undefined> {
    const now = this.#nowMs();
    const head = this.#heads.get(broadcastId);
    if (head && now - head.atMs < this.#refreshMs) return head.summary;
    // Oldest first (a key is deleted before it is set again): stop at the first still fresh; a flood of ids within
    // one refresh period is capped too.
    for (const [id, old] of this.#heads) {
      if (now - old.atMs < this.#refreshMs && this.#heads.size < MAX_HEADS) break;
      this.#heads.delete(id);
    }
    const summary = this.#index.summary(broadcastId);
    this.#heads.set(broadcastId, { atMs: now, summary });
    return summary;
  }

  async #entry(broadcastId: string, rendition: string): Promise<Entry | undefined> {
    const key = `${broadcastId}/${rendition}`;
    let entry = this.#cache.get(key);
    if (entry?.settled) {
      if (this.#nowMs() - entry.builtAtMs < this.#revalidateMs) return entry;
      this.#cache.delete(key);
      entry = undefined;
    }
    if (entry?.refreshing) {
      await entry.refreshing;
      return entry.rendered ? entry : undefined;
    }
    if (entry?.rendered && this.#nowMs() - entry.checkedAtMs < this.#refreshMs) return entry;
    if (!entry) {
      entry = {
        playlist: undefined,
        rendered: undefined,
        rates: { peakBps: 0, averageBps: 0 },
        settled: false,
        builtAtMs: this.#nowMs(),
        checkedAtMs: 0,
        refreshing: undefined,
      };
    }
    const current = entry;
    const forgets = this.#forgets;
    current.refreshing = (async () => {
      try {
        const found =
          rendition === MULTIVARIANT
            ? await this.#refreshMultivariant(broadcastId, current)
            : await this.#refreshMedia(broadcastId, rendition, current);
        if (!found) {
          this.#cache.delete(key);
          current.rendered = undefined;
          return;
        }
        current.checkedAtMs = this.#nowMs();
        // A VOD deleted (or found changed) while this read ran: answer this request, keep nothing.
        if (this.#forgets !== forgets) return;
        const bytes = (current.rendered?.body.byteLength ?? 0) + (current.playlist?.size ?? 0);
        if (this.#cache.get(key) === current) this.#cache.resize(key, current, bytes);
        else this.#cache.set(key, current, bytes);
      } finally {
        current.refreshing = undefined;
      }
    })();
    await current.refreshing;
    return current.rendered ? current : undefined;
  }

  async #refreshMedia(broadcastId: string, rendition: string, entry: Entry): Promise<boolean> {
    const summary = await this.#summary(broadcastId);
    if (!summary) return false;
    if (!entry.playlist) {
      const renditions = await this.#index.renditions(broadcastId);
      if (!renditions.some((r) => r.rendition === rendition)) return false;
      entry.playlist = new VodMediaPlaylist();
    }
    const ended = summary.endedAt !== null;
    const settling = this.#settledNow(summary);
    // Settling: read once more from the first segment, so marks made on segments already listed (the archive
    // verifies a broadcast as it ends) are in the playlist kept from now on.
    const playlist = settling && entry.playlist.nextSeq > 0 ? new VodMediaPlaylist() : entry.playlist;
    const before = playlist === entry.playlist ? playlist.nextSeq : -1;
    await this.#readInto(playlist, broadcastId, rendition);
    if (!entry.rendered || playlist.nextSeq !== before || entry.rendered.ended !== ended) {
      const text = playlist.render(ended);
      // The same bytes keep the same ETag (and skip the hash).
      if (entry.rendered?.ended !== ended || entry.rendered.body.toString() !== text) {
        entry.rendered = this.#render(text, ended);
      }
    }
    entry.rates = playlist.rates;
    entry.playlist = settling ? undefined : playlist;
    entry.settled = settling;
    return true;
  }

  /** Appends what the index has past the playlist's last segment. */
  async #readInto(playlist: VodMediaPlaylist, broadcastId: string, rendition: string): Promise<void> {
    // In pages: SQLite answers synchronously, and a 6-hour rendition read at once held the event loop for ~300 ms
    // (live parts wait behind it); a page is a few ms.
    for (;;) {
      const page = await this.#index.segments(broadcastId, rendition, { fromSeq: playlist.nextSeq, limit: READ_PAGE });
      playlist.append(page);
      if (page.length < READ_PAGE) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  async #refreshMultivariant(broadcastId: string, entry: Entry): Promise<boolean> {
    const summary = await this.#summary(broadcastId);
    if (!summary) return false;
    const renditions = await this.#index.renditions(broadcastId);
    if (renditions.length === 0) return false;
    const rates = new Map<string, RenditionRates>();
    for (const r of renditions) {
      const media = await this.#entry(broadcastId, r.rendition);
      if (media) rates.set(r.rendition, media.rates);
    }
    const ended = summary.endedAt !== null;
    const text = renderMultivariantPlaylist(vodMultivariantModel(renditions, (name) => rates.get(name)));
    if (entry.rendered?.body.toString() !== text || entry.rendered.ended !== ended)
      entry.rendered = this.#render(text, ended);
    entry.settled = this.#settledNow(summary);
    return true;
  }

  #settledNow(summary: VodSummary): boolean {
    return summary.endedAt !== null && this.#nowMs() - summary.endedAt >= this.#settleMs;
  }

  #render(text: string, ended: boolean): RenderedPlaylist {
    this.#renders++;
    const body = Buffer.from(text);
    return { body, etag: strongEtag(body), ended };
  }
}
