/** Tables and charts of bench:webrtc. */
import { writeChart } from '../lib/chart.ts';
import { quantileSorted, type Summary, summarize } from '../lib/stats.ts';
import { printTable } from '../lib/table.ts';
import type { FanoutRun, StepResult } from './fanout.ts';
import type { LatencyRun } from './latency.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
export const GOAL_VIEWERS_PER_CORE = 500;
export const GOAL_P50_MS = 120;
export const GOAL_P95_MS = 200;

/** CPU per forwarded packet above the publisher-only baseline, µs. */
export function usPerPacket(step: StepResult, baselinePct: number): number {
  return ((step.cpuPct - baselinePct) / 100 / step.packetsOutPerSec) * 1e6;
}

export interface Capacity {
  /** Largest step with no loss, no stalled viewer, under the CPU limit. */
  readonly cleanStep: StepResult | undefined;
  /** cleanStep's viewers scaled to a whole core by its CPU: N × 100 / cpu%. */
  readonly scaledPerCore: number;
  /** 1 s of one core ÷ (median µs per packet × packets per viewer per second): marginal cost only. */
  readonly marginalPerCore: number;
  readonly medianUsPerPacket: number;
}

export function capacity(steps: readonly StepResult[], run: FanoutRun, cpuLimitPct: number): Capacity {
  const clean = steps.filter((s) => s.lostPackets === 0 && s.stalledViewers === 0 && s.cpuPct <= cpuLimitPct);
  const cleanStep = clean.at(-1);
  const medianUsPerPacket = summarize(steps.map((s) => usPerPacket(s, run.baselinePct))).median;
  return {
    cleanStep,
    scaledPerCore: cleanStep ? (cleanStep.viewers * 100) / cleanStep.cpuPct : Number.NaN,
    marginalPerCore: 1e6 / (medianUsPerPacket * run.packetsInPerSec),
    medianUsPerPacket,
  };
}

export function printFanout(run: FanoutRun, method: string, notes: readonly string[], cpuLimitPct: number): void {
  const glint = capacity(run.glint, run, cpuLimitPct);
  const peer = capacity(run.peer, run, cpuLimitPct);
  const row = (server: string, s: StepResult, other: StepResult | undefined) => {
    const slices = summarize(s.cpu.slices.map((x) => x * 100));
    const us = usPerPacket(s, run.baselinePct);
    return [
      server,
      String(s.viewers),
      s.cpuPct,
      slices.median,
      slices.max,
      s.packetsOutPerSec,
      (s.packetsOutPerSec / (s.viewers * run.packetsInPerSec)) * 100,
      us,
      String(s.lostPackets),
      `${s.viewersWithLoss}/${s.stalledViewers}`,
      s.loadCpuPct,
      other ? us / usPerPacket(other, run.baselinePct) : '—',
    ];
  };
  const peerAt = (n: number) => run.peer.find((p) => p.viewers === n);
  printTable({
    title: `SFU fan-out of one ${(run.sourceKbps / 1000).toFixed(2)} Mbit/s H.264 stream (${run.packetsInPerSec.toFixed(0)} RTP packets/s in): CPU of the server process`,
    method,
    columns: [
      'server',
      'viewers',
      '% core',
      'median 1-s',
      'max 1-s',
      'pkts out/s',
      'out % of N×in',
      'µs/pkt',
      'lost',
      'lossy/stalled',
      'load gen %',
      'µs/pkt ÷ peer',
    ],
    rows: [
      [
        'publisher only, no viewer',
        '0',
        run.baselinePct,
        run.baselinePct,
        run.baselinePct,
        0,
        '—',
        '—',
        '—',
        '—',
        '—',
        '—',
      ],
      ...run.glint.map((s) => row('Glint (WeriftSfu, WHEP)', s, peerAt(s.viewers))),
      ...run.peer.map((s) => row('peer: bare UDP fan-out', s, undefined)),
    ],
    notes: [
      `stopped: ${run.stoppedBecause}.`,
      `Glint: ${glint.cleanStep ? `${glint.cleanStep.viewers} viewers with no loss at ${glint.cleanStep.cpuPct.toFixed(1)} % of a core → ${glint.scaledPerCore.toFixed(0)} viewers per core (N × 100 / cpu%, fixed costs included)` : 'no step without loss'}; marginal: ${glint.marginalPerCore.toFixed(0)} viewers per core (10⁶ µs ÷ (median ${glint.medianUsPerPacket.toFixed(1)} µs/pkt × ${run.packetsInPerSec.toFixed(0)} pkt/s)). Goal ≥ ${GOAL_VIEWERS_PER_CORE}: ${glint.scaledPerCore >= GOAL_VIEWERS_PER_CORE ? 'met' : 'NOT met'}.`,
      `peer: median ${peer.medianUsPerPacket.toFixed(2)} µs/pkt → ${peer.marginalPerCore.toFixed(0)} receivers per core (marginal); Glint costs ${(glint.medianUsPerPacket / peer.medianUsPerPacket).toFixed(1)}× the bare fan-out per packet (median of per-step ratios: ${summarize(
        run.glint.flatMap((s) => {
          const p = peerAt(s.viewers);
          return p ? [usPerPacket(s, run.baselinePct) / usPerPacket(p, run.baselinePct)] : [];
        }),
      ).median.toFixed(1)}×).`,
      `to reach ${GOAL_VIEWERS_PER_CORE} per core at ${run.packetsInPerSec.toFixed(0)} pkt/s per viewer the marginal cost must fall below ${(1e6 / (GOAL_VIEWERS_PER_CORE * run.packetsInPerSec)).toFixed(1)} µs per forwarded packet.`,
      "'out % of N×in' = packets out ÷ (viewers × packets in): below 100 the server fell behind and dropped input (its publisher-leg socket overflowed), so that step's loss is the server's.",
      `viewers connected at ${run.connectMsPerViewer.toFixed(0)} ms each (4 in parallel per load generator).`,
      ...notes,
    ],
  });
}

export async function chartFanout(run: FanoutRun, subtitle: string): Promise<string> {
  const values = [
    ...run.glint.map((s) => ({
      server: 'Glint (WeriftSfu)',
      viewers: s.viewers,
      pct: s.cpuPct,
      lossy: s.lostPackets > 0,
    })),
    ...run.peer.map((s) => ({
      server: 'peer: bare UDP fan-out',
      viewers: s.viewers,
      pct: s.cpuPct,
      lossy: s.lostPackets > 0,
    })),
  ];
  return writeChart('webrtc-fanout-cpu', {
    $schema: SCHEMA,
    title: { text: 'Server CPU vs viewers, one 1.5 Mbit/s H.264 stream (% of one core)', subtitle },
    width: 560,
    height: 300,
    data: { values },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'viewers', type: 'quantitative', title: 'viewers' },
          y: { field: 'pct', type: 'quantitative', title: '% of one core' },
          color: { field: 'server', type: 'nominal', legend: { orient: 'top', title: null, labelLimit: 400 } },
        },
      },
      {
        mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
        encoding: { y: { datum: 100 } },
      },
    ],
  });
}

export function printLatency(runs: readonly LatencyRun[], method: string, notes: readonly string[]): Summary[] {
  const summaries = runs.map((r) => summarize(r.latenciesMs));
  const direct = summaries[runs.findIndex((r) => r.mode === 'direct')];
  const sfu = summaries[runs.findIndex((r) => r.mode === 'sfu')];
  printTable({
    title:
      'Glass-to-glass latency on loopback, Chromium → Chromium, 640x360 canvas at 30 fps, H.264 (ms; lower is better)',
    method,
    columns: [
      'path',
      'frames',
      'p50',
      'p95',
      'p99',
      'max',
      'fps',
      'size',
      'jitter buf',
      'unreadable',
      'p50 − peer p50',
    ],
    rows: runs.map((r, i) => {
      const s = summaries[i] as Summary;
      return [
        r.mode === 'sfu' ? 'Glint: WHIP → SFU → WHEP' : 'peer: direct peer-to-peer',
        String(s.count),
        s.median,
        s.p95,
        s.p99,
        s.max,
        r.viewer.framesPerSecond,
        `${r.viewer.frameWidth}x${r.viewer.frameHeight}`,
        r.viewer.jitterBufferMs,
        String(r.viewer.unreadable),
        direct ? s.median - direct.median : '—',
      ];
    }),
    notes: [
      sfu
        ? `goals: p50 ≤ ${GOAL_P50_MS} ms ${sfu.median <= GOAL_P50_MS ? 'met' : 'NOT met'} (${sfu.median.toFixed(0)}), p95 ≤ ${GOAL_P95_MS} ms ${sfu.p95 <= GOAL_P95_MS ? 'met' : 'NOT met'} (${sfu.p95.toFixed(0)}).`
        : 'no SFU run.',
      sfu && direct
        ? `the SFU adds ${(sfu.median - direct.median).toFixed(1)} ms at the median (difference of medians), ${(sfu.p95 - direct.p95).toFixed(1)} ms at p95.`
        : '',
      ...runs.map(
        (r) =>
          `${r.mode}: first frame ${r.firstFrameMs.toFixed(0)} ms after the publisher started; viewer tab clock − publisher tab clock ${r.clockSkewMs.toFixed(2)} ms; ${r.viewer.packetsLost} packets lost; codec ${r.viewer.codec}.`,
      ),
      ...notes,
    ].filter(Boolean),
  });
  return summaries;
}

export async function chartLatency(runs: readonly LatencyRun[], subtitle: string): Promise<string> {
  const values = runs.flatMap((r) => {
    const sorted = [...r.latenciesMs].sort((a, b) => a - b);
    const label = r.mode === 'sfu' ? 'Glint: WHIP → SFU → WHEP' : 'peer: direct peer-to-peer';
    return Array.from({ length: 201 }, (_, i) => ({
      path: label,
      ms: quantileSorted(sorted, i / 200),
      fraction: i / 200,
    }));
  });
  return writeChart('webrtc-latency-cdf', {
    $schema: SCHEMA,
    title: { text: 'Glass-to-glass latency per frame, loopback, Chromium (CDF)', subtitle },
    width: 560,
    height: 300,
    data: { values },
    layer: [
      {
        mark: { type: 'line', interpolate: 'step-after' },
        encoding: {
          x: { field: 'ms', type: 'quantitative', title: 'display time − paint time (ms)' },
          y: { field: 'fraction', type: 'quantitative', title: 'fraction of frames' },
          color: { field: 'path', type: 'nominal', legend: { orient: 'top', title: null, labelLimit: 400 } },
        },
      },
      { mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' }, encoding: { x: { datum: GOAL_P50_MS } } },
    ],
  });
}
