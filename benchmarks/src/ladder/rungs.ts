/** The rungs both methods make, and the source they are made from. */

export interface Rung {
  readonly name: string;
  readonly height: number;
  readonly fps: number;
  readonly bitrateKbps: number;
}

export interface SourceSpec {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly videoKbps: number;
  /** Length of the clip encoded once and looped. */
  readonly seconds: number;
}

/** Glint's default ladder (GLINT_LADDER's default, `720p30:2500,480p30:1200,360p30:700`). */
export const DEFAULT_RUNGS: readonly Rung[] = [
  { name: '720p', height: 720, fps: 30, bitrateKbps: 2500 },
  { name: '480p', height: 480, fps: 30, bitrateKbps: 1200 },
  { name: '360p', height: 360, fps: 30, bitrateKbps: 700 },
];

/** What a streamer sends with OBS at 1080p30: H.264 High, 2 B-frames, 1 s GOP, 6 Mbit/s. */
export const DEFAULT_SOURCE: SourceSpec = { width: 1920, height: 1080, fps: 30, videoKbps: 6000, seconds: 10 };

/** A rung's width for a source: its aspect, even (as the ladder plans it). */
export function rungWidth(rung: Rung, source: SourceSpec): number {
  return Math.max(2, 2 * Math.round((source.width * rung.height) / source.height / 2));
}

export function describeRungs(rungs: readonly Rung[], source: SourceSpec): string {
  return rungs.map((r) => `${rungWidth(r, source)}x${r.height}@${r.bitrateKbps}k`).join(', ');
}
