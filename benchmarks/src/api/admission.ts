/**
 * The cost of one publish authorization: the media server's PublishAdmission.admit for a valid key, timed call by
 * call, one after another (as ingest asks: one per connecting encoder), each admitted reservation released so the
 * next call for that channel is admitted too.
 */
import { PublishAdmission } from '@glint/media-server';
import type { StreamKeyStore } from '@glint/platform';
import { type Summary, summarize } from '../lib/stats.ts';

export interface AdmissionOptions {
  readonly warmCalls: number;
  readonly calls: number;
}

export interface AdmissionRun {
  readonly calls: number;
  readonly latencyMs: Summary;
  readonly totalMs: number;
}

/** Cycles through every key of `keys` (so no single row stays hot), from one loopback address. */
export async function measureAdmission(
  store: StreamKeyStore,
  keys: readonly string[],
  options: AdmissionOptions,
  onProgress: (text: string) => void,
): Promise<AdmissionRun> {
  // isLive: nothing is live in the hub here; the run times the key check and the decision around it.
  const admission = new PublishAdmission({ keys: store, isLive: () => false });
  const admitOnce = async (i: number): Promise<number> => {
    const streamKey = keys[i % keys.length] as string;
    const startMs = performance.now();
    const decision = await admission.admit({ streamKey, remoteAddress: '127.0.0.1' });
    const elapsedMs = performance.now() - startMs;
    if (!decision.ok) throw new Error(`a valid key was refused: ${decision.code} (${decision.message})`);
    decision.release();
    return elapsedMs;
  };
  for (let i = 0; i < options.warmCalls; i++) await admitOnce(i);
  const latencies: number[] = [];
  const startMs = performance.now();
  for (let i = 0; i < options.calls; i++) {
    latencies.push(await admitOnce(options.warmCalls + i));
    if (i % 500 === 499) onProgress(`${i + 1}/${options.calls} calls`);
  }
  return { calls: latencies.length, latencyMs: summarize(latencies), totalMs: performance.now() - startMs };
}
