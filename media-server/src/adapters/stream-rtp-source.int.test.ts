import { codec, type VideoAccessUnit } from '@glint/media-core';
import { until } from '@glint/testkit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { percentile } from '../../test/health-probe.ts';
import { flvEvents } from '../../test/webrtc-media.ts';
import type { MediaEvent } from '../protocols/flv/types.ts';
import { H264Depacketizer } from '../protocols/rtp/h264-depacketizer.ts';
import { parseRtpPacket } from '../protocols/rtp/packet.ts';
import { StreamHub } from '../stream/hub.ts';
import { profileLevelIdOf } from './stream-rtp/h264-config-keeper.ts';
import { StreamRtpSource } from './stream-rtp-source.ts';

function nalsOf(au: VideoAccessUnit): string[] {
  return codec.splitLengthPrefixed(au.data).map((n) => Buffer.from(n).toString('hex'));
}

function isParameterSet(hex: string): boolean {
  const type = Number.parseInt(hex.slice(0, 2), 16) & 0x1f;
  return type === 7 || type === 8;
}

describe('StreamRtpSource: RTMP stream → RTP', () => {
  let events: MediaEvent[];
  const sources: StreamRtpSource[] = [];

  beforeAll(async () => {
    events = await flvEvents(3);
  }, 30_000);

  afterEach(async () => {
    await Promise.all(sources.splice(0).map((s) => s.close()));
  });

  function newStream(bframes: 'auto' | 'passthrough' | 'reencode' = 'passthrough') {
    const hub = new StreamHub({
      onReaderError: (error) => {
        throw error;
      },
    });
    const stream = hub.publish('ch1', 'rtmp');
    const errors: unknown[] = [];
    const source = new StreamRtpSource(stream, { onError: (e) => errors.push(e), videoSsrc: 1234, bframes });
    sources.push(source);
    return { hub, stream, source, errors };
  }

  it('packetizes every access unit so the depacketized units equal the input, RTP timestamp = pts', () => {
    const { stream, source, errors } = newStream();
    const packets: Buffer[] = [];
    source.onRtp('video', (p) => packets.push(p));
    for (const e of events) if (e.kind !== 'metadata') stream.push(e);

    const input = events.flatMap((e) => (e.kind === 'video' ? [e.au] : []));
    const config = events.find((e) => e.kind === 'video-config');
    if (config?.kind !== 'video-config') throw new Error('no video config');
    const sps = config.config.sps[0]!;
    expect(source.codecs.video?.sdpFmtpLine).toBe(
      `level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=${profileLevelIdOf(sps)}`,
    );
    expect(profileLevelIdOf(sps)).toBe(Buffer.from(sps.subarray(1, 4)).toString('hex'));
    expect(source.codecs.audio).toMatchObject({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 });
    expect(source.hasBFrames).toBe(true);

    const headers = packets.map((p) => parseRtpPacket(p).header);
    expect(headers.every((h) => h.ssrc === 1234 && h.payloadType === 102)).toBe(true);
    for (let i = 1; i < headers.length; i++) {
      expect(headers[i]!.sequenceNumber).toBe((headers[i - 1]!.sequenceNumber + 1) & 0xffff);
    }
    const d = new H264Depacketizer({ format: 'avcc' });
    const out = packets.flatMap((p) => d.pushBytes(p).accessUnits);
    expect(out).toHaveLength(input.length);
    expect(out.map((a) => a.timestamp)).toEqual(input.map((au) => au.pts90k));
    expect(out.map((a) => a.keyframe)).toEqual(input.map((au) => au.keyframe));
    // Every IDR goes out behind the stream's SPS and PPS; apart from those, the units are the input's.
    for (const [i, au] of out.entries()) {
      const got = au.nals.map((n) => Buffer.from(n).toString('hex'));
      if (au.keyframe) {
        expect(got.slice(0, 2)).toEqual([
          Buffer.from(sps).toString('hex'),
          Buffer.from(config.config.pps[0]!).toString('hex'),
        ]);
      }
      expect(got.filter((h) => !isParameterSet(h))).toEqual(nalsOf(input[i]!).filter((h) => !isParameterSet(h)));
    }
    expect(errors).toEqual([]);
  });

  it('starts a listener added mid-GOP at once, with the GOP so far squeezed to end at the live frame', () => {
    const { stream, source } = newStream();
    const media = events.filter((e) => e.kind !== 'metadata');
    const videoAt = media.flatMap((e, i) => (e.kind === 'video' ? [{ i, au: e.au }] : []));
    const lastKey = videoAt.findLastIndex((v, n) => v.au.keyframe && n < videoAt.length - 5);
    const joinAt = videoAt[lastKey + 3];
    if (!joinAt) throw new Error('fixture too short');
    for (const e of media.slice(0, joinAt.i + 1)) stream.push(e);
    const check = (packets: readonly Buffer[], live: number) => {
      const d = new H264Depacketizer();
      const out = packets.flatMap((p) => d.pushBytes(p).accessUnits);
      // The keyframe and the two frames after it, all at once; the last at the live frame's own timestamp.
      expect(out.slice(0, 4).map((au) => au.keyframe)).toEqual([true, false, false, false]);
      expect(out.slice(0, 4).map((au) => au.timestamp)).toEqual([live - 3, live - 2, live - 1, live]);
      expect(d.droppedAccessUnits).toBe(0);
    };
    const first: Buffer[] = [];
    source.onRtp('video', (p) => first.push(p));
    check(first, joinAt.au.pts90k);
    // A second listener, a frame later: the fan-out's own GOP, squeezed the same way.
    const next = videoAt[lastKey + 4];
    if (!next) throw new Error('fixture too short');
    for (const e of media.slice(joinAt.i + 1, next.i + 1)) stream.push(e);
    const second: Buffer[] = [];
    source.onRtp('video', (p) => second.push(p));
    expect(second.length).toBeGreaterThan(0);
    const d = new H264Depacketizer();
    const out = second.flatMap((p) => d.pushBytes(p).accessUnits);
    expect(out[0]?.keyframe).toBe(true);
    expect(out.at(-1)?.timestamp).toBe(next.au.pts90k);
    source.requestKeyframe();
    expect(source.keyframeRequests).toBe(1);
  });

  it('re-encodes a stream with B-frames to constrained baseline without them, only while video is watched', async () => {
    const { stream, source, errors } = newStream('auto');
    const media = events.filter((e) => e.kind !== 'metadata');
    const d = new H264Depacketizer({ format: 'avcc' });
    const out: Array<ReturnType<H264Depacketizer['pushBytes']>['accessUnits'][number]> = [];
    let packetCount = 0;
    const stop = source.onRtp('video', (p) => {
      packetCount++;
      const r = d.pushBytes(p);
      out.push(...r.accessUnits);
    });
    const timeMs = (e: MediaEvent) => (e.kind === 'video' ? e.au.dts90k : e.kind === 'audio' ? e.frame.pts90k : 0) / 90;
    const start = performance.now();
    for (const e of media) {
      const wait = start + timeMs(e) - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      stream.push(e);
    }
    // B-frames are seen a few frames in; re-encoding starts at the next keyframe (1 s) and ffmpeg takes a moment.
    const isBaseline = (au: (typeof out)[number]) => au.sps.some((sps) => codec.parseSps(sps).profileIdc === 66);
    const reencoded = () => {
      const first = out.findIndex(isBaseline);
      return first < 0 ? [] : out.slice(first);
    };
    await until(() => out.some(isBaseline), { what: `a baseline keyframe (${packetCount} packets)`, timeoutMs: 8000 });
    await until(() => reencoded().length > 20, { what: '20 re-encoded access units', timeoutMs: 8000 });
    expect(source.hasBFrames).toBe(true);
    expect(source.codecs.video?.sdpFmtpLine).toContain('profile-level-id=42e01f');
    // No B-frames: RTP timestamps never go back.
    const ts = reencoded().map((a) => a.timestamp);
    for (let i = 1; i < ts.length; i++) expect(ts[i]!).toBeGreaterThanOrEqual(ts[i - 1]!);
    stop();
    await source.close();
    expect(errors).toEqual([]);
  }, 30_000);

  it('runs one ffmpeg for AAC→Opus only while audio is listened to; Opus RTP in 20 ms steps', async () => {
    const { stream, source, errors } = newStream();
    const media = events.filter((e) => e.kind !== 'metadata');
    // Configs first, then media in real time from its timestamps, as an RTMP publisher sends it.
    for (const e of media) if (e.kind === 'video-config' || e.kind === 'audio-config') stream.push(e);
    expect(source.audioTranscoderPid).toBeUndefined();

    const audio: Buffer[] = [];
    const arrivals: number[] = [];
    const stopListening = source.onRtp('audio', (p) => {
      audio.push(p);
      arrivals.push(performance.now());
    });
    const timeMs = (e: MediaEvent) => (e.kind === 'video' ? e.au.dts90k : e.kind === 'audio' ? e.frame.pts90k : 0) / 90;
    const start = performance.now();
    const rest = media.filter((e) => e.kind === 'video' || e.kind === 'audio');
    const half = Math.floor(rest.length / 2);
    for (const [i, e] of rest.entries()) {
      const wait = start + timeMs(e) - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      stream.push(e);
      if (i === half) await until(() => audio.length > 0, { what: 'the first Opus packet', timeoutMs: 3000 });
    }
    await until(() => audio.length >= 100, { what: 'Opus packets', timeoutMs: 3000 });
    const pid = source.audioTranscoderPid;
    expect(pid).toBeGreaterThan(0);

    const headers = audio.map((p) => parseRtpPacket(p).header);
    expect(headers.every((h) => h.payloadType === 111)).toBe(true);
    expect(new Set(headers.map((h) => h.ssrc)).size).toBe(1);
    for (let i = 1; i < headers.length; i++) {
      expect(headers[i]!.sequenceNumber).toBe((headers[i - 1]!.sequenceNumber + 1) & 0xffff);
      expect((headers[i]!.timestamp - headers[i - 1]!.timestamp) >>> 0).toBe(960);
    }
    // The first packet sits at the pts of the first AAC frame written (here 0 ms).
    const firstAac = rest.find((e) => e.kind === 'audio');
    expect(headers[0]!.timestamp).toBe(
      Math.round(((firstAac?.kind === 'audio' ? firstAac.frame.pts90k : 0) * 48) / 90),
    );
    // Opus TOC: config 16-19 is CELT 20 ms only when frame_duration is 20 (samples = 960).
    expect(audio.every((p) => codec.opusPacketSamples(parseRtpPacket(p).payload) === 960)).toBe(true);

    const latency = source.audioTranscodeLatency;
    // Steady state: leave out the first 0.5 s, when ffmpeg's start-up backlog drains.
    const per = (latency?.perPacketMs ?? []).slice(25);
    console.log(
      `AAC→Opus (ffmpeg libopus, lowdelay, 20 ms): first packet ${latency?.firstPacketMs?.toFixed(0)} ms after the ` +
        `first AAC frame written (includes ffmpeg start-up); steady state median ${percentile(per, 50).toFixed(1)} ms, ` +
        `p95 ${percentile(per, 95).toFixed(1)} ms, max ${Math.max(...per).toFixed(1)} ms over ${per.length} packets`,
    );

    stopListening();
    await source.whenAudioStopped();
    expect(source.audioTranscoderPid).toBeUndefined();
    expect(() => process.kill(pid!, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    expect(errors).toEqual([]);
    expect(arrivals.length).toBe(audio.length);
  }, 20_000);

  it('keeps Opus sequence numbers and timestamps monotonic across an ffmpeg restart, and stops it at stream end', async () => {
    const { hub, stream, source, errors } = newStream();
    const media = events.filter((e) => e.kind !== 'metadata');
    for (const e of media) if (e.kind === 'audio-config') stream.push(e);
    const frames = media.filter((e) => e.kind === 'audio');
    const audio: Buffer[] = [];
    const pushFrames = async (from: number, to: number) => {
      for (const e of frames.slice(from, to)) {
        stream.push(e);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const stop1 = source.onRtp('audio', (p) => audio.push(p));
    await pushFrames(0, 40);
    await until(() => audio.length > 5, { what: 'Opus packets from the first run', timeoutMs: 5000 });
    stop1();
    await source.whenAudioStopped();
    const firstRun = audio.length;
    source.onRtp('audio', (p) => audio.push(p));
    await pushFrames(40, 80);
    await until(() => audio.length > firstRun + 5, { what: 'Opus packets from the second run', timeoutMs: 5000 });
    const pid = source.audioTranscoderPid;
    const headers = audio.map((p) => parseRtpPacket(p).header);
    for (let i = 1; i < headers.length; i++) {
      expect(headers[i]!.sequenceNumber).toBe((headers[i - 1]!.sequenceNumber + 1) & 0xffff);
      expect(headers[i]!.timestamp).toBeGreaterThan(headers[i - 1]!.timestamp);
    }
    let closed = false;
    source.onClose(() => {
      closed = true;
    });
    hub.end(stream, 'unpublish');
    expect(closed).toBe(true);
    await source.close();
    expect(() => process.kill(pid!, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    expect(errors).toEqual([]);
  }, 20_000);
});
