import type { Rendition } from '@glint/llhls-packager';

/** A blocking reload target: `_HLS_msn` and `_HLS_part`. */
export interface PartTarget {
  readonly msn: number;
  readonly part: number;
}

/**
 * The part `ahead` parts after the newest one (1 = the next part), assuming later segments have as many parts as the
 * last complete one. Never more than two segments past the last complete one, which the server would refuse.
 */
export function partAhead(rendition: Rendition, ahead: number): PartTarget {
  const last = rendition.lastCompleteMsn;
  const partsPerSegment = Math.max(1, rendition.segment(last)?.parts.length ?? 5);
  const position = rendition.position;
  const open = position.msn > last;
  let msn = open ? position.msn : last + 1;
  let part = (open ? position.part : -1) + ahead;
  while (part >= partsPerSegment) {
    part -= partsPerSegment;
    msn++;
  }
  return msn > last + 2 ? { msn: last + 2, part: partsPerSegment - 1 } : { msn, part };
}

/** The rendition now holds the target: its segment is complete or the part exists (RFC 8216bis 6.2.5.2). */
export function reached(target: PartTarget, rendition: Rendition): boolean {
  const position = rendition.position;
  return (
    target.msn <= rendition.lastCompleteMsn ||
    position.msn > target.msn ||
    (position.msn === target.msn && position.part >= target.part)
  );
}
