/**
 * The transcoding ladder's own stage inside a Glint in this process: for each rung, wall time from the source access
 * unit reaching the hub (the ingested tap) to the rung's access unit of the same pts leaving the ladder (a reader on
 * the rung's stream); and `ladder.stats.latencyMs` (source frame written to ffmpeg → rung frame read back) sampled.
 * Bounded: the newest few thousand frames per rung. Figures count only what came after `since` (wall ms): ffmpeg's
 * start-up backlog is not the steady stage.
 */
import type { Glint, LiveStream } from '@glint/media-server';
import { type Summary, summarize } from '../lib/stats.ts';
import type { ServerTaps } from './server-taps.ts';

const MAX_FRAMES = 30 * 60 * 5;
const SAMPLE_MS = 100;

export interface LadderStage {
  /** Per rung name: source in the hub → rung access unit out, ms. */
  perRung(sinceMs: number): ReadonlyMap<string, Summary>;
  /** ladder.stats.latencyMs, sampled every 100 ms. */
  statsLatency(sinceMs: number): Summary;
  /** ffmpeg restarts and shed rungs seen (either spoils the rung viewers' figures). */
  trouble(): string | undefined;
  stop(): void;
}

const wallMs = () => performance.timeOrigin + performance.now();
const after = (list: ReadonlyArray<readonly [number, number]>, sinceMs: number) =>
  list.filter(([at]) => at >= sinceMs).map(([, value]) => value);

export function tapLadder(glint: Glint, channel: string, taps: ServerTaps): LadderStage {
  /** [wall ms, value ms] */
  type Sample = [number, number];
  const delays = new Map<string, Sample[]>();
  const statsSamples: Sample[] = [];
  const detach: Array<() => void> = [];
  let watched: unknown;
  const push = (list: Sample[], value: number) => {
    list.push([wallMs(), value]);
    if (list.length > MAX_FRAMES) list.shift();
  };
  const timer = setInterval(() => {
    const ladder = glint.ladders.get(channel);
    if (!ladder) return;
    if (ladder !== watched) {
      watched = ladder;
      const attachRung = (name: string, stream: LiveStream) => {
        const list = delays.get(name) ?? [];
        delays.set(name, list);
        detach.push(
          stream.attach({
            onEvent: (event) => {
              if (event.kind !== 'video') return;
              const ingested = taps.ingested.get(event.au.pts90k);
              if (ingested !== undefined) push(list, wallMs() - ingested);
            },
            onEnd: () => {},
          }),
        );
      };
      for (const rung of ladder.rungs()) attachRung(rung.name, rung.stream);
      detach.push(ladder.onRung((rung) => attachRung(rung.name, rung.stream)));
    }
    if (ladder.stats.rungs > 0) push(statsSamples, ladder.stats.latencyMs);
  }, SAMPLE_MS);
  return {
    perRung: (sinceMs) => new Map([...delays].map(([name, list]) => [name, summarize(after(list, sinceMs))])),
    statsLatency: (sinceMs) => summarize(after(statsSamples, sinceMs)),
    trouble: () => {
      const s = glint.ladders.get(channel)?.stats;
      if (!s) return 'no ladder';
      return s.restarts > 0 || s.shedRungs > 0 ? `${s.restarts} restarts, ${s.shedRungs} rungs shed` : undefined;
    },
    stop: () => {
      clearInterval(timer);
      for (const d of detach.splice(0)) d();
    },
  };
}
