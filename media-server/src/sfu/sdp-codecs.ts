/**
 * Codec choice on an SDP offer, before werift sees it. werift matches codecs by MIME type alone and answers with
 * every H.264 variant the peer offered, sending with the first; pruning the offer to one payload type per m-section
 * makes what is negotiated (profile, packetization mode) exactly what we forward. Pure: text in, text out.
 */
import { SdpParseError, UnsupportedCodecError } from './errors.ts';
import type { MediaKind } from './types.ts';

export interface OfferedCodec {
  readonly payloadType: number;
  /** e.g. 'H264', 'opus', 'rtx' as written in a=rtpmap. */
  readonly name: string;
  readonly clockRate: number;
  readonly channels?: number;
  readonly fmtp: Readonly<Record<string, string>>;
  readonly fmtpLine: string;
}

export interface OfferedMedia {
  readonly kind: string;
  readonly mid: string | undefined;
  readonly direction: string;
  readonly codecs: readonly OfferedCodec[];
}

/** Picks the payload type to keep in one m-section, or undefined to refuse the section. */
export type CodecChooser = (media: OfferedMedia) => OfferedCodec | undefined;

export function parseFmtp(line: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const part of line.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    params[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim();
  }
  return params;
}

interface Section {
  readonly lines: string[];
}

function splitSections(sdp: string): { session: string[]; media: Section[] } {
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines[0] !== 'v=0') throw new SdpParseError('the offer is not SDP: it must start with "v=0"');
  const session: string[] = [];
  const media: Section[] = [];
  for (const line of lines) {
    if (!/^[a-z]=/.test(line)) throw new SdpParseError(`the offer has a line that is not SDP: "${line.slice(0, 40)}"`);
    if (line.startsWith('m=')) media.push({ lines: [line] });
    else (media.at(-1)?.lines ?? session).push(line);
  }
  if (media.length === 0) throw new SdpParseError('the offer has no media sections (m= lines)');
  return { session, media };
}

function describe(section: Section): OfferedMedia {
  const [mLine = ''] = section.lines;
  const m = /^m=(\S+) \d+(?:\/\d+)? \S+ (\S.*)$/.exec(mLine);
  if (!m)
    throw new SdpParseError(`malformed media line "${mLine.slice(0, 60)}" (it needs a port, a protocol and formats)`);
  const payloadTypes = (m[2] ?? '').split(' ').filter(Boolean).map(Number);
  const attr = (prefix: string) => section.lines.filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));
  const codecs: OfferedCodec[] = [];
  for (const pt of payloadTypes) {
    const rtpmap = attr(`a=rtpmap:${pt} `)[0];
    if (!rtpmap) continue;
    const [name = '', clock = '0', channels] = rtpmap.split('/');
    const fmtpLine = attr(`a=fmtp:${pt} `)[0] ?? '';
    codecs.push({
      payloadType: pt,
      name,
      clockRate: Number(clock),
      ...(channels ? { channels: Number(channels) } : {}),
      fmtp: parseFmtp(fmtpLine),
      fmtpLine,
    });
  }
  const direction = section.lines.find((l) => /^a=(sendrecv|sendonly|recvonly|inactive)$/.test(l))?.slice(2);
  return { kind: m[1] ?? '', mid: attr('a=mid:')[0], direction: direction ?? 'sendrecv', codecs };
}

export function describeOffer(sdp: string): OfferedMedia[] {
  return splitSections(sdp).media.map(describe);
}

/**
 * Keeps, in each audio/video m-section, the one codec `choose` picks plus its RTX. A section with nothing we can
 * use refuses the whole offer with a reason naming what was offered: a half-working session is worse than a clear
 * refusal the user can fix in the encoder's settings.
 */
export function pruneOffer(
  sdp: string,
  choose: Readonly<Record<MediaKind, CodecChooser>>,
  wanted: string,
): { sdp: string; chosen: Partial<Record<MediaKind, OfferedCodec>> } {
  const { session, media } = splitSections(sdp);
  const chosen: Partial<Record<MediaKind, OfferedCodec>> = {};
  const out: string[] = [...session];
  for (const section of media) {
    const described = describe(section);
    const kind = described.kind;
    if (kind !== 'audio' && kind !== 'video') {
      out.push(...section.lines);
      continue;
    }
    const pick = choose[kind](described);
    if (!pick) {
      const offered = [...new Set(described.codecs.map((c) => c.name).filter((n) => !/^(rtx|red|ulpfec)$/i.test(n)))];
      throw new UnsupportedCodecError(
        `the ${kind} offered (${offered.join(', ') || 'no codecs'}) cannot be used; ${wanted}`,
      );
    }
    chosen[kind] ??= pick;
    const keep = new Set([pick.payloadType]);
    for (const c of described.codecs) {
      if (c.name.toLowerCase() === 'rtx' && Number(c.fmtp.apt) === pick.payloadType) keep.add(c.payloadType);
    }
    const [mLine = ''] = section.lines;
    const head = /^(m=\S+ \d+ \S+)/.exec(mLine)?.[1] ?? mLine;
    out.push(`${head} ${[...keep].join(' ')}`);
    for (const line of section.lines.slice(1)) {
      const pt = codecLinePayloadType(line);
      if (pt === undefined || keep.has(pt)) out.push(line);
    }
  }
  return { sdp: `${out.join('\r\n')}\r\n`, chosen };
}

function codecLinePayloadType(line: string): number | undefined {
  const m = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)[ ]/.exec(line);
  return m ? Number(m[1]) : undefined;
}

/** profile_idc and profile_iop of a profile-level-id, e.g. '42e0' for 42e01f. */
export function h264Profile(fmtp: Readonly<Record<string, string>>): string {
  return (fmtp['profile-level-id'] ?? '42001f').slice(0, 4).toLowerCase();
}

function isH264Mode1(c: OfferedCodec): boolean {
  return c.name.toLowerCase() === 'h264' && c.fmtp['packetization-mode'] === '1';
}

/**
 * What a WHIP publisher may send us: H.264 (packetization mode 1) in constrained baseline first, then high, then
 * baseline/main as Chromium and OBS offer them; Opus for audio.
 */
export const PUBLISHER_H264_PROFILES = ['42e0', '640c', '6400', '4200', '4d00'] as const;

export const chooseOpus: CodecChooser = (media) =>
  media.codecs.find((c) => c.name.toLowerCase() === 'opus' && c.clockRate === 48000);

export const choosePublisherVideo: CodecChooser = (media) => {
  const h264 = media.codecs.filter(isH264Mode1);
  for (const profile of PUBLISHER_H264_PROFILES) {
    const match = h264.find((c) => h264Profile(c.fmtp) === profile);
    if (match) return match;
  }
  return undefined;
};

/**
 * For a viewer: the H.264 payload type whose profile matches the source's, else constrained baseline, else any
 * mode-1 H.264 (decoders in browsers take any profile; the profile in the SDP only guides encoders).
 */
export function chooseViewerVideo(sourceFmtp: string | undefined): CodecChooser {
  const wanted = h264Profile(parseFmtp(sourceFmtp ?? ''));
  return (media) => {
    const h264 = media.codecs.filter(isH264Mode1);
    return (
      h264.find((c) => h264Profile(c.fmtp) === wanted) ?? h264.find((c) => h264Profile(c.fmtp) === '42e0') ?? h264[0]
    );
  };
}
