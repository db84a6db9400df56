/**
 * An edge SFU: its own engine (werift or mediasoup) serving its viewers, each channel pulled from the origin on the
 * first viewer's offer (one upstream per channel, however many viewers arrive at once) and let go once the channel
 * has had no viewer for `idleMs`. The origin sees one WHEP viewer per edge and channel; an edge's viewers' keyframe
 * requests reach it coalesced (once by the edge's engine, once more by the origin's).
 */
import type { Logger } from 'pino';
import type {
  IceOptions,
  RtpSource,
  SessionDescription,
  SfuEngine,
  SubscribeOptions,
  SubscriberInfo,
} from '../types.ts';

export interface EdgeSfuOptions {
  /** Opens the channel's upstream (a WhepUpstream in production). Throws NoSourceError when it is not live. */
  readonly pull: (channelId: string) => Promise<Upstream>;
  /** Reports each channel's viewer count upstream this often (the origin counts them); none without it. */
  readonly reportViewers?: { readonly everyMs: number; readonly token: string };
  /** A channel with no viewer for this long drops its upstream. Default 10 s. */
  readonly idleMs?: number;
  readonly logger?: Logger;
}

/** A channel pulled from the origin (a WhepUpstream in production). */
export type Upstream = RtpSource & {
  close(reason?: string): Promise<void>;
  reportViewers?(viewers: number, token: string): Promise<number>;
};

interface Pulled {
  readonly source: Promise<Upstream>;
  idleSinceMs: number | null;
  /** The last count sent upstream, when, and whether the origin took it. */
  reported: { viewers: number; atMs: number; ok: boolean } | null;
  warned: boolean;
}

export class EdgeSfu implements SfuEngine {
  readonly #inner: SfuEngine;
  readonly #options: EdgeSfuOptions;
  readonly #pulled = new Map<string, Pulled>();
  readonly #sweeper: NodeJS.Timeout;

  constructor(inner: SfuEngine, options: EdgeSfuOptions) {
    this.#inner = inner;
    this.#options = options;
    const idleMs = options.idleMs ?? 10_000;
    this.#sweeper = setInterval(() => this.#sweep(idleMs), Math.max(250, Math.min(idleMs / 4, 2000)));
    this.#sweeper.unref();
  }

  get engine(): SfuEngine['engine'] {
    return this.#inner.engine;
  }

  get ice(): IceOptions {
    return this.#inner.ice;
  }

  /** Channels pulled from the origin now. */
  get upstreams(): string[] {
    return [...this.#pulled.keys()];
  }

  addSource(source: RtpSource): void {
    this.#inner.addSource(source);
  }

  removeSource(channelId: string): void {
    this.#inner.removeSource(channelId);
  }

  hasSource(channelId: string): boolean {
    return this.#inner.hasSource(channelId);
  }

  async subscribe(
    channelId: string,
    offer: SessionDescription,
    options?: SubscribeOptions,
  ): Promise<{ id: string; answer: SessionDescription }> {
    await this.#source(channelId);
    const pulled = this.#pulled.get(channelId);
    if (pulled) pulled.idleSinceMs = null;
    return this.#inner.subscribe(channelId, offer, options);
  }

  unsubscribe(id: string): Promise<boolean> {
    return this.#inner.unsubscribe(id);
  }

  subscriberCount(channelId?: string): number {
    return this.#inner.subscriberCount(channelId);
  }

  subscribers(channelId?: string): ReadonlyArray<SubscriberInfo & { readonly connected: boolean }> {
    return this.#inner.subscribers(channelId);
  }

  videoLayers(channelId: string): ReadonlyArray<{ id: string; width: number; height: number; bitrateKbps: number }> {
    return this.#inner.videoLayers(channelId);
  }

  setViewerLayer(id: string, layerId: string | null): boolean {
    return this.#inner.setViewerLayer(id, layerId);
  }

  keyframeStats(channelId: string): { requested: number; sent: number } | undefined {
    return this.#inner.keyframeStats(channelId);
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    const pulled = [...this.#pulled.values()];
    this.#pulled.clear();
    await this.#inner.close();
    await Promise.all(pulled.map((p) => p.source.then((s) => s.close('edge closed')).catch(() => {})));
  }

  /** The channel's upstream, opened once however many viewers ask at the same time. */
  async #source(channelId: string): Promise<void> {
    const existing = this.#pulled.get(channelId);
    if (existing) {
      await existing.source;
      return;
    }
    const source = this.#options.pull(channelId);
    const pulled: Pulled = { source, idleSinceMs: null, reported: null, warned: false };
    this.#pulled.set(channelId, pulled);
    try {
      const upstream = await source;
      upstream.onClose(() => {
        if (this.#pulled.get(channelId) === pulled) this.#pulled.delete(channelId);
      });
      this.#inner.addSource(upstream);
    } catch (error) {
      if (this.#pulled.get(channelId) === pulled) this.#pulled.delete(channelId);
      throw error;
    }
  }

  /** Sends the channel's viewer count upstream when it changed or `everyMs` passed (a lost report is resent). */
  #report(channelId: string, pulled: Pulled, now: number): void {
    const options = this.#options.reportViewers;
    if (!options) return;
    const viewers = this.#inner.subscriberCount(channelId);
    const last = pulled.reported;
    // Unchanged, or refused (a wrong token): again once `everyMs` has passed.
    if (last && now - last.atMs < options.everyMs && (last.viewers === viewers || !last.ok)) return;
    const sent = { viewers, atMs: now, ok: true };
    pulled.reported = sent;
    const refused = (why: unknown) => {
      sent.ok = false;
      if (pulled.warned) return;
      pulled.warned = true;
      this.#options.logger?.warn({ channelId, why }, 'edge: the origin did not take the viewer count');
    };
    void pulled.source
      .then((upstream) => upstream.reportViewers?.(viewers, options.token))
      .then((status) => {
        if (status !== undefined && status !== 204) refused(status);
      }, refused);
  }

  #sweep(idleMs: number): void {
    const now = Date.now();
    for (const [channelId, pulled] of this.#pulled) {
      this.#report(channelId, pulled, now);
      if (this.#inner.subscriberCount(channelId) > 0) {
        pulled.idleSinceMs = null;
        continue;
      }
      pulled.idleSinceMs ??= now;
      if (now - pulled.idleSinceMs < idleMs) continue;
      this.#pulled.delete(channelId);
      this.#options.logger?.info({ channelId }, 'edge: no viewer left; releasing the upstream');
      void pulled.source.then(
        (s) => s.close('no viewers'),
        () => {},
      );
    }
  }
}
