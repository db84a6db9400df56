import { getHeapStatistics } from 'node:v8';
import { mutate } from './mutate.ts';
import { Random } from './random.ts';
import { errorCode, type FuzzTarget, isTyped } from './targets/target.ts';

export type FindingKind = 'crash' | 'hang' | 'memory';

export interface Finding {
  readonly target: string;
  readonly kind: FindingKind;
  /** One line: error class and message, or what ran over which budget. */
  readonly summary: string;
  readonly stack?: string;
  readonly input: Uint8Array;
}

export interface CampaignStats {
  readonly target: string;
  readonly inputs: number;
  readonly elapsedMs: number;
  readonly crashes: number;
  readonly hangs: number;
  readonly memory: number;
  /** Distinct outcomes seen (typed error codes, shapes of the output): a cheap measure of the ground covered. */
  readonly outcomes: number;
  readonly corpus: number;
  readonly peakHeapBytes: number;
  readonly slowestMs: number;
}

export interface CampaignOptions {
  readonly target: FuzzTarget;
  readonly seeds: readonly Uint8Array[];
  readonly maxInputs: number;
  readonly durationMs: number;
  readonly seed: number;
  /** One input taking longer than this (twice in a row) is a hang. */
  readonly inputBudgetMs: number;
  /** Heap in use after a batch (and a collection, when `gc` is given) above this is unbounded memory. */
  readonly heapLimitBytes: number;
  readonly gc?: () => void;
  /** Called before each input runs (the watchdog keeps a copy to report an input that never returns). */
  readonly onInput?: (input: Uint8Array, index: number) => void;
  readonly onFinding?: (finding: Finding) => void;
  readonly onProgress?: (stats: CampaignStats) => void;
  readonly progressEveryMs?: number;
}

const BATCH = 256;
const MAX_CORPUS = 4096;
const MAX_OUTCOMES = 100_000;
/** Findings of one kind and signature after which more of the same are counted but not reported. */
const SAME_FINDING_REPORTS = 1;

type Outcome = { readonly ok: true; readonly signature: string } | { readonly ok: false; readonly error: unknown };

function execute(target: FuzzTarget, input: Uint8Array): Outcome {
  try {
    return { ok: true, signature: target.run(input) };
  } catch (error) {
    if (isTyped(target, error)) return { ok: true, signature: `E:${errorCode(error)}` };
    return { ok: false, error };
  }
}

/**
 * Typed errors are the common outcome, and capturing their stacks was a third of the time: inputs run without stack
 * traces, and an input that crashes runs again with them, for the report.
 */
function withStacks<T>(limit: number, step: () => T): T {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = limit;
  try {
    return step();
  } finally {
    Error.stackTraceLimit = saved;
  }
}

/**
 * What makes two crashes the same bug: the error class, its message up to the first colon (what follows is the
 * detail of this input) without numbers, and where it was thrown.
 */
export function crashSignature(error: unknown): string {
  if (!(error instanceof Error)) return `non-error ${typeof error}`;
  const frame = (error.stack ?? '').split('\n').find((line) => line.trim().startsWith('at ')) ?? '';
  const what = error.message.split(':')[0]!.replace(/\d+/g, 'N');
  return `${error.name}: ${what} ${frame.trim().replace(/\?[^:)]*/, '')}`;
}

/**
 * Runs one target: each seed once, then inputs made by mutating corpus entries (most) or by the target's generator.
 * An input whose outcome was not seen before joins the corpus. Stops at `maxInputs` or `durationMs`.
 */
export function runCampaign(options: CampaignOptions): CampaignStats {
  const saved = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new Campaign(options).run();
  } finally {
    Error.stackTraceLimit = saved;
  }
}

class Campaign {
  readonly #o: CampaignOptions;
  readonly #rng: Random;
  readonly #corpus: Uint8Array[];
  readonly #outcomes = new Set<string>();
  readonly #reported = new Map<string, number>();
  readonly #start = performance.now();
  #inputs = 0;
  #crashes = 0;
  #hangs = 0;
  #memory = 0;
  #peakHeapBytes = 0;
  #slowestMs = 0;

  constructor(options: CampaignOptions) {
    this.#o = options;
    this.#rng = new Random(options.seed);
    this.#corpus = options.seeds.map((s) => s.slice());
  }

  run(): CampaignStats {
    const { maxInputs, durationMs, progressEveryMs = 1000, onProgress } = this.#o;
    const deadline = this.#start + durationMs;
    let nextProgress = this.#start + progressEveryMs;
    while (this.#inputs < maxInputs && performance.now() < deadline) {
      const batchEnd = Math.min(maxInputs, this.#inputs + BATCH);
      let last: Uint8Array = new Uint8Array(0);
      while (this.#inputs < batchEnd) {
        last = this.#next();
        this.#runOne(last);
      }
      if (!this.#heapWithinLimit(last)) break;
      if (onProgress && performance.now() >= nextProgress) {
        nextProgress = performance.now() + progressEveryMs;
        onProgress(this.stats());
      }
    }
    return this.stats();
  }

  stats(): CampaignStats {
    return {
      target: this.#o.target.name,
      inputs: this.#inputs,
      elapsedMs: performance.now() - this.#start,
      crashes: this.#crashes,
      hangs: this.#hangs,
      memory: this.#memory,
      outcomes: this.#outcomes.size,
      corpus: this.#corpus.length,
      peakHeapBytes: this.#peakHeapBytes,
      slowestMs: this.#slowestMs,
    };
  }

  #next(): Uint8Array {
    const { seeds, target } = this.#o;
    const rng = this.#rng;
    if (this.#inputs < seeds.length) return seeds[this.#inputs]!;
    if (this.#corpus.length === 0 || rng.chance(0.15)) return target.generate(rng);
    const other = () => (rng.chance(0.8) ? rng.pick(this.#corpus) : target.generate(rng));
    return mutate(rng, rng.pick(this.#corpus), other);
  }

  #runOne(input: Uint8Array): void {
    const { target, inputBudgetMs } = this.#o;
    this.#o.onInput?.(input, this.#inputs);
    const t0 = performance.now();
    let outcome = execute(target, input);
    let ms = performance.now() - t0;
    if (ms > inputBudgetMs) {
      // A busy machine can stall one run: only an input that is slow again, in CPU time too, is a hang.
      const cpu = process.cpuUsage();
      const t1 = performance.now();
      outcome = execute(target, input);
      const used = process.cpuUsage(cpu);
      ms = Math.min(ms, performance.now() - t1, (used.user + used.system) / 1000);
      if (ms > inputBudgetMs) {
        this.#hangs++;
        this.#report('hang', String(input.length), {
          summary: `one input took ${ms.toFixed(0)} ms (budget ${inputBudgetMs} ms), ${input.length} bytes`,
          input: input.slice(),
        });
      }
    }
    this.#slowestMs = Math.max(this.#slowestMs, ms);
    this.#inputs++;
    if (outcome.ok) return this.#keepIfNew(input, outcome.signature);
    this.#crashes++;
    const again = withStacks(20, () => execute(target, input));
    const error = again.ok ? outcome.error : again.error;
    this.#report('crash', crashSignature(error), {
      summary: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      ...(error instanceof Error && error.stack !== undefined ? { stack: error.stack } : {}),
      input: input.slice(),
    });
  }

  #keepIfNew(input: Uint8Array, signature: string): void {
    if (this.#outcomes.has(signature) || this.#outcomes.size >= MAX_OUTCOMES) return;
    this.#outcomes.add(signature);
    const seeds = this.#o.seeds.length;
    if (this.#corpus.length < MAX_CORPUS) this.#corpus.push(input.slice());
    else this.#corpus[seeds + this.#rng.below(MAX_CORPUS - seeds)] = input.slice();
  }

  /** Heap in use after a batch, after a collection if it looks high; reports the batch's last input if over. */
  #heapWithinLimit(last: Uint8Array): boolean {
    const { heapLimitBytes, gc } = this.#o;
    let heap = getHeapStatistics().used_heap_size;
    if (heap > heapLimitBytes && gc) {
      gc();
      heap = getHeapStatistics().used_heap_size;
    }
    this.#peakHeapBytes = Math.max(this.#peakHeapBytes, heap);
    if (heap <= heapLimitBytes) return true;
    this.#memory++;
    const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
    this.#report('memory', 'heap', {
      summary: `heap in use ${mib(heap)} after a batch, above ${mib(heapLimitBytes)}`,
      input: last.slice(),
    });
    return false;
  }

  #report(kind: FindingKind, key: string, finding: Omit<Finding, 'target' | 'kind'>): void {
    const seen = this.#reported.get(`${kind}:${key}`) ?? 0;
    this.#reported.set(`${kind}:${key}`, seen + 1);
    if (seen < SAME_FINDING_REPORTS) this.#o.onFinding?.({ target: this.#o.target.name, kind, ...finding });
  }
}
