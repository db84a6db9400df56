/** bench:ladder's table and chart. */
import { writeChart } from '../lib/chart.ts';
import { median } from '../lib/stats.ts';
import { printTable } from '../lib/table.ts';
import type { LadderBenchResult, MethodRun } from './bench.ts';
import { LAG_GROWTH_LIMIT_MS, LAG_LIMIT_MS, MIN_REALTIME_FACTOR } from './measure.ts';
import { describeRungs } from './rungs.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
export const GLINT_LABEL = "Glint's ladder (one ffmpeg, one decode)";
export const PEER_LABEL = 'classic (one ffmpeg per rung)';

const labelOf = (run: MethodRun) => (run.method === 'glint' ? GLINT_LABEL : PEER_LABEL);

/** Median cores per channel of a run. */
export function coresPerChannel(run: MethodRun): number {
  return median(run.channels.map((c) => c.cores));
}

/** Median CPU seconds per second of rungs made, per channel. */
export function costPerChannel(run: MethodRun): number {
  return median(run.channels.map((c) => c.cpuPerMediaSecond));
}

export interface Verdict {
  /** Most ladders this machine kept in real time (0 if not even one). */
  readonly maxSustained: number;
  /** 1 ÷ CPU seconds per media second of one ladder (at one channel). */
  readonly laddersPerCore: number;
  /** CPU seconds per media second per channel, at one channel. */
  readonly glintCost: number;
  readonly peerCost: number;
  /** Peer's cost per channel ÷ Glint's, at one channel. */
  readonly ratio: number;
}

export function verdict(result: LadderBenchResult): Verdict {
  const glint = result.runs.filter((r) => r.method === 'glint');
  const peer = result.runs.filter((r) => r.method === 'peer');
  const glintCost = glint[0] ? costPerChannel(glint[0]) : Number.NaN;
  const peerCost = peer[0] ? costPerChannel(peer[0]) : Number.NaN;
  return {
    maxSustained: Math.max(0, ...glint.filter((r) => r.sustained).map((r) => r.count)),
    laddersPerCore: 1 / glintCost,
    glintCost,
    peerCost,
    ratio: peerCost / glintCost,
  };
}

export function printLadder(result: LadderBenchResult, method: string): Verdict {
  const v = verdict(result);
  const s = result.source;
  printTable({
    title: `Transcoding ladder CPU per channel: ${s.width}x${s.height}p${s.fps} → ${describeRungs(result.rungs, s)}`,
    method,
    columns: [
      'method',
      'channels',
      'cores/channel',
      'CPU s/media s',
      'Node cores',
      'RTF min',
      'lag max ms',
      'lag growth ms',
      'ladder stage p50/p95 ms',
      'kept up',
    ],
    rows: result.runs.map((run) => {
      const c = run.channels;
      const stage = c.filter((x) => Number.isFinite(x.latencyP50Ms));
      return [
        labelOf(run),
        String(run.count),
        coresPerChannel(run),
        costPerChannel(run),
        run.nodeCores ?? Number.NaN,
        Math.min(...c.map((x) => x.realtimeFactor)),
        Math.max(...c.map((x) => x.lagMaxMs)),
        Math.max(...c.map((x) => x.lagEndMs - x.lagStartMs)),
        stage.length > 0
          ? `${median(stage.map((x) => x.latencyP50Ms)).toFixed(0)} / ${median(stage.map((x) => x.latencyP95Ms)).toFixed(0)}`
          : '—',
        run.sustained
          ? 'yes'
          : `no${c.find((x) => x.trouble)?.trouble ? ` (${c.find((x) => x.trouble)?.trouble})` : ''}`,
      ];
    }),
    notes: [
      `kept up = every channel's RTF ≥ ${MIN_REALTIME_FACTOR}, lag ≤ ${LAG_LIMIT_MS} ms, lag grew ≤ ${LAG_GROWTH_LIMIT_MS} ms over the window, no restart or shed rung.`,
      "CPU s/media s = the channel's ffmpeg CPU seconds per second of rungs made (cores ÷ RTF): the cost that holds when a run falls behind on a shared machine.",
      `Glint: ${v.glintCost.toFixed(2)} CPU s per media s per 1080p30 ladder → ${v.laddersPerCore.toFixed(2)} ladders per core; this machine kept ${v.maxSustained} at once in real time.`,
      `classic: ${v.peerCost.toFixed(2)} CPU s per media s per channel → ${v.ratio.toFixed(2)}× Glint's (same rungs, same decoder and x264 settings).`,
      "'Node cores' = Glint's process (RTMP ingest, LL-HLS of source and rungs) plus the replayer, not in cores/channel.",
    ],
  });
  return v;
}

export async function chartLadder(result: LadderBenchResult, subtitle: string, name = 'ladder-cpu'): Promise<string> {
  const values = result.runs.map((run) => ({
    method: labelOf(run),
    channels: `${run.count} channel${run.count > 1 ? 's' : ''}${run.sustained ? '' : ' (behind)'}`,
    cost: costPerChannel(run),
  }));
  return writeChart(name, {
    $schema: SCHEMA,
    title: { text: 'Transcoding ladder: CPU per 1080p30 channel (→ 720p, 480p, 360p), lower is better', subtitle },
    width: 520,
    height: 260,
    data: { values },
    mark: 'bar',
    encoding: {
      x: { field: 'channels', type: 'nominal', title: 'channels at once', axis: { labelAngle: 0 } },
      xOffset: { field: 'method' },
      y: { field: 'cost', type: 'quantitative', title: 'ffmpeg CPU s per second of rungs made' },
      color: { field: 'method', type: 'nominal', legend: { orient: 'bottom', title: null } },
    },
  });
}
