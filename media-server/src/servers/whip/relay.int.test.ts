/**
 * A real WHIP publish and WHEP view over loopback with werift clients: ICE, DTLS, SRTP, PLI, teardown, and that
 * every session and UDP socket is released afterwards.
 */

import { type StunResponder, startStunResponder, udpSockets, until } from '@glint/testkit';
import {
  clientPeer,
  completeOffer,
  fakeH264Packet,
  startWebrtcTestServer,
  type WebrtcTestServer,
} from '@glint/testkit/media-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RTCPeerConnection, RTCRtpTransceiver } from 'werift';
import type { MediaKind, RtpSource } from '../../sfu/types.ts';

vi.setConfig({ testTimeout: 30_000 });

let t: WebrtcTestServer;
let stun: StunResponder;
const clients: RTCPeerConnection[] = [];

beforeAll(async () => {
  stun = await startStunResponder();
  t = await startWebrtcTestServer(['alpha', 'beta', 'gamma', 'delta', 'epsilon'], {
    sfu: { connectTimeoutMs: 1500, idleTimeoutMs: 2000 },
  });
});

afterAll(async () => {
  for (const pc of clients) await pc.close();
  await t?.stop();
  await stun?.close();
});

async function postOffer(path: string, sdp: string, key?: string) {
  const url = t.url(path);
  const res = await fetch(url, {
    method: 'POST',
    body: sdp,
    headers: { 'Content-Type': 'application/sdp', ...(key ? { Authorization: `Bearer ${key}` } : {}) },
  });
  const location = res.headers.get('location');
  return { res, url, location, resource: location ? new URL(location, url).href : undefined };
}

/** Host-candidate ports of every answer the server gave: its sockets. */
const serverPorts = new Set<string>();

function rememberServerPorts(answer: string): void {
  for (const m of answer.matchAll(/ (127\.0\.0\.1|\d+\.\d+\.\d+\.\d+) (\d+) typ host/g))
    serverPorts.add(`127.0.0.1:${m[2]}`);
}

/**
 * Every server-side socket is closed. (werift as a *client* leaks the sockets of the m-sections it bundles away;
 * that is the test tool's leak, so only the server's ports are checked.)
 */
async function serverSocketsReleased(): Promise<void> {
  expect(serverPorts.size).toBeGreaterThan(0);
  await until(() => !udpSockets().some((address) => serverPorts.has(address)), {
    what: 'every server UDP socket to be closed',
    timeoutMs: 5000,
  }).catch((error) => {
    throw new Error(`${error}: still open ${udpSockets().filter((a) => serverPorts.has(a))}`);
  });
}

async function connected(pc: RTCPeerConnection): Promise<void> {
  await until(() => pc.connectionState === 'connected', { what: 'the client to connect', timeoutMs: 5000 });
}

interface TestPublisher {
  readonly pc: RTCPeerConnection;
  readonly video: RTCRtpTransceiver;
  readonly resource: string;
  plis: number;
  stop(): void;
}

async function publishFake(channel: string): Promise<TestPublisher> {
  const pc = clientPeer({ stunUrl: stun.url });
  clients.push(pc);
  const { sdp, transceivers } = await completeOffer(pc, { video: true, audio: true }, 'sendonly');
  const { res, resource } = await postOffer(`/whip/${channel}`, sdp, t.keys[channel]);
  expect(res.status).toBe(201);
  expect(res.headers.get('content-type')).toBe('application/sdp');
  expect(res.headers.get('etag')).toMatch(/^".+"$/);
  expect(res.headers.get('location')).toMatch(/^\/whip\/session\/[0-9a-f-]{36}$/);
  const answer = await res.text();
  rememberServerPorts(answer);
  expect(answer).toContain('a=ice-lite');
  expect(answer).toMatch(/a=candidate:.* 127\.0\.0\.1 /);
  expect(answer).toMatch(/a=fmtp:\d+ .*packetization-mode=1/);
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  const video = transceivers[0] as RTCRtpTransceiver;
  const publisher: TestPublisher = { pc, video, resource: resource ?? '', plis: 0, stop: () => clearInterval(timer) };
  video.sender.onPictureLossIndication.subscribe(() => publisher.plis++);
  await connected(pc);
  let frame = 0;
  // The media clock of the fake encoder: one packet per 33 ms frame.
  const timer = setInterval(() => {
    void video.sender.sendRtp(fakeH264Packet(frame++));
  }, 33);
  return publisher;
}

async function view(
  channel: string,
  inboundLossPercent = 0,
): Promise<{ pc: RTCPeerConnection; resource: string; packets: Buffer[] }> {
  const pc = clientPeer({ stunUrl: stun.url, inboundLossPercent });
  clients.push(pc);
  const packets: Buffer[] = [];
  pc.onTrack.subscribe((track) => {
    if (track.kind === 'video') track.onReceiveRtp.subscribe((rtp) => packets.push(Buffer.from(rtp.payload)));
  });
  const { sdp } = await completeOffer(pc, { video: true, audio: true }, 'recvonly');
  const { res, resource } = await postOffer(`/whep/${channel}`, sdp);
  expect(res.status).toBe(201);
  expect(res.headers.get('location')).toMatch(/^\/whep\/session\//);
  const answer = await res.text();
  rememberServerPorts(answer);
  await pc.setRemoteDescription({ type: 'answer', sdp: answer });
  await connected(pc);
  return { pc, resource: resource ?? '', packets };
}

describe('WHIP publish → SFU → WHEP view', () => {
  it('relays video, asks the publisher for a keyframe when a viewer connects, and tears down on DELETE', async () => {
    const publisher = await publishFake('alpha');
    expect(t.sfu.hasSource('alpha')).toBe(true);
    expect(t.published).toHaveLength(1);
    expect(t.published[0]?.codecs.video?.sdpFmtpLine).toContain('profile-level-id=42e01f');

    // A second encoder on a live channel is refused (409), and the first keeps going.
    const second = clientPeer({ stunUrl: stun.url });
    clients.push(second);
    const offer = await completeOffer(second, { video: true }, 'sendonly');
    const refused = await postOffer('/whip/alpha', offer.sdp, t.keys.alpha);
    expect(refused.res.status).toBe(409);
    expect(await refused.res.json()).toMatchObject({ code: 'ALREADY_LIVE' });

    const plisBefore = publisher.plis;
    const viewers = [await view('alpha'), await view('alpha')];
    expect(t.sfu.subscriberCount('alpha')).toBe(2);
    for (const v of viewers)
      await until(() => v.packets.length >= 30, { what: '30 packets at the viewer', timeoutMs: 5000 });
    // Payload bytes arrive untouched (our fake frames fill the payload with the frame number).
    const sample = viewers[0]?.packets.at(-1);
    expect(sample?.length).toBe(200);
    expect(sample?.[0]).toBeOneOf([0x41, 0x65]);
    await until(() => publisher.plis > plisBefore, { what: 'a PLI at the publisher', timeoutMs: 3000 });
    // Two viewers joined within 500 ms: their requests were coalesced.
    const keyframes = t.sfu.keyframeStats('alpha');
    expect(keyframes?.sent).toBeLessThanOrEqual(keyframes?.requested ?? 0);
    expect(t.published[0]?.stats().keyframeRequests).toBeGreaterThanOrEqual(1);

    // WHEP DELETE ends one viewer; the other keeps receiving.
    const del = await fetch(viewers[0]?.resource ?? '', { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(t.sfu.subscriberCount('alpha')).toBe(1);
    const count = viewers[1]?.packets.length ?? 0;
    await until(() => (viewers[1]?.packets.length ?? 0) > count + 10, {
      what: 'the remaining viewer to keep receiving',
    });

    // WHIP DELETE needs the stream key that started the session (RFC 9725 §4.3), not just the session id.
    const anonymous = await fetch(publisher.resource, { method: 'DELETE' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(await anonymous.json()).toMatchObject({ code: 'MISSING_STREAM_KEY' });
    const otherKey = await fetch(publisher.resource, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${t.keys.beta}` },
    });
    expect(otherKey.status).toBe(401);
    expect(await otherKey.json()).toMatchObject({ code: 'BAD_STREAM_KEY' });
    expect(t.sfu.hasSource('alpha')).toBe(true);

    // WHIP DELETE ends the publish: the source goes, its viewers are closed, the channel is free again.
    publisher.stop();
    const end = await fetch(publisher.resource, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${t.keys.alpha}` },
    });
    expect(end.status).toBe(200);
    expect(t.sfu.hasSource('alpha')).toBe(false);
    expect(t.sfu.subscriberCount()).toBe(0);
    expect(t.routes.whipSessions.size).toBe(0);
    expect((await fetch(publisher.resource, { method: 'DELETE' })).status).toBe(404);

    for (const pc of clients.splice(0)) await pc.close();
    await serverSocketsReleased();
  });
});

class FakeSource implements RtpSource {
  readonly codecs = {
    video: {
      mimeType: 'video/H264',
      clockRate: 90000,
      sdpFmtpLine: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
    },
  };
  readonly listeners = new Set<(packet: Buffer) => void>();
  readonly closeListeners = new Set<() => void>();
  keyframeRequests = 0;
  constructor(readonly channelId: string) {}
  onRtp(_kind: MediaKind, listener: (packet: Buffer) => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  requestKeyframe() {
    this.keyframeRequests++;
  }
  onClose(listener: () => void) {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }
  close() {
    for (const l of this.closeListeners) l();
  }
  emit(packet: Buffer) {
    for (const l of this.listeners) l(packet);
  }
}

describe('viewer lifecycle', () => {
  it('drops a viewer that never completes ICE after the connect timeout and frees its socket', async () => {
    const source = new FakeSource('beta');
    t.sfu.addSource(source);
    const pc = clientPeer({ stunUrl: stun.url });
    const { sdp } = await completeOffer(pc, { video: true }, 'recvonly');
    await pc.close(); // the viewer vanishes before ICE
    const { res } = await postOffer('/whep/beta', sdp);
    expect(res.status).toBe(201);
    rememberServerPorts(await res.text());
    expect(t.sfu.subscriberCount('beta')).toBe(1);
    expect(udpSockets().some((a) => serverPorts.has(a))).toBe(true);
    await until(() => t.sfu.subscriberCount('beta') === 0, {
      what: 'the silent viewer to be dropped',
      timeoutMs: 4000,
    });
    await serverSocketsReleased();
    t.sfu.removeSource('beta');
  });

  it('drops a connected viewer that goes silent (left without DELETE) after the idle timeout', async () => {
    const source = new FakeSource('delta');
    t.sfu.addSource(source);
    let frame = 0;
    // Media flows, so the viewer sends receiver reports (werift's consent checks alone come every ~5 s).
    const media = setInterval(() => source.emit(fakeH264Packet(frame++)), 33);
    const viewer = await view('delta');
    expect(t.sfu.subscriberCount('delta')).toBe(1);
    // Still there after more than the idle timeout while the client is alive (consent checks, RTCP).
    const stillAlive = Date.now() + 2500;
    await until(() => Date.now() > stillAlive, { what: 'the idle timeout to pass', timeoutMs: 4000 });
    expect(t.sfu.subscriberCount('delta')).toBe(1);
    await viewer.pc.close();
    await until(() => t.sfu.subscriberCount('delta') === 0, {
      what: 'the silent viewer to be dropped',
      timeoutMs: 6000,
    });
    clients.splice(clients.indexOf(viewer.pc), 1);
    await serverSocketsReleased();
    clearInterval(media);
    t.sfu.removeSource('delta');
  });

  it("answers a lossy viewer's NACKs from werift's send history", async () => {
    const source = new FakeSource('epsilon');
    t.sfu.addSource(source);
    let frame = 0;
    const media = setInterval(() => source.emit(fakeH264Packet(frame++)), 10);
    const viewer = await view('epsilon', 10);
    await until(
      () => {
        const resent = t.sfu.subscribers('epsilon')[0]?.retransmitted ?? 0;
        return resent > 5 ? resent : undefined;
      },
      { what: 'retransmissions to a viewer losing 10% of packets' },
    );
    expect(viewer.packets.length).toBeGreaterThan(0);
    clearInterval(media);
    t.sfu.removeSource('epsilon');
  });

  it('closes every viewer when the source closes', async () => {
    const source = new FakeSource('gamma');
    t.sfu.addSource(source);
    const viewer = await view('gamma');
    // The client may see `connected` before the server does: wait for the server's keyframe request.
    await until(() => source.keyframeRequests === 1, {
      what: 'the keyframe request of the connected viewer',
      timeoutMs: 5000,
    });
    source.close();
    expect(t.sfu.hasSource('gamma')).toBe(false);
    expect(t.sfu.subscriberCount()).toBe(0);
    expect(viewer.packets.length).toBe(0);
    for (const pc of clients.splice(0)) await pc.close();
    await serverSocketsReleased();
  });
});
