/** Where completed segments go (the VOD archive plugs in here). Called once per segment, in order. */
export interface CompletedSegment {
  /** The broadcast this segment belongs to (the packager's broadcast id): an archive keeps one folder per id. */
  readonly broadcastId: string;
  readonly rendition: string;
  readonly msn: number;
  readonly durationSec: number;
  readonly programDateTimeMs: number;
  readonly discontinuity: boolean;
  /** The init segment these bytes need. */
  readonly init: Uint8Array;
  /** The segment is exactly these parts, concatenated. */
  readonly parts: readonly Uint8Array[];
}

export interface SegmentSink {
  onSegment(segment: CompletedSegment): void;
}

/** Concatenates a segment's parts into one buffer (for sinks that want one). */
export function segmentBytes(segment: Pick<CompletedSegment, 'parts'>): Uint8Array {
  return Buffer.concat(segment.parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
}
