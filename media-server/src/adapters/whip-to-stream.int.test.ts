import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LivePackager, type Rendition } from '@glint/llhls-packager';
import { codec } from '@glint/media-core';
import { FakeRtpSource, requireTool, until } from '@glint/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeH264AccessUnits, isIdr } from '../../test/rtp-h264.ts';
import { captureOpusRtp } from '../../test/webrtc-media.ts';
import { packetizeH264, RtpSequencer } from '../protocols/rtp/h264-packetizer.ts';
import { OPUS_RTP_CODEC } from '../protocols/rtp/opus.ts';
import { parseRtpPacket } from '../protocols/rtp/packet.ts';
import { StreamHub } from '../stream/hub.ts';
import type { StreamEvent } from '../stream/types.ts';
import type { WebRtcBridgeError } from '../transcode/errors.ts';
import { whipToStream } from './whip-to-stream.ts';

const run = promisify(execFile);
const H264 = {
  mimeType: 'video/H264',
  clockRate: 90_000,
  sdpFmtpLine: 'level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f',
};
/** A WHIP publisher's clocks start anywhere; these wrap within the test. */
const VIDEO_TS0 = 0xffff_0000;
const AUDIO_TS0 = 0xffff_f000;

interface Timed {
  readonly kind: 'video' | 'audio';
  readonly mediaMs: number;
  readonly packet: Buffer;
}

describe('whipToStream: WebRTC RTP → live stream → LL-HLS', () => {
  let timed: Timed[];
  let aus: Uint8Array[][];
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'glint-whip-'));
    let opus: Buffer[];
    [aus, opus] = await Promise.all([encodeH264AccessUnits(3, '640x360'), captureOpusRtp(3)]);
    const seq = new RtpSequencer({ ssrc: 7, payloadType: 102 });
    const video = aus.flatMap((au, i) =>
      seq
        .serialize(packetizeH264(au), VIDEO_TS0 + i * 3000)
        .map((packet) => ({ kind: 'video' as const, mediaMs: (i * 1000) / 30, packet })),
    );
    const first = parseRtpPacket(opus[0]!).header.timestamp;
    const audio = opus.map((packet) => {
      const h = parseRtpPacket(packet).header;
      // Move ffmpeg's random timestamp base to one that wraps, keeping the steps.
      const ts = (AUDIO_TS0 + ((h.timestamp - first) >>> 0)) >>> 0;
      packet.writeUInt32BE(ts, 4);
      return { kind: 'audio' as const, mediaMs: ((h.timestamp - first) >>> 0) / 48, packet };
    });
    timed = [...video, ...audio].sort((a, b) => a.mediaMs - b.mediaMs);
  }, 30_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function setup(keyframeIntervalMs = 60_000) {
    const hub = new StreamHub({
      onReaderError: (error) => {
        throw error;
      },
    });
    const stream = hub.publish('live1', 'whip');
    const events: StreamEvent[] = [];
    stream.attach({ onEvent: (e) => events.push(e), onEnd: () => {} });
    const source = new FakeRtpSource('live1', { video: H264, audio: OPUS_RTP_CODEC });
    let nowMs = 1_000_000;
    let ended = false;
    const errors: unknown[] = [];
    const bridge = whipToStream(source, stream, {
      clock: () => nowMs,
      keyframeIntervalMs,
      onSourceClose: () => {
        ended = true;
        hub.end(stream, 'disconnect');
      },
      onError: (e) => errors.push(e),
    });
    const feed = (items: readonly Timed[]) => {
      for (const t of items) {
        nowMs = 1_000_000 + t.mediaMs;
        source.emit(t.kind, t.packet);
      }
    };
    return { hub, stream, events, source, bridge, feed, errors, isEnded: () => ended };
  }

  it('pushes configs once, AUs with pts = dts from the unwrapped RTP clock, and Opus frames in 48k→90k steps', () => {
    const { events, feed, errors, bridge, source, isEnded } = setup();
    feed(timed);
    expect(events.filter((e) => e.kind === 'video-config')).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'audio-config')).toEqual([
      { kind: 'audio-config', config: { codec: 'opus', channels: 2 } },
    ]);
    const video = events.flatMap((e) => (e.kind === 'video' ? [e.au] : []));
    const audio = events.flatMap((e) => (e.kind === 'audio' ? [e.frame] : []));
    expect(video).toHaveLength(90);
    expect(video.map((au) => au.pts90k)).toEqual(video.map((_, i) => i * 3000));
    expect(video.every((au) => au.dts90k === au.pts90k && au.format === 'avcc')).toBe(true);
    expect(video.filter((au) => au.keyframe)).toHaveLength(3);
    expect(audio.length).toBeGreaterThan(140);
    expect(audio.map((f) => f.pts90k)).toEqual(audio.map((_, i) => i * 1800));
    expect(errors).toEqual([]);
    // The depacketizer needs the first IDR: one request on the first packet, none after.
    expect(bridge.stats.keyframeRequests).toBe(1);
    expect(source.keyframeRequests).toBe(1);
    source.close();
    expect(isEnded()).toBe(true);
    expect(source.listenerCount('video') + source.listenerCount('audio')).toBe(0);
  });

  it('aligns a track that starts later by its arrival time', () => {
    const { events, feed } = setup();
    // Audio starts 500 ms after video on the wall clock; its RTP clock knows nothing of video's.
    feed(timed.filter((t) => t.kind === 'video' || t.mediaMs >= 500));
    const firstAudio = events.find((e) => e.kind === 'audio');
    expect(firstAudio?.kind === 'audio' && firstAudio.frame.pts90k).toBe(500 * 90);
  });

  it('drops what a lost packet broke, asks for a keyframe, and resumes at the next IDR', () => {
    const { events, feed, bridge, source } = setup();
    const videoPackets = timed.filter((t) => t.kind === 'video');
    const lose = videoPackets.findIndex((t) => t.mediaMs > 400);
    feed(timed.filter((t) => t !== videoPackets[lose]));
    const video = events.flatMap((e) => (e.kind === 'video' ? [e.au] : []));
    expect(video.length).toBeLessThan(90);
    expect(bridge.stats.lostVideoPackets).toBe(1);
    expect(source.keyframeRequests).toBeGreaterThanOrEqual(2);
    // Frames after the loss resume with an IDR.
    const resumed = video.find((au) => au.pts90k > 450 * 90);
    expect(resumed?.keyframe).toBe(true);
  });

  it('asks for a keyframe at every segment target, and reports garbage without breaking', async () => {
    const { source, bridge, errors, feed, events } = setup(30);
    await until(() => source.keyframeRequests >= 3, { what: 'periodic keyframe requests', timeoutMs: 2000 });
    source.emit('video', Buffer.from([1, 2, 3]));
    source.emit('audio', Buffer.from([0x80, 111, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]));
    expect(errors.map((e) => (e as { code: string }).code)).toEqual(['TRUNCATED_PACKET', 'EMPTY_PAYLOAD']);
    feed(timed.slice(0, 40));
    expect(events.some((e) => e.kind === 'video')).toBe(true);
    bridge.stop();
    const before = source.keyframeRequests;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(source.keyframeRequests).toBe(before);
  });

  /** Video only, from a fresh sequencer: access units (by NAL units) at 30 fps from `firstMs`. */
  function videoRun(seq: RtpSequencer, units: readonly Uint8Array[][], firstIndex: number): Timed[] {
    return units.flatMap((au, k) => {
      const i = firstIndex + k;
      const packets = seq.serialize(packetizeH264(au), VIDEO_TS0 + i * 3000);
      return packets.map((packet) => ({ kind: 'video' as const, mediaMs: (i * 1000) / 30, packet }));
    });
  }

  /** 400 NAL units of one byte each in one STAP-A. */
  const TINY_NAL_STAP_A = Uint8Array.of(0x78, ...Array.from({ length: 400 }, () => [0, 1, 0x41]).flat());
  const withSps = (au: readonly Uint8Array[], sps: Uint8Array) =>
    au.map((nal) => (codec.nalType(nal) === codec.NalType.SPS ? sps : nal));
  const codes = (errors: unknown[]) => errors.map((e) => `${(e as WebRtcBridgeError).code}: ${(e as Error).message}`);

  it('refuses a 2-byte SPS: no config and no access unit reach the stream until a good keyframe', () => {
    const { events, feed, errors, bridge } = setup();
    const seq = new RtpSequencer({ ssrc: 9, payloadType: 102, initialSequence: 100 });
    expect(isIdr(aus[0]!) && isIdr(aus[30]!)).toBe(true);
    feed(videoRun(seq, [withSps(aus[0]!, Uint8Array.of(0x67, 0x42)), ...aus.slice(1, 30)], 0));
    expect(events.filter((e) => e.kind === 'video-config' || e.kind === 'video')).toEqual([]);
    expect(codes(errors)).toEqual([
      "INVALID_VIDEO_CONFIG: the publisher's SPS 0 is invalid (SPS of 2 bytes is too short); " +
        'its keyframe is dropped and another one requested',
    ]);
    expect(bridge.stats.droppedAccessUnits).toBe(30);
    feed(videoRun(seq, aus.slice(30), 30));
    expect(events.filter((e) => e.kind === 'video-config')).toHaveLength(1);
    expect(events.filter((e) => e.kind === 'video')).toHaveLength(aus.length - 30);
  });

  it('drops a keyframe whose new SPS is invalid and the frames that depend on it, asking for another', () => {
    const { events, feed, errors, bridge, source } = setup();
    const seq = new RtpSequencer({ ssrc: 9, payloadType: 102, initialSequence: 65000 });
    feed(videoRun(seq, aus.slice(0, 30), 0));
    const requestsBefore = source.keyframeRequests;
    const sps = aus[30]!.find((n) => codec.nalType(n) === codec.NalType.SPS)!;
    feed(videoRun(seq, [withSps(aus[30]!, sps.subarray(0, 6)), ...aus.slice(31, 60)], 30));
    expect(source.keyframeRequests).toBeGreaterThan(requestsBefore);
    expect(codes(errors)).toEqual([expect.stringMatching(/^INVALID_VIDEO_CONFIG: .*bitstream truncated/)]);
    feed(videoRun(seq, aus.slice(60), 60));
    const video = events.flatMap((e) => (e.kind === 'video' ? [e.au] : []));
    expect(video).toHaveLength(aus.length - 30);
    expect(video[30]?.keyframe).toBe(true);
    expect(video[30]?.pts90k).toBe(60 * 3000);
    expect(events.filter((e) => e.kind === 'video-config')).toHaveLength(1);
    expect(bridge.stats.droppedAccessUnits).toBe(30);
  });

  it.each([
    [
      'a marker-less access unit of 1.6 million 1-byte NAL units in STAP-A',
      () => TINY_NAL_STAP_A,
      'TOO_MANY_NALS: access unit holds more than 1024 NAL units',
    ],
    [
      'an FU-A NAL unit that never ends (4.8 MB)',
      (i: number) => Uint8Array.of(0x7c, i === 0 ? 0x85 : 0x05, ...new Uint8Array(1200)),
      'ACCESS_UNIT_TOO_LARGE: access unit grows past the 4194304-byte limit',
    ],
  ])('drops %s, asks for a keyframe, and resumes at the next one', (_what, payload, error) => {
    const { events, feed, errors, bridge, source } = setup();
    const seq = new RtpSequencer({ ssrc: 9, payloadType: 102, initialSequence: 1 });
    feed(videoRun(seq, aus.slice(0, 15), 0));
    const requestsBefore = source.keyframeRequests;
    const flood = Array.from({ length: 4000 }, (_, i) => ({
      kind: 'video' as const,
      mediaMs: 600,
      packet: seq.serialize([{ payload: payload(i), marker: false }], VIDEO_TS0 + 18 * 3000)[0]!,
    }));
    feed(flood);
    expect(codes(errors)).toEqual([expect.stringContaining(error)]);
    expect(source.keyframeRequests).toBe(requestsBefore + 1);
    feed(videoRun(seq, aus.slice(30, 45), 30));
    const video = events.flatMap((e) => (e.kind === 'video' ? [e.au] : []));
    expect(video).toHaveLength(30);
    expect(video[15]).toMatchObject({ keyframe: true, pts90k: 30 * 3000 });
    expect(bridge.stats.droppedAccessUnits).toBe(1);
  });

  it('feeds an LL-HLS packager whose init and parts ffprobe reads as H.264 and Opus', async () => {
    const { events, feed } = setup();
    feed(timed);
    const packager = new LivePackager();
    for (const e of events) {
      if (e.kind === 'video-config') packager.setVideoConfig(e.config);
      else if (e.kind === 'audio-config') packager.setAudioConfig(e.config);
      else if (e.kind === 'video') packager.pushVideo(e.au);
      else if (e.kind === 'audio') packager.pushAudio(e.frame);
    }
    packager.end();
    const probe = async (rendition: Rendition) => {
      const parts: Uint8Array[] = [];
      for (let id = 0; id < rendition.nextPartId; id++) {
        const part = rendition.part(id);
        if (part) parts.push(part.bytes);
      }
      expect(parts.length).toBeGreaterThan(5);
      const path = join(dir, `${rendition.name}.mp4`);
      writeFileSync(path, Buffer.concat([rendition.init!.bytes, ...parts]));
      const { stdout } = await run(requireTool('ffprobe'), [
        ...['-v', 'error', '-show_entries', 'stream=codec_name,channels:format=duration', '-of', 'json', path],
      ]);
      return JSON.parse(stdout) as {
        streams: { codec_name: string; channels?: number }[];
        format: { duration: string };
      };
    };
    const [video, audio] = packager.renditions.sort((a) => (a.kind === 'video' ? -1 : 1));
    const v = await probe(video!);
    const a = await probe(audio!);
    expect(v.streams[0]?.codec_name).toBe('h264');
    expect(a.streams[0]?.codec_name).toBe('opus');
    expect(a.streams[0]?.channels).toBe(2);
    expect(Number(v.format.duration)).toBeGreaterThan(2.5);
    expect(Number(a.format.duration)).toBeGreaterThan(2.5);
  }, 20_000);
});
