/**
 * The SFU on werift: one source per channel, its RTP fanned out to every subscriber of the channel without
 * awaiting any of them. Keyframe requests from viewers are coalesced per channel before reaching the source.
 */
import type { Logger } from 'pino';
import { GopCache } from '../protocols/rtp/gop-cache.ts';
import { serverCertificate } from './dtls-certificate.ts';
import { NoSourceError, SfuClosedError } from './errors.ts';
import { KeyframeGate } from './keyframe-gate.ts';
import type { IceOptions } from './peer-config.ts';
import { PEER_TIMEOUT_DEFAULTS, type PeerTimeouts } from './peer-watch.ts';
import { chooseOpus, chooseViewerVideo, pruneOffer } from './sdp-codecs.ts';
import { Subscriber, type SubscriberEndReason } from './subscriber.ts';
import type { MediaKind, RtpSource, SessionDescription, Sfu, SubscribeOptions, SubscriberInfo } from './types.ts';

export interface WeriftSfuOptions extends Partial<PeerTimeouts> {
  readonly ice?: IceOptions;
  /** At most one keyframe request to a source per this interval (viewers' PLIs and FIRs coalesced). */
  readonly keyframeIntervalMs?: number;
  /** Unsettled sends before a viewer counts as stuck and is dropped. */
  readonly maxInFlightSends?: number;
  readonly logger?: Logger;
}

/** The defaults of WeriftSfuOptions (config.ts exposes each as a setting); viewers' timeouts: PEER_TIMEOUT_DEFAULTS. */
export const SFU_DEFAULTS = {
  keyframeIntervalMs: 500,
  maxInFlightSends: 512,
} as const;

interface ChannelRoute {
  readonly source: RtpSource;
  readonly gate: KeyframeGate;
  readonly subscribers: Set<Subscriber>;
  readonly detach: Array<() => void>;
  /**
   * RTP listeners on the source, attached only while a connected viewer watches: an RTMP source transcodes audio
   * (and re-encodes B-frame video) for as long as anyone listens, so a viewer that never completes ICE must not.
   */
  forwarding: Array<() => void> | null;
  /** The current GOP of the forwarded video, so a viewer joining others starts at once (see GopCache). */
  readonly gop: GopCache;
}

const KINDS: readonly MediaKind[] = ['video', 'audio'];
export const VIEWER_CODEC_HINT = 'this stream is H.264 with Opus audio; use a browser that receives H.264';

export class WeriftSfu implements Sfu {
  readonly #options: WeriftSfuOptions;
  readonly #log: Logger | undefined;
  readonly #channels = new Map<string, ChannelRoute>();
  readonly #subscribers = new Map<string, Subscriber>();
  #closed = false;

  constructor(options: WeriftSfuOptions = {}) {
    this.#options = options;
    this.#log = options.logger;
  }

  /** The ICE settings of viewer connections; WHIP publishers take the same (one bind address, one set of IPs). */
  get ice(): IceOptions {
    return this.#options.ice ?? {};
  }

  addSource(source: RtpSource): void {
    if (this.#closed) throw new SfuClosedError();
    this.removeSource(source.channelId);
    const route: ChannelRoute = {
      source,
      gate: new KeyframeGate(() => this.#requestKeyframe(source), {
        intervalMs: this.#options.keyframeIntervalMs ?? SFU_DEFAULTS.keyframeIntervalMs,
      }),
      subscribers: new Set(),
      detach: [],
      forwarding: null,
      gop: new GopCache(),
    };
    route.detach.push(
      source.onClose(() => {
        if (this.#channels.get(source.channelId) === route) this.removeSource(source.channelId);
      }),
    );
    this.#channels.set(source.channelId, route);
    this.#log?.info({ channelId: source.channelId, codecs: source.codecs }, 'SFU source added');
  }

  removeSource(channelId: string): void {
    const route = this.#channels.get(channelId);
    if (!route) return;
    this.#channels.delete(channelId);
    for (const detach of route.detach) detach();
    this.#stopForwarding(route);
    route.gate.close();
    for (const subscriber of [...route.subscribers]) void subscriber.end('source-ended');
    this.#log?.info({ channelId }, 'SFU source removed');
  }

  /** Listens to the source's tracks as they are now (an RTMP source knows its codecs only once media came). */
  #startForwarding(route: ChannelRoute): void {
    if (route.forwarding) return;
    route.forwarding = KINDS.filter((kind) => route.source.codecs[kind]).map((kind) =>
      route.source.onRtp(kind, (packet) => {
        if (kind === 'video') route.gop.push(packet);
        for (const subscriber of route.subscribers) subscriber.send(kind, packet);
      }),
    );
  }

  #stopForwarding(route: ChannelRoute): void {
    for (const detach of route.forwarding ?? []) detach();
    route.forwarding = null;
    route.gop.clear();
  }

  hasSource(channelId: string): boolean {
    return this.#channels.has(channelId);
  }

  /** The channel's source as the SFU forwards it (a benchmark taps its packets to time the forwarding stage). */
  source(channelId: string): RtpSource | undefined {
    return this.#channels.get(channelId)?.source;
  }

  async subscribe(
    channelId: string,
    offer: SessionDescription,
    options: SubscribeOptions = {},
  ): Promise<{ id: string; answer: SessionDescription }> {
    if (this.#closed) throw new SfuClosedError();
    const route = this.#channels.get(channelId);
    if (!route) throw new NoSourceError(channelId);
    // Refuses a bad offer before any socket is opened.
    const { sdp, chosen, kinds } = pruneOffer(
      offer.sdp,
      { video: chooseViewerVideo(route.source.codecs.video?.sdpFmtpLine), audio: chooseOpus },
      VIEWER_CODEC_HINT,
    );
    const certificate = await serverCertificate();
    // Generated on first use: the source may have ended, or the SFU closed, meanwhile.
    if (this.#closed) throw new SfuClosedError();
    if (this.#channels.get(channelId) !== route) throw new NoSourceError(channelId);
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      options.onSettled?.();
    };
    const subscriber = new Subscriber(channelId, {
      ice: this.#options.ice ?? {},
      certificate,
      connectTimeoutMs: this.#options.connectTimeoutMs ?? PEER_TIMEOUT_DEFAULTS.connectTimeoutMs,
      disconnectedGraceMs: this.#options.disconnectedGraceMs ?? PEER_TIMEOUT_DEFAULTS.disconnectedGraceMs,
      idleTimeoutMs: this.#options.idleTimeoutMs ?? PEER_TIMEOUT_DEFAULTS.idleTimeoutMs,
      maxInFlightSends: this.#options.maxInFlightSends ?? SFU_DEFAULTS.maxInFlightSends,
      onKeyframeNeeded: () => route.gate.request(),
      onConnected: (s) => {
        settle();
        // The source may have been replaced while this viewer connected; it is ended with the old one then.
        if (this.#channels.get(channelId) === route) {
          const joinsOthers = route.forwarding !== null;
          this.#startForwarding(route);
          // Others are watching, so the GOP so far is held: this viewer starts with it instead of the next keyframe.
          if (joinsOthers) for (const packet of route.gop.burst()) s.send('video', packet);
        }
        this.#log?.info({ channelId, subscriber: s.logTag, viewers: route.subscribers.size }, 'WHEP viewer connected');
      },
      onEnd: (s, reason, error) => {
        settle();
        this.#forget(s, route, reason, error);
      },
      onCloseError: (s, error) =>
        this.#log?.warn({ err: error, channelId, subscriber: s.logTag }, 'closing viewer peer connection failed'),
    });
    this.#subscribers.set(subscriber.id, subscriber);
    route.subscribers.add(subscriber);
    try {
      const answer = await subscriber.answer(sdp, kinds);
      if (subscriber.ended) throw new NoSourceError(channelId);
      this.#log?.info(
        { channelId, subscriber: subscriber.logTag, video: chosen.video?.fmtpLine, viewers: route.subscribers.size },
        'WHEP viewer answered',
      );
      return { id: subscriber.id, answer: { sdp: answer } };
    } catch (error) {
      await subscriber.end('failed', error);
      throw error;
    }
  }

  async unsubscribe(id: string): Promise<boolean> {
    const subscriber = this.#subscribers.get(id);
    if (!subscriber) return false;
    await subscriber.end('unsubscribed');
    return true;
  }

  subscriberCount(channelId?: string): number {
    if (channelId === undefined) return this.#subscribers.size;
    return this.#channels.get(channelId)?.subscribers.size ?? 0;
  }

  /** Per-viewer state, for metrics and tests. */
  subscribers(
    channelId?: string,
  ): Array<SubscriberInfo & { state: string; packetsSent: number; retransmitted: number; connected: boolean }> {
    return [...this.#subscribers.values()]
      .filter((s) => channelId === undefined || s.channelId === channelId)
      .map((s) => ({
        id: s.id,
        channelId: s.channelId,
        state: s.connectionState,
        packetsSent: s.packetsSent,
        retransmitted: s.retransmittedPackets(),
        connected: s.connected,
      }));
  }

  /** Keyframe requests asked for by viewers and those that reached the source, per channel. */
  keyframeStats(channelId: string): { requested: number; sent: number } | undefined {
    const gate = this.#channels.get(channelId)?.gate;
    return gate ? { requested: gate.requested, sent: gate.sent } : undefined;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const channelId of [...this.#channels.keys()]) this.removeSource(channelId);
    await Promise.all([...this.#subscribers.values()].map((s) => s.end('shutdown')));
  }

  #forget(subscriber: Subscriber, route: ChannelRoute, reason: SubscriberEndReason, error: unknown): void {
    this.#subscribers.delete(subscriber.id);
    route.subscribers.delete(subscriber);
    if (![...route.subscribers].some((s) => s.connected)) this.#stopForwarding(route);
    const fields = {
      channelId: subscriber.channelId,
      subscriber: subscriber.logTag,
      reason,
      viewers: route.subscribers.size,
    };
    if (error !== undefined && reason !== 'failed') this.#log?.warn({ ...fields, err: error }, 'WHEP viewer dropped');
    else this.#log?.info(fields, 'WHEP viewer ended');
  }

  #requestKeyframe(source: RtpSource): void {
    try {
      source.requestKeyframe();
    } catch (error) {
      this.#log?.error({ err: error, channelId: source.channelId }, 'keyframe request to source failed');
    }
  }
}
