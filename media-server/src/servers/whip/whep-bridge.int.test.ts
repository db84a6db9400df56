/**
 * WHEP viewers of an RTMP-style stream (H.264 with B-frames, AAC) through the real routes and SFU: nothing is
 * forwarded or transcoded for a viewer that never completes ICE; a connected viewer gets audio and video; and a
 * publisher's invalid codec data never turns into a 500 for viewers.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { type StunResponder, startStunResponder, until } from '@glint/testkit';
import { clientPeer, completeOffer, startWebrtcTestServer, type WebrtcTestServer } from '@glint/testkit/media-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RTCPeerConnection } from 'werift';
import { flvEvents } from '../../../test/webrtc-media.ts';
import { toStreamEvent } from '../../adapters/rtmp-to-stream.ts';
import { StreamRtpSource } from '../../adapters/stream-rtp-source.ts';
import type { MediaEvent } from '../../protocols/flv/types.ts';
import type { LiveStream } from '../../stream/live-stream.ts';
import type { StreamEvent } from '../../stream/types.ts';

vi.setConfig({ testTimeout: 40_000 });

const SECONDS = 3;
let events: MediaEvent[];
let stun: StunResponder;
let t: WebrtcTestServer;
const peers: RTCPeerConnection[] = [];
const sources: StreamRtpSource[] = [];

beforeAll(async () => {
  events = (await flvEvents(SECONDS)).filter((e) => e.kind !== 'metadata');
  stun = await startStunResponder();
  t = await startWebrtcTestServer([], { sfu: { connectTimeoutMs: 1500 } });
}, 30_000);

afterAll(async () => {
  for (const pc of peers) await pc.close();
  await Promise.all(sources.map((s) => s.close()));
  await t?.stop();
  await stun?.close();
});

/** ffmpeg processes this test process started (fluent-ffmpeg spawns them directly). */
function ffmpegChildren(): number {
  let count = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const m = /^\d+ \((.*)\) \S (\d+) /.exec(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      if (m?.[1] === 'ffmpeg' && Number(m[2]) === process.pid) count++;
    } catch {
      // the process exited while we looked
    }
  }
  return count;
}

function shifted(e: MediaEvent, by90k: number): MediaEvent {
  if (e.kind === 'video') return { ...e, au: { ...e.au, pts90k: e.au.pts90k + by90k, dts90k: e.au.dts90k + by90k } };
  if (e.kind === 'audio') return { ...e, frame: { ...e.frame, pts90k: e.frame.pts90k + by90k } };
  return e;
}

function timeMs(e: MediaEvent): number {
  return (e.kind === 'video' ? e.au.dts90k : e.kind === 'audio' ? e.frame.pts90k : 0) / 90;
}

/** Pushes the media at its own pace, as an RTMP publisher sends it; `each` runs after every event. */
async function play(stream: LiveStream, media: readonly MediaEvent[], each: () => void = () => {}): Promise<void> {
  const startMs = performance.now() - timeMs(media[0] as MediaEvent);
  for (const e of media) {
    const wait = startMs + timeMs(e) - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const event = toStreamEvent(e);
    if (event) stream.push(event);
    each();
  }
}

function rtmpChannel(channelId: string): { stream: LiveStream; source: StreamRtpSource; errors: unknown[] } {
  const stream = t.hub.publish(channelId, 'rtmp');
  const errors: unknown[] = [];
  const source = new StreamRtpSource(stream, { onError: (error) => errors.push(error) });
  sources.push(source);
  t.sfu.addSource(source);
  return { stream, source, errors };
}

async function offer(): Promise<{ pc: RTCPeerConnection; sdp: string }> {
  const pc = clientPeer({ stunUrl: stun.url });
  peers.push(pc);
  const { sdp } = await completeOffer(pc, { video: true, audio: true }, 'recvonly');
  return { pc, sdp };
}

function postWhep(channel: string, sdp: string): Promise<Response> {
  return fetch(t.url(`/whep/${channel}`), {
    method: 'POST',
    headers: { 'Content-Type': 'application/sdp' },
    body: sdp,
  });
}

describe('WHEP on an RTMP stream', () => {
  it('starts no ffmpeg for a viewer that never does ICE; a connected viewer gets audio and video', async () => {
    const { stream, source, errors } = rtmpChannel('rtmpch');
    const configs = events.filter((e) => e.kind === 'video-config' || e.kind === 'audio-config');
    const media = events.filter((e) => e.kind === 'video' || e.kind === 'audio');
    for (const e of configs) stream.push(e);
    expect(ffmpegChildren()).toBe(0);

    // A POST whose client never does ICE: answered, then held until the connect timeout, while media flows.
    const silent = await offer();
    const res = await postWhep('rtmpch', silent.sdp);
    expect(res.status).toBe(201);
    await silent.pc.close();
    expect(t.sfu.subscriberCount('rtmpch')).toBe(1);
    let mostFfmpeg = 0;
    let mostListeners = 0;
    await play(stream, media, () => {
      mostFfmpeg = Math.max(mostFfmpeg, ffmpegChildren());
      const { video, audio } = source.listenerCounts;
      mostListeners = Math.max(mostListeners, video + audio);
    });
    expect(source.hasBFrames).toBe(true);
    expect(mostListeners).toBe(0);
    expect(mostFfmpeg).toBe(0);
    expect(source.audioTranscoderPid).toBeUndefined();
    await until(() => t.sfu.subscriberCount('rtmpch') === 0, {
      what: 'the silent viewer to be dropped',
      timeoutMs: 5000,
    });

    // A viewer that connects: the transcoders start for it, and audio and video arrive.
    const viewer = await offer();
    const got = { video: 0, audio: 0 };
    viewer.pc.onTrack.subscribe((track) =>
      track.onReceiveRtp.subscribe(() => {
        got[track.kind === 'video' ? 'video' : 'audio']++;
      }),
    );
    const answered = await postWhep('rtmpch', viewer.sdp);
    expect(answered.status).toBe(201);
    const resource = new URL(answered.headers.get('location') ?? '', t.url('/')).href;
    await viewer.pc.setRemoteDescription({ type: 'answer', sdp: await answered.text() });
    await until(() => viewer.pc.connectionState === 'connected', { what: 'the viewer to connect', timeoutMs: 5000 });
    await until(() => source.listenerCounts.video === 1, { what: 'the server to attach the viewer', timeoutMs: 5000 });
    const later = media.map((e) => shifted(e, SECONDS * 90_000));
    let sawFfmpeg = 0;
    await play(stream, later, () => {
      sawFfmpeg = Math.max(sawFfmpeg, ffmpegChildren());
    });
    await until(() => got.audio > 20 && got.video > 20, { what: 'audio and video at the viewer', timeoutMs: 8000 });
    // The AAC→Opus transcoder and the B-frame re-encoder.
    expect(sawFfmpeg).toBe(2);

    // The viewer leaves: both stop.
    expect((await fetch(resource, { method: 'DELETE' })).status).toBe(200);
    await until(() => ffmpegChildren() === 0, { what: 'ffmpeg to stop when nobody watches', timeoutMs: 5000 });
    expect(source.listenerCounts).toEqual({ video: 0, audio: 0 });
    expect(errors).toEqual([]);
  });

  it('drops a 2-byte SPS with one error report; viewers are answered, never 500', async () => {
    const { stream, source, errors } = rtmpChannel('badsps');
    const pps = Buffer.from([0x68, 0xce, 0x3c, 0x80]);
    const bad: StreamEvent = {
      kind: 'video-config',
      config: { codec: 'h264', sps: [Buffer.from([0x67, 0x42])], pps: [pps] },
    };
    stream.push(bad);
    stream.push(bad);
    expect(source.codecs.video).toBeUndefined();
    for (let i = 0; i < 2; i++) {
      const { sdp } = await offer();
      const res = await postWhep('badsps', sdp);
      expect(res.status).toBe(201);
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'INVALID_VIDEO_CONFIG' });
    expect(String((errors[0] as Error).message)).toMatch(/SPS/);

    // A valid config later is taken, and viewers negotiate its profile.
    const good = events.find((e) => e.kind === 'video-config');
    if (!good) throw new Error('the fixture has no video config');
    stream.push(good);
    expect(source.codecs.video?.sdpFmtpLine).toMatch(/profile-level-id=[0-9a-f]{6}/);
    const { sdp } = await offer();
    expect((await postWhep('badsps', sdp)).status).toBe(201);
  });
});
