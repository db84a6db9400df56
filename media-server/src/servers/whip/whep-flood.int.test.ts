/**
 * The anonymous WHEP attack against the whole server (Glint, default limits): crafted offers and offers that never
 * connect, from 20 addresses at twice the allowed offer rate each, while a WHIP channel is live and watched. /healthz stays fast, memory stays
 * bounded, the server's UDP sockets stay under the pending cap, and the viewer keeps getting media.
 */
import { execFile } from 'node:child_process';
import { type StunResponder, startStunResponder, udpSocketCount, until } from '@glint/testkit';
import { clientPeer, completeOffer, fakeH264Packet, startGlint, type TestGlint } from '@glint/testkit/media-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RTCPeerConnection, RTCRtpTransceiver } from 'werift';
import { percentile, startProbe } from '../../../test/health-probe.ts';
import { postSdp } from '../../../test/sdp-client.ts';
import type { Glint } from '../../app.ts';

vi.setConfig({ testTimeout: 60_000 });

const ATTACK_MS = 4000;
const ADDRESSES = 20;
/** Offers per second from each address: twice the allowed rate, so every limit is reached. */
const OFFERS_PER_SEC = 10;
let t: TestGlint;
let glint: Glint;
let key: string;
let stun: StunResponder;
const peers: RTCPeerConnection[] = [];

beforeAll(async () => {
  stun = await startStunResponder();
  t = await startGlint(['live'], { logLevel: 'silent' });
  glint = t.glint;
  key = t.keys.live ?? '';
});

afterAll(async () => {
  for (const pc of peers) await pc.close();
  await t?.stop();
  await stun?.close();
});

const url = (path: string) => `http://127.0.0.1:${glint.httpPort}${path}`;

async function connectedPeer(
  path: string,
  direction: 'sendonly' | 'recvonly',
  headers: Record<string, string> = {},
  onPacket: () => void = () => {},
): Promise<{ pc: RTCPeerConnection; transceivers: RTCRtpTransceiver[] }> {
  const pc = clientPeer({ stunUrl: stun.url });
  peers.push(pc);
  pc.onTrack.subscribe((track) => track.onReceiveRtp.subscribe(onPacket));
  const { sdp, transceivers } = await completeOffer(pc, { video: true }, direction);
  const res = await postSdp(url(path), sdp, { headers });
  expect(res.status, res.body).toBe(201);
  await pc.setRemoteDescription({ type: 'answer', sdp: res.body });
  await until(() => pc.connectionState === 'connected', { what: 'the peer to connect' });
  return { pc, transceivers };
}

/**
 * The attacker runs in a child process, as a client on other hosts would: its own CPU must not be counted as the
 * server's. Each of `addresses` loopback addresses (127.0.1.x) posts offers back to back until the time is up.
 */
function runAttacker(plan: {
  url: string;
  offers: string[];
  addresses: number;
  perSecond: number;
  durationMs: number;
}): Promise<Record<string, number>> {
  const script = `
    const { request } = require('node:http');
    const plan = JSON.parse(process.argv[1]);
    const target = new URL(plan.url);
    const counts = {};
    const endAt = Date.now() + plan.durationMs;
    const once = (body, from) => new Promise((resolve) => {
      const req = request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST',
        localAddress: from, headers: { 'Content-Type': 'application/sdp' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      });
      req.on('error', () => resolve('error'));
      req.end(body);
    });
    const worker = async (i) => {
      const start = Date.now();
      for (let n = 0; Date.now() < endAt; n++) {
        const status = await once(plan.offers[(i + n) % plan.offers.length], '127.0.1.' + (i + 1));
        counts[status] = (counts[status] || 0) + 1;
        const wait = start + ((n + 1) * 1000) / plan.perSecond - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
    };
    Promise.all(Array.from({ length: plan.addresses }, (_, i) => worker(i)))
      .then(() => process.stdout.write(JSON.stringify(counts)));
  `;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', script, JSON.stringify(plan)],
      { timeout: plan.durationMs + 20_000 },
      (error, stdout) => (error ? reject(error) : resolve(JSON.parse(stdout) as Record<string, number>)),
    );
  });
}

function craftedOffer(): string {
  const sections = Array.from({ length: 151 }, (_, i) => [
    'm=video 9 UDP/TLS/RTP/SAVPF 102',
    `a=mid:${i}`,
    'a=recvonly',
    'a=rtpmap:102 H264/90000',
    'a=fmtp:102 packetization-mode=1;profile-level-id=42e01f',
  ]).flat();
  return `${['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 't=0 0', ...sections].join('\r\n')}\r\n`;
}

describe('anonymous WHEP flood', () => {
  it('keeps /healthz fast, memory and sockets bounded, and the live viewer playing', async () => {
    // A live WHIP channel with one connected viewer.
    const publisher = await connectedPeer('/whip/live', 'sendonly', { Authorization: `Bearer ${key}` });
    let frame = 0;
    const video = publisher.transceivers[0] as RTCRtpTransceiver;
    const media = setInterval(() => void video.sender.sendRtp(fakeH264Packet(frame++)), 33);
    let received = 0;
    await connectedPeer('/whep/live', 'recvonly', {}, () => received++);
    await until(() => received > 10, { what: 'media at the viewer' });

    const neverConnects = (await completeOffer(clientPeer({ stunUrl: stun.url }), { video: true }, 'recvonly')).sdp;
    const probe = await startProbe({ url: url('/healthz') });
    await until(() => probe.latenciesMs.length >= 60, { what: 'a baseline of probe samples' });
    const baselineP95 = percentile(probe.latenciesMs, 95);
    const baselineRss = percentile(probe.rss, 50);
    const samplesBefore = probe.latenciesMs.length;
    const socketsBefore = udpSocketCount();
    const receivedBefore = received;
    const cpuBefore = process.cpuUsage();
    const counts = await runAttacker({
      url: url('/whep/live'),
      offers: [craftedOffer(), neverConnects, neverConnects, neverConnects],
      addresses: ADDRESSES,
      perSecond: OFFERS_PER_SEC,
      durationMs: ATTACK_MS,
    });
    const cpu = process.cpuUsage(cpuBefore);
    const receivedDuring = received - receivedBefore;
    // Counted once: listing handles is costly, and no session reaches its 10 s connect timeout within the attack.
    const socketsAfter = udpSocketCount();
    await probe.stop();
    clearInterval(media);

    const during = probe.latenciesMs.slice(samplesBefore);
    const p50 = percentile(during, 50);
    const p95 = percentile(during, 95);
    const rssGrowthMb = (Math.max(...probe.rss) - baselineRss) / 1e6;
    const statuses = new Map(Object.entries(counts).map(([status, n]) => [Number(status), n]));
    console.log(
      `[WHEP flood] ${ADDRESSES} addresses × ${OFFERS_PER_SEC} offers/s for ${ATTACK_MS} ms: ${JSON.stringify(counts)} (status: requests); ` +
        `/healthz p50 ${p50.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, max ${Math.max(...during).toFixed(1)} ms ` +
        `(before: p95 ${baselineP95.toFixed(1)} ms); RSS growth ${rssGrowthMb.toFixed(1)} MB; ` +
        `server UDP sockets +${socketsAfter - socketsBefore}; CPU in this process ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms; ` +
        `viewer packets during the attack ${receivedDuring}`,
    );
    // Crafted offers: 400; offers that never connect: 201 until the caps, then 429 / 503, never 500.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(0);
    expect(statuses.get(201) ?? 0).toBeGreaterThan(0);
    expect((statuses.get(429) ?? 0) + (statuses.get(503) ?? 0)).toBeGreaterThan(0);
    expect(statuses.has(500)).toBe(false);
    // One socket per pending session at most (bundled, one advertised address).
    const limits = glint.webrtc.offerAdmission.limits;
    expect(socketsAfter - socketsBefore).toBeLessThanOrEqual(limits.maxPending);
    expect(glint.webrtc.offerAdmission.pending).toBeLessThanOrEqual(limits.maxPending);
    expect(p50).toBeLessThan(50);
    // A busy machine delays the probe with or without an attack: the tail may be as slow as it was before.
    expect(p95).toBeLessThan(Math.max(50, 2 * baselineP95));
    expect(rssGrowthMb).toBeLessThan(50);
    // ~30 packets a second reach the viewer throughout.
    expect(receivedDuring).toBeGreaterThan((ATTACK_MS / 33) * 0.5);
  });
});
