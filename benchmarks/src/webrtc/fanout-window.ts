/** One steady window of the fan-out measure: CPU, packets out, and what each receiver got, between two snapshots. */
import { type CpuWindow, sampleCpu } from '../ingest/cpu.ts';
import { type Loader, snapshot } from './load-generators.ts';
import type { ReceiveCounts, SnapshotResult } from './protocol.ts';
import { lostBetween } from './seq-counter.ts';

export interface StepResult {
  readonly viewers: number;
  readonly cpu: CpuWindow;
  /** The server's CPU over the window (this process, plus mediasoup's worker), % of one core. */
  readonly cpuPct: number;
  /** mediasoup's worker alone, % of one core; null for werift and the peer. */
  readonly workerCpuPct: number | null;
  readonly packetsOutPerSec: number;
  readonly lostPackets: number;
  readonly viewersWithLoss: number;
  /** Largest share of its packets one viewer lost in the window, %. */
  readonly worstViewerLossPct: number;
  /** Viewers that got nothing in the window or were dropped by the SFU. */
  readonly stalledViewers: number;
  readonly gaps: number;
  /** The load generators' CPU over the window (all processes), % of one core. */
  readonly loadCpuPct: number;
  /** Packets resent on NACK; null where the engine does not expose it (mediasoup, the peer). */
  readonly retransmitted: number | null;
}

/** What a window reads from the server side. */
export interface WindowProbe {
  /** Cumulative CPU ms of the server. */
  readonly cpuMs: () => number;
  readonly workerCpuMs?: (() => number) | null;
  /** Packets sent so far; null: count the packets the receivers got (distinct sequence numbers). */
  readonly packetsOut: (() => number) | null;
  readonly retransmitted?: (() => number) | null;
  /** Receivers the server still holds (the rest count as stalled); all of them when absent. */
  readonly active?: () => number;
}

const zero = () => 0;

export async function measureWindow(
  loaders: readonly Loader[],
  receivers: 'viewers' | 'sockets',
  n: number,
  windowMs: number,
  probe: WindowProbe,
): Promise<StepResult> {
  const packetsOut = probe.packetsOut ?? zero;
  const resent = probe.retransmitted ?? zero;
  const worker = probe.workerCpuMs ?? zero;
  const snapAt = async () => {
    const t = performance.now();
    const snaps = await Promise.all(loaders.map(snapshot));
    return { snaps, atMs: (t + performance.now()) / 2 };
  };
  const before = await snapAt();
  const outBefore = packetsOut();
  const resentBefore = resent();
  const workerBefore = worker();
  const wallBefore = performance.now();
  const cpu = await sampleCpu(probe.cpuMs, windowMs, 1000);
  const outAfter = packetsOut();
  const wallAfter = performance.now();
  const workerAfter = worker();
  const resentAfter = resent();
  const after = await snapAt();
  const counts = compare(before.snaps, after.snaps, receivers);
  const loadCpuMs = after.snaps.reduce((x, s, i) => x + s.cpuMs - (before.snaps[i]?.cpuMs ?? s.cpuMs), 0);
  const packetsOutPerSec =
    probe.packetsOut === null
      ? (counts.received * 1000) / (after.atMs - before.atMs)
      : ((outAfter - outBefore) * 1000) / (wallAfter - wallBefore);
  return {
    viewers: n,
    cpu,
    cpuPct: (cpu.cpuMs / cpu.windowMs) * 100,
    workerCpuPct: probe.workerCpuMs ? ((workerAfter - workerBefore) / cpu.windowMs) * 100 : null,
    packetsOutPerSec,
    lostPackets: counts.lost,
    viewersWithLoss: counts.viewersWithLoss,
    worstViewerLossPct: counts.worstLossPct,
    stalledViewers: counts.stalled + Math.max(0, n - counts.counted) + Math.max(0, n - (probe.active?.() ?? n)),
    gaps: counts.gaps,
    loadCpuPct: (loadCpuMs / cpu.windowMs) * 100,
    retransmitted: probe.retransmitted ? resentAfter - resentBefore : null,
  };
}

/** Per receiver, what arrived and what was lost between two snapshots, summed. */
function compare(
  before: readonly SnapshotResult[],
  after: readonly SnapshotResult[],
  receivers: 'viewers' | 'sockets',
) {
  const sum = { received: 0, lost: 0, viewersWithLoss: 0, worstLossPct: 0, stalled: 0, gaps: 0, counted: 0 };
  after.forEach((snap, i) => {
    const old = before[i]?.[receivers] ?? [];
    snap[receivers].forEach((now: ReceiveCounts, j) => {
      const was = old[j] ?? { received: 0, expected: 0, gaps: 0 };
      sum.counted++;
      const lost = lostBetween(was, now);
      const got = now.received - was.received;
      sum.received += got;
      sum.gaps += now.gaps - was.gaps;
      if (got === 0) sum.stalled++;
      if (lost > 0) {
        sum.lost += lost;
        sum.viewersWithLoss++;
        sum.worstLossPct = Math.max(sum.worstLossPct, (lost / (lost + got)) * 100);
      }
    });
  });
  return sum;
}
