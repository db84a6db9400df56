/**
 * From counted windows to instructions per forwarded packet: each traced process's instructions in the window,
 * less its baseline rate (source running, nobody receiving) times the window's length, over the packets the
 * receivers got. Pure.
 */
import { median } from '../lib/stats.ts';
import type { ForwarderPass } from './measure.ts';
import type { Forwarder } from './protocol.ts';
import type { CountedWindow } from './window.ts';

export interface Figure {
  readonly forwarder: Forwarder;
  readonly receivers: number;
  readonly forwarded: number;
  readonly lost: number;
  readonly windowMs: number;
  /**
   * Marginal instructions per forwarded packet of the median slice (by total; the mean of the middle two when the
   * count is even), per traced process (Node, then mediasoup's worker): a slice with a rare burst (a major GC, some
   * hundred million instructions) does not move it.
   */
  readonly perProcess: readonly number[];
  /** The median slice's total over its processes. */
  readonly total: number;
  /** The same over the whole window: every instruction of every slice. */
  readonly meanTotal: number;
  /** The total, slice by slice, in time order. */
  readonly sliceTotals: readonly number[];
  /** Instructions over the window, all traced processes, before the baseline is taken off. */
  readonly rawIr: number;
}

/** Instructions per second of each traced process in the baseline window. */
export function baselineRates(baseline: CountedWindow): number[] {
  const ms = baseline.slices.reduce((n, s) => n + s.ms, 0);
  const processes = baseline.slices[0]?.ir.length ?? 0;
  return Array.from(
    { length: processes },
    (_, p) => (baseline.slices.reduce((n, s) => n + (s.ir[p] ?? 0), 0) * 1000) / ms,
  );
}

/**
 * The baseline the windows are measured against, per traced process: the median slice rate of both baselines (before
 * the first receiver and after the last), so a drift between them lands in the middle and a rare burst (a major GC)
 * in one slice does not move it.
 */
export function baselineRate(pass: ForwarderPass): number[] {
  const slices = pass.baselines.flatMap((b) => b.slices);
  const processes = slices[0]?.ir.length ?? 0;
  return Array.from({ length: processes }, (_, p) => median(slices.map((s) => ((s.ir[p] ?? 0) * 1000) / s.ms)));
}

/** Instructions V8's optimizing compiler ran in the windows, left out of the figures, per traced process. */
export function compileLeftOut(pass: ForwarderPass): { compileIr: number[]; share: number[] } {
  const slices = pass.windows.flatMap((w) => w.slices);
  const processes = slices[0]?.ir.length ?? 0;
  const compileIr = Array.from({ length: processes }, (_, p) => sum(slices.map((s) => s.compileIr[p] ?? 0)));
  const ir = Array.from({ length: processes }, (_, p) => sum(slices.map((s) => s.ir[p] ?? 0)));
  return { compileIr, share: compileIr.map((c, p) => c / (c + (ir[p] ?? 0))) };
}

export function figuresOf(pass: ForwarderPass): Figure[] {
  const rates = baselineRate(pass);
  const marginal = (ir: readonly number[], ms: number) => ir.map((v, p) => v - ((rates[p] ?? 0) * ms) / 1000);
  return pass.windows.map((w) => {
    const windowMs = sum(w.slices.map((s) => s.ms));
    const forwarded = sum(w.slices.map((s) => s.received));
    const ir = rates.map((_, p) => sum(w.slices.map((s) => s.ir[p] ?? 0)));
    const perSlice = w.slices.map((s) => marginal(s.ir, s.ms).map((v) => v / s.received));
    const perProcess = medianSlice(perSlice);
    return {
      forwarder: pass.forwarder,
      receivers: w.receivers,
      forwarded,
      lost: w.lost,
      windowMs,
      perProcess,
      total: sum(perProcess),
      meanTotal: sum(marginal(ir, windowMs)) / forwarded,
      sliceTotals: perSlice.map(sum),
      rawIr: sum(ir),
    };
  });
}

/** The slice whose total is the median, split by process (the middle two averaged when the count is even). */
function medianSlice(slices: ReadonlyArray<readonly number[]>): number[] {
  const sorted = [...slices].sort((a, b) => sum(a) - sum(b));
  const middle =
    sorted.length % 2 === 1
      ? [sorted[(sorted.length - 1) / 2]]
      : sorted.slice(sorted.length / 2 - 1, sorted.length / 2 + 1);
  const processes = slices[0]?.length ?? 0;
  return Array.from({ length: processes }, (_, p) => sum(middle.map((s) => s?.[p] ?? 0)) / middle.length);
}

/**
 * The cost of the packets the larger receiver count added: (marginal instructions at N2 − at N1) ÷ (packets at N2 −
 * at N1), per second of window so that two windows of slightly different lengths compare; from the median slices.
 */
export function perAddedPacket(a: Figure, b: Figure): number {
  const rate = (f: Figure) => ({
    ir: (f.total * f.forwarded * 1000) / f.windowMs,
    pkts: (f.forwarded * 1000) / f.windowMs,
  });
  const [ra, rb] = [rate(a), rate(b)];
  return (rb.ir - ra.ir) / (rb.pkts - ra.pkts);
}

function sum(values: readonly number[]): number {
  return values.reduce((n, v) => n + v, 0);
}
