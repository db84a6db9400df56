/**
 * The SFU on werift: one source per channel, its RTP fanned out to every subscriber of the channel without
 * awaiting any of them. Keyframe requests from viewers are coalesced per channel before reaching the source.
 */
import type { Logger } from 'pino';
import { serverCertificate } from './dtls-certificate.ts';
import { NoSourceError, SfuClosedError } from './errors.ts';
import { KeyframeGate } from './keyframe-gate.ts';
import type { LayerSelectorOptions } from './layer-selector.ts';
import type { IceOptions } from './peer-config.ts';
import { PEER_TIMEOUT_DEFAULTS, type PeerTimeouts } from './peer-watch.ts';
import { chooseOpus, chooseViewerVideo, pruneOffer, withoutTransportCc } from './sdp-codecs.ts';
import { Subscriber, type SubscriberEndReason } from './subscriber.ts';
import type { RtpSource, SessionDescription, SfuEngine, SubscribeOptions, SubscriberInfo } from './types.ts';
import { VideoLayerRoute } from './video-layer-route.ts';

export interface WeriftSfuOptions extends Partial<PeerTimeouts> {
  readonly ice?: IceOptions;
  /** At most one keyframe request to a source per this interval (viewers' PLIs and FIRs coalesced). */
  readonly keyframeIntervalMs?: number;
  /** Unsettled sends before a viewer counts as stuck and is dropped. */
  readonly maxInFlightSends?: number;
  /** Headrooms and holds of the per-viewer layer choice (sources with video layers); defaults LAYER_SELECTOR_DEFAULTS. */
  readonly layerSelector?: Partial<LayerSelectorOptions>;
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
  /** The video: its layers (or its one track) with their GOPs, and which layer each viewer gets. */
  readonly video: VideoLayerRoute;
}

export const VIEWER_CODEC_HINT = 'this stream is H.264 with Opus audio; use a browser that receives H.264';

export class WeriftSfu implements SfuEngine {
  readonly engine = 'werift' as const;
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
    const gate = new KeyframeGate(() => this.#requestKeyframe(source), {
      intervalMs: this.#options.keyframeIntervalMs ?? SFU_DEFAULTS.keyframeIntervalMs,
    });
    const route: ChannelRoute = {
      source,
      gate,
      subscribers: new Set(),
      detach: [],
      forwarding: null,
      video: new VideoLayerRoute(source, {
        requestKeyframe: () => gate.request(),
        ...(this.#options.layerSelector ? { selector: this.#options.layerSelector } : {}),
        onSwitch: (viewer, from, to) =>
          this.#log?.info(
            { channelId: source.channelId, subscriber: (viewer as Subscriber).logTag, from, to },
            'WHEP viewer switched video layer',
          ),
        onError: (error) => this.#log?.warn({ err: error, channelId: source.channelId }, 'video layer refused'),
      }),
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
    route.video.close();
    route.gate.close();
    for (const subscriber of [...route.subscribers]) void subscriber.end('source-ended');
    this.#log?.info({ channelId }, 'SFU source removed');
  }

  /** Listens to the source's tracks as they are now (an RTMP source knows its codecs only once media came). */
  #startForwarding(route: ChannelRoute): void {
    if (route.forwarding) {
      if (route.source.codecs.video) route.video.start();
      return;
    }
    const audio = route.source.codecs.audio
      ? [
          route.source.onRtp('audio', (packet) => {
            for (const subscriber of route.subscribers) subscriber.send('audio', packet);
          }),
        ]
      : [];
    route.forwarding = audio;
    if (route.source.codecs.video) route.video.start();
  }

  #stopForwarding(route: ChannelRoute): void {
    for (const detach of route.forwarding ?? []) detach();
    route.forwarding = null;
    route.video.stop();
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
      onBandwidthEstimate: (s, bps) => route.video.estimate(s, bps),
      onVideoReport: (s, report) => route.video.report(s, report),
      onConnected: (s) => {
        settle();
        // The source may have been replaced while this viewer connected; it is ended with the old one then.
        if (this.#channels.get(channelId) === route) {
          // Others watching: the chosen layer's GOP so far is held, and this viewer starts with it; else the first
          // listener of each layer gets its burst as forwarding starts.
          const joinsOthers = route.forwarding !== null;
          if (!joinsOthers) route.video.connected(s);
          this.#startForwarding(route);
          if (joinsOthers) route.video.connected(s);
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
    route.video.addViewer(subscriber, options.layer ?? null);
    try {
      const answer = await subscriber.answer(withoutTransportCc(sdp), kinds);
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

  /**
   * Pins a viewer to a video layer (`source`, a rung's name) or, with null, lets its bandwidth choose again. The
   * switch happens at the layer's next keyframe. False when there is no such viewer.
   */
  setViewerLayer(id: string, layerId: string | null): boolean {
    const subscriber = this.#subscribers.get(id);
    const route = subscriber && this.#channels.get(subscriber.channelId);
    if (!subscriber || !route) return false;
    route.video.setManual(subscriber, layerId);
    return true;
  }

  /** The layer a viewer gets, the one it waits for, its bandwidth estimate (kbit/s) and its switches so far. */
  viewerLayer(id: string): ReturnType<VideoLayerRoute['viewerLayer']> {
    const subscriber = this.#subscribers.get(id);
    const route = subscriber && this.#channels.get(subscriber.channelId);
    return subscriber && route ? route.video.viewerLayer(subscriber) : undefined;
  }

  /** A channel's video layers as the SFU sees them now. */
  videoLayers(channelId: string): Array<{ id: string; width: number; height: number; bitrateKbps: number }> {
    return (this.#channels.get(channelId)?.video.layers ?? []).map(({ id, width, height, bitrateKbps }) => ({
      id,
      width,
      height,
      bitrateKbps,
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
    route.video.removeViewer(subscriber);
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

/** The engine as werift, for what only werift offers (per-viewer send counts, the source's tap); throws otherwise. */
export function weriftOf(sfu: SfuEngine): WeriftSfu {
  if (!(sfu instanceof WeriftSfu)) throw new Error(`this needs the werift SFU engine; the server runs ${sfu.engine}`);
  return sfu;
}
