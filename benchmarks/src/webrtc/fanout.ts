/**
 * Measure (a): the SFU's CPU as the number of viewers grows, once per engine (werift, then mediasoup when its worker
 * is built). The SFU runs behind the WHIP/WHEP routes in this process (mediasoup's forwarding in its worker
 * process); the publisher (a werift client) and the viewers (werift or node-datachannel clients) run in child
 * processes. The peer, in the same pass and process: a bare dgram fan-out of the same packets (no DTLS, no SRTP, no
 * RTCP), its steps measured just before the pass's viewers connect.
 */
import type { Socket } from 'node:dgram';
import type { Publisher } from '@glint/media-server';
import { until } from '@glint/testkit';
import { type CpuWindow, sampleCpu, selfCpuMs } from '../ingest/cpu.ts';
import type { Scratch } from '../lib/scratch.ts';
import { startNodeChild } from './children.ts';
import { type EngineUnderTest, engineMissing, type FanoutEngine, startEngine } from './fanout-engines.ts';
import { measureWindow, type StepResult } from './fanout-window.ts';
import { connectedSocket, growSockets, growViewers, type Loader } from './load-generators.ts';
import type { LoadCommand, PublisherCommand, ViewerClient } from './protocol.ts';
import { encodeRtpSource, type SourceSpec, sendRtp } from './source.ts';

export type { FanoutEngine } from './fanout-engines.ts';
export type { StepResult } from './fanout-window.ts';

export interface FanoutOptions {
  readonly source: SourceSpec;
  /** The engines to measure, one pass each, in this order. */
  readonly engines: readonly FanoutEngine[];
  readonly steps: readonly number[];
  readonly glintWindowMs: number;
  readonly peerWindowMs: number;
  readonly warmMs: number;
  readonly baselineMs: number;
  readonly loadProcesses: number;
  /** The WHEP client the load generators' viewers run. */
  readonly client: ViewerClient;
  /** A step above this share of one core (in %) is the last. */
  readonly cpuLimitPct: number;
  /** No new step of a pass starts this long after the pass started. */
  readonly passBudgetMs: number;
}

/** One engine's pass: its own server, publisher, load generators and peer series. */
export interface FanoutPass {
  readonly engine: FanoutEngine;
  readonly label: string;
  /** 'sent': packets the SFU handed to its senders; 'received': what the viewers got (distinct sequence numbers). */
  readonly packetsOutCounted: 'sent' | 'received';
  /** RTP packets per second the publisher delivered to the SFU. */
  readonly packetsInPerSec: number;
  /** The server (this process, plus mediasoup's worker) with the publisher connected and nobody watching. */
  readonly baseline: CpuWindow;
  readonly baselinePct: number;
  /** mediasoup's worker alone in the baseline, % of one core; null for werift. */
  readonly baselineWorkerPct: number | null;
  readonly peer: StepResult[];
  readonly glint: StepResult[];
  readonly stoppedBecause: string;
  readonly connectMsPerViewer: number;
  readonly elapsedMs: number;
}

export interface FanoutRun {
  readonly sourceKbps: number;
  readonly passes: readonly FanoutPass[];
  /** Engines not measured, and why. */
  readonly skipped: ReadonlyArray<{ readonly engine: FanoutEngine; readonly reason: string }>;
}

const CHANNEL = 'bench';

export async function runFanout(
  scratch: Scratch,
  options: FanoutOptions,
  say: (text: string) => void,
): Promise<FanoutRun> {
  say(`encoding ${options.source.seconds} s of ${options.source.width}x${options.source.height} H.264`);
  const encoded = encodeRtpSource(scratch.dir('glint-bench-webrtc-'), options.source);
  const passes: FanoutPass[] = [];
  const skipped: Array<{ engine: FanoutEngine; reason: string }> = [];
  for (const engine of options.engines) {
    const missing = engineMissing(engine);
    if (missing) {
      skipped.push({ engine, reason: missing });
      continue;
    }
    say(`${engine}: starting the server`);
    let under: EngineUnderTest;
    try {
      // Every load generator connects from 127.0.0.1: the per-address offer limits would refuse hundreds.
      under = await startEngine(engine, CHANNEL, {
        offerAdmission: { offerBurst: 100_000, offersPerSecond: 100_000, maxPending: 1000, maxPendingPerAddress: 1000 },
      });
    } catch (error) {
      if (engine === 'werift') throw error;
      skipped.push({ engine, reason: `it did not start: ${error instanceof Error ? error.message : String(error)}` });
      continue;
    }
    try {
      passes.push(await measurePass(scratch, under, encoded.file, options, (t) => say(`${engine}: ${t}`)));
    } finally {
      await under.server.stop();
    }
  }
  return { sourceKbps: encoded.kbps, passes, skipped };
}

async function measurePass(
  scratch: Scratch,
  under: EngineUnderTest,
  sourceFile: string,
  options: FanoutOptions,
  say: (text: string) => void,
): Promise<FanoutPass> {
  const startedMs = performance.now();
  const deadlineMs = startedMs + options.passBudgetMs;
  const { server } = under;
  say('starting the publisher and load generators');
  const publisher = await startNodeChild<PublisherCommand>(scratch, './publisher-child.ts', 'publisher');
  const loaders = await Promise.all(
    Array.from({ length: options.loadProcesses }, (_, i) =>
      startNodeChild<LoadCommand>(scratch, './viewers-child.ts', `load generator ${i + 1}`),
    ),
  );
  const rtpPort = publisher.ready.rtpPort;
  if (rtpPort === undefined) throw new Error('the publisher child reported no RTP port');
  const ffmpeg = sendRtp(scratch, sourceFile, rtpPort);
  void ffmpeg.exited.then((code) => {
    if (code !== null && code !== 0) say(`ffmpeg RTP sender exited ${code}: ${ffmpeg.stderr()}`);
  });
  const key = server.keys[CHANNEL];
  if (!key) throw new Error('the test server made no stream key');
  await publisher.rpc.call({ type: 'publish', whipUrl: server.url(`/whip/${CHANNEL}`), streamKey: key }, 30_000);
  const source = await until(() => server.published[0], { what: 'the WHIP publisher' });
  await until(() => source.stats().packets.video > 100, { what: 'video from the publisher', timeoutMs: 15_000 });

  say('baseline: publisher connected, nobody watching');
  const inBefore = source.stats().packets.video;
  const workerBefore = under.workerCpuMs?.() ?? 0;
  const t0 = performance.now();
  const baseline = await sampleCpu(under.cpuMs, options.baselineMs, 1000);
  const packetsInPerSec = ((source.stats().packets.video - inBefore) * 1000) / (performance.now() - t0);
  const baselineWorkerPct = under.workerCpuMs ? ((under.workerCpuMs() - workerBefore) / baseline.windowMs) * 100 : null;

  const peer = await peerSeries(loaders, source, options, deadlineMs, say);
  const { glint, stoppedBecause, connectMsPerViewer } = await glintSeries(loaders, under, options, deadlineMs, say);
  await Promise.all(loaders.map((l) => l.rpc.call({ type: 'close-viewers' }, 30_000).catch(() => null)));
  for (const child of [ffmpeg, publisher.child, ...loaders.map((l: Loader) => l.child)]) await scratch.stop(child);
  return {
    engine: under.engine,
    label: under.label,
    packetsOutCounted: under.packetsSent ? 'sent' : 'received',
    packetsInPerSec,
    baseline,
    baselinePct: (baseline.cpuMs / baseline.windowMs) * 100,
    baselineWorkerPct,
    peer,
    glint,
    stoppedBecause,
    connectMsPerViewer,
    elapsedMs: performance.now() - startedMs,
  };
}

/** The engine's steps: viewers added up to each N, a window each, until a limit, a loss or the pass's budget. */
async function glintSeries(
  loaders: readonly Loader[],
  under: EngineUnderTest,
  options: FanoutOptions,
  deadlineMs: number,
  say: (text: string) => void,
): Promise<{ glint: StepResult[]; stoppedBecause: string; connectMsPerViewer: number }> {
  const { server } = under;
  const glint: StepResult[] = [];
  let stoppedBecause = `all steps held (up to ${options.steps.at(-1)} viewers)`;
  let connectMs = 0;
  let connected = 0;
  for (const n of options.steps) {
    if (performance.now() > deadlineMs) {
      stoppedBecause = `the pass's ${options.passBudgetMs / 1000} s were spent before the ${n}-viewer step`;
      break;
    }
    say(`Glint: connecting viewers up to ${n}`);
    const t = performance.now();
    const added = await growViewers(loaders, server.url(`/whep/${CHANNEL}`), n - connected, options.client);
    connectMs += performance.now() - t;
    connected += added.connected;
    if (added.failed > 0) {
      stoppedBecause = `${added.failed} of ${n} viewers failed to connect (${added.firstError})`;
      break;
    }
    await sleep(options.warmMs);
    say(`Glint: ${n} viewers, measuring ${options.glintWindowMs / 1000} s`);
    const step = await measureWindow(loaders, 'viewers', n, options.glintWindowMs, {
      cpuMs: under.cpuMs,
      workerCpuMs: under.workerCpuMs,
      packetsOut: under.packetsSent,
      retransmitted: under.retransmitted,
      active: () => server.sfu.subscriberCount(CHANNEL),
    });
    glint.push(step);
    say(`Glint: ${n} viewers → ${step.cpuPct.toFixed(1)} % of a core, ${step.lostPackets} lost`);
    if (step.cpuPct > options.cpuLimitPct) {
      stoppedBecause = `the SFU used ${step.cpuPct.toFixed(0)} % of a core at ${n} viewers (limit ${options.cpuLimitPct} %)`;
      break;
    }
    if (step.lostPackets > 0 || step.stalledViewers > 0) {
      stoppedBecause = `viewers lost packets at ${n} viewers`;
      break;
    }
  }
  return { glint, stoppedBecause, connectMsPerViewer: connected > 0 ? connectMs / connected : Number.NaN };
}

/**
 * The peer's steps, all before the pass's first viewer connects: viewers stay connected from one step to the next,
 * and the SFU forwarding to them in this process (and the load generators receiving) would count in the peer's
 * window. Same publisher, process and load generators as the Glint steps that follow, a minute or two earlier.
 */
async function peerSeries(
  loaders: readonly Loader[],
  source: Publisher,
  options: FanoutOptions,
  deadlineMs: number,
  say: (text: string) => void,
): Promise<StepResult[]> {
  const peer: StepResult[] = [];
  const senders = new Map<number, Socket>();
  let targets: Socket[] = [];
  let sent = 0;
  const detach = source.onRtp('video', (packet) => {
    for (const socket of targets) socket.send(packet);
    sent += targets.length;
  });
  try {
    for (const n of options.steps) {
      if (performance.now() > deadlineMs) break;
      say(`peer (bare UDP fan-out): ${n} sockets, measuring ${options.peerWindowMs / 1000} s`);
      const ports = (await growSockets(loaders, n)).flat();
      for (const port of ports) if (!senders.has(port)) senders.set(port, await connectedSocket(port));
      targets = [...senders.values()];
      await sleep(500);
      peer.push(
        await measureWindow(loaders, 'sockets', n, options.peerWindowMs, { cpuMs: selfCpuMs, packetsOut: () => sent }),
      );
      targets = [];
    }
  } finally {
    detach();
    for (const socket of senders.values()) socket.close();
  }
  await Promise.all(loaders.map((l) => l.rpc.call({ type: 'close-sockets' }, 30_000)));
  return peer;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
