/**
 * A channel's video in the SFU: one tap per layer of the source (or the source's one video track), each with the
 * GOP held for viewers who join, and per viewer a LayerSelector (which layer its bandwidth carries, or its own
 * pick), a LayerForwarder (one continuous track across switches) and a DeliveryMeter (each forwarded packet's
 * sequence number, time and bytes, read against the viewer's receiver reports: the queue in front of it). Decisions
 * are made on each bandwidth estimate, each receiver report and at keyframes; no timers.
 */
import { GopCache } from '../protocols/rtp/gop-cache.ts';
import { startsKeyframe } from '../protocols/rtp/starts-keyframe.ts';
import { DeliveryMeter } from './layer-delivery.ts';
import { LayerForwarder } from './layer-forwarder.ts';
import { type LayerChoice, LayerSelector, type LayerSelectorOptions } from './layer-selector.ts';
import type { RtpSource, VideoLayer } from './types.ts';

/** What the route needs of a viewer. */
export interface LayerViewer {
  readonly connected: boolean;
  sendVideo(packet: Buffer): void;
  /** Forget the packets kept for resends: after a switch, the old layer's are no use and would delay the new one. */
  dropResendHistory?(): void;
}

/** A receiver report's block for the viewer's video. */
export interface VideoReport {
  /** 0–1, since the viewer's last report. */
  readonly fractionLost: number;
  /** The extended highest sequence number received. */
  readonly highestSequence: number;
}

interface Tap {
  readonly layer: VideoLayer;
  readonly gop: GopCache;
  readonly unEnd: () => void;
  detach: (() => void) | null;
}

interface ViewerState {
  readonly selector: LayerSelector;
  readonly forwarder: LayerForwarder;
  readonly meter: DeliveryMeter;
}

export interface VideoLayerRouteOptions {
  readonly selector?: Partial<LayerSelectorOptions>;
  /** Coalesced keyframe request to the source (the SFU's keyframe gate). */
  readonly requestKeyframe: () => void;
  readonly onSwitch?: (viewer: LayerViewer, from: string | null, to: string) => void;
  readonly onError: (error: unknown) => void;
  readonly nowMs?: () => number;
}

/** The single layer of a source without layers: its `onRtp('video')`. */
export function singleLayer(source: RtpSource): VideoLayer {
  return {
    id: 'source',
    width: 0,
    height: 0,
    bitrateKbps: 0,
    onRtp: (listener) => source.onRtp('video', listener),
    requestKeyframe: () => source.requestKeyframe(),
    onEnd: (listener) => source.onClose(listener),
  };
}

/** The longest the old layer is held back waiting for the new one's keyframe (a GOP is 1 s; one may be late). */
const HOLD_MAX_MS = 2000;

/** Bounds the layers a source may announce (a ladder has a handful). */
export const MAX_VIDEO_LAYERS = 8;

export class VideoLayerRoute {
  readonly #options: VideoLayerRouteOptions;
  readonly #nowMs: () => number;
  readonly #taps = new Map<string, Tap>();
  readonly #viewers = new Map<LayerViewer, ViewerState>();
  readonly #unLayer: () => void;
  /** The source has layers; else its one track is forwarded from any packet, as it comes (no switch to wait for). */
  readonly #layered: boolean;
  #forwarding = false;

  constructor(source: RtpSource, options: VideoLayerRouteOptions) {
    this.#options = options;
    this.#nowMs = options.nowMs ?? (() => performance.now());
    const layers = source.videoLayers?.();
    this.#layered = layers !== undefined;
    for (const layer of layers ?? [singleLayer(source)]) this.#addLayer(layer);
    this.#unLayer = source.onVideoLayer?.((layer) => this.#addLayer(layer)) ?? (() => {});
  }

  get layers(): readonly VideoLayer[] {
    return [...this.#taps.values()].map((t) => t.layer);
  }

  get forwarding(): boolean {
    return this.#forwarding;
  }

  /** Listens to every layer (while a connected viewer watches); each layer's first listener may get a burst. */
  start(): void {
    if (this.#forwarding) return;
    this.#forwarding = true;
    for (const tap of this.#taps.values()) this.#attach(tap);
  }

  stop(): void {
    this.#forwarding = false;
    for (const tap of this.#taps.values()) {
      tap.detach?.();
      tap.detach = null;
      tap.gop.clear();
    }
  }

  close(): void {
    this.stop();
    this.#unLayer();
    for (const tap of this.#taps.values()) tap.unEnd();
    this.#taps.clear();
    this.#viewers.clear();
  }

  addViewer(viewer: LayerViewer, manual: string | null): void {
    this.#viewers.set(viewer, {
      selector: new LayerSelector(this.#options.selector, manual),
      forwarder: new LayerForwarder(this.#nowMs),
      meter: new DeliveryMeter(),
    });
  }

  removeViewer(viewer: LayerViewer): void {
    this.#viewers.delete(viewer);
  }

  /**
   * The viewer connected: it gets the layer its selector picks, starting with that layer's GOP when one is held
   * (others watch already), else at the layer's next keyframe (or the burst a first listener gets).
   */
  connected(viewer: LayerViewer): void {
    const state = this.#viewers.get(viewer);
    if (!state) return;
    this.#decide(viewer, state);
    const target = state.forwarder.target;
    const tap = target === null ? undefined : this.#taps.get(target);
    if (tap && this.#forwarding) {
      for (const packet of tap.gop.burst())
        this.#forward(viewer, state, tap.layer.id, packet, startsKeyframeRtp(packet));
    }
  }

  /** The viewer's bandwidth estimate (REMB), bit/s. */
  estimate(viewer: LayerViewer, bps: number): void {
    const state = this.#viewers.get(viewer);
    if (!state) return;
    state.selector.estimate(bps / 1000, this.#nowMs());
    this.#decide(viewer, state);
  }

  /**
   * The viewer's receiver report: read against what was sent to it (the queue in front of it, the rate its link
   * delivers), or, for a packet not remembered, its loss alone.
   */
  report(viewer: LayerViewer, report: VideoReport): void {
    const state = this.#viewers.get(viewer);
    if (!state) return;
    const nowMs = this.#nowMs();
    const delivery = state.meter.received(report.highestSequence, report.fractionLost, nowMs);
    if (delivery) state.selector.report({ ...delivery, fractionLost: report.fractionLost }, nowMs);
    else state.selector.loss(report.fractionLost, nowMs);
    this.#decide(viewer, state);
  }

  /** The viewer's own pick (null: automatic again). */
  setManual(viewer: LayerViewer, layerId: string | null): void {
    const state = this.#viewers.get(viewer);
    if (!state) return;
    state.selector.manual = layerId;
    this.#decide(viewer, state);
  }

  /** What a viewer gets: the layer sent, the one waited for, its estimate, kbit/s. */
  viewerLayer(
    viewer: LayerViewer,
  ): { current: string | null; target: string | null; estimateKbps: number | null; switches: number } | undefined {
    const state = this.#viewers.get(viewer);
    if (!state) return undefined;
    const { current, target, switches } = state.forwarder;
    return { current, target, estimateKbps: state.selector.estimateKbps, switches };
  }

  #choices(): LayerChoice[] {
    return [...this.#taps.values()].map((t) => ({ id: t.layer.id, bitrateKbps: t.layer.bitrateKbps }));
  }

  #decide(viewer: LayerViewer, state: ViewerState): void {
    const { forwarder, selector } = state;
    const on = forwarder.target ?? forwarder.current;
    const overflowing = selector.overflowing;
    const choices = this.#choices();
    const want = selector.choose(choices, on, this.#nowMs());
    if (want === null || want === on) return;
    forwarder.setTarget(want);
    // Down from a link that drops packets: the old layer stops until the new one's keyframe (see holdCurrent).
    const rate = (id: string | null) => choices.find((c) => c.id === id)?.bitrateKbps ?? 0;
    const down = forwarder.current !== null && rate(want) > 0 && rate(want) < (rate(forwarder.current) || Infinity);
    if (overflowing && down) forwarder.holdCurrent(HOLD_MAX_MS);
    // A rung's keyframes follow the source's: the request goes to the source, coalesced with the others.
    if (forwarder.target !== null && viewer.connected) this.#options.requestKeyframe();
  }

  #addLayer(layer: VideoLayer): void {
    const old = this.#taps.get(layer.id);
    if (old) this.#removeLayer(old);
    if (this.#taps.size >= MAX_VIDEO_LAYERS) {
      this.#options.onError(
        new Error(`a source announced more than ${MAX_VIDEO_LAYERS} video layers; ${layer.id} ignored`),
      );
      return;
    }
    let ended = false;
    let tap: Tap | undefined;
    const unEnd = layer.onEnd(() => {
      ended = true;
      if (tap && this.#taps.get(layer.id) === tap) this.#removeLayer(tap);
    });
    // A layer that ended already is not added.
    if (ended) {
      unEnd();
      return;
    }
    tap = { layer, gop: new GopCache(), unEnd, detach: null };
    this.#taps.set(layer.id, tap);
    if (this.#forwarding) this.#attach(tap);
    for (const [viewer, state] of this.#viewers) this.#decide(viewer, state);
  }

  #removeLayer(tap: Tap): void {
    this.#taps.delete(tap.layer.id);
    tap.detach?.();
    tap.detach = null;
    tap.unEnd();
    tap.gop.clear();
    for (const [viewer, state] of this.#viewers) {
      if (state.forwarder.current === tap.layer.id) state.forwarder.dropCurrent();
      if (state.forwarder.target === tap.layer.id) state.forwarder.setTarget(null);
      this.#decide(viewer, state);
    }
  }

  #attach(tap: Tap): void {
    if (tap.detach) return;
    const id = tap.layer.id;
    tap.detach = tap.layer.onRtp((packet) => {
      tap.gop.push(packet);
      const opens = startsKeyframeRtp(packet);
      for (const [viewer, state] of this.#viewers) {
        if (!viewer.connected) continue;
        // Keyframes are where a switch can happen: a good time to look at the estimate again.
        if (opens) this.#decide(viewer, state);
        this.#forward(viewer, state, id, packet, opens);
      }
    });
  }

  #forward(viewer: LayerViewer, state: ViewerState, id: string, packet: Buffer, opens: boolean): void {
    const from = state.forwarder.current;
    const out = state.forwarder.push(id, packet, opens || (!this.#layered && from === null));
    if (!out) return;
    const nowMs = this.#nowMs();
    if (out.switched) {
      state.selector.started(id, nowMs);
      if (from !== null) viewer.dropResendHistory?.();
      this.#options.onSwitch?.(viewer, from, id);
    }
    state.meter.sent(out.packet.readUInt16BE(2), out.packet.length, nowMs);
    viewer.sendVideo(out.packet);
  }
}

/** An RTP packet whose payload opens a keyframe (header length from CSRC count and extension). */
export function startsKeyframeRtp(packet: Buffer): boolean {
  if (packet.length < 13) return false;
  let offset = 12 + (packet[0]! & 0x0f) * 4;
  if (packet[0]! & 0x10) {
    if (packet.length < offset + 4) return false;
    offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  }
  if (packet.length <= offset) return false;
  return startsKeyframe(packet.subarray(offset));
}
