/**
 * One counted window: every traced process's counters zeroed, then dumped once a slice. The receivers' counts are
 * read just before and just after each zero and dump and averaged, so each slice's packets span the same time as
 * its instructions (a zero or dump takes ~0.1 s per process).
 */
import { type Loader, snapshot } from '../webrtc/load-generators.ts';
import type { ReceiveCounts } from '../webrtc/protocol.ts';
import { lostBetween } from '../webrtc/seq-counter.ts';
import { compileInstructions, type Dump, dumpInstructions, zeroCounters } from './callgrind.ts';

export interface Slice {
  readonly ms: number;
  /** Instructions per traced process (the harness, then mediasoup's worker), less V8's optimizing compiler. */
  readonly ir: readonly number[];
  /** V8's optimizing-compiler jobs per traced process, left out of `ir`. */
  readonly compileIr: readonly number[];
  /** Packets all receivers got (distinct sequence numbers), averaged over the reads around the slice's ends. */
  readonly received: number;
}

export interface CountedWindow {
  readonly slices: readonly Slice[];
  /** Packets the receivers missed in the window (sequence span − received). */
  readonly lost: number;
}

export type ReceiverKind = 'viewers' | 'sockets';

interface Mark {
  readonly atMs: number;
  readonly received: number;
  readonly counts: readonly ReceiveCounts[];
}

export async function countWindow(
  outDir: string,
  pids: readonly number[],
  loader: Loader,
  kind: ReceiverKind,
  sliceMs: number,
  slices: number,
): Promise<CountedWindow> {
  let last = await marked(loader, kind, async () => {
    await Promise.all(pids.map((pid) => zeroCounters(pid)));
  });
  const first = last;
  const result: Slice[] = [];
  for (let i = 0; i < slices; i++) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, last.atMs + sliceMs - performance.now())));
    const dumps: Dump[] = [];
    const mark = await marked(loader, kind, async () => {
      // One at a time: each dump's file number is read before it is asked for.
      for (const pid of pids) dumps.push(await dumpInstructions(outDir, pid));
    });
    const compileIr = await Promise.all(dumps.map(compileInstructions));
    result.push({
      ms: mark.atMs - last.atMs,
      ir: dumps.map((d, p) => d.ir - (compileIr[p] ?? 0)),
      compileIr,
      received: mark.received - last.received,
    });
    last = mark;
  }
  const lost = last.counts.reduce((n, now, i) => n + lostBetween(first.counts[i] ?? EMPTY, now), 0);
  return { slices: result, lost };
}

const EMPTY: ReceiveCounts = { received: 0, expected: 0, gaps: 0 };

/** Runs `action` between two reads of the receivers; the mark is their midpoint. */
async function marked(loader: Loader, kind: ReceiverKind, action: () => Promise<void>): Promise<Mark> {
  const before = await snapshot(loader);
  const t0 = performance.now();
  await action();
  const t1 = performance.now();
  const after = await snapshot(loader);
  const sum = (counts: readonly ReceiveCounts[]) => counts.reduce((n, c) => n + c.received, 0);
  return {
    atMs: (t0 + t1) / 2,
    received: (sum(before[kind]) + sum(after[kind])) / 2,
    counts: after[kind],
  };
}
