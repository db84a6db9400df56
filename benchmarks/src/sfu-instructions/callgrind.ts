/**
 * The harness under callgrind, and its counters read from outside: `callgrind_control -z` zeroes a traced process's
 * counters, `-d` dumps what it counted since (then starts again from zero) to `<out>.<n>`, whose `summary:` line is
 * the instructions executed (Ir), every thread of the process, user space only.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { requireTool, until } from '@glint/testkit';
import type { Child, Scratch } from '../lib/scratch.ts';
import { ChildRpc } from '../webrtc/protocol.ts';
import type { Forwarder, HarnessCommand, HarnessReady } from './protocol.ts';

const run = promisify(execFile);
/**
 * V8's optimizing compiler (TurboFan jobs on helper threads) compiles a hot function once: a cost per function, not
 * per packet, that callgrind's ~50× slowdown would spread over ~50× fewer packets than at full speed, in bursts of
 * tens of millions of instructions. Each dump reports it apart.
 */
const OPTIMIZING_COMPILE_JOB = 'v8::internal::OptimizingCompileDispatcher::CompileTask::RunInternal()';
const HARNESS = fileURLToPath(new URL('./harness.ts', import.meta.url));
/** Node under callgrind loads the media server in about a minute and a half on a shared two-core machine. */
const READY_TIMEOUT_MS = 300_000;

export interface TracedHarness {
  readonly child: Child;
  readonly rpc: ChildRpc<HarnessCommand>;
  readonly ready: HarnessReady;
  /** Where callgrind writes: `cg.<pid>` and its dumps `cg.<pid>.<n>`. */
  readonly outDir: string;
}

export function requireCallgrind(): void {
  requireTool('valgrind');
  requireTool('callgrind_control');
  requireTool('callgrind_annotate');
}

/**
 * Starts the harness as `valgrind --tool=callgrind --trace-children=yes node --import tsx harness.ts`: children it
 * spawns (mediasoup's worker) are traced too, each to its own file; esbuild (tsx's compiler, a Go binary that
 * valgrind cannot run) is not.
 */
export async function startTracedHarness(scratch: Scratch, forwarder: Forwarder): Promise<TracedHarness> {
  const outDir = scratch.dir(`glint-callgrind-${forwarder}-`);
  const args = [
    '--tool=callgrind',
    '--trace-children=yes',
    '--trace-children-skip=*esbuild*',
    `--callgrind-out-file=${join(outDir, 'cg.%p')}`,
    `--log-file=${join(outDir, 'valgrind.%p.log')}`,
    process.execPath,
    // Under callgrind the harness allocates ~50× slower per wall-clock second, so V8's memory reducer takes it for
    // idle and runs compacting GCs (~300 M instructions each) that a server doing this work at full speed would not.
    '--no-memory-reducer',
    '--expose-gc',
    '--import',
    import.meta.resolve('tsx'),
    HARNESS,
    `--forwarder=${forwarder}`,
  ];
  const child = scratch.spawn('valgrind', args, { stdio: ['ignore', 'inherit', 'pipe', 'ipc'] });
  const rpc = new ChildRpc<HarnessCommand>(child.process, `harness (${forwarder})`);
  const ready = await new Promise<HarnessReady>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the ${forwarder} harness was not ready within ${READY_TIMEOUT_MS / 1000} s`)),
      READY_TIMEOUT_MS,
    );
    child.process.on('message', (message: HarnessReady) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message);
    });
    void child.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the ${forwarder} harness exited (${code}) before it was ready: ${child.stderr()}`));
    });
  });
  return { child, rpc, ready, outDir };
}

export async function zeroCounters(pid: number): Promise<void> {
  await run('callgrind_control', ['-z', String(pid)], { timeout: 30_000 });
}

export interface Dump {
  readonly file: string;
  /** Every instruction counted since the last zero or dump. */
  readonly ir: number;
}

/** Dumps `pid`'s counters: what it executed since the last zero or dump. */
export async function dumpInstructions(outDir: string, pid: number): Promise<Dump> {
  const before = dumpCount(outDir, pid);
  await run('callgrind_control', ['-d', String(pid)], { timeout: 30_000 });
  const file = join(outDir, `cg.${pid}.${before + 1}`);
  const ir = await until(() => existsSync(file) && summaryOf(readFileSync(file, 'utf8')), {
    what: `callgrind's dump ${file}`,
    timeoutMs: 30_000,
  });
  return { file, ir };
}

/** Of a dump's instructions, those of V8's optimizing-compiler jobs (0 in a process without them). */
export function compileInstructions(dump: Dump): Promise<number> {
  return inclusiveIr(dump.file, OPTIMIZING_COMPILE_JOB);
}

/** A function's inclusive instructions in a dump (callgrind_annotate's figure), 0 when it did not run. */
async function inclusiveIr(file: string, fn: string): Promise<number> {
  const { stdout } = await run('callgrind_annotate', ['--inclusive=yes', '--threshold=100', file], {
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  const line = stdout.split('\n').find((l) => l.includes(`:${fn} `));
  return line ? Number(line.trim().split(' ')[0]?.replaceAll(',', '')) : 0;
}

function dumpCount(outDir: string, pid: number): number {
  const prefix = `cg.${pid}.`;
  return readdirSync(outDir).filter((f) => f.startsWith(prefix) && /^\d+$/.test(f.slice(prefix.length))).length;
}

/** The Ir total of a dump; undefined while the file is still being written. */
function summaryOf(text: string): number | undefined {
  const line = /^(?:summary|totals):\s*(\d+)/m.exec(text);
  return line?.[1] !== undefined && /^totals:/m.test(text) ? Number(line[1]) : undefined;
}
