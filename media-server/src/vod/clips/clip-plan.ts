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
  /** The planned clip length: frames × frame duration, µs. */
  readonly durationUs: number;
  /** The decode delay the encoded pieces take on, so decode times stay in order across pieces. */
  readonly decodeDelayUs: number;
}

interface Frame {
  readonly segment: number;
  readonly timeUs: number;
}

/** Plans the clip [startUs, endUs) of the VOD timeline from the segments that cover it (in order) and their packets. */
export function planClip(
  segments: readonly PlanSegment[],
  packets: readonly ProbedPacket[],
  startUs: number,
  endUs: number,
): ClipPlan {
  const perSegment = framesPerSegment(segments, packets);
  const frameDurationUs = medianFrameDuration(perSegment);
  const half = frameDurationUs / 2;
  const inRange = (t: number) => t >= startUs - half && t < endUs - half;
  const selected: Frame[][] = perSegment.map((times, segment) =>
    times.filter(inRange).map((timeUs) => ({ segment, timeUs })),
  );
  const frames = selected.reduce((n, s) => n + s.length, 0);
  if (frames === 0) throw new ClipError('CLIP_RANGE_INVALID', 'no archived video frame falls in the asked range');

  const pieces: ClipPiece[] = [];
  let copyRun: number[] = [];
  const flushCopy = () => {
    const first = copyRun[0];
    const last = copyRun.at(-1);
    if (first === undefined || last === undefined) return;
    pieces.push({
      kind: 'copy',
      first,
      last,
      durationUs: copyRun.reduce((us, i) => us + spanUs(perSegment[i] ?? [], frameDurationUs), 0),
      decodeDelayUs: decodeDelay(packets, segments, first),
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
    const startFrame = all.indexOf(chosen[0]?.timeUs ?? Number.NaN);
    pieces.push({
      kind: 'encode',
      segment,
      startFrame,
      endFrame: startFrame + chosen.length,
      durationUs: chosen.length * frameDurationUs,
    });
  });
  flushCopy();
  const decodeDelayUs = Math.max(0, ...pieces.map((p) => (p.kind === 'copy' ? p.decodeDelayUs : 0)));
  return { pieces, frameDurationUs, frames, durationUs: frames * frameDurationUs, decodeDelayUs };
}

/** Each segment's frames' presentation times on the VOD timeline, ascending. */
function framesPerSegment(segments: readonly PlanSegment[], packets: readonly ProbedPacket[]): number[][] {
  return segments.map((segment) => {
    const own = packets.filter((p) => p.pos >= segment.byteStart && p.pos < segment.byteEnd);
    if (own.length === 0 || !own.some((p) => p.key)) {
      throw new ClipError('CLIP_SOURCE_BAD', 'an archived segment in the range has no readable video frame');
    }
    const firstPts = Math.min(...own.map((p) => p.ptsSec));
    return own.map((p) => segment.startUs + Math.round((p.ptsSec - firstPts) * 1e6)).sort((a, b) => a - b);
  });
}

function medianFrameDuration(perSegment: readonly number[][]): number {
  const deltas = perSegment.flatMap((times) => times.slice(1).map((t, i) => t - (times[i] ?? t)));
  deltas.sort((a, b) => a - b);
  const median = deltas[Math.floor(deltas.length / 2)];
  if (median === undefined || median <= 0) {
    throw new ClipError('CLIP_SOURCE_BAD', 'the archived video has too few frames to find its frame rate');
  }
  return median;
}

/** A copied segment's length: from its first frame to the end of its last one. */
function spanUs(times: readonly number[], frameDurationUs: number): number {
  const first = times[0];
  const last = times.at(-1);
  return first === undefined || last === undefined ? 0 : last - first + frameDurationUs;
}

function decodeDelay(packets: readonly ProbedPacket[], segments: readonly PlanSegment[], index: number): number {
  const segment = segments[index];
  if (segment === undefined) return 0;
  const own = packets.filter((p) => p.pos >= segment.byteStart && p.pos < segment.byteEnd);
  const minPts = Math.min(...own.map((p) => p.ptsSec));
  const minDts = Math.min(...own.map((p) => p.dtsSec));
  return Math.max(0, Math.round((minPts - minDts) * 1e6));
}
