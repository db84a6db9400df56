/**
 * The whole packager on real encoder output, read back by parsers no one here wrote: ffprobe decodes every frame
 * of the concatenated segments, mp4box sees every sample with its timestamps and sync flags.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Fixture, interleave, makeFixture } from '@glint/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { LivePackager } from '../src/packager.ts';
import type { Rendition } from '../src/rendition.ts';
import { type CompletedSegment, segmentBytes } from '../src/storage/sink.ts';
import { readWithMp4box } from './mp4box-reader.ts';

let fixture: Fixture;
let packager: LivePackager;
const archived: CompletedSegment[] = [];

function feed(p: LivePackager, f: Fixture): void {
  for (const item of interleave(f.video, f.audio)) {
    if (item.kind === 'video') p.pushVideo(item.au);
    else p.pushAudio(item.frame);
  }
}

function wholeFile(r: Rendition): Buffer {
  const init = r.init?.bytes;
  if (!init) throw new Error('no init');
  const segments = archived.filter((s) => s.rendition === r.name).map((s) => segmentBytes(s));
  return Buffer.concat([init, ...segments]);
}

function ffprobe(file: string): { streams: Array<Record<string, string | number>>; stderr: string } {
  const out = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-count_frames',
      '-show_entries',
      'stream=codec_name,profile,nb_read_frames,width,height,sample_rate,channels:format=duration',
      '-of',
      'json',
      file,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const decode = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return {
    ...(JSON.parse(out.toString()) as { streams: Array<Record<string, string | number>> }),
    stderr: decode.toString(),
  };
}

beforeAll(() => {
  fixture = makeFixture({ seconds: 6, width: 1280, height: 720, videoKbps: 3000 });
  packager = new LivePackager({ sink: { onSegment: (s) => archived.push(s) } });
  packager.setAudioConfig(fixture.audioConfig);
  feed(packager, fixture);
  packager.end();
}, 60_000);

describe('packager output read by independent parsers', () => {
  it('ffprobe decodes every video frame, High profile H.264 at 1280x720, with no errors', () => {
    const video = packager.rendition('video');
    if (!video) throw new Error('no video');
    const file = join(fixture.dir, 'video.mp4');
    writeFileSync(file, wholeFile(video));
    const probe = ffprobe(file);
    expect(probe.streams[0]).toMatchObject({ codec_name: 'h264', profile: 'High', width: 1280, height: 720 });
    expect(Number(probe.streams[0]?.nb_read_frames)).toBe(fixture.video.length);
    expect(probe.stderr).toBe('');
  });

  it('ffprobe decodes every AAC frame', () => {
    const audio = packager.rendition('audio');
    if (!audio) throw new Error('no audio');
    const file = join(fixture.dir, 'audio.mp4');
    writeFileSync(file, wholeFile(audio));
    const probe = ffprobe(file);
    expect(probe.streams[0]).toMatchObject({ codec_name: 'aac', profile: 'LC', sample_rate: '48000', channels: 2 });
    expect(Number(probe.streams[0]?.nb_read_frames)).toBe(fixture.audio.length);
    expect(probe.stderr).toBe('');
  });

  it('mp4box sees every video sample with its decode and composition time (B-frames) and sync flag', () => {
    const video = packager.rendition('video');
    if (!video) throw new Error('no video');
    const read = readWithMp4box(wholeFile(video));
    expect(read.errors).toEqual([]);
    expect(read.info.tracks[0]?.codec).toMatch(/^avc1\.6400/);
    const samples = read.samples.get(1) ?? [];
    expect(samples.length).toBe(fixture.video.length);
    const t0 = fixture.video[0]?.dts90k ?? 0;
    samples.forEach((s, i) => {
      const au = fixture.video[i];
      expect([s.dts, s.cts, s.is_sync]).toEqual([(au?.dts90k ?? 0) - t0, (au?.pts90k ?? 0) - t0, au?.keyframe]);
    });
    expect(samples.some((s) => s.cts !== s.dts)).toBe(true);
  });

  it('cuts each segment at a keyframe near the 1 s target, parts at most 200 ms, first part independent', () => {
    const video = packager.rendition('video');
    if (!video) throw new Error('no video');
    const model = video.model([]);
    expect(model.segments.length).toBe(6);
    for (const segment of model.segments) expect(segment.durationSec).toBeCloseTo(1, 2);
    // Only the newest segments keep their parts (older ones are served whole); every one of those is checked.
    const withParts = model.segments.filter((s) => s.parts.length > 0);
    expect(withParts.length).toBeGreaterThanOrEqual(4);
    for (const segment of withParts) {
      expect(segment.parts[0]?.independent).toBe(true);
      for (const part of segment.parts) expect(part.durationSec).toBeLessThanOrEqual(0.2 + 1e-9);
    }
    expect(model.ended).toBe(true);
  });

  it('keeps audio segments aligned with video segments within one audio part', () => {
    const v = packager.rendition('video')?.model([]).segments ?? [];
    const a = packager.rendition('audio')?.model([]).segments ?? [];
    expect(a.length).toBe(v.length);
    let vEnd = 0;
    let aEnd = 0;
    for (let i = 0; i < v.length - 1; i++) {
      vEnd += v[i]?.durationSec ?? 0;
      aEnd += a[i]?.durationSec ?? 0;
      // An audio segment ends with the part the video boundary fell in: at most one part later than the video's,
      // give or take the tracks' start offset (up to a frame and 70 ms in this fixture).
      const slack = 1024 / 48000 + 0.07;
      expect(aEnd - vEnd).toBeGreaterThanOrEqual(-slack);
      expect(aEnd - vEnd).toBeLessThanOrEqual(0.2 + slack);
    }
  });
});

describe('restart and end', () => {
  it('continues the timeline after a discontinuity with a new segment flagged and no overlap', () => {
    const short = makeFixture({ seconds: 2 });
    const p = new LivePackager();
    p.setAudioConfig(short.audioConfig);
    feed(p, short);
    p.discontinuity();
    feed(p, short);
    p.end();
    const video = p.rendition('video');
    const model = video?.model([]);
    const flagged = model?.segments.filter((s) => s.discontinuity) ?? [];
    expect(flagged.length).toBe(1);
    expect(model?.segments.length).toBe(4);
    const read = readWithMp4box(
      Buffer.concat([
        video?.init?.bytes ?? new Uint8Array(),
        ...(model?.segments ?? []).map((s) => video?.segment(s.msn)?.bytes ?? new Uint8Array()),
      ]),
    );
    const dts = (read.samples.get(1) ?? []).map((s) => s.dts);
    for (let i = 1; i < dts.length; i++) expect(dts[i]).toBeGreaterThan(dts[i - 1] ?? 0);
  });
});
