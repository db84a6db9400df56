/**
 * WHEP over mediasoup, the SDP half: a viewer's offer (already read and shape-checked by sdp-offer.ts) becomes the
 * RTP capabilities mediasoup consumes with, the DTLS role to connect with, and, from the transport's ICE/DTLS
 * parameters and each consumer's RTP parameters, the answer. Pure: values in, text out.
 *
 * Payload types: an answer must use the offer's payload type numbers (RFC 8829 5.3.1), and a consumer sends with its
 * router's; the engine gives each viewer a router whose codecs carry that viewer's numbers, so the two agree. Header
 * extensions are kept only where the offer's id is the router's (mediasoup matches ids too); none are needed for a
 * single layer: with a=ssrc lines in the answer the browser demultiplexes by SSRC.
 */
import { SdpParseError } from '../errors.ts';
import type { OfferedCodec, OfferSection, ParsedOffer } from '../sdp-offer.ts';
import type {
  MsCodecCapability,
  MsHeaderExtensionCapability,
  MsIceCandidate,
  MsRtcpFeedback,
  MsRtpCapabilities,
  MsRtpParameters,
} from './mediasoup-api.ts';

/** fmtp values as mediasoup compares them: digits as numbers (packetization-mode=1 matches 1), the rest as text. */
export function fmtpParameters(params: Readonly<Record<string, string>>): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(params)) out[key] = /^\d{1,9}$/.test(value) ? Number(value) : value;
  return out;
}

function attribute(lines: readonly string[], prefix: string): string | undefined {
  return lines.find((l) => l.startsWith(prefix))?.slice(prefix.length);
}

export interface OfferDtls {
  readonly fingerprint: { readonly algorithm: string; readonly value: string };
  /** The viewer's DTLS role, as mediasoup's connect() wants it. */
  readonly remoteRole: 'client' | 'server';
  /** Ours, as the answer's a=setup says it. */
  readonly localSetup: 'active' | 'passive';
}

/** The viewer's certificate fingerprint and DTLS role (media level first, then session level). */
export function offerDtls(offer: ParsedOffer): OfferDtls {
  const first = offer.sections[0]?.lines ?? [];
  const fingerprint = attribute(first, 'a=fingerprint:') ?? attribute(offer.session, 'a=fingerprint:');
  const [algorithm, value] = fingerprint?.trim().split(/\s+/) ?? [];
  if (!algorithm || !value) throw new SdpParseError('the offer has no a=fingerprint (DTLS needs one)');
  const setup = (attribute(first, 'a=setup:') ?? attribute(offer.session, 'a=setup:') ?? 'actpass').trim();
  // actpass and active: the viewer starts the handshake (DTLS client), we answer passive.
  if (setup === 'passive')
    return { fingerprint: { algorithm: algorithm.toLowerCase(), value }, remoteRole: 'server', localSetup: 'active' };
  return { fingerprint: { algorithm: algorithm.toLowerCase(), value }, remoteRole: 'client', localSetup: 'passive' };
}

function feedbackFor(section: OfferSection, pt: number): MsRtcpFeedback[] {
  const out: MsRtcpFeedback[] = [];
  for (const line of section.lines) {
    const m = /^a=rtcp-fb:(\d+|\*) (\S+)(?: (\S+))?/.exec(line);
    if (!m || (m[1] !== '*' && Number(m[1]) !== pt)) continue;
    out.push(m[3] ? { type: m[2] as string, parameter: m[3] } : { type: m[2] as string });
  }
  return out;
}

function extensionsOf(section: OfferSection, kind: 'audio' | 'video'): MsHeaderExtensionCapability[] {
  const out: MsHeaderExtensionCapability[] = [];
  for (const line of section.lines) {
    const m = /^a=extmap:(\d+)(?:\/\S+)? (\S+)/.exec(line);
    if (m) out.push({ kind, uri: m[2] as string, preferredId: Number(m[1]) });
  }
  return out;
}

/** What the viewer receives in one section, reduced to the codec chosen for it: mediasoup consumes with this. */
export function capabilitiesOf(section: OfferSection, codec: OfferedCodec): MsRtpCapabilities {
  const kind = section.kind as 'audio' | 'video';
  const capability: MsCodecCapability = {
    kind,
    mimeType: `${kind}/${codec.name}`,
    preferredPayloadType: codec.payloadType,
    clockRate: codec.clockRate,
    ...(codec.channels !== undefined ? { channels: codec.channels } : {}),
    parameters: fmtpParameters(codec.fmtp),
    rtcpFeedback: feedbackFor(section, codec.payloadType),
  };
  return { codecs: [capability], headerExtensions: extensionsOf(section, kind) };
}

export interface AnswerTransport {
  readonly iceParameters: { readonly usernameFragment: string; readonly password: string };
  readonly iceCandidates: readonly MsIceCandidate[];
  readonly dtlsParameters: {
    readonly fingerprints: ReadonlyArray<{ readonly algorithm: string; readonly value: string }>;
  };
}

export interface AnswerMedia {
  readonly section: OfferSection;
  /** The consumer's parameters, or null: the section is refused (port 0, inactive). */
  readonly rtp: MsRtpParameters | null;
}

function codecName(mimeType: string): string {
  return mimeType.slice(mimeType.indexOf('/') + 1);
}

function fmtpLine(parameters: Readonly<Record<string, string | number>> | undefined): string {
  return Object.entries(parameters ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join(';');
}

/** The SDP answer: ICE-lite, one BUNDLE group of the accepted sections, sendonly, SSRCs announced. */
export function answerSdp(options: {
  readonly transport: AnswerTransport;
  readonly dtls: OfferDtls;
  readonly media: readonly AnswerMedia[];
  readonly sessionId: string;
}): string {
  const { transport, dtls, media } = options;
  const fingerprint =
    transport.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256') ??
    transport.dtlsParameters.fingerprints[0];
  if (!fingerprint) throw new Error('the transport has no DTLS fingerprint');
  const accepted = media.filter((m) => m.rtp !== null).map((m) => m.section.mid ?? '');
  const lines = [
    'v=0',
    `o=- ${options.sessionId} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=ice-lite',
    `a=group:BUNDLE ${accepted.join(' ')}`,
    'a=msid-semantic: WMS glint',
  ];
  for (const { section, rtp } of media) {
    const mid = section.mid ?? '';
    if (rtp === null) {
      const pt = section.codecs[0]?.payloadType ?? 0;
      lines.push(`m=${section.kind} 0 UDP/TLS/RTP/SAVPF ${pt}`, 'c=IN IP4 0.0.0.0', `a=mid:${mid}`, 'a=inactive');
      continue;
    }
    lines.push(
      `m=${section.kind} 9 UDP/TLS/RTP/SAVPF ${rtp.codecs.map((c) => c.payloadType).join(' ')}`,
      'c=IN IP4 0.0.0.0',
      'a=rtcp:9 IN IP4 0.0.0.0',
      `a=ice-ufrag:${transport.iceParameters.usernameFragment}`,
      `a=ice-pwd:${transport.iceParameters.password}`,
      `a=fingerprint:${fingerprint.algorithm} ${fingerprint.value}`,
      `a=setup:${dtls.localSetup}`,
      `a=mid:${mid}`,
      'a=sendonly',
      'a=rtcp-mux',
      'a=rtcp-rsize',
    );
    for (const codec of rtp.codecs) {
      const channels = codec.channels && codec.channels > 1 ? `/${codec.channels}` : '';
      lines.push(`a=rtpmap:${codec.payloadType} ${codecName(codec.mimeType)}/${codec.clockRate}${channels}`);
      for (const fb of codec.rtcpFeedback ?? []) {
        lines.push(`a=rtcp-fb:${codec.payloadType} ${fb.type}${fb.parameter ? ` ${fb.parameter}` : ''}`);
      }
      const fmtp = fmtpLine(codec.parameters);
      if (fmtp) lines.push(`a=fmtp:${codec.payloadType} ${fmtp}`);
    }
    for (const ext of rtp.headerExtensions ?? []) lines.push(`a=extmap:${ext.id} ${ext.uri}`);
    const track = `${section.kind}0`;
    lines.push(`a=msid:glint ${track}`);
    for (const encoding of rtp.encodings ?? []) {
      if (encoding.ssrc === undefined) continue;
      lines.push(
        `a=ssrc:${encoding.ssrc} cname:${rtp.rtcp?.cname ?? 'glint'}`,
        `a=ssrc:${encoding.ssrc} msid:glint ${track}`,
      );
    }
    for (const c of transport.iceCandidates) {
      lines.push(`a=candidate:${c.foundation} 1 ${c.protocol} ${c.priority} ${c.address} ${c.port} typ ${c.type}`);
    }
    lines.push('a=end-of-candidates');
  }
  return `${lines.join('\r\n')}\r\n`;
}
