/**
 * Issue 15, findings 1, 2 and 8, against the real RtmpServer over real sockets on loopback: what an anonymous client
 * can make the server hold, for how long, and that a refusal nobody reads cannot take the process down.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import type { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { requireTool, until } from '@glint/testkit';
import { startGlint } from '@glint/testkit/media-server';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { percentile, startProbe } from '../../test/health-probe.ts';
import type { AttackPlan, AttackResult } from '../../test/rtmp-attacker.ts';
import { counts, publish, rawClient, startServer, TEST_KEYS, withDeadline } from '../../test/rtmp-server.ts';
import { TestRtmpClient } from '../../test/rtmp-test-client.ts';
import type { RtmpServer } from './rtmp.ts';

const KiB = 1024;
const MiB = 1024 * KiB;

const servers: RtmpServer[] = [];
const sockets: Socket[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(options: Parameters<typeof startServer>[0] = {}) {
  const started = await startServer(options);
  servers.push(started.server);
  return started;
}

function client(port: number, bytes: Uint8Array, options: Parameters<typeof rawClient>[2] = {}) {
  const c = rawClient(port, bytes, options);
  sockets.push(c.socket);
  return c;
}

/** The attacker in its own process, built and started before the baseline is taken; `go` runs it to the end. */
async function startAttacker(plan: AttackPlan) {
  const script = fileURLToPath(new URL('../../test/rtmp-attacker.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    [createRequire(import.meta.url).resolve('tsx/cli'), script, JSON.stringify(plan)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  await until(() => stdout.includes('ready\n') || child.exitCode !== null, {
    what: 'the attacker to be ready',
    timeoutMs: 20_000,
  });
  if (!stdout.includes('ready\n')) throw new Error(`the attacker did not start: ${stderr}`);
  return {
    async go(): Promise<AttackResult[]> {
      child.stdin.end('go\n');
      const code = await exited;
      if (code !== 0) throw new Error(`the attacker failed (${code}): ${stderr}`);
      return JSON.parse(stdout.slice(stdout.indexOf('ready\n') + 6)) as AttackResult[];
    },
  };
}

/** The code in the "dropped" line for the client at `address`:`port` (127.0.0.x clients may share a port). */
function dropCode(logger: Awaited<ReturnType<typeof startServer>>['logger'], address: string, port: number) {
  const line = logger.lines.find(
    (l) =>
      l.fields.remoteAddress === address && l.fields.remotePort === port && l.msg?.startsWith('rtmp client dropped'),
  );
  return line?.fields.code;
}

describe('RTMP ingest limits (issue 15)', () => {
  beforeAll(() => {
    requireTool('ffmpeg');
  });

  it('drops chunk size 1 and below 128, and 2 MiB sent before connect, with bounded memory, while a publisher plays', async () => {
    const { port, logger, sessions } = await server();
    const seconds = 8;
    const healthy = publish(port, `live/${TEST_KEYS.alpha}`, seconds, true);
    await until(() => (sessions[0]?.events.length ?? 0) > 20, {
      what: 'media from the healthy publisher',
      timeoutMs: 15_000,
    });

    // The attack (chunk size 1, then payload: 256 KiB of it is 512 KiB on the wire), sizes just below the
    // minimum, 2 MiB of small messages before connect, and a 2 MiB message before connect.
    const groups: AttackPlan['groups'] = [
      { clients: 10, from: '127.0.0.2', attack: { kind: 'chunk-size', size: 1, payloadBytes: 256 * KiB } },
      { clients: 5, from: '127.0.0.3', attack: { kind: 'chunk-size', size: 127, payloadBytes: 64 * KiB } },
      {
        clients: 20,
        from: '127.0.0.4',
        attack: { kind: 'before-connect', totalBytes: 2 * MiB, messageBytes: 32 * KiB },
      },
      { clients: 5, from: '127.0.0.5', attack: { kind: 'before-connect', totalBytes: 2 * MiB, messageBytes: 2 * MiB } },
    ];
    const expectedCodes = [
      ...Array<string>(15).fill('CHUNK_SIZE_INVALID'),
      ...Array<string>(20).fill('BEFORE_PUBLISH_LIMIT'),
      ...Array<string>(5).fill('MESSAGE_TOO_LARGE'),
    ];
    const attacker = await startAttacker({ port, groups });

    const probe = await startProbe();
    // The first samples still see the probe warming up; the baseline is the highest of the ten after them.
    await until(() => probe.rss.length >= 20, { what: 'a baseline of probe samples' });
    const baselineRss = Math.max(...probe.rss.slice(-10));
    const baselineP95 = percentile(probe.latenciesMs, 95);
    const samplesBefore = probe.latenciesMs.length;
    const eventsBefore = sessions[0]!.events.length;

    const cpuBefore = process.cpuUsage();
    const results = await withDeadline('the attacker to be dropped', attacker.go(), 20_000);
    const cpu = process.cpuUsage(cpuBefore);
    const serverCpuMs = (cpu.user + cpu.system) / 1000;
    const attackMs = Math.max(...results.map((r) => r.closedAfterMs));
    await until(() => probe.latenciesMs.length >= samplesBefore + 40, { what: 'the probe to run past the attack' });
    await probe.stop();

    const codes = results.map((r) => dropCode(logger, r.localAddress, r.localPort));
    expect(codes).toEqual(expectedCodes);
    const during = probe.latenciesMs.slice(samplesBefore);
    const peakGrowthMb = (Math.max(...probe.rss) - baselineRss) / MiB;
    const p95 = percentile(during, 95);
    console.log(
      `[RTMP attack] ${results.length} clients wrote ${(results.reduce((n, r) => n + r.sentBytes, 0) / MiB).toFixed(1)} MiB ` +
        `into their sockets and were dropped within ${attackMs} ms; /healthz probe p50 ${percentile(during, 50).toFixed(1)} ms, ` +
        `p95 ${p95.toFixed(1)} ms, max ${Math.max(...during).toFixed(1)} ms over ${during.length} samples ` +
        `(before the attack: p95 ${baselineP95.toFixed(1)} ms); RSS peak growth ${peakGrowthMb.toFixed(1)} MB; ` +
        `CPU ${serverCpuMs.toFixed(0)} ms`,
    );
    expect(peakGrowthMb).toBeLessThan(50);
    // What the server controls whatever the load: the work it did (before the fix: ~4 s of CPU and +287 MB).
    expect(serverCpuMs).toBeLessThan(1000);
    expect(percentile(during, 50)).toBeLessThan(50);
    // The tail is the machine's on a busy one (the OS deschedules us with or without an attack): asserted at the
    // issue's 50 ms when the probe was quiet before the attack, reported above otherwise.
    if (baselineP95 < 25) expect(p95).toBeLessThan(50);

    // The live channel kept going through it and finished whole.
    await until(() => sessions[0]!.events.length > eventsBefore + 20, { what: 'more media after the attack' });
    const done = await withDeadline('the healthy publisher', healthy.exit, 20_000);
    expect(done.code, done.stderr).toBe(0);
    await until(() => sessions[0]!.endReason !== undefined, { what: 'the healthy session to end' });
    expect(sessions[0]!.endReason).toBe('unpublish');
    expect(counts(sessions[0]!.events).video).toBe(30 * seconds);
  }, 60_000);

  it('caps connections per IP and in total, closing the extra ones at once without a byte', async () => {
    const { server: rtmp, port } = await server({
      maxConnections: 5,
      maxConnectionsPerIp: 3,
      publishDeadlineMs: 30_000,
    });
    const open = (from: string) => client(port, new Uint8Array(0), { localAddress: from });
    const first = [open('127.0.0.1'), open('127.0.0.1'), open('127.0.0.1')];
    await until(() => rtmp.connectionCount === 3, { what: 'three connections' });
    const overIp = open('127.0.0.1');
    await withDeadline('the fourth from one address to be closed', overIp.closed);
    expect(rtmp.refusedConnections).toEqual({ overTotal: 0, overPerIp: 1 });

    const others = [open('127.0.0.2'), open('127.0.0.2')];
    await until(() => rtmp.connectionCount === 5, { what: 'five connections' });
    const overTotal = open('127.0.0.3');
    await withDeadline('the sixth to be closed', overTotal.closed);
    expect(rtmp.refusedConnections).toEqual({ overTotal: 1, overPerIp: 1 });
    expect(overIp.received).toEqual([]);
    expect(overTotal.received).toEqual([]);

    // A slot freed is a slot for the next client, which is served: it gets the handshake reply.
    first[0]!.socket.destroy();
    await until(() => rtmp.connectionCount === 4, { what: 'a slot to be freed' });
    const next = open('127.0.0.3');
    next.socket.write(new TestRtmpClient().handshake());
    await until(() => next.received.reduce((n, b) => n + b.length, 0) >= 1 + 2 * 1536, { what: 'the handshake reply' });
    expect(rtmp.connectionCount).toBe(5);
    expect([...first.slice(1), ...others].every((c) => !c.socket.destroyed)).toBe(true);
  });

  it('drops a client that has not published by the deadline, however it trickles, and keeps a publisher', async () => {
    const deadlineMs = 1500;
    const { port, logger, sessions } = await server({ publishDeadlineMs: deadlineMs, idleTimeoutMs: 10_000 });
    const c = new TestRtmpClient();
    const publisher = client(port, Buffer.concat([c.handshake(), c.publishSequence(TEST_KEYS.beta)]));
    await until(() => sessions.length === 1, { what: 'the publisher to be accepted' });

    // Slowloris: one byte of a valid handshake per second.
    const slow = client(port, Uint8Array.of(3));
    const trickle = setInterval(() => slow.socket.writable && slow.socket.write(Uint8Array.of(0)), 1000);
    // Connected, never publishes.
    const idler = client(port, Buffer.concat([c.handshake(), new TestRtmpClient().connect()]));
    try {
      const slowMs = await withDeadline('the trickling client to be dropped', slow.closed, deadlineMs + 5000);
      const idlerMs = await withDeadline('the connected client to be dropped', idler.closed, deadlineMs + 5000);
      expect(slowMs).toBeGreaterThanOrEqual(deadlineMs - 100);
      expect(idlerMs).toBeGreaterThanOrEqual(deadlineMs - 100);
    } finally {
      clearInterval(trickle);
    }
    const lines = logger.lines.filter((l) => l.msg === 'rtmp client did not publish in time, closing');
    expect(lines.map((l) => l.fields.state).sort()).toEqual(['connected', 'handshake']);
    // The accepted publisher is past its deadline and still connected.
    expect(publisher.socket.destroyed).toBe(false);
    expect(sessions[0]!.endReason).toBeUndefined();
  });

  it('closes a publisher that trickles bytes without completing a media message, and keeps one that sends media', async () => {
    const idleMs = 1000;
    const { port, sessions } = await server({ idleTimeoutMs: idleMs });
    const a = new TestRtmpClient();
    const b = new TestRtmpClient();
    const trickler = client(port, Buffer.concat([a.handshake(), a.publishSequence(TEST_KEYS.beta)]));
    const steady = client(port, Buffer.concat([b.handshake(), b.publishSequence(TEST_KEYS.alpha)]));
    await until(() => sessions.length === 2, { what: 'two sessions' });
    const session = (channel: string) => sessions.find((s) => s.session.channelId === channel)!;

    steady.socket.write(b.media(8, 0, Uint8Array.of(0xaf, 0x00, 0x12, 0x10)));
    // A 1000-byte video message, one byte every 100 ms: progress on the wire, never a message.
    const message = a.media(9, 0, new Uint8Array(1000).fill(0x27, 0, 1));
    let at = 0;
    let frame = 0;
    const timer = setInterval(() => {
      if (trickler.socket.writable) trickler.socket.write(message.subarray(at, ++at));
      if (steady.socket.writable) steady.socket.write(b.media(8, ++frame * 100, Uint8Array.of(0xaf, 0x01, 1, 2, 3)));
    }, 100);
    try {
      await withDeadline('the trickler to be dropped', trickler.closed, idleMs + 5000);
      expect(session('beta').endReason).toBe('timeout');
      // The steady publisher outlives two idle periods past the trickler's end.
      const framesThen = frame;
      await until(() => frame >= framesThen + (2 * idleMs) / 100, { what: 'two more idle periods of media' });
      expect(steady.socket.destroyed).toBe(false);
      expect(session('alpha').endReason).toBeUndefined();
      expect(counts(session('alpha').events).audio).toBeGreaterThan(20);
    } finally {
      clearInterval(timer);
    }
  });

  it('survives a refusal the client never reads (the write throws PENDING_BYTES_EXCEEDED): no unhandled rejection', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      // A refusal larger than the kernel's socket buffers (4 MiB here) backs up in our process, past the cap.
      const {
        server: rtmp,
        port,
        logger,
        sessions,
      } = await server({ refusalReason: `Unknown stream key. ${'x'.repeat(8 * MiB)}` });
      const c = new TestRtmpClient();
      const deaf = client(port, Buffer.concat([c.handshake(), c.publishSequence('key-wrong-00000')]), { paused: true });
      // A client that does not read never sees our close either: watch the server's side.
      const deafPort = await deaf.localPort;
      await until(() => dropCode(logger, '127.0.0.1', deafPort) !== undefined, {
        what: 'the deaf client to be dropped',
      });
      expect(dropCode(logger, '127.0.0.1', deafPort)).toBe('PENDING_BYTES_EXCEEDED');
      await until(() => rtmp.connectionCount === 0, { what: 'its connection to be gone' });

      const ok = new TestRtmpClient();
      client(port, Buffer.concat([ok.handshake(), ok.publishSequence(TEST_KEYS.alpha)]));
      await until(() => sessions.length === 1, { what: 'the next publisher to be accepted' });
      expect(rejections).toEqual([]);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  }, 20_000);

  it('takes its caps and deadline from the Glint configuration', async () => {
    const t = await startGlint([], { logLevel: 'silent', rtmpMaxConnectionsPerIp: 2, rtmpPublishDeadlineMs: 500 });
    const glint = t.glint;
    try {
      const held = [client(glint.rtmpPort, new Uint8Array(0)), client(glint.rtmpPort, new Uint8Array(0))];
      await until(() => glint.rtmp.connectionCount === 2, { what: 'two connections' });
      await withDeadline('the third to be refused', client(glint.rtmpPort, new Uint8Array(0)).closed);
      expect(glint.rtmp.refusedConnections.overPerIp).toBe(1);
      const closedAfterMs = await withDeadline('the deadline to close the others', held[0]!.closed);
      expect(closedAfterMs).toBeGreaterThanOrEqual(400);
    } finally {
      await t.stop();
    }
  });
});
