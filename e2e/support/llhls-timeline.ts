/**
 * What an LL-HLS packager published and when, recorded beside it in the test process, and a player-like client that
 * follows it with blocking playlist reloads. A test asserts from these what the server controls exactly (parts keep
 * coming, no segment completes a frame after the part before its last, a blocking reload is answered as soon as its
 * part exists), apart from what a browser on a busy machine made of it.
 */
import type { LivePackager, Rendition } from '@glint/llhls-packager';

export interface PublishedPart {
  readonly rendition: string;
  readonly msn: number;
  readonly index: number;
  readonly durationSec: number;
  /** Where the part ends on the rendition's media timeline, counted from the first part recorded (s). */
  readonly endSec: number;
  /** performance.now() when it became visible in the playlist. */
  readonly atMs: number;
}

export interface CompletedSegment {
  readonly rendition: string;
  readonly msn: number;
  readonly atMs: number;
  readonly partSec: readonly number[];
  /** Media seconds between the end of the part before the segment's last and the newest part when it completed. */
  readonly completedAfterSec: number;
}

export class PackagerTimeline {
  readonly parts: PublishedPart[] = [];
  readonly segments: CompletedSegment[] = [];
  readonly #packager: LivePackager;
  readonly #seen = new Map<string, { nextId: number; complete: number; endSec: number }>();
  readonly #unsubscribe: () => void;

  constructor(packager: LivePackager) {
    this.#packager = packager;
    this.#unsubscribe = packager.onChange(() => this.#record());
    this.#record();
  }

  stop(): void {
    this.#unsubscribe();
  }

  /** Parts of `rendition` that became visible in [fromMs, toMs]. */
  partsBetween(rendition: string, fromMs: number, toMs: number): PublishedPart[] {
    return this.parts.filter((p) => p.rendition === rendition && p.atMs >= fromMs && p.atMs <= toMs);
  }

  /**
   * Longest wall-clock wait for a part of `rendition` that ended in [fromMs, toMs] (ms), counting a wait still going
   * on at `toMs`.
   */
  longestWaitMs(rendition: string, fromMs: number, toMs: number): number {
    const at = this.parts.filter((p) => p.rendition === rendition && p.atMs <= toMs).map((p) => p.atMs);
    at.push(toMs);
    let longest = 0;
    for (let i = 1; i < at.length; i++) {
      const end = at[i] ?? 0;
      if (end >= fromMs) longest = Math.max(longest, end - (at[i - 1] ?? end));
    }
    return longest;
  }

  /**
   * Complete segments (all of whose parts were recorded) that a player saw complete less than `minSec` of media after
   * the part before their last: hls.js can then skip their last part and stall (see Rendition#addCut).
   */
  earlyCompletions(minSec: number): CompletedSegment[] {
    return this.segments.filter((s) => {
      if (s.partSec.length < 2) return false;
      // A source whose frame rate dropped (a starved browser camera at 20 fps) makes every part ~150 ms: a last part
      // as full as the segment's others is not cut short.
      const others = [...s.partSec.slice(0, -1)].sort((a, b) => a - b);
      const typical = others[Math.floor(others.length / 2)] ?? minSec;
      return s.completedAfterSec < Math.min(minSec, 0.95 * typical) - 1e-6;
    });
  }

  /** Media seconds of `rendition` that became visible in [fromMs, toMs]. */
  mediaSecBetween(rendition: string, fromMs: number, toMs: number): number {
    return this.partsBetween(rendition, fromMs, toMs).reduce((sum, p) => sum + p.durationSec, 0);
  }

  /** When (performance.now()) part `index` of segment `msn` became visible, or the segment completed without it. */
  availableAtMs(rendition: string, msn: number, index: number): number | undefined {
    const part = this.parts.find((p) => p.rendition === rendition && p.msn === msn && p.index === index);
    const done = this.segments.find((s) => s.rendition === rendition && s.msn === msn);
    const times = [part?.atMs, done && done.partSec.length <= index ? done.atMs : undefined];
    const known = times.filter((t): t is number => t !== undefined);
    return known.length > 0 ? Math.min(...known) : undefined;
  }

  #record(): void {
    const now = performance.now();
    for (const r of this.#packager.renditions) {
      const seen = this.#seen.get(r.name) ?? { nextId: r.nextPartId, complete: r.lastCompleteMsn, endSec: 0 };
      this.#seen.set(r.name, seen);
      for (; seen.nextId < r.nextPartId; seen.nextId++) {
        const where = locate(r, seen.nextId);
        if (!where) continue;
        seen.endSec += where.durationSec;
        this.parts.push({ rendition: r.name, ...where, endSec: seen.endSec, atMs: now });
      }
      for (; seen.complete < r.lastCompleteMsn; seen.complete++) {
        const msn = seen.complete + 1;
        const partSec = r.segment(msn)?.parts.map((p) => p.durationSec) ?? [];
        const ours = this.parts.filter((p) => p.rendition === r.name && p.msn === msn);
        // Only segments recorded from their first part tell when their parts came.
        if (ours.length !== partSec.length || partSec.length === 0) continue;
        const beforeLast = ours.at(-2);
        const completedAfterSec = beforeLast ? seen.endSec - beforeLast.endSec : Number.POSITIVE_INFINITY;
        this.segments.push({ rendition: r.name, msn, atMs: now, partSec, completedAfterSec });
      }
    }
  }
}

/** Segment, index and duration of the part with global id `id`, from the rendition's playlist model. */
function locate(r: Rendition, id: number): { msn: number; index: number; durationSec: number } | undefined {
  const uri = r.part(id)?.uri;
  if (!uri) return undefined;
  const model = r.model([]);
  for (const segment of [...model.segments, ...(model.current ? [model.current] : [])]) {
    const index = segment.parts.findIndex((p) => p.uri === uri);
    const part = segment.parts[index];
    if (part) return { msn: segment.msn, index, durationSec: part.durationSec };
  }
  return undefined;
}

export interface BlockingReloads {
  /** Requests that had to wait for their part (it did not exist yet when sent). */
  readonly blocked: number;
  /** For those: ms from the part becoming visible to the whole answer arriving here. */
  readonly latencyMs: readonly number[];
  readonly failures: readonly string[];
}

/**
 * Follows a media playlist as an LL-HLS player does, with `_HLS_msn`/`_HLS_part` blocking reloads for the next part,
 * until `done()`, and times each answer against the moment the timeline saw its part appear.
 */
export async function followBlockingReloads(
  playlistUrl: string,
  timeline: PackagerTimeline,
  rendition: string,
  done: () => boolean,
): Promise<BlockingReloads> {
  const latencyMs: number[] = [];
  const failures: string[] = [];
  let blocked = 0;
  let next = nextPart(await (await fetch(playlistUrl)).text());
  while (!done() && next) {
    const sentMs = performance.now();
    const url = `${playlistUrl}?_HLS_msn=${next.msn}&_HLS_part=${next.index}`;
    const res = await fetch(url);
    const body = await res.text();
    const arrivedMs = performance.now();
    if (!res.ok) {
      failures.push(`${res.status} for ${url}`);
      next = nextPart(await (await fetch(playlistUrl)).text());
      continue;
    }
    const availableMs = timeline.availableAtMs(rendition, next.msn, next.index);
    if (availableMs !== undefined && availableMs > sentMs) {
      blocked++;
      latencyMs.push(arrivedMs - availableMs);
    }
    next = nextPart(body);
  }
  return { blocked, latencyMs, failures };
}

/** The part a player asks for next: the one after the newest in the playlist. */
function nextPart(playlist: string): { msn: number; index: number } | undefined {
  const sequence = /^#EXT-X-MEDIA-SEQUENCE:(\d+)$/m.exec(playlist);
  if (!sequence) return undefined;
  const lines = playlist.split('\n');
  const complete = lines.filter((l) => l.startsWith('#EXTINF:')).length;
  const lastInf = lines.map((l) => l.startsWith('#EXTINF:')).lastIndexOf(true);
  const openParts = lines.slice(lastInf + 1).filter((l) => l.startsWith('#EXT-X-PART:')).length;
  return { msn: Number(sequence[1]) + complete, index: openParts };
}

/** The value at quantile `q` (0..1) of `values`, NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}
