/**
 * `npm run fuzz`: every parser target in turn, each in a worker, within one time budget, until the input count is
 * reached. Prints progress and a table (inputs, inputs/s, crashes, hangs, memory, coverage); saves each finding's input
 * under corpus/crashes/<target>/. Exit status 1 when anything was found or too few inputs ran.
 *
 *   npm run fuzz -- --seconds 120 --inputs 1000000 --targets amf0,flv --seed 7 --no-coverage --verbose
 */
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { CampaignStats, Finding } from './campaign.ts';
import { saveFinding } from './corpus.ts';
import { MAX_INPUT_BYTES } from './mutate.ts';
import { coverageTable, progressLine, summaryTable, type TargetResult, uncoveredLines } from './report.ts';
import { TARGETS, targetNamed } from './targets/index.ts';
import type { WorkerInput, WorkerMessage } from './worker.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '120' },
    inputs: { type: 'string', default: '1000000' },
    targets: { type: 'string' },
    seed: { type: 'string' },
    'input-budget-ms': { type: 'string', default: '100' },
    'stall-ms': { type: 'string', default: '10000' },
    'heap-mb': { type: 'string', default: '256' },
    'no-coverage': { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});

function positive(name: string, value: string | undefined): number {
  const v = Number(value);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} must be a positive number, got "${value}"`);
  return v;
}

const seconds = positive('seconds', args.seconds);
const totalInputs = Math.floor(positive('inputs', args.inputs));
const targets = args.targets === undefined ? TARGETS : args.targets.split(',').map((t) => targetNamed(t.trim()));
const seed = args.seed === undefined ? Date.now() & 0x7fffffff : Math.floor(Number(args.seed));
const stallMs = positive('stall-ms', args['stall-ms']);
const heapLimitBytes = positive('heap-mb', args['heap-mb']) * 2 ** 20;

/** The worker entry is TypeScript: load it through tsx's API, as the main thread was. */
const tsx = import.meta.resolve('tsx/esm/api');
const entry = new URL('./worker.ts', import.meta.url).href;
const bootstrap = `import(${JSON.stringify(tsx)}).then(({ tsImport }) => tsImport(${JSON.stringify(entry)}, ${JSON.stringify(import.meta.url)}))`;

function runTarget(name: string, maxInputs: number, durationMs: number, index: number): Promise<TargetResult> {
  const shared = new SharedArrayBuffer(8 + MAX_INPUT_BYTES * 4);
  const data: WorkerInput = {
    target: name,
    maxInputs,
    durationMs,
    seed: seed + index,
    inputBudgetMs: positive('input-budget-ms', args['input-budget-ms']),
    heapLimitBytes,
    coverage: !args['no-coverage'],
    shared,
  };
  const worker = new Worker(bootstrap, {
    eval: true,
    workerData: data,
    // Far above the batch check's limit: this one stops an input that allocates without end inside one run.
    resourceLimits: { maxOldGenerationSizeMb: Math.ceil((heapLimitBytes * 4) / 2 ** 20) },
  });
  const spawned = performance.now();
  const header = new Int32Array(shared, 0, 2);
  const lastInput = () => new Uint8Array(shared, 8, Atomics.load(header, 1)).slice();
  let last: CampaignStats = {
    target: name,
    inputs: 0,
    elapsedMs: 0,
    crashes: 0,
    hangs: 0,
    memory: 0,
    outcomes: 0,
    corpus: 0,
    peakHeapBytes: 0,
    slowestMs: 0,
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    let seen = -1;
    let stalledSince = performance.now();
    const finish = (result: TargetResult): void => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      resolve(result);
    };
    const stop = (kind: 'hang' | 'memory', summary: string): void => {
      report({ target: name, kind, summary, input: lastInput() });
      void worker.terminate();
      const inputs = Math.max(last.inputs, Atomics.load(header, 0) - 1);
      finish({ stats: { ...last, inputs, elapsedMs: performance.now() - spawned }, coverage: [], stopped: kind });
    };
    const watchdog = setInterval(() => {
      const started = Atomics.load(header, 0);
      if (started !== seen) {
        seen = started;
        stalledSince = performance.now();
      } else if (started > 0 && performance.now() - stalledSince > stallMs) {
        stop('hang', `input ${started} has run for over ${stallMs} ms; the worker was stopped`);
      }
    }, 200);
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'progress') {
        last = message.stats;
        console.log(progressLine(message.stats));
      } else if (message.type === 'finding') {
        report(message.finding);
      } else {
        last = message.stats;
        console.log(progressLine(message.stats));
        finish({ stats: message.stats, coverage: message.coverage });
      }
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        stop('memory', `the worker ran out of its ${data.heapLimitBytes * 4} byte heap`);
      } else if (!settled) {
        settled = true;
        clearInterval(watchdog);
        reject(error);
      }
    });
    worker.on('exit', (code) => {
      if (!settled) {
        settled = true;
        clearInterval(watchdog);
        reject(new Error(`the ${name} worker exited with code ${code} before it reported`));
      }
    });
  });
}

const findings: Finding[] = [];
function report(finding: Finding): void {
  findings.push(finding);
  const path = relative(process.cwd(), saveFinding(finding));
  console.log(`  !! ${finding.target} ${finding.kind}: ${finding.summary}\n     input saved as ${path}`);
  if (args.verbose && finding.stack) console.log(finding.stack.split('\n').slice(0, 8).join('\n'));
}

console.log(
  `fuzzing ${targets.map((t) => t.name).join(', ')}: ${totalInputs.toLocaleString('en-US')} inputs within ` +
    `${seconds} s, seed ${seed}${args['no-coverage'] ? '' : ', with V8 coverage'}`,
);
const started = performance.now();
const results: TargetResult[] = [];
for (const [i, target] of targets.entries()) {
  const left = targets.length - i;
  const done = results.reduce((a, r) => a + r.stats.inputs, 0);
  const quota = Math.max(1, Math.ceil((totalInputs - done) / left));
  const durationMs = Math.max(1000, (seconds * 1000 - (performance.now() - started)) / left);
  console.log(
    `${target.name}: ${target.description} (up to ${quota.toLocaleString('en-US')} inputs, ${(durationMs / 1000).toFixed(0)} s)`,
  );
  results.push(await runTarget(target.name, quota, durationMs, i));
}

const total = results.reduce((a, r) => a + r.stats.inputs, 0);
console.log(`\n${summaryTable(results)}`);
if (!args['no-coverage'] && (args.verbose || findings.length === 0)) console.log(`\n${coverageTable(results)}`);
if (!args['no-coverage'] && args.verbose) console.log(`\nlines never run:\n${uncoveredLines(results)}`);
console.log(
  `\n${total.toLocaleString('en-US')} inputs in ${((performance.now() - started) / 1000).toFixed(1)} s, ` +
    `${findings.length} finding(s)${findings.length ? ', inputs under fuzz/corpus/crashes/' : ''}`,
);
if (total < totalInputs) {
  console.log(`fewer inputs than the ${totalInputs.toLocaleString('en-US')} asked for: give it more --seconds`);
}
process.exitCode = findings.length > 0 || total < totalInputs ? 1 : 0;
