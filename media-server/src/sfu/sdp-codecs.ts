/**
 * Codec choice on an SDP offer, before werift sees it. werift matches codecs by MIME type alone and answers with
 * every H.264 variant the peer offered, sending with the first; pruning the offer to one payload type per m-section
 * makes what is negotiated (profile, packetization mode) exactly what we forward. Pure: text in, text out.
 */
import { UnsupportedCodecError } from './errors.ts';
import {
  checkOfferShape,
  DEFAULT_OFFER_LIMITS,
  type OfferedCodec,
  type OfferedMedia,
  type OfferLimits,
  parseFmtp,
  parseOffer,
} from './sdp-offer.ts';
import type { MediaKind } from './types.ts';

export { describeOffer, type OfferedCodec, type OfferedMedia, parseFmtp } from './sdp-offer.ts';

/** Picks the payload type to keep in one m-section, or undefined to refuse the section. */
export type CodecChooser = (media: OfferedMedia) => OfferedCodec | undefined;

/**
 * Keeps, in each audio/video m-section, the one codec `choose` picks plus its RTX. A section with nothing we can
 * use refuses the whole offer with a reason naming what was offered: a half-working session is worse than a clear
 * refusal the user can fix in the encoder's settings.
 */
export function pruneOffer(
  sdp: string,
  choose: Readonly<Record<MediaKind, CodecChooser>>,
  wanted: string,
  limits: OfferLimits = DEFAULT_OFFER_LIMITS,
): { sdp: string; chosen: Partial<Record<MediaKind, OfferedCodec>>; kinds: MediaKind[] } {
  const offer = parseOffer(sdp);
  checkOfferShape(offer, limits);
  const chosen: Partial<Record<MediaKind, OfferedCodec>> = {};
  const kinds: MediaKind[] = [];
  const out: string[] = [...offer.session];
  for (const section of offer.sections) {
    const kind = section.kind as MediaKind; // checkOfferShape let only audio and video through
    const pick = choose[kind](section);
    if (!pick) {
      const offered = [...new Set(section.codecs.map((c) => c.name).filter((n) => !/^(rtx|red|ulpfec)$/i.test(n)))];
      throw new UnsupportedCodecError(
        `the ${kind} offered (${offered.join(', ') || 'no codecs'}) cannot be used; ${wanted}`,
      );
    }
    chosen[kind] = pick;
    kinds.push(kind);
    const keep = new Set([pick.payloadType]);
    for (const c of section.codecs) {
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
  return { sdp: `${out.join('\r\n')}\r\n`, chosen, kinds };
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

/**
 * Leaves transport-wide congestion control out of a viewer's offer. werift echoes the offer's feedback types in its
 * answer, and a Chromium receiver that has `transport-cc` negotiated sends only transport feedback, never REMB;
 * werift does not number packets for it, so the viewer would report no estimate at all. Without it the viewer
 * runs its receive-side estimator and sends REMB, which picks its video layer.
 */
export function withoutTransportCc(sdp: string): string {
  return sdp.replace(/^a=rtcp-fb:\d+ transport-cc\r?\n/gm, '');
}
