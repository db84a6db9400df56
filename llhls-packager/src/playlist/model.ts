/** Typed models the playlist renderers read. Durations in seconds (as the playlist writes them), wall time in ms. */

export interface PartModel {
  readonly uri: string;
  readonly durationSec: number;
  readonly independent: boolean;
}

export interface SegmentModel {
  readonly msn: number;
  readonly uri: string;
  readonly durationSec: number;
  readonly programDateTimeMs: number;
  /** EXT-X-DISCONTINUITY before this segment. */
  readonly discontinuity: boolean;
  /** EXT-X-GAP: listed so numbering stays aligned with the other renditions, but there is no media to load. */
  readonly gap?: boolean;
  /** The init segment this segment needs; EXT-X-MAP is written where it changes. */
  readonly mapUri: string;
  /** Listed as EXT-X-PART lines when the segment is recent. */
  readonly parts: readonly PartModel[];
}

export interface RenditionReportModel {
  readonly uri: string;
  readonly lastMsn: number;
  readonly lastPart: number;
}

export interface MediaPlaylistModel {
  readonly targetDurationSec: number;
  readonly partTargetSec: number;
  readonly partHoldBackSec: number;
  readonly canSkipUntilSec: number;
  readonly mediaSequence: number;
  readonly discontinuitySequence: number;
  /** Complete segments, oldest first. */
  readonly segments: readonly SegmentModel[];
  /** The segment being built: its MSN, start and parts so far (absent after the end). */
  readonly current: {
    readonly msn: number;
    readonly programDateTimeMs: number;
    readonly discontinuity: boolean;
    readonly mapUri: string;
    readonly parts: readonly PartModel[];
  } | null;
  readonly preloadHintUri: string | null;
  /** How many segments from the end keep their EXT-X-PART lines. */
  readonly partsForLastSegments: number;
  readonly renditionReports: readonly RenditionReportModel[];
  readonly ended: boolean;
}

export interface AudioMediaModel {
  readonly groupId: string;
  readonly name: string;
  readonly uri: string;
  readonly channels: number;
  readonly language?: string;
}

export interface VariantModel {
  readonly uri: string;
  readonly bandwidth: number;
  readonly averageBandwidth: number;
  readonly codecs: readonly string[];
  readonly resolution?: { readonly width: number; readonly height: number };
  readonly frameRate?: number;
  readonly audioGroupId?: string;
}

export interface MultivariantModel {
  readonly audio: readonly AudioMediaModel[];
  readonly variants: readonly VariantModel[];
}
