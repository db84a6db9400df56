import type { Position } from '../rendition.ts';

/** A blocking playlist request: `_HLS_msn` and, when given, `_HLS_part` (RFC 8216bis 6.2.5.2). */
export interface BlockTarget {
  readonly msn: number;
  /** Undefined: the whole segment `msn` must exist. */
  readonly part: number | undefined;
}

export type ParsedBlock =
  | { readonly kind: 'none' }
  | { readonly kind: 'block'; readonly target: BlockTarget }
  | { readonly kind: 'invalid'; readonly reason: string };

const INTEGER = /^(0|[1-9][0-9]{0,15})$/;

/** Reads `_HLS_msn` / `_HLS_part` from a query string; the rules on their values are the spec's. */
export function parseBlockQuery(query: URLSearchParams): ParsedBlock {
  const msn = query.get('_HLS_msn');
  const part = query.get('_HLS_part');
  if (msn === null) {
    return part === null ? { kind: 'none' } : { kind: 'invalid', reason: '_HLS_part requires _HLS_msn' };
  }
  if (!INTEGER.test(msn)) return { kind: 'invalid', reason: '_HLS_msn must be a non-negative integer' };
  if (part !== null && !INTEGER.test(part))
    return { kind: 'invalid', reason: '_HLS_part must be a non-negative integer' };
  return { kind: 'block', target: { msn: Number(msn), part: part === null ? undefined : Number(part) } };
}

/** Too far ahead: more than two segments beyond the last one in the playlist (answer 400 at once). */
export function tooFarAhead(target: BlockTarget, lastMsn: number): boolean {
  return target.msn > lastMsn + 2;
}

/** The playlist now holds the target: segment `msn` is complete, or the part exists. */
export function satisfied(target: BlockTarget, lastCompleteMsn: number, position: Position): boolean {
  if (target.msn <= lastCompleteMsn) return true;
  if (target.part === undefined) return false;
  return position.msn > target.msn || (position.msn === target.msn && position.part >= target.part);
}

export function parseSkip(query: URLSearchParams): 'NO' | 'YES' | 'v2' | null {
  const skip = query.get('_HLS_skip');
  if (skip === null) return 'NO';
  return skip === 'YES' || skip === 'v2' ? skip : null;
}
