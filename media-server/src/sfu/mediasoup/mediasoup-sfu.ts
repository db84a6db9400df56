/**
 * The SFU on mediasoup's C++ workers: one worker per core, packets forwarded natively (SRTP, NACK, RTCP in C++).
 * Per channel, the source's RTP goes once into a PlainTransport on one worker's router (loopback UDP from this
 * process, SSRC and payload type fixed per kind); each viewer gets a WebRtcTransport on the least-loaded worker,
 * in a router whose codecs carry that viewer's payload type numbers, the source piped into it once. Keyframe
 * requests (mediasoup's PLIs and FIRs back on the loopback socket) are coalesced per channel before reaching the
 * source. Video is the source's own track (one layer): layer switching stays with the werift engine.
 */

import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { Logger } from 'pino';
import { NoSourceError, OfferShapeError, SfuClosedError, UnsupportedCodecError } from '../errors.ts';
import { KeyframeGate } from '../keyframe-gate.ts';
import type { IceOptions } from '../peer-config.ts';
import { advertisedAddresses } from '../peer-config.ts';
import { PEER_TIMEOUT_DEFAULTS, type PeerTimeouts } from '../peer-watch.ts';
import { chooseOpus, chooseViewerVideo, parseFmtp } from '../sdp-codecs.ts';
import { checkOfferShape, type OfferedCodec, type OfferSection, parseOffer } from '../sdp-offer.ts';
import type { MediaKind, RtpSource, SessionDescription, SfuEngine, SubscribeOptions } from '../types.ts';
import { VIEWER_CODEC_HINT } from '../werift-sfu.ts';
import type {
  MediasoupModule,
  MsCodecCapability,
  MsListenInfo,
  MsPlainTransport,
  MsProducer,
  MsRouter,
  MsWebRtcTransport,
  MsWorker,
} from './mediasoup-api.ts';
import { answerSdp, capabilitiesOf, fmtpParameters, offerDtls } from './whep-answer.ts';

export interface MediasoupSfuOptions extends Partial<PeerTimeouts> {
  readonly mediasoup: MediasoupModule;
  readonly workerBin: string;
  /** Workers (one per core is the point); default 1. */
  readonly workers?: number;
  readonly ice?: IceOptions;
  readonly keyframeIntervalMs?: number;
  readonly logger?: Logger;
}

/** The payload types and SSRCs the source's packets carry into mediasoup (rewritten here, whatever the source used). */
const INGEST = { video: { pt: 96, ssrc: 0x474c4e01 }, audio: { pt: 111, ssrc: 0x474c4e02 } } as const;
const RTCP_PSFB = 206;
/** Ended viewers whose late DELETE still answers 200 (bounded: the oldest go first). */
const RECENTLY_ENDED = 1024;
/** Distinct payload-type numberings per channel (browsers of one kind and version share one). */
const MAX_NUMBERINGS = 16;

interface WorkerSlot {
  /** Replaced when the worker dies (a new one is started in its place). */
  worker: MsWorker;
  viewers: number;
}

interface ViewerRouter {
  readonly router: MsRouter;
  readonly producers: Partial<Record<MediaKind, string>>;
}

interface ChannelRoute {
  readonly source: RtpSource;
  readonly gate: KeyframeGate;
  readonly viewers: Set<Viewer>;
  readonly detach: Array<() => void>;
  /** The ingest router, its plain transport and producers, made on first use, and the worker it is on. */
  ingest: Promise<Ingest> | null;
  ingestSlot: WorkerSlot | null;
  /** Routers by worker and payload-type numbering, each fed from the ingest router once. */
  readonly routers: Map<string, Promise<ViewerRouter>>;
  forwarding: Array<() => void> | null;
  closed: boolean;
  /** Payload-type numberings the channel's viewers use (each a router per worker), at most MAX_NUMBERINGS. */
  readonly numberings: Set<string>;
}

interface Ingest {
  readonly slot: WorkerSlot;
  readonly router: MsRouter;
  readonly transport: MsPlainTransport;
  readonly socket: Socket;
  readonly port: number;
  readonly producers: Partial<Record<MediaKind, MsProducer>>;
  readonly codecs: readonly MsCodecCapability[];
}

interface Viewer {
  readonly id: string;
  readonly channelId: string;
  readonly slot: WorkerSlot;
  transport: MsWebRtcTransport | null;
  connected: boolean;
  ended: boolean;
  timer: NodeJS.Timeout | undefined;
  settle: () => void;
}

function h264Parameters(fmtpLine: string | undefined): Record<string, string | number> {
  const params = fmtpParameters(parseFmtp(fmtpLine ?? ''));
  return {
    'level-asymmetry-allowed': 1,
    'packetization-mode': 1,
    'profile-level-id': params['profile-level-id'] ?? '42e01f',
  };
}

export class MediasoupSfu implements SfuEngine {
  readonly engine = 'mediasoup' as const;
  readonly #options: MediasoupSfuOptions;
  readonly #log: Logger | undefined;
  readonly #slots: WorkerSlot[];
  readonly #channels = new Map<string, ChannelRoute>();
  readonly #viewers = new Map<string, Viewer>();
  /**
   * Viewers that ended on their own (a browser closes its peer connection, DTLS close_notify, before it sends the
   * DELETE): their DELETE still succeeds. The newest RECENTLY_ENDED only.
   */
  readonly #recentlyEnded = new Set<string>();
  #closed = false;

  private constructor(options: MediasoupSfuOptions, slots: WorkerSlot[]) {
    this.#options = options;
    this.#log = options.logger;
    this.#slots = slots;
  }

  /** Starts the workers. */
  static async start(options: MediasoupSfuOptions): Promise<MediasoupSfu> {
    const count = Math.max(1, options.workers ?? 1);
    const [min, max] = options.ice?.portRange ?? [];
    const workers = await Promise.all(
      Array.from({ length: count }, () =>
        options.mediasoup.createWorker({
          logLevel: 'error',
          workerBin: options.workerBin,
          ...(min !== undefined && max !== undefined ? { rtcMinPort: min, rtcMaxPort: max } : {}),
        }),
      ),
    );
    const sfu = new MediasoupSfu(
      options,
      workers.map((worker) => ({ worker, viewers: 0 })),
    );
    for (const slot of sfu.#slots) slot.worker.on('died', (error) => sfu.#workerDied(slot, slot.worker, error));
    options.logger?.info({ workers: count, version: options.mediasoup.version }, 'SFU engine: mediasoup');
    return sfu;
  }

  get ice(): IceOptions {
    return this.#options.ice ?? {};
  }

  /** The workers' process ids (a benchmark reads their CPU time). */
  get workerPids(): number[] {
    return this.#slots.map((s) => s.worker.pid);
  }

  addSource(source: RtpSource): void {
    if (this.#closed) throw new SfuClosedError();
    this.removeSource(source.channelId);
    const route: ChannelRoute = {
      source,
      gate: new KeyframeGate(() => this.#requestKeyframe(source), {
        intervalMs: this.#options.keyframeIntervalMs ?? 500,
      }),
      viewers: new Set(),
      detach: [],
      ingest: null,
      ingestSlot: null,
      routers: new Map(),
      forwarding: null,
      closed: false,
      numberings: new Set(),
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
    route.closed = true;
    for (const detach of route.detach) detach();
    this.#stopForwarding(route);
    route.gate.close();
    for (const viewer of [...route.viewers]) this.#end(viewer, route, 'source-ended');
    void this.#closeRouting(route);
    this.#log?.info({ channelId }, 'SFU source removed');
  }

  hasSource(channelId: string): boolean {
    return this.#channels.has(channelId);
  }

  async subscribe(
    channelId: string,
    offer: SessionDescription,
    options: SubscribeOptions = {},
  ): Promise<{ id: string; answer: SessionDescription }> {
    if (this.#closed) throw new SfuClosedError();
    const route = this.#channels.get(channelId);
    if (!route) throw new NoSourceError(channelId);
    // An RTMP source knows its codecs once its first media came; its routers are made from them, so wait for them.
    if (!route.source.codecs.video && !route.source.codecs.audio) throw new NoSourceError(channelId);
    const parsed = parseOffer(offer.sdp);
    checkOfferShape(parsed);
    const dtls = offerDtls(parsed);
    const chosen = this.#chooseCodecs(route, parsed.sections);
    this.#checkNumbering(route, chosen);
    const slot = this.#slots.filter((s) => !s.worker.died).sort((a, b) => a.viewers - b.viewers)[0];
    if (!slot) throw new SfuClosedError();
    const viewer: Viewer = {
      id: randomUUID(),
      channelId,
      slot,
      transport: null,
      connected: false,
      ended: false,
      timer: undefined,
      settle: once(() => options.onSettled?.()),
    };
    slot.viewers++;
    route.viewers.add(viewer);
    this.#viewers.set(viewer.id, viewer);
    try {
      const key = `${this.#slots.indexOf(slot)}:${numberingOf(chosen)}`;
      const viewerRouter = await this.#routerFor(route, slot, key, chosen);
      if (viewer.ended) throw new NoSourceError(channelId);
      const transport = await viewerRouter.router.createWebRtcTransport({
        listenInfos: this.#listenInfos(),
        enableUdp: true,
        enableTcp: false,
        iceConsentTimeout: Math.ceil((this.#options.idleTimeoutMs ?? PEER_TIMEOUT_DEFAULTS.idleTimeoutMs) / 1000),
      });
      viewer.transport = transport;
      if (viewer.ended) throw new NoSourceError(channelId);
      this.#watch(viewer, route, transport);
      await transport.connect({ dtlsParameters: { role: dtls.remoteRole, fingerprints: [dtls.fingerprint] } });
      const media = [];
      for (const { section, kind, codec } of chosen) {
        const producerId = codec ? viewerRouter.producers[kind] : undefined;
        if (!codec || !producerId) {
          media.push({ section, rtp: null });
          continue;
        }
        const caps = capabilitiesOf(section, codec);
        const routerCodec = viewerRouter.router.rtpCapabilities.codecs.find(
          (c) => c.kind === kind && !/rtx/i.test(c.mimeType),
        );
        // The router's parameters for the viewer's payload type: browsers decode any H.264 profile.
        const rtpCapabilities = {
          ...caps,
          codecs: caps.codecs.map((c) => ({ ...c, parameters: { ...c.parameters, ...routerCodec?.parameters } })),
        };
        const consumer = await transport.consume({
          producerId,
          rtpCapabilities,
          enableRtx: false,
          ...(section.mid !== undefined ? { mid: section.mid } : {}),
        });
        media.push({ section, rtp: consumer.rtpParameters });
      }
      if (viewer.ended) throw new NoSourceError(channelId);
      const sdp = answerSdp({ transport, dtls, media, sessionId: String(Date.now()) });
      this.#log?.info(
        { channelId, subscriber: viewer.id.slice(0, 8), viewers: route.viewers.size },
        'WHEP viewer answered',
      );
      return { id: viewer.id, answer: { sdp } };
    } catch (error) {
      this.#end(viewer, route, 'failed');
      throw error;
    }
  }

  async unsubscribe(id: string): Promise<boolean> {
    const viewer = this.#viewers.get(id);
    const route = viewer && this.#channels.get(viewer.channelId);
    if (!viewer) return this.#recentlyEnded.delete(id);
    this.#end(viewer, route, 'unsubscribed');
    return true;
  }

  subscriberCount(channelId?: string): number {
    if (channelId === undefined) return this.#viewers.size;
    return this.#channels.get(channelId)?.viewers.size ?? 0;
  }

  /** Viewers with their connection state. */
  subscribers(channelId?: string): Array<{ id: string; channelId: string; connected: boolean }> {
    return [...this.#viewers.values()]
      .filter((v) => channelId === undefined || v.channelId === channelId)
      .map((v) => ({ id: v.id, channelId: v.channelId, connected: v.connected }));
  }

  /** One layer per channel (the source's own video): no choice to offer. */
  videoLayers(_channelId: string): [] {
    return [];
  }

  setViewerLayer(_id: string, _layerId: string | null): boolean {
    return false;
  }

  /** Keyframe requests asked for by viewers (mediasoup's PLIs/FIRs) and those that reached the source. */
  keyframeStats(channelId: string): { requested: number; sent: number } | undefined {
    const gate = this.#channels.get(channelId)?.gate;
    return gate ? { requested: gate.requested, sent: gate.sent } : undefined;
  }

  /** CPU time (user + system, ms) the workers have used so far. */
  async workerCpuMs(): Promise<number> {
    const usage = await Promise.all(this.#slots.map((s) => s.worker.getResourceUsage()));
    return usage.reduce((sum, u) => sum + u.ru_utime + u.ru_stime, 0);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const channelId of [...this.#channels.keys()]) this.removeSource(channelId);
    for (const slot of this.#slots) slot.worker.close();
  }

  #chooseCodecs(
    route: ChannelRoute,
    sections: readonly OfferSection[],
  ): Array<{ section: OfferSection; kind: MediaKind; codec: OfferedCodec | undefined }> {
    return sections.map((section) => {
      const kind = section.kind as MediaKind;
      const codec =
        kind === 'video' ? chooseViewerVideo(route.source.codecs.video?.sdpFmtpLine)(section) : chooseOpus(section);
      if (!codec) {
        const offered = [...new Set(section.codecs.map((c) => c.name).filter((n) => !/^(rtx|red|ulpfec)$/i.test(n)))];
        throw new UnsupportedCodecError(
          `the ${kind} offered (${offered.join(', ') || 'no codecs'}) cannot be used; ${VIEWER_CODEC_HINT}`,
        );
      }
      return { section, kind, codec: route.source.codecs[kind] ? codec : undefined };
    });
  }

  /**
   * Each payload-type numbering costs a router per worker, so a channel takes at most MAX_NUMBERINGS of them
   * (browsers of one kind share one); and the chosen video and audio numbers must differ.
   */
  #checkNumbering(
    route: ChannelRoute,
    chosen: ReadonlyArray<{ kind: MediaKind; codec: OfferedCodec | undefined }>,
  ): void {
    const pts = chosen.flatMap((c) => (c.codec ? [c.codec.payloadType] : []));
    if (new Set(pts).size !== pts.length || pts.some((pt) => pt < 0 || pt > 127)) {
      throw new OfferShapeError(
        'PAYLOAD_TYPES_CLASH',
        'the offer gives audio and video the same payload type, or one out of range',
      );
    }
    const numbering = numberingOf(chosen);
    route.numberings.add(numbering);
    if (route.numberings.size > MAX_NUMBERINGS) {
      route.numberings.delete(numbering);
      throw new OfferShapeError(
        'TOO_MANY_NUMBERINGS',
        `this channel's viewers already use ${MAX_NUMBERINGS} payload-type numberings; offer the numbers a common browser uses`,
      );
    }
  }

  #listenInfos(): MsListenInfo[] {
    const ice = this.ice;
    const bind = ice.bindAddress ?? '127.0.0.1';
    const range = ice.portRange ? { portRange: { min: ice.portRange[0], max: ice.portRange[1] } } : {};
    return advertisedAddresses(ice).map((address) =>
      address === bind
        ? { protocol: 'udp' as const, ip: bind, ...range }
        : { protocol: 'udp' as const, ip: bind, announcedAddress: address, ...range },
    );
  }

  /** The router codecs of a channel: the source's H.264 profile (all routers alike, so pipes match) and Opus. */
  #codecs(route: ChannelRoute, pts?: Partial<Record<MediaKind, number>>): MsCodecCapability[] {
    const codecs: MsCodecCapability[] = [];
    if (route.source.codecs.video) {
      codecs.push({
        kind: 'video',
        mimeType: 'video/H264',
        clockRate: 90000,
        preferredPayloadType: pts?.video ?? INGEST.video.pt,
        parameters: h264Parameters(route.source.codecs.video.sdpFmtpLine),
        rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'ccm', parameter: 'fir' }],
      });
    }
    if (route.source.codecs.audio) {
      codecs.push({
        kind: 'audio',
        mimeType: 'audio/opus',
        clockRate: 48000,
        channels: 2,
        preferredPayloadType: pts?.audio ?? INGEST.audio.pt,
      });
    }
    return codecs;
  }

  #ingest(route: ChannelRoute, slot: WorkerSlot): Promise<Ingest> {
    if (!route.ingest) route.ingestSlot = slot;
    route.ingest ??= (async () => {
      const codecs = this.#codecs(route);
      const router = await slot.worker.createRouter({ mediaCodecs: codecs });
      const transport = await router.createPlainTransport({
        listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
        rtcpMux: true,
        comedia: false,
      });
      const socket = createSocket('udp4');
      await new Promise<void>((resolve, reject) => {
        socket.once('error', reject);
        socket.bind(0, '127.0.0.1', () => resolve());
      });
      socket.on('error', (error) =>
        this.#log?.warn({ err: error, channelId: route.source.channelId }, 'SFU ingest socket'),
      );
      socket.on('message', (packet) => this.#onRtcp(route, packet));
      socket.connect(transport.tuple.localPort, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      await transport.connect({ ip: '127.0.0.1', port: socket.address().port });
      const producers: Partial<Record<MediaKind, MsProducer>> = {};
      for (const codec of codecs) {
        const kind = codec.kind;
        producers[kind] = await transport.produce({
          kind,
          rtpParameters: {
            codecs: [
              {
                mimeType: codec.mimeType,
                payloadType: INGEST[kind].pt,
                clockRate: codec.clockRate,
                ...(codec.channels ? { channels: codec.channels } : {}),
                ...(codec.parameters ? { parameters: codec.parameters } : {}),
                ...(codec.rtcpFeedback ? { rtcpFeedback: codec.rtcpFeedback } : {}),
              },
            ],
            encodings: [{ ssrc: INGEST[kind].ssrc }],
            rtcp: { cname: `glint-${route.source.channelId}`.slice(0, 60) },
          },
        });
      }
      if (route.closed) {
        socket.close();
        router.close();
        throw new NoSourceError(route.source.channelId);
      }
      return { slot, router, transport, socket, port: socket.address().port, producers, codecs };
    })();
    return route.ingest;
  }

  #routerFor(
    route: ChannelRoute,
    slot: WorkerSlot,
    key: string,
    chosen: ReadonlyArray<{ kind: MediaKind; codec: OfferedCodec | undefined }>,
  ): Promise<ViewerRouter> {
    let pending = route.routers.get(key);
    if (!pending) {
      pending = (async () => {
        const ingest = await this.#ingest(route, slot);
        const pts: Partial<Record<MediaKind, number>> = {};
        for (const c of chosen) if (c.codec) pts[c.kind] = c.codec.payloadType;
        const router = await slot.worker.createRouter({ mediaCodecs: this.#codecs(route, pts) });
        const producers: Partial<Record<MediaKind, string>> = {};
        for (const [kind, producer] of Object.entries(ingest.producers) as Array<[MediaKind, MsProducer]>) {
          const piped = await ingest.router.pipeToRouter({ producerId: producer.id, router, keepId: false });
          producers[kind] = piped.pipeProducer?.id ?? producer.id;
        }
        return { router, producers };
      })();
      pending.catch(() => route.routers.delete(key));
      route.routers.set(key, pending);
    }
    return pending;
  }

  #watch(viewer: Viewer, route: ChannelRoute, transport: MsWebRtcTransport): void {
    viewer.timer = setTimeout(() => {
      if (!viewer.connected) this.#end(viewer, this.#channels.get(viewer.channelId), 'connect-timeout');
    }, this.#options.connectTimeoutMs ?? PEER_TIMEOUT_DEFAULTS.connectTimeoutMs);
    let grace: NodeJS.Timeout | undefined;
    transport.on('dtlsstatechange', (state) => {
      if (state === 'connected' && !viewer.connected && !viewer.ended) {
        viewer.connected = true;
        clearTimeout(viewer.timer);
        viewer.settle();
        if (this.#channels.get(viewer.channelId) === route) this.#startForwarding(route);
        route.gate.request();
        this.#log?.info({ channelId: viewer.channelId, subscriber: viewer.id.slice(0, 8) }, 'WHEP viewer connected');
      } else if (state === 'failed' || state === 'closed') {
        this.#end(viewer, this.#channels.get(viewer.channelId), state === 'failed' ? 'failed' : 'closed');
      }
    });
    transport.on('icestatechange', (state) => {
      clearTimeout(grace);
      if (state === 'disconnected') {
        grace = setTimeout(
          () => this.#end(viewer, this.#channels.get(viewer.channelId), 'disconnected'),
          this.#options.disconnectedGraceMs ?? PEER_TIMEOUT_DEFAULTS.disconnectedGraceMs,
        );
        grace.unref();
      }
    });
  }

  /** Sends the source's packets into the ingest transport while a connected viewer watches. */
  #startForwarding(route: ChannelRoute): void {
    if (route.forwarding || !route.ingest) return;
    const forwarding: Array<() => void> = [];
    route.forwarding = forwarding;
    void route.ingest.then(
      (ingest) => {
        if (route.forwarding !== forwarding) return;
        for (const kind of ['video', 'audio'] as const) {
          if (!ingest.producers[kind]) continue;
          const { pt, ssrc } = INGEST[kind];
          forwarding.push(
            route.source.onRtp(kind, (packet) => {
              if (packet.length < 12) return;
              const copy = Buffer.allocUnsafe(packet.length);
              packet.copy(copy);
              copy[1] = ((copy[1] as number) & 0x80) | pt;
              copy.writeUInt32BE(ssrc, 8);
              ingest.socket.send(copy);
            }),
          );
        }
        route.gate.request();
      },
      () => {},
    );
  }

  #stopForwarding(route: ChannelRoute): void {
    for (const detach of route.forwarding ?? []) detach();
    route.forwarding = null;
  }

  /** RTCP from mediasoup to the source: a PLI (PSFB FMT 1) or FIR (FMT 4) asks for a keyframe. */
  #onRtcp(route: ChannelRoute, data: Buffer): void {
    let offset = 0;
    while (offset + 4 <= data.length) {
      const fmt = (data[offset] as number) & 0x1f;
      const type = data[offset + 1];
      if (type === RTCP_PSFB && (fmt === 1 || fmt === 4)) route.gate.request();
      offset += (data.readUInt16BE(offset + 2) + 1) * 4;
    }
  }

  #end(viewer: Viewer, route: ChannelRoute | undefined, reason: string): void {
    if (viewer.ended) return;
    viewer.ended = true;
    clearTimeout(viewer.timer);
    if (reason !== 'unsubscribed') {
      this.#recentlyEnded.add(viewer.id);
      if (this.#recentlyEnded.size > RECENTLY_ENDED)
        this.#recentlyEnded.delete(this.#recentlyEnded.values().next().value ?? '');
    }
    viewer.slot.viewers--;
    this.#viewers.delete(viewer.id);
    route?.viewers.delete(viewer);
    viewer.transport?.close();
    viewer.settle();
    if (route && ![...route.viewers].some((v) => v.connected)) this.#stopForwarding(route);
    this.#log?.info(
      { channelId: viewer.channelId, subscriber: viewer.id.slice(0, 8), reason, viewers: route?.viewers.size ?? 0 },
      'WHEP viewer ended',
    );
  }

  /** Closes the channel's routers and ingest as they are now (the route may be set up afresh meanwhile). */
  async #closeRouting(route: ChannelRoute): Promise<void> {
    const pending = [...route.routers.values()];
    const ingestNow = route.ingest;
    const routers = await Promise.allSettled(pending);
    for (const r of routers) if (r.status === 'fulfilled') r.value.router.close();
    const ingest = await ingestNow?.catch(() => null);
    if (ingest) {
      ingest.socket.close();
      ingest.router.close();
    }
  }

  /**
   * A worker died: its viewers end (their players reconnect), and so do all viewers of a channel whose ingest was
   * on it (the pipes to the other workers carry nothing any more); those channels are set up again by their next
   * viewer. A new worker takes the slot.
   */
  #workerDied(slot: WorkerSlot, worker: MsWorker, error: Error): void {
    if (slot.worker !== worker) return;
    this.#log?.error(
      { err: error, pid: worker.pid },
      'mediasoup worker died; its viewers are ended, a new worker starts',
    );
    const index = this.#slots.indexOf(slot);
    for (const route of this.#channels.values()) {
      if (route.ingestSlot === slot) {
        for (const viewer of [...route.viewers]) this.#end(viewer, route, 'worker-died');
        this.#stopForwarding(route);
        void this.#closeRouting(route);
        route.ingest = null;
        route.ingestSlot = null;
        route.routers.clear();
        route.numberings.clear();
      } else {
        for (const key of [...route.routers.keys()]) if (key.startsWith(`${index}:`)) route.routers.delete(key);
      }
    }
    for (const viewer of [...this.#viewers.values()]) {
      if (viewer.slot === slot) this.#end(viewer, this.#channels.get(viewer.channelId), 'worker-died');
    }
    if (!this.#closed) void this.#respawn(slot);
  }

  async #respawn(slot: WorkerSlot): Promise<void> {
    const [min, max] = this.#options.ice?.portRange ?? [];
    try {
      const worker = await this.#options.mediasoup.createWorker({
        logLevel: 'error',
        workerBin: this.#options.workerBin,
        ...(min !== undefined && max !== undefined ? { rtcMinPort: min, rtcMaxPort: max } : {}),
      });
      if (this.#closed) {
        worker.close();
        return;
      }
      slot.worker = worker;
      worker.on('died', (error) => this.#workerDied(slot, worker, error));
      this.#log?.info({ pid: worker.pid }, 'mediasoup worker started in place of the one that died');
    } catch (error) {
      this.#log?.error({ err: error }, 'a new mediasoup worker did not start; serving on the others');
    }
  }

  #requestKeyframe(source: RtpSource): void {
    try {
      source.requestKeyframe();
    } catch (error) {
      this.#log?.error({ err: error, channelId: source.channelId }, 'keyframe request to source failed');
    }
  }
}

/** The payload type numbers a viewer's offer gives the kinds it receives, e.g. `video102,audio111`. */
function numberingOf(chosen: ReadonlyArray<{ kind: MediaKind; codec: OfferedCodec | undefined }>): string {
  return chosen.map((c) => `${c.kind}${c.codec?.payloadType ?? '-'}`).join(',');
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
