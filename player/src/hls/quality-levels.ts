/**
 * What a viewer picks from: one option per video rendition of a multivariant playlist, labelled by its resolution
 * and bitrate ("720p · 2.5 Mbit/s"), the top rendition as "Source (1080p)". Pure: takes what the player parsed
 * (hls.js levels, or later a WebRTC layer list) and returns values.
 */

/** The facts of one rendition a label needs (hls.js' `Level` has them; so can a simulcast layer). */
export interface RenditionFacts {
  /** Pixels; 0 when the playlist gave no RESOLUTION. */
  readonly width: number;
  readonly height: number;
  /** Bits per second (BANDWIDTH); 0 when unknown. */
  readonly bitrate: number;
}

export interface QualityOption {
  /** The rendition's index in the player's own list (hls.js' level index). */
  readonly index: number;
  readonly label: string;
  /** "720p", or "" when the resolution is unknown. */
  readonly resolution: string;
  /** "2.5 Mbit/s", or "" when the bitrate is unknown. */
  readonly bitrate: string;
  /** The top rendition: the source, as the ladder passes it through. */
  readonly source: boolean;
}

/** "2.5 Mbit/s", "800 kbit/s"; "" for an unknown (0 or negative) rate. */
export function formatBitrate(bitsPerSecond: number): string {
  if (!(bitsPerSecond > 0)) return '';
  if (bitsPerSecond >= 1_000_000) return `${(bitsPerSecond / 1_000_000).toFixed(1)} Mbit/s`;
  return `${Math.max(1, Math.round(bitsPerSecond / 1000))} kbit/s`;
}

/** "720p" by the shorter side, so a portrait 720x1280 stream is 720p too; "" when the size is unknown. */
export function formatResolution(width: number, height: number): string {
  const sides = [width, height].filter((side) => side > 0);
  return sides.length === 0 ? '' : `${Math.min(...sides)}p`;
}

/** Orders by size, then bitrate, largest first. */
function larger(a: RenditionFacts, b: RenditionFacts): number {
  return b.width * b.height - a.width * a.height || b.bitrate - a.bitrate;
}

/**
 * The options for a menu, best first. The top rendition is the source: "Source (1080p)". Others read
 * "480p · 1.2 Mbit/s" (either part left out when unknown; a rendition with neither is "Quality <n>").
 */
export function qualityOptions(renditions: readonly RenditionFacts[]): QualityOption[] {
  const ordered = renditions.map((facts, index) => ({ facts, index })).sort((a, b) => larger(a.facts, b.facts));
  return ordered.map(({ facts, index }, rank) => {
    const resolution = formatResolution(facts.width, facts.height);
    const bitrate = formatBitrate(facts.bitrate);
    const source = rank === 0;
    const plain = [resolution, bitrate].filter(Boolean).join(' · ') || `Quality ${index + 1}`;
    const label = source ? `Source${resolution ? ` (${resolution})` : bitrate ? ` (${bitrate})` : ''}` : plain;
    return { index, label, resolution, bitrate, source };
  });
}
