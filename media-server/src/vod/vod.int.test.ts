/**
 * Archival through the whole server: ffmpeg publishes over RTMP, every completed segment of every rendition lands in
 * the data folder under the platform broadcast's id, indexed with its size and SHA-256, and ffprobe decodes each one
 * behind its init segment.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ffprobe, makeTempDir, requireTool, type TempDir, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publish } from '../../test/rtmp-server.ts';

describe('VOD archival of a live broadcast', () => {
  let data: TempDir;
  let t: TestGlint;

  beforeAll(async () => {
    requireTool('ffmpeg');
    requireTool('ffprobe');
    data = makeTempDir('vod-data');
    t = await startGlint(['alice'], { dataDir: data.path, reconnectGraceMs: 300 });
  }, 30_000);
  afterAll(async () => {
    await t?.stop();
    data?.remove();
  });

  it('archives every segment of video and audio while live; each is intact and decodable', async () => {
    const encoder = publish(t.glint.rtmpPort, `live/${t.keys.alice}`, 5, true);
    const broadcastId = await until(() => t.glint.platform.broadcasts.onAir('alice')?.broadcastId, {
      what: 'the broadcast to start',
      timeoutMs: 15_000,
    });
    // Archived while on air (the DVR reads these).
    await until(async () => (await t.glint.platform.vods.segments(broadcastId, 'video')).length >= 2, {
      what: 'two video segments archived during the broadcast',
      timeoutMs: 15_000,
    });
    expect(t.glint.platform.broadcasts.onAir('alice')?.broadcastId).toBe(broadcastId);
    const { code } = await encoder.exit;
    expect(code).toBe(0);
    await until(() => t.glint.platform.broadcasts.onAir('alice') === undefined, {
      what: 'the broadcast to end',
      timeoutMs: 15_000,
    });
    await t.glint.vod.drained();

    const renditions = await t.glint.platform.vods.renditions(broadcastId);
    expect(renditions.map((r) => [r.rendition, r.kind, r.codec.slice(0, 4)])).toEqual([
      ['audio', 'audio', 'mp4a'],
      ['video', 'video', 'avc1'],
    ]);
    expect(renditions[1]).toMatchObject({ width: 320, height: 240 });
    const scratch = makeTempDir('vod-probe');
    try {
      for (const rendition of ['video', 'audio']) {
        const segments = await t.glint.platform.vods.segments(broadcastId, rendition);
        // 5 s at a 1 s segment target.
        expect(segments.length).toBeGreaterThanOrEqual(3);
        expect(segments.map((s) => s.seq)).toEqual(segments.map((_, i) => i));
        let start = 0;
        for (const s of segments) {
          expect(s.startUs).toBe(start);
          start += s.durationUs;
          expect(s.key).toBe(`vod/${broadcastId}/${rendition}/${s.seq}.m4s`);
          const bytes = readFileSync(join(data.path, s.key));
          expect(bytes.length).toBe(s.bytes);
          expect(createHash('sha256').update(bytes).digest('hex')).toBe(s.sha256);
          const file = scratch.file(`${rendition}-${s.seq}.mp4`);
          writeFileSync(file, Buffer.concat([readFileSync(join(data.path, s.initKey)), bytes]));
          // Decodes every frame: the count is read by decoding, and a broken frame is an error line.
          const probe = ffprobe(['-count_frames', '-show_entries', 'stream=codec_type,nb_read_frames', file]);
          const streams = (probe.json as { streams: { codec_type: string; nb_read_frames: string }[] }).streams;
          expect(streams.map((x) => x.codec_type)).toEqual([rendition]);
          expect(Number(streams[0]?.nb_read_frames), file).toBeGreaterThan(0);
          expect(probe.stderr, file).toBe('');
        }
        const seconds = start / 1e6;
        expect(seconds).toBeGreaterThan(3);
        expect(seconds).toBeLessThan(7);
      }
    } finally {
      scratch.remove();
    }
    expect(t.glint.vod.stats).toMatchObject({ queuedBytes: 0, skippedSegments: 0, failedWrites: 0, lastError: null });
    const metrics = await (await fetch(t.http('/metrics'))).text();
    expect(metrics).toMatch(/^glint_archive_segments_total [1-9]\d*$/m);
    expect(metrics).toMatch(/^glint_archive_queued_bytes 0$/m);
    expect(metrics).toMatch(/^glint_archive_failed_writes_total 0$/m);
    const summary = await t.glint.platform.vods.summary(broadcastId);
    expect(summary).toMatchObject({ state: 'ready', channel: 'alice' });
  }, 60_000);
});
