import { codec } from '@glint/media-core';
import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../stream/types.ts';
import { HEALTH_WINDOW_SEC, StreamHealthMeter } from './stream-health-meter.ts';

const FRAME_90K = 3000; // 30 fps

function video(dts90k: number, keyframe: boolean, bytes = 4000): StreamEvent {
  return {
    kind: 'video',
    au: { data: new Uint8Array(bytes), format: 'avcc', pts90k: dts90k, dts90k, keyframe },
  };
}

function audio(bytes = 300): StreamEvent {
  return { kind: 'audio', frame: { data: new Uint8Array(bytes), pts90k: 0 } };
}

/** Feeds `seconds` of 30 fps video (a keyframe every `gop` frames) and 50 audio frames a second, from `startMs`. */
function feed(meter: StreamHealthMeter, startMs: number, seconds: number, gop = 30, skip = new Set<number>()) {
  for (let i = 0; i < seconds * 30; i++) {
    const atMs = startMs + Math.floor((i * 1000) / 30);
    if (!skip.has(i)) meter.push(video(i * FRAME_90K, i % gop === 0), atMs);
    if (i % 3 === 0) {
      meter.push(audio(), atMs);
      meter.push(audio(), atMs + 10);
    }
  }
}

describe('StreamHealthMeter', () => {
  it('measures nothing before one whole second has passed after the first, nor a GOP before two keyframes', () => {
    const meter = new StreamHealthMeter('rtmp', 10_500);
    feed(meter, 10_500, 1);
    const health = meter.snapshot(11_900);
    expect(health).toMatchObject({ measuredSec: 0, bitrateKbps: null, fps: null, keyframeIntervalSec: null });
    expect(health.videoFrames).toBe(30);
  });

  it('gives the rates over the last whole seconds: 30 fps, bytes as kbit/s, the GOP length, no drops', () => {
    const meter = new StreamHealthMeter('rtmp', 20_000);
    feed(meter, 20_000, 10, 60);
    const health = meter.snapshot(30_000);
    expect(health.measuredSec).toBe(HEALTH_WINDOW_SEC);
    expect(health.fps).toBe(30);
    // 30 × 4000 B of video and 20 × 300 B of audio a second.
    expect(health.videoKbps).toBe(960);
    expect(health.audioKbps).toBe(48);
    expect(health.bitrateKbps).toBe(1008);
    expect(health.keyframeIntervalSec).toBe(2);
    expect(health.nominalFps).toBe(30);
    expect(health.droppedFrames).toBe(0);
    expect(health.uptimeSec).toBe(10);
    expect(health.lastMediaAgoMs).toBe(34); // the last frame came at 29 966 ms
  });

  it('counts the frames missing from the decode timeline', () => {
    const meter = new StreamHealthMeter('rtmp', 0);
    // Frame 40 missing (one), frames 70 to 72 (three), 200 (one).
    feed(meter, 0, 10, 30, new Set([40, 70, 71, 72, 200]));
    const health = meter.snapshot(10_000);
    expect(health.droppedFrames).toBe(5);
    expect(health.videoFrames).toBe(295);
  });

  it('reads a stalled encoder as 0 fps and no bitrate over the quiet seconds', () => {
    const meter = new StreamHealthMeter('whip', 0);
    feed(meter, 0, 3);
    const health = meter.snapshot(3000 + HEALTH_WINDOW_SEC * 1000 + 500);
    expect(health).toMatchObject({ fps: 0, bitrateKbps: 0, measuredSec: HEALTH_WINDOW_SEC, source: 'whip' });
    expect(health.lastMediaAgoMs).toBeGreaterThan(HEALTH_WINDOW_SEC * 1000);
  });

  it('does not count a timeline that jumps (a new encoder session) as dropped frames', () => {
    const meter = new StreamHealthMeter('rtmp', 0);
    for (let i = 0; i < 30; i++) meter.push(video(i * FRAME_90K, i === 0), i * 33);
    meter.push(video(5_000_000, true), 1000); // ~55 s later in media time
    for (let i = 1; i < 30; i++) meter.push(video(5_000_000 + i * FRAME_90K, false), 1000 + i * 33);
    meter.push(video(0, true), 2000); // backwards
    expect(meter.snapshot(3000).droppedFrames).toBe(0);
  });

  it('shows the resolution and codecs from the configs', () => {
    const meter = new StreamHealthMeter('rtmp', 0);
    // A 640x360 High profile SPS (ffmpeg's libx264) and AAC-LC 48 kHz stereo.
    const sps = Uint8Array.from(Buffer.from('6764001eacd940a02ff970110000030001000003003c0f162d96', 'hex'));
    meter.push({ kind: 'video-config', config: { codec: 'h264', sps: [sps], pps: [] } }, 0);
    meter.push({ kind: 'audio-config', config: { codec: 'aac', asc: codec.buildAudioSpecificConfig(2, 3, 2) } }, 0);
    const health = meter.snapshot(0);
    expect(health.video).toEqual({ codec: 'avc1.64001e', width: 640, height: 360 });
    expect(health.audio).toEqual({ codec: 'mp4a.40.2', channels: 2, sampleRate: 48_000 });
  });

  it('shows an unreadable SPS as a video of unknown size rather than failing', () => {
    const meter = new StreamHealthMeter('rtmp', 0);
    meter.push({ kind: 'video-config', config: { codec: 'h264', sps: [Uint8Array.of(0x67, 1)], pps: [] } }, 0);
    expect(meter.snapshot(0).video).toEqual({ codec: 'avc1', width: 0, height: 0 });
  });
});
