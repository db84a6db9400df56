/**
 * Measure (a): the SFU's CPU as the number of viewers grows. The SFU (WeriftSfu behind the WHIP/WHEP routes) runs
 * in this process, whose CPU is read; the publisher and the viewers are werift clients in child processes. The
 * peer, in the same run and process: a bare dgram fan-out of the same packets (no DTLS, no SRTP, no RTCP).
 */
import { createSocket, type Socket } from 'node:dgram';
import { until } from '@glint/testkit';
import { startWebrtcTestServer, type WebrtcTestServer } from '@glint/testkit/media-server';
import { type CpuWindow, sampleCpu, selfCpuMs } from '../ingest/cpu.ts';
import type { Scratch } from '../lib/scratch.ts';
import { type NodeChild, startNodeChild } from './children.ts';
import type { AddViewersResult, LoadCommand, PublisherCommand, ReceiveCounts, SnapshotResult } from './protocol.ts';
import { lostBetween } from './seq-counter.ts';
import { encodeRtpSource, type SourceSpec, sendRtp } from './source.ts';

export interface FanoutOptions {
  readonly source: SourceSpec;
  readonly steps: readonly number[];
  readonly glintWindowMs: number;
  readonly peerWindowMs: number;
  readonly warmMs: number;
  readonly baselineMs: number;
  readonly loadProcesses: number;
  /** A step above this share of one core (in %) is the last. */
  readonly cpuLimitPct: number;
  /** No new Glint step starts after this performance.now(). */
  readonly deadlineMs: number;
}

export interface StepResult {
  readonly viewers: number;
  readonly cpu: CpuWindow;
  /** This process's CPU over the window, % of one core. */
  readonly cpuPct: number;
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
  readonly retransmitted: number;
}

export interface FanoutRun {
  readonly sourceKbps: number;
  /** RTP packets per second the publisher delivered to the SFU. */
  readonly packetsInPerSec: number;
  /** This process with the publisher connected and nobody watching. */
  readonly baseline: CpuWindow;
  readonly baselinePct: number;
  readonly peer: StepResult[];
  readonly glint: StepResult[];
  readonly stoppedBecause: string;
  readonly connectMsPerViewer: number;
}

const CHANNEL = 'bench';

type Loader = NodeChild<LoadCommand>;

export async function runFanout(
  scratch: Scratch,
  options: FanoutOptions,
  say: (text: string) => void,
): Promise<FanoutRun> {
  say(`encoding ${options.source.seconds} s of ${options.source.width}x${options.source.height} H.264`);
  const encoded = encodeRtpSource(scratch.dir('glint-bench-webrtc-'), options.source);
  // Every load generator connects from 127.0.0.1: the per-address offer limits would refuse a fan-out of hundreds.
  const server = await startWebrtcTestServer([CHANNEL], {
    offerAdmission: { offerBurst: 100_000, offersPerSecond: 100_000, maxPending: 1000, maxPendingPerAddress: 1000 },
  });
  try {
    return await measure(scratch, server, encoded, options, say);
  } finally {
    await server.stop();
  }
}

async function measure(
  scratch: Scratch,
  server: WebrtcTestServer,
  encoded: { file: string; kbps: number },
  options: FanoutOptions,
  say: (text: string) => void,
): Promise<FanoutRun> {
  say('starting the publisher and load generators');
  const publisher = await startNodeChild<PublisherCommand>(scratch, './publisher-child.ts', 'publisher');
  const loaders = await Promise.all(
    Array.from({ length: options.loadProcesses }, (_, i) =>
      startNodeChild<LoadCommand>(scratch, './viewers-child.ts', `load generator ${i + 1}`),
    ),
  );
  const rtpPort = publisher.ready.rtpPort;
  if (rtpPort === undefined) throw new Error('the publisher child reported no RTP port');
  const ffmpeg = sendRtp(scratch, encoded.file, rtpPort);
  void ffmpeg.exited.then((code) => {
    if (code !== null && code !== 0) say(`ffmpeg RTP sender exited ${code}: ${ffmpeg.stderr()}`);
  });
  await publisher.rpc.call(
    { type: 'publish', whipUrl: server.url(`/whip/${CHANNEL}`), streamKey: keyOf(server) },
    30_000,
  );
  const source = await until(() => server.published[0], { what: 'the WHIP publisher' });
  await until(() => source.stats().packets.video > 100, { what: 'video from the publisher', timeoutMs: 15_000 });

  say('baseline: publisher connected, nobody watching');
  const inBefore = source.stats().packets.video;
  const t0 = performance.now();
  const baseline = await sampleCpu(selfCpuMs, options.baselineMs, 1000);
  const packetsInPerSec = ((source.stats().packets.video - inBefore) * 1000) / (performance.now() - t0);
  const baselinePct = (baseline.cpuMs / baseline.windowMs) * 100;

  // Each step measures the peer first (bare sockets, SFU idle), then Glint with as many viewers, so both have the
  // same N and nearly the same moment of a shared machine. The sockets stay open, idle, during Glint's window.
  const peer: StepResult[] = [];
  const glint: StepResult[] = [];
  // One connected socket per receiver, as the SFU has one per viewer: send() then needs no address lookup.
  const senders = new Map<number, Socket>();
  let targets: Socket[] = [];
  let sent = 0;
  const detach = source.onRtp('video', (packet) => {
    for (const socket of targets) socket.send(packet);
    sent += targets.length;
  });
  let stoppedBecause = `all steps held (up to ${options.steps.at(-1)} viewers)`;
  let connectMs = 0;
  let connected = 0;
  const packetsSent = () => server.sfu.subscribers(CHANNEL).reduce((n, s) => n + s.packetsSent, 0);
  try {
    for (const n of options.steps) {
      if (performance.now() > options.deadlineMs) {
        stoppedBecause = `time budget spent before the ${n}-viewer step`;
        break;
      }
      say(`peer (bare UDP fan-out): ${n} sockets, measuring ${options.peerWindowMs / 1000} s`);
      const ports = (await growSockets(loaders, n)).flat();
      for (const port of ports) if (!senders.has(port)) senders.set(port, await connectedSocket(port));
      targets = [...senders.values()];
      await sleep(500);
      peer.push(await window(loaders, 'sockets', n, options.peerWindowMs, () => sent));
      targets = [];

      say(`Glint: connecting viewers up to ${n}`);
      const t = performance.now();
      const added = await growViewers(loaders, server.url(`/whep/${CHANNEL}`), n - connected);
      connectMs += performance.now() - t;
      connected += added.connected;
      if (added.failed > 0) {
        stoppedBecause = `${added.failed} of ${n} viewers failed to connect (${added.firstError})`;
        break;
      }
      await sleep(options.warmMs);
      say(`Glint: ${n} viewers, measuring ${options.glintWindowMs / 1000} s`);
      const step = await window(loaders, 'viewers', n, options.glintWindowMs, packetsSent, server);
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
  } finally {
    detach();
    for (const socket of senders.values()) socket.close();
  }
  await Promise.all(loaders.map((l) => l.rpc.call({ type: 'close-viewers' }, 30_000).catch(() => null)));
  for (const child of [ffmpeg, publisher.child, ...loaders.map((l) => l.child)]) await scratch.stop(child);
  return {
    sourceKbps: encoded.kbps,
    packetsInPerSec,
    baseline,
    baselinePct,
    peer,
    glint,
    stoppedBecause,
    connectMsPerViewer: connected > 0 ? connectMs / connected : Number.NaN,
  };
}

async function connectedSocket(port: number): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', resolve));
  return socket;
}

function keyOf(server: WebrtcTestServer): string {
  const key = server.keys[CHANNEL];
  if (!key) throw new Error('the test server made no stream key');
  return key;
}

/** Splits `total` as evenly as possible over the load generators. */
function shares(loaders: readonly Loader[], total: number): number[] {
  return loaders.map((_, i) => Math.floor(total / loaders.length) + (i < total % loaders.length ? 1 : 0));
}

/** Opens sockets until there are `n` in all; returns every port, per load generator. */
async function growSockets(loaders: readonly Loader[], n: number): Promise<number[][]> {
  const have = await Promise.all(loaders.map((l) => snapshot(l)));
  const target = shares(loaders, n);
  return Promise.all(
    loaders.map((l, i) =>
      l.rpc.call<number[]>({ type: 'open-sockets', count: (target[i] ?? 0) - (have[i]?.sockets.length ?? 0) }, 30_000),
    ),
  );
}

async function growViewers(loaders: readonly Loader[], whepUrl: string, more: number): Promise<AddViewersResult> {
  const results = await Promise.all(
    loaders.map((l, i) =>
      l.rpc.call<AddViewersResult>(
        { type: 'add-viewers', whepUrl, count: shares(loaders, more)[i] ?? 0, concurrency: 4 },
        180_000,
      ),
    ),
  );
  const firstError = results.find((r) => r.firstError)?.firstError;
  return {
    connected: results.reduce((n, r) => n + r.connected, 0),
    failed: results.reduce((n, r) => n + r.failed, 0),
    ...(firstError !== undefined ? { firstError } : {}),
  };
}

function snapshot(loader: Loader): Promise<SnapshotResult> {
  return loader.rpc.call<SnapshotResult>({ type: 'snapshot' }, 10_000);
}

/** One steady window: this process's CPU, packets out, and what each receiver got, between two snapshots. */
async function window(
  loaders: readonly Loader[],
  receivers: 'viewers' | 'sockets',
  n: number,
  windowMs: number,
  packetsOut: () => number,
  server?: WebrtcTestServer,
): Promise<StepResult> {
  const retransmitted = () => server?.sfu.subscribers(CHANNEL).reduce((x, s) => x + s.retransmitted, 0) ?? 0;
  const before = await Promise.all(loaders.map(snapshot));
  const outBefore = packetsOut();
  const resentBefore = retransmitted();
  const wallBefore = performance.now();
  const cpu = await sampleCpu(selfCpuMs, windowMs, 1000);
  const outAfter = packetsOut();
  const wallAfter = performance.now();
  const resentAfter = retransmitted();
  const after = await Promise.all(loaders.map(snapshot));
  let lostPackets = 0;
  let viewersWithLoss = 0;
  let worst = 0;
  let stalled = 0;
  let gaps = 0;
  let counted = 0;
  after.forEach((snap, i) => {
    const list = snap[receivers];
    const old = before[i]?.[receivers] ?? [];
    list.forEach((now: ReceiveCounts, j) => {
      const was = old[j] ?? { received: 0, expected: 0, gaps: 0 };
      counted++;
      const lost = lostBetween(was, now);
      const got = now.received - was.received;
      gaps += now.gaps - was.gaps;
      if (got === 0) stalled++;
      if (lost > 0) {
        lostPackets += lost;
        viewersWithLoss++;
        worst = Math.max(worst, (lost / (lost + got)) * 100);
      }
    });
  });
  const activeInSfu = server ? server.sfu.subscriberCount(CHANNEL) : n;
  const loadCpuMs = after.reduce((x, s, i) => x + s.cpuMs - (before[i]?.cpuMs ?? s.cpuMs), 0);
  return {
    viewers: n,
    cpu,
    cpuPct: (cpu.cpuMs / cpu.windowMs) * 100,
    packetsOutPerSec: ((outAfter - outBefore) * 1000) / (wallAfter - wallBefore),
    lostPackets,
    viewersWithLoss,
    worstViewerLossPct: worst,
    stalledViewers: stalled + Math.max(0, n - counted) + Math.max(0, n - activeInSfu),
    gaps,
    loadCpuPct: (loadCpuMs / cpu.windowMs) * 100,
    retransmitted: resentAfter - resentBefore,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
