/**
 * A WHIP publisher: a werift peer connection (ICE-lite) that receives H.264 and Opus from an encoder and offers
 * the packets as an RtpSource. Packets are re-serialized once, bare (see rtp-bare.ts), and shared by all readers.
 */

import { randomUUID } from 'node:crypto';
import { Listeners } from '@glint/media-core';
import type { Logger } from 'pino';
import { type RTCCertificate, RTCPeerConnection, type RTCRtpTransceiver, type RtpPacket } from 'werift';
import { serverCertificate } from './dtls-certificate.ts';
import { answerOffer } from './negotiate.ts';
import { type IceOptions, serverPeerConfig } from './peer-config.ts';
import {
  PEER_TIMEOUT_DEFAULTS,
  type PeerEndReason,
  type PeerTimeouts,
  type PeerWatch,
  watchPeer,
} from './peer-watch.ts';
import { serializeBareRtp } from './rtp-bare.ts';
import { chooseOpus, choosePublisherVideo, type OfferedCodec, pruneOffer } from './sdp-codecs.ts';
import type { MediaKind, RtpCodec, RtpSource } from './types.ts';

/** Timeouts default to PEER_TIMEOUT_DEFAULTS. */
export interface PublisherOptions extends Partial<PeerTimeouts> {
  readonly ice?: IceOptions;
  readonly logger?: Logger;
}

export interface PublisherStats {
  readonly id: string;
  readonly channelId: string;
  readonly state: string;
  readonly packets: Readonly<Record<MediaKind, number>>;
  readonly bytes: Readonly<Record<MediaKind, number>>;
  readonly keyframeRequests: number;
  readonly startedAtMs: number;
}

export type PublisherEndReason = PeerEndReason | 'deleted' | 'shutdown' | 'revoked';

export const PUBLISHER_CODEC_HINT =
  'set the encoder to H.264 (constrained baseline or high, packetization mode 1) and Opus audio';

function toRtpCodec(kind: MediaKind, codec: OfferedCodec): RtpCodec {
  return {
    mimeType: kind === 'video' ? `video/${codec.name}` : `audio/${codec.name}`,
    clockRate: codec.clockRate,
    ...(codec.channels !== undefined ? { channels: codec.channels } : {}),
    ...(codec.fmtpLine ? { sdpFmtpLine: codec.fmtpLine } : {}),
  };
}

export class Publisher implements RtpSource {
  readonly id = randomUUID();
  readonly channelId: string;
  readonly codecs: Readonly<Partial<Record<MediaKind, RtpCodec>>>;
  readonly startedAtMs = Date.now();
  readonly #pc: RTCPeerConnection;
  readonly #log: Logger | undefined;
  readonly #rtp: Record<MediaKind, Listeners<[Buffer]>>;
  readonly #closeListeners: Listeners<[PublisherEndReason]>;
  readonly #connectedListeners: Listeners<[]>;
  #connected = false;
  readonly #packets: Record<MediaKind, number> = { video: 0, audio: 0 };
  readonly #bytes: Record<MediaKind, number> = { video: 0, audio: 0 };
  #videoTransceiver: RTCRtpTransceiver | undefined;
  #keyframeRequests = 0;
  #closed: PublisherEndReason | undefined;
  #watch: PeerWatch | undefined;

  private constructor(
    channelId: string,
    codecs: Partial<Record<MediaKind, RtpCodec>>,
    options: PublisherOptions,
    certificate: RTCCertificate,
  ) {
    this.channelId = channelId;
    this.codecs = codecs;
    this.#log = options.logger;
    const onError = (error: unknown) => this.#log?.error({ err: error, channelId }, 'publisher listener failed');
    this.#rtp = { video: new Listeners(onError), audio: new Listeners(onError) };
    this.#closeListeners = new Listeners(onError);
    this.#connectedListeners = new Listeners(onError);
    this.#pc = new RTCPeerConnection(serverPeerConfig(options.ice ?? {}, () => this.#watch?.touch(), certificate));
  }

  /**
   * Answers a publisher's offer. Throws SdpParseError / UnsupportedCodecError before anything is allocated, and
   * NegotiationError (after releasing the peer connection) when werift cannot answer.
   */
  static async create(
    channelId: string,
    offerSdp: string,
    options: PublisherOptions = {},
  ): Promise<{ publisher: Publisher; answer: string }> {
    const { sdp, chosen } = pruneOffer(
      offerSdp,
      { video: choosePublisherVideo, audio: chooseOpus },
      PUBLISHER_CODEC_HINT,
    );
    const codecs: Partial<Record<MediaKind, RtpCodec>> = {};
    if (chosen.video) codecs.video = toRtpCodec('video', chosen.video);
    if (chosen.audio) codecs.audio = toRtpCodec('audio', chosen.audio);
    const publisher = new Publisher(channelId, codecs, options, await serverCertificate());
    try {
      const answer = await publisher.#start(sdp, options);
      return { publisher, answer };
    } catch (error) {
      await publisher.close('failed');
      throw error;
    }
  }

  async #start(offerSdp: string, options: PublisherOptions): Promise<string> {
    const pc = this.#pc;
    pc.onTrack.subscribe((track) => {
      const kind: MediaKind = track.kind === 'video' ? 'video' : 'audio';
      track.onReceiveRtp.subscribe((packet) => this.#forward(kind, packet));
    });
    const answer = await answerOffer(pc, offerSdp);
    this.#videoTransceiver = pc.getTransceivers().find((t) => t.kind === 'video');
    this.#watch = watchPeer(pc, {
      connectTimeoutMs: options.connectTimeoutMs ?? PEER_TIMEOUT_DEFAULTS.connectTimeoutMs,
      disconnectedGraceMs: options.disconnectedGraceMs ?? PEER_TIMEOUT_DEFAULTS.disconnectedGraceMs,
      idleTimeoutMs: options.idleTimeoutMs ?? PEER_TIMEOUT_DEFAULTS.idleTimeoutMs,
      onConnected: () => {
        this.#connected = true;
        this.#log?.info({ channelId: this.channelId, publisher: this.id }, 'WHIP publisher connected');
        this.#connectedListeners.emit();
        this.#connectedListeners.clear();
      },
      onEnd: (reason) => void this.close(reason),
    });
    return answer;
  }

  #forward(kind: MediaKind, packet: RtpPacket): void {
    // Padding-only packets (bandwidth probes) carry nothing a viewer can use.
    if (packet.payload.length === 0 || this.#closed) return;
    const bytes = serializeBareRtp(packet.header, packet.payload);
    this.#packets[kind]++;
    this.#bytes[kind] += bytes.length;
    this.#rtp[kind].emit(bytes);
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  get connectionState(): string {
    return this.#pc.connectionState;
  }

  onRtp(kind: MediaKind, listener: (packet: Buffer) => void): () => void {
    return this.#rtp[kind].add(listener);
  }

  /** Sends a PLI to the publisher's video SSRC (once media has arrived; before that the first frame is a keyframe). */
  requestKeyframe(): void {
    const receiver = this.#videoTransceiver?.receiver;
    const ssrc = receiver?.tracks.find((t) => t.ssrc !== undefined)?.ssrc;
    if (!receiver || ssrc === undefined || this.#closed) return;
    this.#keyframeRequests++;
    receiver.sendRtcpPLI(ssrc).catch((error: unknown) => {
      this.#log?.warn({ err: error, channelId: this.channelId }, 'PLI to publisher failed');
    });
  }

  /** ICE and DTLS are done (once); a listener added later is not called. */
  onConnected(listener: () => void): () => void {
    if (this.#connected || this.#closed) return () => {};
    return this.#connectedListeners.add(listener);
  }

  onClose(listener: (reason: PublisherEndReason) => void): () => void {
    if (this.#closed) {
      const reason = this.#closed;
      queueMicrotask(() => listener(reason));
      return () => {};
    }
    return this.#closeListeners.add(listener);
  }

  stats(): PublisherStats {
    return {
      id: this.id,
      channelId: this.channelId,
      state: this.#closed ? 'closed' : this.#pc.connectionState,
      packets: { ...this.#packets },
      bytes: { ...this.#bytes },
      keyframeRequests: this.#keyframeRequests,
      startedAtMs: this.startedAtMs,
    };
  }

  /** Ends the session; listeners hear the reason once. Idempotent. */
  async close(reason: PublisherEndReason = 'deleted'): Promise<void> {
    if (this.#closed) return;
    this.#closed = reason;
    this.#watch?.stop();
    this.#log?.info({ channelId: this.channelId, publisher: this.id, reason }, 'WHIP publisher ended');
    this.#rtp.video.clear();
    this.#rtp.audio.clear();
    this.#connectedListeners.clear();
    try {
      await this.#pc.close();
    } catch (error) {
      this.#log?.warn({ err: error, channelId: this.channelId }, 'closing publisher peer connection failed');
    }
    this.#closeListeners.emit(reason);
    this.#closeListeners.clear();
  }
}
