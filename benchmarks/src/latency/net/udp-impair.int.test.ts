import { createSocket, type Socket } from 'node:dgram';
import { type StunResponder, startStunResponder, until } from '@glint/testkit';
import {
  clientPeer,
  completeOffer,
  fakeH264Packet,
  startWebrtcTestServer,
  type WebrtcTestServer,
} from '@glint/testkit/media-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RTCPeerConnection, RTCRtpTransceiver } from 'werift';
import { rewriteCandidates, startUdpImpairRelay, type UdpImpairRelay } from './udp-impair.ts';

let echo: Socket;
let echoPort = 0;

beforeAll(async () => {
  // The echo runs in this process, so it reads only between the relay's bursts: room for a whole burst.
  echo = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
  echo.on('message', (msg, from) => echo.send(msg, from.port, from.address));
  await new Promise<void>((resolve) => echo.bind(0, '127.0.0.1', resolve));
  echoPort = echo.address().port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => echo.close(() => resolve()));
});

/** Sends `count` numbered packets `gapMs` apart through the relay to the echo server; what came back, in order. */
async function roundTrip(relay: UdpImpairRelay, count: number, gapMs: number) {
  const client = createSocket({ type: 'udp4', recvBufferSize: 4 << 20 });
  await new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));
  const sent = new Map<number, number>();
  const back: { n: number; rttMs: number }[] = [];
  client.on('message', (msg) => {
    const n = msg.readUInt32BE(0);
    back.push({ n, rttMs: performance.now() - (sent.get(n) ?? Number.NaN) });
  });
  for (let n = 0; n < count; n++) {
    const packet = Buffer.alloc(100);
    packet.writeUInt32BE(n, 0);
    sent.set(n, performance.now());
    client.send(packet, relay.port, '127.0.0.1');
    // Bursts of 20 at most: more in one go can overflow a loopback socket buffer before anyone reads it.
    if (gapMs > 0 || n % 20 === 19) await new Promise((resolve) => setTimeout(resolve, gapMs));
  }
  // Everything sent has reached the relay, left both queues, and what the echo returned is back with the client.
  await until(
    () => {
      const { up, down } = relay.stats();
      const drained = up.delivered + up.lost === count && down.delivered + down.lost === down.received;
      return up.received === count && drained && down.received === up.delivered && back.length === down.delivered;
    },
    {
      what: 'the last packets to come back',
      detail: () => `${back.length} back; ${JSON.stringify(relay.stats())}`,
    },
  );
  client.close();
  return back;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

describe('UDP impairment relay', () => {
  it('delays each way, keeps order without jitter, and loses ~1 % per direction, the same packets for the same seed', async () => {
    const lostSets: string[] = [];
    for (let run = 0; run < 2; run++) {
      const relay = await startUdpImpairRelay({
        target: { host: '127.0.0.1', port: echoPort },
        oneWayDelayMs: 25,
        lossPct: 1,
        seed: 42,
      });
      const back = await roundTrip(relay, 1000, 0);
      const stats = relay.stats();
      await relay.stop();
      expect(back.map((b) => b.n)).toEqual([...back.map((b) => b.n)].sort((a, b) => a - b));
      expect(stats.up.lost + stats.down.lost).toBe(1000 - back.length);
      expect(stats.up.lost).toBeGreaterThan(2);
      expect(stats.up.lost).toBeLessThan(25);
      const got = new Set(back.map((b) => b.n));
      lostSets.push([...Array(1000).keys()].filter((n) => !got.has(n)).join(','));
    }
    expect(lostSets[1]).toBe(lostSets[0]);
  }, 20_000);

  it('holds a paced stream for the delay each way and no more (p50 round trip within 3 ms of 50 ms)', async () => {
    const relay = await startUdpImpairRelay({ target: { host: '127.0.0.1', port: echoPort }, oneWayDelayMs: 25 });
    const back = await roundTrip(relay, 100, 5);
    await relay.stop();
    const rtt = median(back.map((b) => b.rttMs));
    console.log(`UDP echo through the 25 ms relay, one packet per 5 ms: p50 round trip ${rtt.toFixed(1)} ms`);
    expect(rtt).toBeGreaterThanOrEqual(49);
    expect(rtt).toBeLessThan(53);
  });

  it('reorders only within the jitter window', async () => {
    const relay = await startUdpImpairRelay({
      target: { host: '127.0.0.1', port: echoPort },
      oneWayDelayMs: 10,
      jitterMs: 4,
      seed: 7,
    });
    const back = await roundTrip(relay, 300, 1);
    await relay.stop();
    expect(back).toHaveLength(300);
    let maxBehind = 0;
    let highest = -1;
    for (const { n } of back) {
      maxBehind = Math.max(maxBehind, highest - n);
      highest = Math.max(highest, n);
    }
    expect(maxBehind).toBeGreaterThan(0); // jitter of ±4 ms twice over 1 ms gaps does reorder…
    expect(maxBehind).toBeLessThan(40); // …but never by more than the 16 ms the two draws can span
  });

  it('caps each queue and counts what it drops', async () => {
    const relay = await startUdpImpairRelay({
      target: { host: '127.0.0.1', port: echoPort },
      oneWayDelayMs: 50,
      maxQueuedPackets: 10,
    });
    const client = createSocket('udp4');
    for (let n = 0; n < 15; n++) client.send(Buffer.alloc(10), relay.port, '127.0.0.1');
    await until(() => relay.stats().up.received === 15, { what: '15 packets at the relay' });
    client.close();
    expect(relay.stats().up.overflow).toBe(5);
    expect(relay.stats().up.received).toBe(15);
    await relay.stop();
  });

  it('rewrites host candidates to the relay and drops the rest', () => {
    const sdp = [
      'v=0',
      'm=video 9 UDP/TLS/RTP/SAVPF 96',
      'a=candidate:1 1 udp 2130706431 127.0.0.1 50001 typ host',
      'a=candidate:2 1 udp 2130706431 10.0.0.5 50002 typ host generation 0',
      'a=candidate:3 1 tcp 1518280447 127.0.0.1 9 typ host tcptype active',
      'a=candidate:4 1 udp 1694498815 1.2.3.4 50003 typ srflx raddr 10.0.0.5 rport 50002',
      'a=end-of-candidates',
      '',
    ].join('\r\n');
    expect(rewriteCandidates(sdp, 4000)).toBe(
      [
        'v=0',
        'm=video 9 UDP/TLS/RTP/SAVPF 96',
        'a=candidate:1 1 udp 2130706431 127.0.0.1 4000 typ host',
        'a=end-of-candidates',
        '',
      ].join('\r\n'),
    );
  });
});

describe('a WHEP viewer of Glint through the relay (25 ms one way, 1 % loss)', () => {
  let server: WebrtcTestServer;
  let stun: StunResponder;
  const peers: RTCPeerConnection[] = [];
  let timer: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    stun = await startStunResponder();
    server = await startWebrtcTestServer(['demo']);
  });

  afterAll(async () => {
    clearInterval(timer);
    for (const pc of peers) await pc.close();
    await server?.stop();
    await stun?.close();
  });

  const post = async (path: string, sdp: string, key?: string) => {
    const res = await fetch(server.url(path), {
      method: 'POST',
      body: sdp,
      headers: { 'Content-Type': 'application/sdp', ...(key ? { Authorization: `Bearer ${key}` } : {}) },
    });
    expect(res.status).toBe(201);
    return res.text();
  };

  it('receives video that went through the relay only', async () => {
    const publisher = clientPeer({ stunUrl: stun.url });
    peers.push(publisher);
    const offer = await completeOffer(publisher, { video: true, audio: true }, 'sendonly');
    await publisher.setRemoteDescription({
      type: 'answer',
      sdp: await post('/whip/demo', offer.sdp, server.keys.demo),
    });
    await until(() => publisher.connectionState === 'connected', { what: 'the publisher to connect' });
    const video = offer.transceivers[0] as RTCRtpTransceiver;
    let frame = 0;
    timer = setInterval(() => void video.sender.sendRtp(fakeH264Packet(frame++)), 33);

    const viewer = clientPeer({ stunUrl: stun.url });
    peers.push(viewer);
    let packets = 0;
    viewer.onTrack.subscribe((track) => {
      if (track.kind === 'video') track.onReceiveRtp.subscribe(() => packets++);
    });
    const { sdp } = await completeOffer(viewer, { video: true, audio: true }, 'recvonly');
    const answer = await post('/whep/demo', sdp);
    const serverPort = Number(/ 127\.0\.0\.1 (\d+) typ host/.exec(answer)?.[1]);
    const relay = await startUdpImpairRelay({
      target: { host: '127.0.0.1', port: serverPort },
      oneWayDelayMs: 25,
      lossPct: 1,
      seed: 3,
    });
    try {
      await viewer.setRemoteDescription({ type: 'answer', sdp: rewriteCandidates(answer, relay.port) });
      await until(() => viewer.connectionState === 'connected', { what: 'the viewer to connect through the relay' });
      await until(() => packets >= 30, { what: '30 video packets through the relay', timeoutMs: 10_000 });
      const stats = relay.stats();
      console.log(`WHEP through the relay: ${packets} video packets; relay ${JSON.stringify(stats)}`);
      expect(stats.down.delivered).toBeGreaterThan(30);
      expect(stats.up.received).toBeGreaterThan(0);
      expect(stats.client).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(stats.strangers).toBe(0);
    } finally {
      await relay.stop();
    }
  }, 30_000);
});
