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
