/**
 * The part of mediasoup's API the engine uses, typed here: mediasoup is not an npm dependency of the project (its
 * install downloads a prebuilt worker, which cannot happen offline), it is loaded at run time from the cache the
 * worker is built into (worker-cache.ts). Names and shapes follow mediasoup 3.27's own types.
 */

export interface MsRtcpFeedback {
  readonly type: string;
  readonly parameter?: string;
}

export interface MsCodecCapability {
  readonly kind: 'audio' | 'video';
  readonly mimeType: string;
  readonly preferredPayloadType?: number;
  readonly clockRate: number;
  readonly channels?: number;
  readonly parameters?: Record<string, string | number>;
  readonly rtcpFeedback?: readonly MsRtcpFeedback[];
}

export interface MsHeaderExtensionCapability {
  readonly kind: 'audio' | 'video';
  readonly uri: string;
  readonly preferredId: number;
  readonly direction?: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
}

export interface MsRtpCapabilities {
  readonly codecs: readonly MsCodecCapability[];
  readonly headerExtensions: readonly MsHeaderExtensionCapability[];
}

export interface MsCodecParameters {
  readonly mimeType: string;
  readonly payloadType: number;
  readonly clockRate: number;
  readonly channels?: number;
  readonly parameters?: Record<string, string | number>;
  readonly rtcpFeedback?: readonly MsRtcpFeedback[];
}

export interface MsRtpParameters {
  readonly mid?: string;
  readonly codecs: readonly MsCodecParameters[];
  readonly headerExtensions?: ReadonlyArray<{ readonly uri: string; readonly id: number }>;
  readonly encodings?: ReadonlyArray<{ readonly ssrc?: number; readonly rtx?: { readonly ssrc: number } }>;
  readonly rtcp?: { readonly cname?: string; readonly reducedSize?: boolean };
}

export interface MsIceCandidate {
  readonly foundation: string;
  readonly priority: number;
  readonly address: string;
  readonly protocol: 'udp' | 'tcp';
  readonly port: number;
  readonly type: 'host';
}

export interface MsDtlsParameters {
  readonly role?: 'auto' | 'client' | 'server';
  readonly fingerprints: ReadonlyArray<{ readonly algorithm: string; readonly value: string }>;
}

export interface MsListenInfo {
  readonly protocol: 'udp' | 'tcp';
  readonly ip: string;
  readonly announcedAddress?: string;
  readonly portRange?: { readonly min: number; readonly max: number };
}

export interface MsProducer {
  readonly id: string;
  readonly kind: 'audio' | 'video';
  close(): void;
}

export interface MsConsumer {
  readonly id: string;
  readonly kind: 'audio' | 'video';
  readonly rtpParameters: MsRtpParameters;
  close(): void;
}

export interface MsPlainTransport {
  readonly tuple: { readonly localAddress?: string; readonly localIp?: string; readonly localPort: number };
  connect(params: { ip: string; port: number }): Promise<void>;
  produce(params: { kind: 'audio' | 'video'; rtpParameters: MsRtpParameters }): Promise<MsProducer>;
  close(): void;
}

export interface MsWebRtcTransport {
  readonly id: string;
  readonly closed: boolean;
  readonly iceParameters: { readonly usernameFragment: string; readonly password: string };
  readonly iceCandidates: readonly MsIceCandidate[];
  readonly dtlsParameters: MsDtlsParameters;
  readonly dtlsState: string;
  connect(params: { dtlsParameters: MsDtlsParameters }): Promise<void>;
  consume(params: {
    producerId: string;
    rtpCapabilities: MsRtpCapabilities;
    paused?: boolean;
    mid?: string;
    enableRtx?: boolean;
  }): Promise<MsConsumer>;
  on(event: 'dtlsstatechange', listener: (state: string) => void): void;
  on(event: 'icestatechange', listener: (state: string) => void): void;
  close(): void;
}

export interface MsRouter {
  readonly id: string;
  readonly rtpCapabilities: MsRtpCapabilities;
  createPlainTransport(options: {
    listenInfo: MsListenInfo;
    rtcpMux?: boolean;
    comedia?: boolean;
  }): Promise<MsPlainTransport>;
  createWebRtcTransport(options: {
    listenInfos: readonly MsListenInfo[];
    enableUdp?: boolean;
    enableTcp?: boolean;
    iceConsentTimeout?: number;
  }): Promise<MsWebRtcTransport>;
  pipeToRouter(options: {
    producerId: string;
    router: MsRouter;
    keepId?: boolean;
  }): Promise<{ pipeProducer?: MsProducer }>;
  close(): void;
}

export interface MsWorker {
  readonly pid: number;
  readonly died: boolean;
  createRouter(options: { mediaCodecs: readonly MsCodecCapability[] }): Promise<MsRouter>;
  getResourceUsage(): Promise<{ ru_utime: number; ru_stime: number }>;
  on(event: 'died', listener: (error: Error) => void): void;
  close(): void;
}

/** The module itself: what `require('mediasoup')` returns, as used here. */
export interface MediasoupModule {
  readonly version: string;
  createWorker(settings: {
    logLevel?: 'debug' | 'warn' | 'error' | 'none';
    rtcMinPort?: number;
    rtcMaxPort?: number;
    workerBin?: string;
  }): Promise<MsWorker>;
}
