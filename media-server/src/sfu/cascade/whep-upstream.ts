/**
 * An edge SFU's source: the channel as a WHEP viewer of the origin sees it. One werift peer connection per channel
 * (full ICE agent against the origin's ICE-lite, DTLS-SRTP over UDP), its RTP offered as an RtpSource to the edge's
 * own engine; the edge's keyframe requests, already coalesced by its engine, go upstream as PLIs, where the origin
 * coalesces them again with its other viewers'. Closing sends the WHEP DELETE.
 */
import { Listeners } from '@glint/media-core';
import type { Logger } from 'pino';
import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  type RTCRtpTransceiver,
  type RtpPacket,
  useNACK,
  usePLI,
  useSdesMid,
} from 'werift';
import { NoSourceError } from '../errors.ts';
import { serializeBareRtp } from '../rtp-bare.ts';
import { parseOffer } from '../sdp-offer.ts';
import type { IceOptions, MediaKind, RtpCodec, RtpSource } from '../types.ts';

export interface WhepUpstreamOptions {
  /** The origin's base URL, e.g. http://10.0.0.1:8080 (its WHEP endpoint is /whep/<channel>). */
  readonly originUrl: string;
  /** The address this edge's upstream socket binds to (default 127.0.0.1). */
  readonly ice?: IceOptions;
  /** ICE + DTLS with the origin within this long. Default 10 s. */
  readonly connectTimeoutMs?: number;
  readonly logger?: Logger;
}

export class UpstreamError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'UpstreamError';
    this.status = status;
  }
}

function codecsOf(answer: string): Partial<Record<MediaKind, RtpCodec>> {
  const codecs: Partial<Record<MediaKind, RtpCodec>> = {};
  for (const section of parseOffer(answer).sections) {
    const codec = section.codecs.find((c) => !/^(rtx|red|ulpfec)$/i.test(c.name));
    const kind = section.kind === 'video' ? 'video' : section.kind === 'audio' ? 'audio' : undefined;
    if (!codec || !kind || section.lines[0]?.split(' ')[1] === '0') continue;
    codecs[kind] = {
      mimeType: `${kind}/${codec.name}`,
      clockRate: codec.clockRate,
      ...(codec.channels !== undefined ? { channels: codec.channels } : {}),
      ...(codec.fmtpLine ? { sdpFmtpLine: codec.fmtpLine } : {}),
    };
  }
  return codecs;
}

export class WhepUpstream implements RtpSource {
  readonly channelId: string;
  readonly codecs: Readonly<Partial<Record<MediaKind, RtpCodec>>>;
  readonly #pc: RTCPeerConnection;
  readonly #resource: string;
  readonly #log: Logger | undefined;
  readonly #rtp: Record<MediaKind, Listeners<[Buffer]>>;
  readonly #closeListeners: Listeners<[]>;
  readonly #video: RTCRtpTransceiver | undefined;
  #closed = false;
  #keyframeRequests = 0;
  #packets = 0;

  private constructor(
    channelId: string,
    pc: RTCPeerConnection,
    resource: string,
    codecs: Partial<Record<MediaKind, RtpCodec>>,
    video: RTCRtpTransceiver | undefined,
    rtp: Record<MediaKind, Listeners<[Buffer]>>,
    log: Logger | undefined,
  ) {
    this.channelId = channelId;
    this.#pc = pc;
    this.#resource = resource;
    this.codecs = codecs;
    this.#video = video;
    this.#rtp = rtp;
    this.#log = log;
    this.#closeListeners = new Listeners((error) => log?.error({ err: error, channelId }, 'upstream close listener'));
  }

  /** Subscribes to the channel at the origin; resolves once connected. Throws NoSourceError when it is not live there. */
  static async open(channelId: string, options: WhepUpstreamOptions): Promise<WhepUpstream> {
    const log = options.logger;
    const bind = options.ice?.bindAddress ?? '127.0.0.1';
    const pc = new RTCPeerConnection({
      iceServers: [],
      iceUseIpv6: false,
      iceInterfaceAddresses: { udp4: bind },
      iceAdditionalHostAddresses: [bind],
      bundlePolicy: 'max-bundle',
      codecs: {
        video: [
          new RTCRtpCodecParameters({
            mimeType: 'video/H264',
            clockRate: 90000,
            rtcpFeedback: [useNACK(), usePLI()],
            parameters: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
          }),
        ],
        audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
      },
      headerExtensions: { video: [useSdesMid()], audio: [useSdesMid()] },
    });
    const onError = (error: unknown) => log?.error({ err: error, channelId }, 'upstream RTP listener failed');
    const rtp: Record<MediaKind, Listeners<[Buffer]>> = {
      video: new Listeners(onError),
      audio: new Listeners(onError),
    };
    let upstream: WhepUpstream | undefined;
    pc.onTrack.subscribe((track) => {
      const kind: MediaKind = track.kind === 'video' ? 'video' : 'audio';
      track.onReceiveRtp.subscribe((packet: RtpPacket) => {
        if (packet.payload.length === 0 || upstream?.closed) return;
        if (upstream) upstream.#packets++;
        rtp[kind].emit(serializeBareRtp(packet.header, packet.payload));
      });
    });
    const video = pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    try {
      await pc.setLocalDescription(await pc.createOffer());
      const offer = pc.localDescription?.sdp ?? '';
      const url = new URL(`/whep/${encodeURIComponent(channelId)}`, options.originUrl);
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/sdp' },
        body: offer,
        signal: AbortSignal.timeout(options.connectTimeoutMs ?? 10_000),
      });
      const body = await res.text();
      if (res.status === 404) throw new NoSourceError(channelId);
      if (res.status !== 201)
        throw new UpstreamError(res.status, `the origin answered ${res.status}: ${body.slice(0, 200)}`);
      const location = res.headers.get('location');
      if (!location) throw new UpstreamError(502, 'the origin answered without a Location');
      await pc.setRemoteDescription({ type: 'answer', sdp: body });
      upstream = new WhepUpstream(channelId, pc, new URL(location, url).toString(), codecsOf(body), video, rtp, log);
      const u = upstream;
      pc.connectionStateChange.subscribe((state) => {
        if (state === 'failed' || state === 'closed' || state === 'disconnected') void u.close(`upstream ${state}`);
      });
      await waitConnected(pc, options.connectTimeoutMs ?? 10_000);
      log?.info({ channelId, codecs: u.codecs }, 'edge: pulling the channel from the origin');
      return u;
    } catch (error) {
      if (upstream) await upstream.close('failed');
      else await pc.close().catch(() => {});
      throw error;
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Keyframe requests sent upstream, and RTP packets received, so far. */
  get stats(): { keyframeRequests: number; packets: number } {
    return { keyframeRequests: this.#keyframeRequests, packets: this.#packets };
  }

  onRtp(kind: MediaKind, listener: (packet: Buffer) => void): () => void {
    return this.#rtp[kind].add(listener);
  }

  requestKeyframe(): void {
    const receiver = this.#video?.receiver;
    const ssrc = receiver?.tracks.find((t) => t.ssrc !== undefined)?.ssrc;
    if (!receiver || ssrc === undefined || this.#closed) return;
    this.#keyframeRequests++;
    receiver.sendRtcpPLI(ssrc).catch((error: unknown) => {
      this.#log?.warn({ err: error, channelId: this.channelId }, 'PLI to the origin failed');
    });
  }

  onClose(listener: () => void): () => void {
    if (this.#closed) {
      queueMicrotask(listener);
      return () => {};
    }
    return this.#closeListeners.add(listener);
  }

  /** Tells the origin how many viewers this upstream serves (it counts them instead of this one session). */
  async reportViewers(viewers: number, token: string): Promise<number> {
    if (this.#closed) return 0;
    const res = await fetch(`${this.#resource}/audience`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      body: JSON.stringify({ viewers }),
      signal: AbortSignal.timeout(2000),
    });
    await res.body?.cancel();
    return res.status;
  }

  /** Ends the upstream session (WHEP DELETE at the origin, best effort). Idempotent. */
  async close(reason = 'closed'): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#log?.info({ channelId: this.channelId, reason }, 'edge: upstream ended');
    this.#rtp.video.clear();
    this.#rtp.audio.clear();
    await fetch(this.#resource, { method: 'DELETE', signal: AbortSignal.timeout(2000) }).catch(() => {});
    await this.#pc.close().catch(() => {});
    this.#closeListeners.emit();
    this.#closeListeners.clear();
  }
}

function waitConnected(pc: RTCPeerConnection, timeoutMs: number): Promise<void> {
  if (pc.connectionState === 'connected') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.unSubscribe();
      reject(new UpstreamError(504, `the origin did not connect within ${timeoutMs} ms`));
    }, timeoutMs);
    const sub = pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') {
        clearTimeout(timer);
        sub.unSubscribe();
        resolve();
      } else if (state === 'failed' || state === 'closed') {
        clearTimeout(timer);
        sub.unSubscribe();
        reject(new UpstreamError(502, `the connection to the origin ${state}`));
      }
    });
  });
}
