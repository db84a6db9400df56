/**
 * One forwarder's pass: its harness under callgrind, the source running; a baseline window with nobody receiving;
 * then, per receiver count, the receivers grown (WHEP viewers, or plain UDP sockets for the peer), a warm-up, and a
 * counted window; a second baseline once the receivers have gone.
 */
import { existsSync } from 'node:fs';
import { until } from '@glint/testkit';
import type { Scratch } from '../lib/scratch.ts';
import { growSockets, type Loader, snapshot } from '../webrtc/load-generators.ts';
import type { AddViewersResult } from '../webrtc/protocol.ts';
import { startTracedHarness, type TracedHarness } from './callgrind.ts';
import type { Forwarder, HarnessStats } from './protocol.ts';
import type { InstructionOptions } from './settings.ts';
import { type CountedWindow, countWindow, type ReceiverKind } from './window.ts';

export interface ReceiverWindow extends CountedWindow {
  readonly receivers: number;
  /** Source packets per second over the window (the harness's count). */
  readonly packetsInPerSec: number;
}

export interface ForwarderPass {
  readonly forwarder: Forwarder;
  /** Traced processes, in the order of every window's `ir`: the harness (Node), then mediasoup's worker. */
  readonly processes: readonly string[];
  /** Source running, nobody receiving: before the first receiver, and after the last has gone. */
  readonly baselines: readonly [CountedWindow, CountedWindow];
  readonly windows: readonly ReceiverWindow[];
  /** Keyframe requests the source got over the pass (counted, not answered). */
  readonly keyframeRequests: number;
  /** Frames the source skipped because the harness fell behind its clock (0 when the rate held). */
  readonly framesSkipped: number;
}

export async function measureForwarder(
  scratch: Scratch,
  loader: Loader,
  forwarder: Forwarder,
  options: InstructionOptions,
  say: (text: string) => void,
  onPids: (pids: readonly number[]) => void,
): Promise<ForwarderPass> {
  say('starting the harness under callgrind');
  const harness = await startTracedHarness(scratch, forwarder);
  onPids(harness.ready.pids);
  try {
    const kind: ReceiverKind = forwarder === 'peer' ? 'sockets' : 'viewers';
    const { outDir, ready } = harness;
    const count = () => countWindow(outDir, ready.pids, loader, kind, options.sliceMs, options.slices);
    say(`warming up ${(options.startWarmMs + options.warmMs) / 1000} s`);
    await sleep(options.startWarmMs);
    // Start-up garbage would otherwise go in a major GC (~250 M instructions) in whichever window comes first.
    await harness.rpc.call({ type: 'collect-garbage' }, 120_000);
    await sleep(options.warmMs);
    say('baseline: source running, no receiver');
    const baselineBefore = await count();
    const windows: ReceiverWindow[] = [];
    for (const receivers of options.receivers) {
      say(`connecting ${receivers} receivers`);
      await growReceivers(harness, loader, receivers);
      say(`${receivers} receivers: warming up ${options.warmMs / 1000} s`);
      await sleep(options.warmMs);
      say(`${receivers} receivers: counting ${(options.slices * options.sliceMs) / 1000} s`);
      const before = await stats(harness);
      const t0 = performance.now();
      const window = await count();
      const after = await stats(harness);
      const packetsInPerSec = ((after.packetsIn - before.packetsIn) * 1000) / (performance.now() - t0);
      windows.push({ ...window, receivers, packetsInPerSec });
    }
    say('baseline again: receivers gone');
    await dropReceivers(harness, loader);
    await sleep(options.warmMs);
    const baselineAfter = await count();
    const end = await stats(harness);
    return {
      forwarder,
      processes: ready.pids.map((_, i) => (i === 0 ? 'Node' : 'mediasoup-worker')),
      baselines: [baselineBefore, baselineAfter],
      windows,
      keyframeRequests: end.keyframeRequests,
      framesSkipped: end.framesSkipped,
    };
  } finally {
    await stopHarness(scratch, harness);
    await reapWorkers(harness.ready.pids.slice(1));
  }
}

/** mediasoup's worker exits when the harness closes it or dies; one still there after 30 s is killed. */
async function reapWorkers(pids: readonly number[]): Promise<void> {
  const alive = (pid: number) => existsSync(`/proc/${pid}`);
  const deadline = performance.now() + 30_000;
  while (pids.some(alive) && performance.now() < deadline) await sleep(200);
  for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
}

/** Adds receivers until there are `n`: viewers one at a time (each a DTLS handshake under callgrind), or sockets. */
async function growReceivers(harness: TracedHarness, loader: Loader, n: number): Promise<void> {
  const { whepUrl } = harness.ready;
  const have = await snapshot(loader);
  if (whepUrl === null) {
    const ports = (await growSockets([loader], n)).flat();
    const fresh = ports.slice(have.sockets.length);
    const connected = await harness.rpc.call<number>({ type: 'connect-sockets', ports: fresh }, 30_000);
    if (connected !== n) throw new Error(`the peer sends to ${connected} sockets, not ${n}`);
    return;
  }
  const added = await loader.rpc.call<AddViewersResult>(
    { type: 'add-viewers', whepUrl, count: n - have.viewers.length, concurrency: 1 },
    300_000,
  );
  if (added.failed > 0) throw new Error(`${added.failed} viewers failed to connect: ${added.firstError}`);
  const subscribers = (await stats(harness)).subscribers;
  if (subscribers !== n) throw new Error(`the SFU has ${subscribers} viewers, not ${n}`);
}

/** Ends every receiver: the peer stops sending first (a send to a closed port fails), viewers end their sessions. */
async function dropReceivers(harness: TracedHarness, loader: Loader): Promise<void> {
  if (harness.ready.whepUrl === null) {
    await harness.rpc.call({ type: 'close-sockets' }, 30_000);
    await loader.rpc.call({ type: 'close-sockets' }, 30_000);
    return;
  }
  await loader.rpc.call({ type: 'close-viewers' }, 60_000);
  await until(async () => (await stats(harness)).subscribers === 0, {
    what: 'the SFU to end its viewers',
    timeoutMs: 60_000,
    intervalMs: 500,
  });
}

function stats(harness: TracedHarness): Promise<HarnessStats> {
  return harness.rpc.call<HarnessStats>({ type: 'stats' }, 30_000);
}

async function stopHarness(scratch: Scratch, harness: TracedHarness): Promise<void> {
  // The harness closes the server (mediasoup's worker with it) and exits; killed if it has not within the minute.
  const answered = await harness.rpc.call({ type: 'stop' }, 60_000).then(
    () => true,
    () => false,
  );
  if (answered) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([harness.child.exited, new Promise((resolve) => (timer = setTimeout(resolve, 60_000)))]);
    clearTimeout(timer);
  }
  await scratch.stop(harness.child);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
