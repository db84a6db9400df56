/** werift peer-connection settings shared by the publisher and subscriber legs: ICE-lite, pinned codecs. */
import { type NetworkInterfaceInfo, networkInterfaces } from 'node:os';
import {
  type PeerConfig,
  type RTCCertificate,
  RTCRtpCodecParameters,
  useAbsSendTime,
  useFIR,
  useNACK,
  usePLI,
  useREMB,
  useSdesMid,
} from 'werift';
import { PUBLISHER_H264_PROFILES } from './sdp-codecs.ts';
import type { IceOptions } from './types.ts';

export type { IceOptions } from './types.ts';

const LEVEL_IDS: Record<(typeof PUBLISHER_H264_PROFILES)[number], string> = {
  '42e0': '42e01f',
  '640c': '640c1f',
  '6400': '64001f',
  '4200': '42001f',
  '4d00': '4d001f',
};

/** Local codec list: werift matches by MIME type only, so one H.264 entry per profile we speak, 42e01f first. */
function videoCodecs(remb: boolean): RTCRtpCodecParameters[] {
  let pt = 102;
  const h264 = PUBLISHER_H264_PROFILES.map(
    (profile) =>
      new RTCRtpCodecParameters({
        mimeType: 'video/H264',
        clockRate: 90000,
        payloadType: pt++,
        rtcpFeedback: remb ? [useNACK(), usePLI(), useFIR(), useREMB()] : [useNACK(), usePLI(), useFIR()],
        parameters: `level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=${LEVEL_IDS[profile]}`,
      }),
  );
  return [...h264, new RTCRtpCodecParameters({ mimeType: 'video/rtx', clockRate: 90000, payloadType: pt })];
}

function audioCodecs(): RTCRtpCodecParameters[] {
  return [
    new RTCRtpCodecParameters({
      mimeType: 'audio/opus',
      clockRate: 48000,
      channels: 2,
      payloadType: 111,
      parameters: 'minptime=10;useinbandfec=1',
    }),
  ];
}

type Interfaces = Readonly<Record<string, readonly NetworkInterfaceInfo[] | undefined>>;

/**
 * The addresses put in host candidates: the bind address and the configured public IPs, nothing else (werift on
 * its own also advertises every interface of the machine, including ones no socket listens on). Bound to
 * 0.0.0.0, the sockets answer on every IPv4 interface: then loopback, the public IPs, and, when none are set, the
 * machine's own IPv4 addresses.
 */
export function advertisedAddresses(ice: IceOptions, interfaces: () => Interfaces = networkInterfaces): string[] {
  const bind = ice.bindAddress ?? '127.0.0.1';
  const publicIps = ice.publicIps ?? [];
  if (bind !== '0.0.0.0') return [...new Set([bind, ...publicIps])];
  const own =
    publicIps.length > 0
      ? []
      : Object.values(interfaces())
          .flatMap((list) => list ?? [])
          .filter((i) => i.family === 'IPv4' && !i.internal)
          .map((i) => i.address);
  return [...new Set(['127.0.0.1', ...publicIps, ...own])];
}

/**
 * ICE-lite, no STUN gathering (werift would otherwise look up a public STUN server on its own), only the
 * advertised addresses, max-bundle, and no transport-wide congestion control header extension (it made Chromium's estimate
 * collapse on the publisher leg; see the werift note). `bandwidthFeedback` (viewers): REMB and abs-send-time on video,
 * so the viewer reports its receive estimate and the SFU can pick its video layer.
 */
export function serverPeerConfig(
  ice: IceOptions,
  onStunRequest?: () => void,
  certificate?: RTCCertificate,
  options: { readonly bandwidthFeedback?: boolean } = {},
): Partial<PeerConfig> {
  const remb = options.bandwidthFeedback === true;
  const bind = ice.bindAddress ?? '127.0.0.1';
  const config: Partial<PeerConfig> = {
    iceLite: true,
    iceServers: [],
    // No interface enumeration: host candidates are exactly the advertised addresses.
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceInterfaceAddresses: { udp4: bind },
    iceAdditionalHostAddresses: advertisedAddresses(ice),
    // One transport for every section (checkOfferShape refuses offers that are not bundled).
    bundlePolicy: 'max-bundle',
    codecs: { video: videoCodecs(remb), audio: audioCodecs() },
    // A viewer's receive-side estimate (REMB) is what picks its video layer; abs-send-time makes it precise.
    headerExtensions: { video: remb ? [useSdesMid(), useAbsSendTime()] : [useSdesMid()], audio: [useSdesMid()] },
    // Called for each STUN request the peer sends: its consent checks are our liveness signal.
    iceFilterStunResponse: () => {
      onStunRequest?.();
      return true;
    },
  };
  if (certificate) config.certificates = [certificate];
  if (ice.portRange) config.icePortRange = [ice.portRange[0], ice.portRange[1]];
  return config;
}
