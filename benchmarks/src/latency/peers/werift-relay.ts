/**
 * The floor for WebRTC: a bare werift relay with no Glint code. POST /whip (one publisher; a new one replaces it)
 * and POST /whep (any number of viewers) answer SDP offers (201 + Location); the publisher's RTP, video H.264 and
 * audio Opus, goes to every viewer's sender as it arrives, with nothing else: no jitter buffer, no keyframe gate,
 * no pacing. Viewers' PLIs go to the publisher (at most one per 300 ms), plus one when a viewer connects, since a
 * Chromium publisher sends no periodic keyframes. ICE-lite on 127.0.0.1 (see /work/shared/notes/werift-webrtc.md).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  RTCPeerConnection,
  RTCRtpCodecParameters,
  type RTCRtpSender,
  RtpHeader,
  RtpPacket,
  useNACK,
  usePLI,
  useSdesMid,
} from 'werift';
import { filterOfferCodecs } from './sdp-filter.ts';

export interface WeriftRelay {
  readonly whipUrl: string;
  readonly whepUrl: string;
  /** Packets forwarded to viewers so far, and PLIs sent to the publisher. */
  stats(): { readonly viewers: number; readonly forwarded: number; readonly plis: number };
  stop(): Promise<void>;
}

const PLI_MIN_GAP_MS = 300;
const MAX_BODY_BYTES = 64 * 1024;

function peerConnection(): RTCPeerConnection {
  return new RTCPeerConnection({
    iceLite: true,
    iceServers: [],
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceAdditionalHostAddresses: ['127.0.0.1'],
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
}

/** werift takes almost any text as an offer; a relay that answered garbage would hold a peer connection for it. */
class BadOfferError extends Error {
  readonly code = 'BAD_OFFER';
}

async function answer(pc: RTCPeerConnection, offer: string): Promise<string> {
  try {
    if (!offer.startsWith('v=0') || !/^m=(audio|video) /m.test(offer) || !/^a=ice-ufrag:/m.test(offer)) {
      throw new BadOfferError('the body is not an SDP offer with audio or video and ICE credentials');
    }
    await pc.setRemoteDescription({ type: 'offer', sdp: filterOfferCodecs(offer) });
    await pc.setLocalDescription(await pc.createAnswer());
    const sdp = pc.localDescription?.sdp;
    if (!sdp) throw new BadOfferError('werift produced no answer to the offer');
    return sdp;
  } catch (error) {
    await pc.close();
    throw error;
  }
}

interface Viewer {
  readonly pc: RTCPeerConnection;
  readonly senders: { video?: RTCRtpSender; audio?: RTCRtpSender };
}

export async function startWeriftRelay(): Promise<WeriftRelay> {
  let publisher: { pc: RTCPeerConnection; id: string; videoSsrc?: number; requestPli(): void } | undefined;
  const viewers = new Map<string, Viewer>();
  let forwarded = 0;
  let plis = 0;
  let lastPliMs = Number.NEGATIVE_INFINITY;

  const requestKeyframe = () => {
    const now = performance.now();
    if (now - lastPliMs < PLI_MIN_GAP_MS) return;
    lastPliMs = now;
    publisher?.requestPli();
  };

  const publish = async (offer: string, id: string): Promise<string> => {
    const old = publisher;
    const pc = peerConnection();
    const entry: NonNullable<typeof publisher> = { pc, id, requestPli: () => {} };
    pc.onTrack.subscribe((track) => {
      const kind = track.kind === 'video' ? 'video' : 'audio';
      if (kind === 'video') {
        const receiver = pc.getTransceivers().find((t) => t.kind === 'video')?.receiver;
        entry.requestPli = () => {
          if (track.ssrc === undefined || !receiver) return;
          plis++;
          receiver.sendRtcpPLI(track.ssrc).catch(() => {});
        };
      }
      track.onReceiveRtp.subscribe((rtp) => {
        if (rtp.payload.length === 0 || publisher !== entry) return;
        // Bare header (no extensions: their ids are the publisher's), serialized once; each sender rewrites its copy.
        const h = rtp.header;
        const bytes = new RtpPacket(
          new RtpHeader({
            payloadType: h.payloadType,
            sequenceNumber: h.sequenceNumber,
            timestamp: h.timestamp,
            ssrc: h.ssrc,
            marker: h.marker,
          }),
          rtp.payload,
        ).serialize();
        for (const viewer of viewers.values()) {
          const sender = viewer.senders[kind];
          if (!sender) continue;
          forwarded++;
          sender.sendRtp(bytes).catch(() => {});
        }
      });
    });
    const sdp = await answer(pc, offer);
    publisher = entry;
    if (old) void old.pc.close();
    return sdp;
  };

  const view = async (offer: string, id: string): Promise<string> => {
    const pc = peerConnection();
    const viewer: Viewer = { pc, senders: {} };
    for (const kind of ['video', 'audio'] as const) {
      if (!new RegExp(`^m=${kind} `, 'm').test(offer)) continue;
      const sender = pc.addTransceiver(kind, { direction: 'sendonly' }).sender;
      viewer.senders[kind] = sender;
      if (kind === 'video') sender.onPictureLossIndication.subscribe(requestKeyframe);
    }
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') {
        lastPliMs = Number.NEGATIVE_INFINITY; // a new viewer needs a keyframe now, whatever was asked before
        requestKeyframe();
      }
      if (state === 'failed' || state === 'closed') viewers.delete(id);
    });
    const sdp = await answer(pc, offer);
    viewers.set(id, viewer);
    return sdp;
  };

  const close = async (id: string) => {
    const viewer = viewers.get(id);
    viewers.delete(id);
    if (viewer) await viewer.pc.close();
    if (publisher?.id === id) {
      const pc = publisher.pc;
      publisher = undefined;
      await pc.close();
    }
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'Location');
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    try {
      if (req.method === 'OPTIONS') {
        res.writeHead(204, {
          'Access-Control-Allow-Methods': 'POST, DELETE, PATCH, OPTIONS',
          'Access-Control-Allow-Headers': 'content-type, authorization',
        });
        return void res.end();
      }
      const session = /^\/(whip|whep)\/session\/([0-9a-f-]+)$/.exec(path);
      if (req.method === 'DELETE' && session?.[2]) {
        await close(session[2]);
        return void res.writeHead(200).end();
      }
      // Trickle ICE is not needed: ICE-lite answers hold every candidate.
      if (req.method === 'PATCH' && session) return void res.writeHead(204).end();
      const kind = /^\/(whip|whep)(?:\/[^/]*)?$/.exec(path)?.[1];
      if (req.method !== 'POST' || !kind) return void res.writeHead(404).end('no such endpoint\n');
      const offer = await readBody(req);
      const id = randomUUID();
      const sdp = kind === 'whip' ? await publish(offer, id) : await view(offer, id);
      res.writeHead(201, { 'Content-Type': 'application/sdp', Location: `/${kind}/session/${id}` });
      res.end(sdp);
    } catch (error) {
      if (!res.headersSent) res.writeHead(400, { 'Content-Type': 'text/plain' });
      res.end(`${error instanceof Error ? error.message : String(error)}\n`);
    }
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    whipUrl: `http://127.0.0.1:${port}/whip`,
    whepUrl: `http://127.0.0.1:${port}/whep`,
    stats: () => ({ viewers: viewers.size, forwarded, plis }),
    stop: async () => {
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      const pcs = [...[...viewers.values()].map((v) => v.pc), ...(publisher ? [publisher.pc] : [])];
      viewers.clear();
      publisher = undefined;
      await Promise.all(pcs.map((pc) => pc.close()));
      await closing;
    },
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_BODY_BYTES) throw new Error(`an SDP offer over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
