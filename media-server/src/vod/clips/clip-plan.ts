import { ClipError } from './clip-error.ts';

/**
 * Where to cut: which archived segments are copied whole and which frames of the edge segments are re-encoded, so a
 * clip starts and ends within one frame of the asked range. Pure: it takes the segments' places on the VOD timeline
 * and the packets ffprobe read from them, and returns a plan of pieces.
 */

/** One archived segment as the plan needs it: its place on the VOD timeline and its bytes' place in the joined file. */
export interface PlanSegment {
  readonly startUs: number;
  readonly durationUs: number;
  /** Byte range [byteStart, byteEnd) of its bytes in the init + segments stream ffprobe read. */
  readonly byteStart: number;
  readonly byteEnd: number;
  /** A copy run may not go on into it (a discontinuity or another init segment): it starts a piece of its own. */
  readonly breakBefore?: boolean;
}

/** One video packet as ffprobe reports it (seconds on the file's own timeline). */
export interface ProbedPacket {
  readonly ptsSec: number;
  readonly dtsSec: number;
  readonly key: boolean;
  /** Byte offset of its data in the stream ffprobe read. */
  readonly pos: number;
}

/** Frames [startFrame, endFrame) in presentation order of one segment, decoded and encoded again. */
export interface EncodedPiece {
  readonly kind: 'encode';
  readonly segment: number;
  readonly startFrame: number;
  readonly endFrame: number;
  readonly durationUs: number;
}

/** Whole segments [first, last] copied as they are (each starts with a keyframe). */
export interface CopiedPiece {
  readonly kind: 'copy';
  readonly first: number;
  readonly last: number;
  readonly durationUs: number;
  /** How far its decode times run ahead of its presentation times (B-frame reordering), µs. */
  readonly decodeDelayUs: number;
}

export type ClipPiece = EncodedPiece | CopiedPiece;

export interface ClipPlan {
  readonly pieces: readonly ClipPiece[];
  readonly frameDurationUs: number;
  readonly frames: number;
  /** The planned clip length: from the first frame to the end of the last one, µs. */
  readonly durationUs: number;
  /** The decode delay the encoded pieces take on, so decode times stay in order across pieces. */
  readonly decodeDelayUs: number;
  /** The first frame's presentation time in the archived media's own clock (which audio shares), seconds. */
  readonly firstPtsSec: number;
}

interface Frame {
  readonly timeUs: number;
  readonly ptsSec: number;
}

/** Plans the clip [startUs, endUs) of the VOD timeline from the segments that cover it (in order) and their packets. */
export function planClip(
  segments: readonly PlanSegment[],
  packets: readonly ProbedPacket[],
  startUs: number,
  endUs: number,
): ClipPlan {
  const perSegment = framesPerSegment(segments, packets);
  const frameDurationUs = meanFrameDuration(perSegment);
  const half = frameDurationUs / 2;
  const inRange = (t: number) => t >= startUs - half && t < endUs - half;
  const selected: Frame[][] = perSegment.map((all) => all.filter((f) => inRange(f.timeUs)));
  const frames = selected.reduce((n, s) => n + s.length, 0);
  if (frames === 0) throw new ClipError('CLIP_RANGE_INVALID', 'no archived video frame falls in the asked range');

  // Pieces with the VOD times of their first and last frames; their durations are set once all are known.
  const spans: {
    piece: Omit<CopiedPiece, 'durationUs'> | Omit<EncodedPiece, 'durationUs'>;
    firstUs: number;
    lastUs: number;
  }[] = [];
  let copyRun: number[] = [];
  const flushCopy = () => {
    const first = copyRun[0];
    const last = copyRun.at(-1);
    if (first === undefined || last === undefined) return;
    spans.push({
      piece: { kind: 'copy', first, last, decodeDelayUs: decodeDelay(packets, segments, first) },
      firstUs: perSegment[first]?.[0]?.timeUs ?? 0,
      lastUs: perSegment[last]?.at(-1)?.timeUs ?? 0,
    });
    copyRun = [];
  };
  selected.forEach((chosen, segment) => {
    const all = perSegment[segment] ?? [];
    if (chosen.length === 0) return;
    if (chosen.length === all.length) {
      if (segments[segment]?.breakBefore) flushCopy();
      copyRun.push(segment);
      return;
    }
    flushCopy();
    const startFrame = all.findIndex((f) => f === chosen[0]);
    spans.push({
      piece: { kind: 'encode', segment, startFrame, endFrame: startFrame + chosen.length },
      firstUs: chosen[0]?.timeUs ?? 0,
      lastUs: chosen.at(-1)?.timeUs ?? 0,
    });
  });
  flushCopy();
  // A piece lasts until the next one starts (the source's own spacing, e.g. 33/34 ms frames of a millisecond clock);
  // the last one, or one before a gap, until one frame after its last frame.
  const pieces: ClipPiece[] = spans.map(({ piece, firstUs, lastUs }, i) => {
    const next = spans[i + 1];
    const follows = next !== undefined && next.firstUs > lastUs && next.firstUs - lastUs <= 2 * frameDurationUs;
    const durationUs = follows ? next.firstUs - firstUs : lastUs - firstUs + frameDurationUs;
    return { ...piece, durationUs } as ClipPiece;
  });
  const durationUs = pieces.reduce((us, p) => us + p.durationUs, 0);
  const decodeDelayUs = Math.max(0, ...pieces.map((p) => (p.kind === 'copy' ? p.decodeDelayUs : 0)));
  const firstPtsSec = selected.find((s) => s.length > 0)?.[0]?.ptsSec ?? 0;
  return { pieces, frameDurationUs, frames, durationUs, decodeDelayUs, firstPtsSec };
}

/** Each segment's frames with their presentation times on the VOD timeline, ascending. */
function framesPerSegment(segments: readonly PlanSegment[], packets: readonly ProbedPacket[]): Frame[][] {
  return segments.map((segment) => {
    const own = packets.filter((p) => p.pos >= segment.byteStart && p.pos < segment.byteEnd);
    if (own.length === 0 || !own.some((p) => p.key)) {
      throw new ClipError('CLIP_SOURCE_BAD', 'an archived segment in the range has no readable video frame');
    }
    const firstPts = Math.min(...own.map((p) => p.ptsSec));
    return own
      .map((p) => ({ timeUs: segment.startUs + Math.round((p.ptsSec - firstPts) * 1e6), ptsSec: p.ptsSec }))
      .sort((a, b) => a.timeUs - b.timeUs);
  });
}

function meanFrameDuration(perSegment: readonly Frame[][]): number {
  const deltas = perSegment.flatMap((frames) => frames.slice(1).map((f, i) => f.timeUs - (frames[i]?.timeUs ?? 0)));
  const mean = deltas.reduce((sum, d) => sum + d, 0) / deltas.length;
  if (!(mean > 0))
    throw new ClipError('CLIP_SOURCE_BAD', 'the archived video has too few frames to find its frame rate');
  return mean;
}

function decodeDelay(packets: readonly ProbedPacket[], segments: readonly PlanSegment[], index: number): number {
  const segment = segments[index];
  if (segment === undefined) return 0;
  const own = packets.filter((p) => p.pos >= segment.byteStart && p.pos < segment.byteEnd);
  const minPts = Math.min(...own.map((p) => p.ptsSec));
  const minDts = Math.min(...own.map((p) => p.dtsSec));
  return Math.max(0, Math.round((minPts - minDts) * 1e6));
}
