import type { RtpCodec } from '../protocols/rtp/rtp-codec.ts';
/**
 * The SFU's public contract, separate from its werift implementation so another engine can replace it.
 * An SFU forwards RTP from one source per channel to many subscribers without decoding.
 */

export type MediaKind = 'video' | 'audio';

/** The codec a source's track carries, as negotiated with subscribers. */
export type { RtpCodec } from '../protocols/rtp/rtp-codec.ts';

/**
 * Where a channel's RTP comes from: a WHIP publisher's peer connection, or an RTMP stream packetized here.
 * Packets are whole serialized RTP packets (header + payload); the SFU rewrites SSRC/PT per subscriber.
 */
export interface RtpSource {
  readonly channelId: string;
  /** Tracks this source has (or will have); a subscriber negotiates one transceiver per track. */
  readonly codecs: Readonly<Partial<Record<MediaKind, RtpCodec>>>;
  onRtp(kind: MediaKind, listener: (packet: Buffer) => void): () => void;
  /** A subscriber needs a keyframe (it joined, or lost one). The SFU coalesces these before calling. */
  requestKeyframe(): void;
  /** The source is gone: subscribers are told and closed. */
  onClose(listener: () => void): () => void;
  /**
   * Optional video layers (simulcast-like): the source's own video and one layer per transcoding rung, any order.
   * Without them the SFU forwards `onRtp('video')` as the one layer. Every layer is H.264 packetization mode 1 on
   * its own SSRC and sequence; the SFU rewrites SSRC, sequence numbers and timestamps so a viewer switching layers
   * sees one track.
   */
  videoLayers?(): readonly VideoLayer[];
  /** A layer appeared (a rung started or restarted). Returns a remover. */
  onVideoLayer?(listener: (layer: VideoLayer) => void): () => void;
}

/** One encoding of a source's video that viewers can be switched to, at its keyframes. */
export interface VideoLayer {
  /** Stable for the layer's life and unique among the source's layers: `source`, or the rung's name (`480p`). */
  readonly id: string;
  readonly width: number;
  readonly height: number;
  /** kbit/s a viewer needs for it: a rung's configured rate, the source's measured one (0 while unknown). */
  readonly bitrateKbps: number;
  /** Whole serialized RTP packets; a new listener starts at a keyframe (or the current GOP, squeezed). */
  onRtp(listener: (packet: Buffer) => void): () => void;
  /** Asks for a keyframe on this layer (a rung's keyframes follow the source's: the request goes to the source). */
  requestKeyframe(): void;
  /** The layer stopped (rung shed or restarted, source gone); called at once if it already has. */
  onEnd(listener: () => void): () => void;
}

export interface IceOptions {
  /**
   * Address the UDP sockets bind to. Defaults to 127.0.0.1 (loopback deployments and tests); a public server
   * sets its interface address, or '0.0.0.0' with `publicIps` naming the addresses viewers reach.
   */
  readonly bindAddress?: string;
  /** Extra host candidates to advertise, e.g. the public IP of a host behind 1:1 NAT. */
  readonly publicIps?: readonly string[];
  /** [min, max] UDP ports for media, for firewalls. Random ports when unset. */
  readonly portRange?: readonly [number, number];
}

export interface SessionDescription {
  readonly sdp: string;
}

export interface SubscriberInfo {
  readonly id: string;
  readonly channelId: string;
}

export interface SubscribeOptions {
  /**
   * Called once, when the viewer has connected (ICE + DTLS done) or has ended, whichever comes first: the end of
   * the time it holds resources without having proved it is a real peer.
   */
  readonly onSettled?: () => void;
  /**
   * A layer id (`source`, `480p`, …) the viewer wants instead of the automatic choice by its bandwidth; while the
   * source has no such layer, the choice is automatic.
   */
  readonly layer?: string;
}

/** The SFU as the HTTP layer (WHEP) and the bridges see it. */
export interface Sfu {
  /** Makes `source` the channel's source; subscribers of the channel attach to it. */
  addSource(source: RtpSource): void;
  removeSource(channelId: string): void;
  hasSource(channelId: string): boolean;
  /** A viewer's offer in, the answer out (ICE candidates included, no trickle). */
  subscribe(
    channelId: string,
    offer: SessionDescription,
    options?: SubscribeOptions,
  ): Promise<{ id: string; answer: SessionDescription }>;
  unsubscribe(id: string): Promise<boolean>;
  subscriberCount(channelId?: string): number;
  close(): Promise<void>;
}

/** An SFU as the server runs it: the contract plus what the HTTP routes, metrics and tests read. */
export interface SfuEngine extends Sfu {
  readonly engine: 'werift' | 'mediasoup';
  /** The ICE settings of viewer connections (WHIP publishers take the same). */
  readonly ice: IceOptions;
  subscribers(channelId?: string): ReadonlyArray<SubscriberInfo & { readonly connected: boolean }>;
  /** The channel's video layers viewers can be switched between (empty: one layer, no choice). */
  videoLayers(channelId: string): ReadonlyArray<{ id: string; width: number; height: number; bitrateKbps: number }>;
  /** Pins a viewer to a layer, or with null lets its bandwidth choose; false when there is no such viewer or choice. */
  setViewerLayer(id: string, layerId: string | null): boolean;
  keyframeStats(channelId: string): { requested: number; sent: number } | undefined;
}
