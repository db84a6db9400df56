/** Tables and chart of bench:webrtc's fan-out measure: one table per engine pass, one comparing the engines. */
import { writeChart } from '../lib/chart.ts';
import { summarize } from '../lib/stats.ts';
import { printTable } from '../lib/table.ts';
import type { FanoutPass, FanoutRun, StepResult } from './fanout.ts';
import { SCHEMA } from './report.ts';

export const GOAL_VIEWERS_PER_CORE = 500;

/** CPU per forwarded packet above the publisher-only baseline, µs. */
export function usPerPacket(step: StepResult, baselinePct: number): number {
  return ((step.cpuPct - baselinePct) / 100 / step.packetsOutPerSec) * 1e6;
}

/** The peer's baseline: this process only (mediasoup's idle worker is not part of a bare fan-out). */
function peerBaselinePct(pass: FanoutPass): number {
  return pass.baselinePct - (pass.baselineWorkerPct ?? 0);
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

export function capacity(
  steps: readonly StepResult[],
  baselinePct: number,
  packetsInPerSec: number,
  cpuLimitPct: number,
): Capacity {
  const clean = steps.filter((s) => s.lostPackets === 0 && s.stalledViewers === 0 && s.cpuPct <= cpuLimitPct);
  const cleanStep = clean.at(-1);
  const medianUsPerPacket = summarize(steps.map((s) => usPerPacket(s, baselinePct))).median;
  return {
    cleanStep,
    scaledPerCore: cleanStep ? (cleanStep.viewers * 100) / cleanStep.cpuPct : Number.NaN,
    marginalPerCore: 1e6 / (medianUsPerPacket * packetsInPerSec),
    medianUsPerPacket,
  };
}

/** What one pass gives: its engine's capacity, its peer's, and the per-step ratios to the peer. */
export function passFigures(pass: FanoutPass, cpuLimitPct: number) {
  const glint = capacity(pass.glint, pass.baselinePct, pass.packetsInPerSec, cpuLimitPct);
  const peer = capacity(pass.peer, peerBaselinePct(pass), pass.packetsInPerSec, cpuLimitPct);
  const peerAt = (n: number) => pass.peer.find((p) => p.viewers === n);
  const stepRatios = pass.glint.flatMap((s) => {
    const p = peerAt(s.viewers);
    return p ? [usPerPacket(s, pass.baselinePct) / usPerPacket(p, peerBaselinePct(pass))] : [];
  });
  return { glint, peer, peerAt, medianStepRatio: summarize(stepRatios).median };
}

export function printFanout(
  run: FanoutRun,
  methodOf: (pass: FanoutPass) => string,
  notes: readonly string[],
  cpuLimitPct: number,
): void {
  for (const pass of run.passes) printPass(run, pass, methodOf(pass), notes, cpuLimitPct);
  printComparison(run, cpuLimitPct);
}

function printPass(run: FanoutRun, pass: FanoutPass, method: string, notes: readonly string[], limit: number): void {
  const { glint, peer, peerAt, medianStepRatio } = passFigures(pass, limit);
  const withWorker = pass.baselineWorkerPct !== null;
  const row = (server: string, s: StepResult, baselinePct: number, other: StepResult | undefined) => {
    const slices = summarize(s.cpu.slices.map((x) => x * 100));
    const us = usPerPacket(s, baselinePct);
    return [
      server,
      String(s.viewers),
      s.cpuPct,
      ...(withWorker ? [s.workerCpuPct ?? '—'] : []),
      slices.median,
      slices.max,
      s.packetsOutPerSec,
      (s.packetsOutPerSec / (s.viewers * pass.packetsInPerSec)) * 100,
      us,
      String(s.lostPackets),
      `${s.viewersWithLoss}/${s.stalledViewers}`,
      s.loadCpuPct,
      other ? us / usPerPacket(other, peerBaselinePct(pass)) : '—',
    ];
  };
  const b = pass.baselinePct;
  const clean = glint.cleanStep;
  printTable({
    title: `${pass.label}: fan-out of one ${(run.sourceKbps / 1000).toFixed(2)} Mbit/s H.264 stream (${pass.packetsInPerSec.toFixed(0)} RTP packets/s in), CPU of the server`,
    method,
    columns: [
      'server',
      'viewers',
      '% core',
      ...(withWorker ? ['worker %'] : []),
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
        b,
        ...(withWorker ? [pass.baselineWorkerPct ?? '—'] : []),
        b,
        b,
        0,
        '—',
        '—',
        '—',
        '—',
        '—',
        '—',
      ],
      ...pass.glint.map((s) => row(pass.label, s, b, peerAt(s.viewers))),
      ...pass.peer.map((s) => row('peer: bare UDP fan-out', s, peerBaselinePct(pass), undefined)),
    ],
    notes: [
      `stopped: ${pass.stoppedBecause} (pass took ${(pass.elapsedMs / 1000).toFixed(0)} s).`,
      `${pass.label}: ${clean ? `${clean.viewers} viewers with no loss at ${clean.cpuPct.toFixed(1)} % of a core → ${glint.scaledPerCore.toFixed(0)} viewers per core (N × 100 / cpu%, fixed costs included)` : 'no step without loss'}; marginal: ${glint.marginalPerCore.toFixed(0)} viewers per core (10⁶ µs ÷ (median ${glint.medianUsPerPacket.toFixed(1)} µs/pkt × ${pass.packetsInPerSec.toFixed(0)} pkt/s)). Goal ≥ ${GOAL_VIEWERS_PER_CORE}: ${glint.scaledPerCore >= GOAL_VIEWERS_PER_CORE ? 'met' : 'NOT met'}.`,
      `peer (this pass): median ${peer.medianUsPerPacket.toFixed(2)} µs/pkt → ${peer.marginalPerCore.toFixed(0)} receivers per core (marginal); ${pass.label} costs ${(glint.medianUsPerPacket / peer.medianUsPerPacket).toFixed(1)}× the bare fan-out per packet (median of per-step ratios: ${medianStepRatio.toFixed(1)}×).`,
      pass.packetsOutCounted === 'sent'
        ? "'out % of N×in' = packets handed to senders ÷ (viewers × packets in): below 100 the server fell behind and dropped input (its publisher-leg socket overflowed), so that step's loss is the server's."
        : "'out % of N×in' = packets the viewers received ÷ (viewers × packets in): below 100 packets were lost somewhere (server, kernel, or a viewer falling behind); 'worker %' is the mediasoup worker's share of '% core'.",
      `viewers connected at ${pass.connectMsPerViewer.toFixed(0)} ms each (4 in parallel per load generator).`,
      ...notes,
    ],
  });
}

function printComparison(run: FanoutRun, limit: number): void {
  const figures = run.passes.map((pass) => ({ pass, ...passFigures(pass, limit) }));
  const werift = figures.find((f) => f.pass.engine === 'werift');
  const mediasoup = figures.find((f) => f.pass.engine === 'mediasoup');
  const sameN = (a: FanoutPass, b: FanoutPass) =>
    summarize(
      a.glint.flatMap((s) => {
        const o = b.glint.find((x) => x.viewers === s.viewers);
        return o ? [usPerPacket(s, a.baselinePct) / usPerPacket(o, b.baselinePct)] : [];
      }),
    ).median;
  const goalUs = (1e6 / (GOAL_VIEWERS_PER_CORE * (run.passes[0]?.packetsInPerSec ?? Number.NaN))).toFixed(1);
  printTable({
    title: 'SFU engines compared: the same publisher, viewers and steps, one core each (one Node thread; one worker)',
    method:
      'the passes above, one after the other in this run; each engine beside the bare UDP fan-out of its own pass.',
    columns: [
      'engine',
      'clean viewers',
      'at % core',
      'per core (scaled)',
      'per core (marginal)',
      'median µs/pkt',
      'bare UDP µs/pkt',
      '÷ bare UDP',
      '÷ werift',
    ],
    rows: figures.map((f) => [
      f.pass.label,
      f.glint.cleanStep ? String(f.glint.cleanStep.viewers) : '—',
      f.glint.cleanStep?.cpuPct ?? '—',
      f.glint.scaledPerCore,
      f.glint.marginalPerCore,
      f.glint.medianUsPerPacket,
      f.peer.medianUsPerPacket,
      f.glint.medianUsPerPacket / f.peer.medianUsPerPacket,
      werift ? f.glint.medianUsPerPacket / werift.glint.medianUsPerPacket : '—',
    ]),
    notes: [
      ...figures.map((f) => `${f.pass.label} stopped: ${f.pass.stoppedBecause}.`),
      werift && mediasoup
        ? `mediasoup ÷ werift: ${mediasoup.glint.medianUsPerPacket.toFixed(1)} µs vs ${werift.glint.medianUsPerPacket.toFixed(1)} µs per forwarded packet = ${(mediasoup.glint.medianUsPerPacket / werift.glint.medianUsPerPacket).toFixed(2)}× (median of ratios at the same N: ${sameN(mediasoup.pass, werift.pass).toFixed(2)}×); against each pass's bare UDP: ${(mediasoup.glint.medianUsPerPacket / mediasoup.peer.medianUsPerPacket).toFixed(2)}× vs ${(werift.glint.medianUsPerPacket / werift.peer.medianUsPerPacket).toFixed(2)}×.`
        : 'no engine comparison: only one engine was measured.',
      ...run.skipped.map((s) => `${s.engine} pass skipped: ${s.reason}.`),
      `to reach ${GOAL_VIEWERS_PER_CORE} per core at ${run.passes[0]?.packetsInPerSec.toFixed(0) ?? '?'} pkt/s per viewer the marginal cost must fall below ${goalUs} µs per forwarded packet.`,
    ],
  });
}

const COLORS: Record<string, string> = { werift: '#4c78a8', mediasoup: '#f58518' };
const PEER_COLORS: Record<string, string> = { werift: '#9ecae9', mediasoup: '#ffbf79' };

export async function chartFanout(run: FanoutRun, subtitle: string): Promise<string> {
  const series = run.passes.flatMap((pass) => [
    { name: pass.label, color: COLORS[pass.engine] ?? 'black', steps: pass.glint, kind: 'SFU' },
    {
      name: `bare UDP fan-out (${pass.engine} pass)`,
      color: PEER_COLORS[pass.engine] ?? 'gray',
      steps: pass.peer,
      kind: 'peer',
    },
  ]);
  const values = series.flatMap((s) =>
    s.steps.map((step) => ({
      server: s.name,
      kind: s.kind,
      viewers: step.viewers,
      pct: step.cpuPct,
      lossy: step.lostPackets > 0,
    })),
  );
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
          color: {
            field: 'server',
            type: 'nominal',
            scale: { domain: series.map((s) => s.name), range: series.map((s) => s.color) },
            legend: { orient: 'top', title: null, labelLimit: 400, columns: 2 },
          },
          strokeDash: {
            field: 'kind',
            type: 'nominal',
            scale: {
              domain: ['SFU', 'peer'],
              range: [
                [1, 0],
                [5, 3],
              ],
            },
            legend: null,
          },
        },
      },
      {
        mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
        encoding: { y: { datum: 100 } },
      },
    ],
  });
}
