/**
 * One target's campaign in a worker thread, so that the main thread can stop an input that never returns and a
 * heap limit can stop one that allocates without end. Coverage starts before the target's code is imported.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { type CampaignStats, type Finding, runCampaign } from './campaign.ts';
import { seedsFor } from './corpus.ts';
import { CoverageRecorder, type FileCoverage } from './coverage.ts';

export interface WorkerInput {
  readonly target: string;
  readonly maxInputs: number;
  readonly durationMs: number;
  readonly seed: number;
  readonly inputBudgetMs: number;
  readonly heapLimitBytes: number;
  readonly coverage: boolean;
  /** [Int32 inputs started, Int32 length of the current input, then its bytes]: read by the watchdog. */
  readonly shared: SharedArrayBuffer;
}

export type WorkerMessage =
  | { readonly type: 'progress'; readonly stats: CampaignStats }
  | { readonly type: 'finding'; readonly finding: Finding }
  | { readonly type: 'done'; readonly stats: CampaignStats; readonly coverage: readonly FileCoverage[] };

const input = workerData as WorkerInput;
const port = parentPort!;
const send = (message: WorkerMessage): void => port.postMessage(message);

const recorder = input.coverage ? new CoverageRecorder() : undefined;
await recorder?.start();
const { targetNamed } = await import('./targets/index.ts');
const target = targetNamed(input.target);

// A collection before judging the heap, so that garbage not yet collected is not taken for a leak.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const header = new Int32Array(input.shared, 0, 2);
const current = new Uint8Array(input.shared, 8);
const stats = runCampaign({
  target,
  seeds: seedsFor(target.name),
  maxInputs: input.maxInputs,
  durationMs: input.durationMs,
  seed: input.seed,
  inputBudgetMs: input.inputBudgetMs,
  heapLimitBytes: input.heapLimitBytes,
  gc,
  onInput(bytes) {
    const n = Math.min(bytes.length, current.length);
    current.set(bytes.subarray(0, n));
    Atomics.store(header, 1, n);
    Atomics.add(header, 0, 1);
  },
  onFinding: (finding) => send({ type: 'finding', finding }),
  onProgress: (s) => send({ type: 'progress', stats: s }),
});
const coverage = recorder === undefined ? [] : await recorder.collect(target.sources);
send({ type: 'done', stats, coverage });
