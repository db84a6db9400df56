/**
 * One WHEP viewer: a werift peer connection with one sendonly transceiver per track. Sending is fire-and-forget;
 * a viewer whose sends fail or pile up is ended without touching the others.
 */
import { randomUUID } from 'node:crypto';
import {
  ReceiverEstimatedMaxBitrate,
  type RTCCertificate,
  RTCPeerConnection,
  type RTCRtpSender,
  RtcpPayloadSpecificFeedback,
  RtcpRrPacket,
} from 'werift';
import { answerOffer } from './negotiate.ts';
import { type IceOptions, serverPeerConfig } from './peer-config.ts';
import type { PeerEndReason, PeerTimeouts, PeerWatch } from './peer-watch.ts';
import { watchPeer } from './peer-watch.ts';
import { sessionLogTag } from './session-log-tag.ts';
import type { MediaKind } from './types.ts';

/** RFC 5104 §4.3.1: a payload-specific feedback message with FMT 4 is a Full Intra Request. */
const FIR_FMT = 4;

export type SubscriberEndReason = PeerEndReason | 'unsubscribed' | 'source-ended' | 'send-failed' | 'slow' | 'shutdown';

export interface SubscriberOptions extends PeerTimeouts {
  readonly ice: IceOptions;
  /** The process's DTLS certificate (see dtls-certificate.ts). */
  readonly certificate?: RTCCertificate;
  /** Sends not yet settled before the viewer counts as stuck and is dropped. */
  readonly maxInFlightSends: number;
  readonly onKeyframeNeeded: () => void;
  /** The viewer's receive bandwidth estimate (REMB on its video), bit/s, as each one arrives. */
  readonly onBandwidthEstimate?: (subscriber: Subscriber, bps: number) => void;
  /** Each receiver report on its video: the fraction lost (0–1) and the extended highest sequence number received. */
  readonly onVideoReport?: (subscriber: Subscriber, report: { fractionLost: number; highestSequence: number }) => void;
  /** ICE and DTLS are done: media may flow (nothing is forwarded or transcoded for a viewer before this). */
  readonly onConnected: (subscriber: Subscriber) => void;
  readonly onEnd: (subscriber: Subscriber, reason: SubscriberEndReason, error?: unknown) => void;
  readonly onCloseError: (subscriber: Subscriber, error: unknown) => void;
}

export class Subscriber {
  /** The WHEP session id: whoever knows it can end the viewer, so it stays out of logs (see `logTag`). */
  readonly id = randomUUID();
  readonly logTag = sessionLogTag(this.id);
  readonly channelId: string;
  readonly startedAtMs = Date.now();
  readonly #pc: RTCPeerConnection;
  readonly #options: SubscriberOptions;
  readonly #senders: Partial<Record<MediaKind, RTCRtpSender>> = {};
  #connected = false;
  #ended: SubscriberEndReason | undefined;
  #inFlight = 0;
  #closing: Promise<void> | undefined;
  #watch: PeerWatch | undefined;
  packetsSent = 0;
  keyframeRequests = 0;

  constructor(channelId: string, options: SubscriberOptions) {
    this.channelId = channelId;
    this.#options = options;
    this.#pc = new RTCPeerConnection(
      serverPeerConfig(options.ice, () => this.#watch?.touch(), options.certificate, { bandwidthFeedback: true }),
    );
  }

  get connected(): boolean {
    return this.#connected;
  }

  get ended(): boolean {
    return this.#ended !== undefined;
  }

  get connectionState(): string {
    return this.#pc.connectionState;
  }

  /** `kinds` lists the offer's audio/video m-sections in order; each gets a sendonly transceiver. */
  async answer(offerSdp: string, kinds: readonly MediaKind[]): Promise<string> {
    for (const kind of kinds) {
      const transceiver = this.#pc.addTransceiver(kind, { direction: 'sendonly' });
      const sender = transceiver.sender;
      this.#senders[kind] ??= sender;
      sender.onPictureLossIndication.subscribe(() => this.#keyframeNeeded());
      sender.onRtcp.subscribe((packet) => {
        if (kind === 'video' && packet instanceof RtcpRrPacket) {
          const report = packet.reports.find((r) => r.ssrc === sender.ssrc);
          if (report) {
            this.#options.onVideoReport?.(this, {
              fractionLost: report.fractionLost / 256,
              highestSequence: report.highestSequence,
            });
          }
          return;
        }
        if (!(packet instanceof RtcpPayloadSpecificFeedback)) return;
        if (packet.feedback.count === FIR_FMT) this.#keyframeNeeded();
        else if (kind === 'video' && packet.feedback instanceof ReceiverEstimatedMaxBitrate) {
          this.#options.onBandwidthEstimate?.(this, Number(packet.feedback.bitrate));
        }
      });
    }
    const answer = await answerOffer(this.#pc, offerSdp);
    this.#watch = watchPeer(this.#pc, {
      connectTimeoutMs: this.#options.connectTimeoutMs,
      disconnectedGraceMs: this.#options.disconnectedGraceMs,
      idleTimeoutMs: this.#options.idleTimeoutMs,
      onConnected: () => {
        this.#connected = true;
        this.#options.onConnected(this);
        // A viewer starts decoding at a keyframe; a Chromium publisher sends none unless asked.
        this.#keyframeNeeded();
      },
      onEnd: (reason) => void this.end(reason),
    });
    return answer;
  }

  #keyframeNeeded(): void {
    this.keyframeRequests++;
    this.#options.onKeyframeNeeded();
  }

  /** Packets werift resent from its 128-packet history in answer to this viewer's NACKs. */
  retransmittedPackets(): number {
    let total = 0;
    for (const sender of Object.values(this.#senders)) {
      for (const stat of sender.collectStats(Date.now())) {
        const resent = (stat as { type: string; retransmittedPacketsSent?: number }).retransmittedPacketsSent;
        if (stat.type === 'outbound-rtp' && resent) total += resent;
      }
    }
    return total;
  }

  /**
   * Empties werift's resend history of the video sender (private in werift 0.24: `rtpCache`), so NACKs for the old
   * layer's packets after a switch are not answered ahead of the new layer's keyframe.
   */
  dropResendHistory(): void {
    const sender = this.#senders.video as unknown as { rtpCache?: unknown[] } | undefined;
    if (sender && Array.isArray(sender.rtpCache)) sender.rtpCache = [];
  }

  /** Hands one video packet to the sender (see `send`). */
  sendVideo(packet: Buffer): void {
    this.send('video', packet);
  }

  /** Hands one packet to the sender; never awaits. werift parses the bytes into its own copy per sender. */
  send(kind: MediaKind, packet: Buffer): void {
    const sender = this.#senders[kind];
    if (!sender || !this.#connected || this.#ended) return;
    if (this.#inFlight >= this.#options.maxInFlightSends) {
      void this.end('slow');
      return;
    }
    this.#inFlight++;
    this.packetsSent++;
    sender.sendRtp(packet).then(
      () => {
        this.#inFlight--;
      },
      (error: unknown) => {
        this.#inFlight--;
        void this.end('send-failed', error);
      },
    );
  }

  /**
   * Ends the viewer once: timers cleared, the owner told, sockets closed. The promise settles when the peer
   * connection is closed; it never rejects (a close failure is passed to `onCloseError`).
   */
  end(reason: SubscriberEndReason, error?: unknown): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#ended = reason;
    this.#connected = false;
    this.#watch?.stop();
    this.#options.onEnd(this, reason, error);
    this.#closing = this.#pc.close().catch((closeError: unknown) => this.#options.onCloseError(this, closeError));
    return this.#closing;
  }
}
