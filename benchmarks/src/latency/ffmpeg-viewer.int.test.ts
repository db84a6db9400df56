import { requireTool, until } from '@glint/testkit';
import { startGlint } from '@glint/testkit/media-server';
import { describe, expect, it } from 'vitest';
import { startRtmpBroadcaster } from './broadcast/rtmp-broadcaster.ts';
import { startFfmpegViewer } from './ffmpeg-viewer.ts';
import { segmentsListed } from './playlist-probe.ts';

describe('ffmpeg viewer', () => {
  it('watches Glint’s LL-HLS and reads every frame’s band, latencies in a plausible range', async () => {
    requireTool('ffmpeg');
    const g = await startGlint(['bench']);
    const b = await startRtmpBroadcaster({ url: g.rtmp('bench'), profile: 'zerolatency' });
    // As the benchmark does: ffmpeg 5.1's HLS reader crashes (SIGSEGV) when it opens the stream while the video lists
    // a segment and the audio none yet, which a start at the wrong moment of a loaded machine met.
    const playlist = g.http('/live/bench/index.m3u8');
    await until(async () => (await segmentsListed(playlist)) >= 1, { what: 'a complete segment', timeoutMs: 15_000 });
    const viewer = startFfmpegViewer({ url: playlist, label: 'ffmpeg' });
    try {
      await until(() => viewer.report().frames.length >= 90, {
        what: '3 s of frames read by the viewer',
        timeoutMs: 15_000,
        detail: () => viewer.report().errors.join('; '),
      });
    } finally {
      await viewer.stop();
      await b.stop();
      await g.stop();
    }
    const report = viewer.report();
    expect(report.player).toBe('ffmpeg');
    expect(report.unreadable).toBe(0);
    expect(report.errors).toEqual([]);
    expect(report.firstFrameMs).toBeGreaterThan(0);
    const latencies = report.frames.map((f) => f.displayedMs - f.capturedMs).sort((a, b) => a - b);
    const p50 = latencies[Math.floor(latencies.length / 2)] ?? Number.NaN;
    console.log(`ffmpeg viewer on LL-HLS: ${latencies.length} frames, glass-to-glass p50 ${p50.toFixed(0)} ms`);
    for (const ms of latencies) {
      expect(ms).toBeGreaterThan(0);
      expect(ms).toBeLessThan(5000);
    }
    // Whole segments, in order, none lost: each frame follows the one before.
    const numbers = report.frames.map((f) => f.frame);
    expect(numbers.every((n, i) => i === 0 || n === ((numbers[i - 1] ?? 0) + 1) % 65536)).toBe(true);
    // Every frame it shows was captured by the broadcaster at the time the band says.
    const stamps = b.stamps();
    for (const f of report.frames)
      expect(Math.floor(stamps.get(f.frame)?.captured ?? 0)).toBe(Math.floor(f.capturedMs));
  }, 40_000);
});
