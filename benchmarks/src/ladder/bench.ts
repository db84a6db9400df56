/**
 * bench:ladder's core: the clip encoded once, then Glint's ladder at 1, 2, 3… channels and the classic peer at
 * 1, 2… channels, each count measured over one window; counts stop at the first that does not keep up.
 */
import { readFileSync } from 'node:fs';
import { type FlvFile, readFlv } from '../ingest/flv.ts';
import { encodeSource } from '../ingest/source.ts';
import type { Scratch } from '../lib/scratch.ts';
import { median } from '../lib/stats.ts';
import { type LadderRunResult, type RunTiming, runGlintLadders } from './glint-run.ts';
import { type ChannelFigures, sustained } from './measure.ts';
import { runPeer } from './peer-run.ts';
import type { Rung, SourceSpec } from './rungs.ts';

export interface LadderBenchOptions {
  readonly scratch: Scratch;
  readonly source: SourceSpec;
  readonly rungs: readonly Rung[];
  readonly maxLadders: number;
  readonly maxPeers: number;
  readonly timing: RunTiming;
  /** A progress line for one step: `label` names it, the returned function updates it, `done` ends it. */
  readonly step: (label: string) => { update(text: string): void; done(text: string): void };
}

export interface MethodRun {
  readonly method: 'glint' | 'peer';
  readonly count: number;
  readonly channels: readonly ChannelFigures[];
  /** Glint runs: its Node process (with the replayer), cores. */
  readonly nodeCores?: number;
  readonly sustained: boolean;
}

export interface LadderBenchResult {
  readonly source: SourceSpec;
  readonly rungs: readonly Rung[];
  readonly runs: readonly MethodRun[];
}

export async function runLadderBench(o: LadderBenchOptions): Promise<LadderBenchResult> {
  const s = o.source;
  const enc = o.step('source');
  enc.update(`encoding ${s.seconds} s of ${s.width}x${s.height} ${s.fps} fps H.264 (2 B-frames) + AAC, once`);
  const file = encodeSource(o.scratch.dir('glint-bench-ladder-'), { ...s, audioKbps: 128 });
  const flv: FlvFile = readFlv(readFileSync(file));
  enc.done(`${flv.tags.filter((t) => t.videoFrame).length} video frames`);
  const runs: MethodRun[] = [];
  // Interleaved (ladder ×1, peer ×1, ladder ×2, …) so both methods see the shared machine at about the same time.
  let glintOn = o.maxLadders > 0;
  let peerOn = o.maxPeers > 0;
  for (let count = 1; glintOn || peerOn; count++) {
    if (glintOn) {
      const p = o.step(`Glint ladder ×${count}`);
      const r: LadderRunResult = await runGlintLadders(flv, o.rungs, count, o.timing, (t) => p.update(t));
      const run: MethodRun = { method: 'glint', count, ...r, sustained: r.channels.every(sustained) };
      runs.push(run);
      p.done(summaryLine(run));
      glintOn = run.sustained && count < o.maxLadders;
    }
    if (peerOn) {
      const p = o.step(`peer ×${count}`);
      const channels = await runPeer(o.scratch, flv, s, o.rungs, count, o.timing, (t) => p.update(t));
      const run: MethodRun = { method: 'peer', count, channels, sustained: channels.every(sustained) };
      runs.push(run);
      p.done(summaryLine(run));
      peerOn = run.sustained && count < o.maxPeers;
    }
  }
  return { source: s, rungs: o.rungs, runs };
}

function summaryLine(run: MethodRun): string {
  const cost = median(run.channels.map((c) => c.cpuPerMediaSecond));
  const rtf = Math.min(...run.channels.map((c) => c.realtimeFactor));
  return `${cost.toFixed(2)} CPU s per media s per channel, RTF ≥ ${rtf.toFixed(3)}${run.sustained ? '' : ' — fell behind'}`;
}
