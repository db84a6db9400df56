/**
 * Joins the stamps of the broadcaster, the server and a viewer into one record per presented frame, and turns the
 * records into per-stage durations that sum, frame by frame, to the glass-to-glass total.
 *
 * Frames are known by the number in their band. The server knows access units by pts90k and RTP packets by their
 * timestamp; an RTMP broadcaster says which FLV pts each frame got (Glint keeps pts90k = FLV ms × 90 and, passing
 * through, RTP timestamp = pts90k), and a WHEP viewer says which RTP timestamp each frame had (WHIP sources, whose
 * pts90k the server derives from RTP: `ptsOfRtp`).
 */
import { type Summary, summarize } from '../lib/stats.ts';
import type { ServerTaps } from './server-taps.ts';
import { type FrameStamps, STAGES, type Stage, type ViewedFrame } from './types.ts';

export interface BroadcasterStamps {
  stamps(): ReadonlyMap<number, FrameStamps>;
  ptsMsOfFrame(frame: number): number | undefined;
}

export interface JoinSources {
  readonly broadcaster?: BroadcasterStamps | undefined;
  readonly taps?: ServerTaps | undefined;
  /** frame → RTP timestamp, from a WHEP viewer of the same source (WHIP sources). */
  readonly rtpOfFrame?: ReadonlyMap<number, number> | undefined;
  /** RTP timestamp → pts90k for a WHIP source (see `rtpToPtsOffset`). */
  readonly rtpToPts?: ((rtp: number) => number) | undefined;
  /** The viewer plays over WebRTC: server stamps are forwarding, not LL-HLS parts. */
  readonly webrtc: boolean;
}

export function joinFrames(frames: readonly ViewedFrame[], sources: JoinSources): FrameStamps[] {
  const sent = sources.broadcaster?.stamps();
  const taps = sources.taps;
  return frames.map((f) => {
    const stamps: Partial<Record<Stage, number>> = { captured: f.capturedMs, displayed: f.displayedMs };
    const from = sent?.get(f.frame);
    if (from?.encoded !== undefined) stamps.encoded = from.encoded;
    if (f.receivedMs !== undefined) stamps.received = f.receivedMs;
    if (f.decodedMs !== undefined) stamps.decoded = f.decodedMs;
    const ptsMs = sources.broadcaster?.ptsMsOfFrame(f.frame);
    const rtp = f.rtpTimestamp ?? sources.rtpOfFrame?.get(f.frame);
    let pts: number | undefined;
    if (ptsMs !== undefined) pts = Math.round(ptsMs * 90);
    else if (rtp !== undefined && sources.rtpToPts) pts = sources.rtpToPts(rtp);
    if (taps && pts !== undefined) {
      const ingested = taps.ingested.get(pts);
      if (ingested !== undefined) stamps.ingested = ingested;
      if (!sources.webrtc) {
        const packaged = taps.packaged.get(pts);
        const delivered = taps.delivered.get(pts);
        if (packaged !== undefined) stamps.packaged = packaged;
        if (delivered !== undefined) stamps.delivered = delivered;
      }
    }
    if (taps && sources.webrtc) {
      const key = rtp ?? (pts !== undefined ? pts % 2 ** 32 : undefined);
      const forwarded = key !== undefined ? taps.forwarded.get(key) : undefined;
      if (forwarded !== undefined) stamps.packaged = forwarded;
    }
    return stamps;
  });
}

/**
 * The constant (RTP timestamp − pts90k) of a WHIP source: the hub's access unit and the RTP frame it was built from
 * arrive within a millisecond, so each access unit is paired with the RTP frame nearest in arrival time and the most
 * common difference wins.
 */
export function rtpToPtsOffset(taps: ServerTaps): number | undefined {
  const rtp = [...taps.forwarded.entries()].sort((a, b) => a[1] - b[1]);
  if (rtp.length === 0) return undefined;
  const votes = new Map<number, number>();
  let j = 0;
  for (const [pts, at] of taps.ingested) {
    while (j + 1 < rtp.length && Math.abs((rtp[j + 1]?.[1] ?? 0) - at) <= Math.abs((rtp[j]?.[1] ?? 0) - at)) j++;
    const near = rtp[j];
    if (!near || Math.abs(near[1] - at) > 5) continue;
    const d = (near[0] - pts + 2 ** 32) % 2 ** 32;
    votes.set(d, (votes.get(d) ?? 0) + 1);
  }
  let best: number | undefined;
  let count = 0;
  for (const [d, n] of votes) if (n > count) [best, count] = [d, n];
  return best;
}

export interface StageBreakdown {
  /** The stamps every counted frame has, in path order (first is captured, last is displayed). */
  readonly stamps: readonly Stage[];
  /** Per stage (named by the stamp that ends it): durations in ms. */
  readonly stages: ReadonlyArray<{ readonly stage: Stage; readonly summary: Summary }>;
  /** Glint's glass-to-glass over every presented frame. */
  readonly total: Summary;
  /** The same over the frames counted in `stages` (their stages sum to it frame by frame). */
  readonly joinedTotal: Summary;
  /** Frames presented, and frames that had every stamp. */
  readonly frames: number;
  readonly joined: number;
}

/**
 * Uses the stamps that at least `coverage` of the frames carry (a stage a path cannot stamp, or a stamp too rare,
 * folds into the next stage) and only the frames that carry all of them, so each frame's stages sum to its total.
 */
export function breakdown(records: readonly FrameStamps[], coverage = 0.8): StageBreakdown {
  const stamps = STAGES.filter(
    (stage) =>
      stage === 'captured' ||
      stage === 'displayed' ||
      records.filter((r) => r[stage] !== undefined).length >= coverage * records.length,
  );
  const complete = records.filter((r) => stamps.every((s) => r[s] !== undefined));
  const stages = stamps.slice(1).map((stage, i) => {
    const previous = stamps[i] as Stage;
    return { stage, summary: summarize(complete.map((r) => (r[stage] as number) - (r[previous] as number))) };
  });
  return {
    stamps,
    stages,
    total: summarize(records.map((r) => (r.displayed as number) - (r.captured as number))),
    joinedTotal: summarize(complete.map((r) => (r.displayed as number) - (r.captured as number))),
    frames: records.length,
    joined: complete.length,
  };
}
