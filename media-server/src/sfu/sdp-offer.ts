/**
 * An SDP offer read once, line by line: its session lines and media sections with their codecs, and the shape
 * checks that run before werift sees it. Linear in the offer's size (every lookup is a map built in one pass), so
 * a crafted offer costs no more to refuse than to read. Pure: text in, values out.
 */
import { OfferShapeError, SdpParseError } from './errors.ts';

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

export interface OfferSection extends OfferedMedia {
  /** The section's lines, its m= line first. */
  readonly lines: readonly string[];
  readonly candidates: number;
}

export interface ParsedOffer {
  readonly session: readonly string[];
  readonly sections: readonly OfferSection[];
}

/** What an offer may hold; WHIP and WHEP need one audio and one video section, bundled. */
export interface OfferLimits {
  /** a=candidate lines in the whole offer (werift pairs each with every local candidate). */
  readonly maxCandidates: number;
}

export const DEFAULT_OFFER_LIMITS: OfferLimits = { maxCandidates: 32 };

export function parseFmtp(line: string): Record<string, string> {
  const params: Record<string, string> = {};
  for (const part of line.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    params[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim();
  }
  return params;
}

const M_LINE = /^m=(\S+) \d+(?:\/\d+)? \S+ (\S.*)$/;
const CODEC_ATTR = /^a=(rtpmap|fmtp):(\d+) (.*)$/;
const DIRECTION = /^a=(sendrecv|sendonly|recvonly|inactive)$/;

function section(lines: string[]): OfferSection {
  const [mLine = ''] = lines;
  const m = M_LINE.exec(mLine);
  if (!m)
    throw new SdpParseError(`malformed media line "${mLine.slice(0, 60)}" (it needs a port, a protocol and formats)`);
  const rtpmaps = new Map<number, string>();
  const fmtps = new Map<number, string>();
  let mid: string | undefined;
  let direction: string | undefined;
  let candidates = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const codecAttr = CODEC_ATTR.exec(line);
    if (codecAttr) {
      const map = codecAttr[1] === 'rtpmap' ? rtpmaps : fmtps;
      const pt = Number(codecAttr[2]);
      if (!map.has(pt)) map.set(pt, codecAttr[3] ?? '');
    } else if (line.startsWith('a=mid:')) mid ??= line.slice(6);
    else if (line.startsWith('a=candidate:')) candidates++;
    else if (direction === undefined && DIRECTION.test(line)) direction = line.slice(2);
  }
  const codecs: OfferedCodec[] = [];
  for (const pt of new Set((m[2] ?? '').split(' ').filter(Boolean).map(Number))) {
    const rtpmap = rtpmaps.get(pt);
    if (!rtpmap) continue;
    const [name = '', clock = '0', channels] = rtpmap.split('/');
    const fmtpLine = fmtps.get(pt) ?? '';
    codecs.push({
      payloadType: pt,
      name,
      clockRate: Number(clock),
      ...(channels ? { channels: Number(channels) } : {}),
      fmtp: parseFmtp(fmtpLine),
      fmtpLine,
    });
  }
  return { kind: m[1] ?? '', mid, direction: direction ?? 'sendrecv', codecs, lines, candidates };
}

export function parseOffer(sdp: string): ParsedOffer {
  const lines = sdp.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines[0] !== 'v=0') throw new SdpParseError('the offer is not SDP: it must start with "v=0"');
  const session: string[] = [];
  const grouped: string[][] = [];
  for (const line of lines) {
    if (!/^[a-z]=/.test(line)) throw new SdpParseError(`the offer has a line that is not SDP: "${line.slice(0, 40)}"`);
    if (line.startsWith('m=')) grouped.push([line]);
    else (grouped.at(-1) ?? session).push(line);
  }
  if (grouped.length === 0) throw new SdpParseError('the offer has no media sections (m= lines)');
  return { session, sections: grouped.map(section) };
}

export function describeOffer(sdp: string): OfferedMedia[] {
  return [...parseOffer(sdp).sections];
}

/**
 * At most one audio and one video section, nothing else, every section in one BUNDLE group (RFC 8843; the
 * max-bundle offers browsers and OBS send): one transport, one socket per advertised address, whatever the offer.
 */
export function checkOfferShape(offer: ParsedOffer, limits: OfferLimits = DEFAULT_OFFER_LIMITS): void {
  const counts = new Map<string, number>();
  let candidates = 0;
  for (const s of offer.sections) {
    if (s.kind !== 'audio' && s.kind !== 'video') {
      throw new OfferShapeError(
        'UNSUPPORTED_MEDIA_SECTION',
        `the offer has a "${s.kind.slice(0, 20)}" section; send one audio and one video section only (no data channels)`,
      );
    }
    counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);
    candidates += s.candidates;
  }
  for (const [kind, n] of counts) {
    if (n > 1) {
      throw new OfferShapeError(
        'TOO_MANY_MEDIA_SECTIONS',
        `the offer has ${n} ${kind} sections; send at most one audio and one video section`,
      );
    }
  }
  const bundle = offer.session.find((l) => l.startsWith('a=group:BUNDLE'));
  const bundled = new Set(bundle?.slice('a=group:BUNDLE'.length).trim().split(/\s+/).filter(Boolean));
  const outside = offer.sections.filter((s) => s.mid === undefined || !bundled.has(s.mid));
  if (outside.length > 0) {
    throw new OfferShapeError(
      'BUNDLE_REQUIRED',
      bundle
        ? `the offer's BUNDLE group leaves out ${outside.length} section(s); bundle every section (max-bundle)`
        : 'the offer has no a=group:BUNDLE; offer every section in one BUNDLE group (bundlePolicy max-bundle)',
    );
  }
  if (candidates > limits.maxCandidates) {
    throw new OfferShapeError(
      'TOO_MANY_CANDIDATES',
      `the offer has ${candidates} ICE candidates; send at most ${limits.maxCandidates}`,
    );
  }
}
