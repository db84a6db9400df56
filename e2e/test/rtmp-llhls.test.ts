/**
 * RTMP in, LL-HLS out, end to end: real ffmpeg publishes to our RTMP ingest, ffprobe and hls.js in Chromium read what
 * the HTTP server serves. Bad publishers are refused or dropped while the good stream keeps playing.
 */
import { mkdtempSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium, type Publisher, publish, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffprobe, mediaPlaylist, multivariant, saveRendition } from '../support/llhls-client.ts';
import { PackagerTimeline } from '../support/llhls-timeline.ts';
import { describePlayback, installProbe, observePlayback } from '../support/player-probe.ts';
import { describeVerdicts, judgeStalls, paceToleranceSec } from '../support/stall-judge.ts';

let t: TestGlint;
let main: Publisher;
let browser: Browser | undefined;
const dir = mkdtempSync(join(tmpdir(), 'glint-e2e-'));
const publishers: Publisher[] = [];

function track(p: Publisher): Publisher {
  publishers.push(p);
  return p;
}

async function partsSoFar(channel: string): Promise<number> {
  const playlist = await mediaPlaylist(t.http(`/live/${channel}/video/index.m3u8`));
  const hint = playlist.segments.flatMap((s) => s.parts).find((p) => p.hint);
  return Number(/p(\d+)\.m4s/.exec(hint?.uri ?? '')?.[1] ?? -1);
}

beforeAll(async () => {
  t = await startGlint(['demo', 'again', 'videoonly', 'audioonly', 'badcodec', 'stalls'], {
    reconnectGraceMs: 4000,
    rtmpIdleTimeoutMs: 2000,
  });
  main = track(publish(t.rtmp('demo')));
  await until(
    async () => {
      const res = await fetch(t.http('/live/demo/video/index.m3u8'));
      return res.ok ? true : undefined;
    },
    { what: 'the demo channel to have parts', timeoutMs: 15_000 },
  );
}, 60_000);

afterAll(async () => {
  for (const p of publishers) p.kill('SIGKILL');
  await browser?.close();
  await t?.stop();
});

describe('RTMP → LL-HLS', () => {
  it('serves a multivariant playlist with the real codecs and a shared audio group', async () => {
    const mv = await multivariant(t.http('/live/demo/index.m3u8'));
    const variant = mv.variants[0];
    expect(variant?.codecs).toMatch(/^avc1\.6400[0-9a-f]{2},mp4a\.40\.2$/);
    expect(variant?.resolution).toEqual({ width: 640, height: 360 });
    expect(variant?.audio[0]?.uri).toBe('audio/index.m3u8');
  });

  it('ffprobe decodes the published segments with the right codecs and durations, no errors', async () => {
    await until(
      async () => {
        const p = await mediaPlaylist(t.http('/live/demo/video/index.m3u8'));
        return p.segments.filter((s) => s.uri).length >= 4 ? true : undefined;
      },
      { what: '4 complete segments', timeoutMs: 15_000 },
    );
    const video = await saveRendition(t.http('/live/demo/video/index.m3u8'), join(dir, 'video.mp4'));
    const audio = await saveRendition(t.http('/live/demo/audio/index.m3u8'), join(dir, 'audio.mp4'));
    const v = await ffprobe(join(dir, 'video.mp4'));
    const a = await ffprobe(join(dir, 'audio.mp4'));
    expect(v.errors).toBe('');
    expect(a.errors).toBe('');
    expect(v.streams[0]).toMatchObject({ codec_name: 'h264', profile: 'High' });
    expect(a.streams[0]).toMatchObject({ codec_name: 'aac', profile: 'LC' });
    // 30 fps: the frames decoded match the playlist's durations.
    expect(Number(v.streams[0]?.nb_read_frames)).toBeCloseTo(video.durationSec * 30, -1);
    expect(Number(v.streams[0]?.duration)).toBeCloseTo(video.durationSec, 0);
    expect(Number(a.streams[0]?.duration)).toBeCloseTo(audio.durationSec, 0);
    // ffmpeg's own HLS reader opens the live multivariant playlist too.
    const probe = await ffprobe(t.http('/live/demo/index.m3u8'), { countFrames: false });
    expect(probe.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
  });

  it('refuses a wrong stream key at publish time, never logs it, and the live stream keeps going', async () => {
    const before = await partsSoFar('demo');
    const bad = track(publish(t.rtmp('demo', 'live_demo_wrongkey123'), { seconds: 3 }));
    expect(await bad.exited).not.toBe(0);
    expect(bad.stderr()).toMatch(/unknown stream key/);
    expect(t.logs.some((l) => l.includes('wrongkey123'))).toBe(false);
    expect(t.logs.some((l) => l.includes('BAD_STREAM_KEY'))).toBe(true);
    await until(async () => ((await partsSoFar('demo')) > before + 3 ? true : undefined), {
      what: 'new parts on the live stream',
      timeoutMs: 15_000,
    });
  });

  it('refuses a second publisher on a live key; the first keeps streaming', async () => {
    const before = await partsSoFar('demo');
    const second = track(publish(t.rtmp('demo'), { seconds: 3 }));
    expect(await second.exited).not.toBe(0);
    expect(second.stderr()).toMatch(/already live/);
    await until(async () => ((await partsSoFar('demo')) > before + 3 ? true : undefined), {
      what: 'new parts from the first publisher',
      timeoutMs: 15_000,
    });
    expect(main.process.exitCode).toBeNull();
  });

  it('closes sockets that send garbage or a truncated handshake; the live stream keeps going', async () => {
    const before = await partsSoFar('demo');
    const send = (bytes: Buffer) =>
      new Promise<void>((resolve) => {
        const socket = connect(t.glint.rtmpPort, '127.0.0.1', () => socket.end(bytes));
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
        socket.resume();
      });
    await send(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await send(
      Buffer.concat([
        Buffer.from([3]),
        Buffer.alloc(1536, 7),
        Buffer.alloc(1536, 1),
        Buffer.from([2, 0, 0, 0, 0, 0, 13, 20, 0, 0, 0, 0, 2, 0]),
      ]),
    );
    await send(Buffer.alloc(5000, 0xff));
    await until(async () => ((await partsSoFar('demo')) > before + 3 ? true : undefined), {
      what: 'new parts after the garbage',
      timeoutMs: 15_000,
    });
    const health = await (await fetch(t.http('/healthz'))).json();
    expect(health).toMatchObject({ status: 'ok', liveStreams: 1 });
  });

  it('refuses an unsupported codec with a message naming it', async () => {
    const flv1 = track(publish(t.rtmp('badcodec'), { video: 'flv1', audio: false, seconds: 3 }));
    await flv1.exited;
    await until(() => (t.logs.some((l) => /Sorenson H\.263/i.test(l)) ? true : undefined), {
      what: 'a log line naming the codec',
      timeoutMs: 15_000,
    });
    expect(t.glint.hub.isLive('badcodec')).toBe(false);
  });

  it('plays what a stream has: video only, or audio only', async () => {
    const v = track(publish(t.rtmp('videoonly'), { audio: false }));
    const a = track(publish(t.rtmp('audioonly'), { video: false }));
    const vm = await until(
      async () => {
        const res = await fetch(t.http('/live/videoonly/index.m3u8'));
        return res.ok ? multivariant(t.http('/live/videoonly/index.m3u8')) : undefined;
      },
      { what: 'video-only multivariant', timeoutMs: 15_000 },
    );
    expect(vm.variants[0]?.codecs).toMatch(/^avc1\.[0-9a-f]{6}$/);
    expect(vm.variants[0]?.audio).toEqual([]);
    const am = await until(
      async () => {
        const res = await fetch(t.http('/live/audioonly/index.m3u8'));
        return res.ok ? multivariant(t.http('/live/audioonly/index.m3u8')) : undefined;
      },
      { what: 'audio-only multivariant', timeoutMs: 15_000 },
    );
    expect(am.variants[0]?.codecs).toBe('mp4a.40.2');
    expect(am.variants[0]?.uri).toBe('audio/index.m3u8');
    v.kill('SIGKILL');
    a.kill('SIGKILL');
  });

  it('continues after EXT-X-DISCONTINUITY when the publisher reconnects within the grace period, ENDLIST after it', async () => {
    const first = track(publish(t.rtmp('again')));
    await until(
      async () => {
        const res = await fetch(t.http('/live/again/video/index.m3u8'));
        if (!res.ok) return undefined;
        return (
          (await mediaPlaylist(t.http('/live/again/video/index.m3u8'))).segments.filter((s) => s.uri).length >= 2 ||
          undefined
        );
      },
      { what: '2 segments', timeoutMs: 15_000 },
    );
    first.kill('SIGKILL');
    await until(() => (t.glint.hub.isLive('again') ? undefined : true), {
      what: 'the channel to go offline',
      timeoutMs: 15_000,
    });
    const second = track(publish(t.rtmp('again')));
    const withBreak = await until(
      async () => {
        const p = await mediaPlaylist(t.http('/live/again/video/index.m3u8'));
        return p.segments.some((s) => s.discontinuity && s.uri) ? p : undefined;
      },
      { what: 'a discontinuity in the playlist', timeoutMs: 15_000 },
    );
    expect(withBreak.endlist).toBe(false);
    const maps = new Set(withBreak.segments.map((s) => s.map?.uri));
    expect(maps.size).toBe(2);
    second.kill('SIGKILL');
    const ended = await until(
      async () => {
        const p = await mediaPlaylist(t.http('/live/again/video/index.m3u8'));
        return p.endlist ? p : undefined;
      },
      { what: 'EXT-X-ENDLIST after the grace period', timeoutMs: 20_000 },
    );
    expect(ended.endlist).toBe(true);
    // A publisher after the grace period starts a fresh stream: media sequence from 0, no discontinuity.
    const third = track(publish(t.rtmp('again')));
    const fresh = await until(
      async () => {
        // The ended output may be freed (404) between any two requests until the fresh stream replaces it.
        const p = await mediaPlaylist(t.http('/live/again/video/index.m3u8')).catch(() => undefined);
        return p && !p.endlist && p.segments.length > 0 ? p : undefined;
      },
      { what: 'a fresh playlist', timeoutMs: 15_000 },
    );
    expect(fresh.segments.some((s) => s.discontinuity)).toBe(false);
    expect(fresh.mediaSequenceBase ?? 0).toBe(0);
    third.kill('SIGKILL');
  }, 60_000);

  it('drops a publisher that stops sending and ends its playlist cleanly after the grace period', async () => {
    const p = track(publish(t.rtmp('stalls')));
    await until(async () => ((await fetch(t.http('/live/stalls/video/index.m3u8'))).ok ? true : undefined), {
      what: 'parts on the channel',
      timeoutMs: 15_000,
    });
    p.kill('SIGSTOP');
    await until(() => (t.glint.hub.isLive('stalls') ? undefined : true), {
      what: 'the idle timeout to end the stream',
    });
    expect(t.logs.some((l) => l.includes('"channelId":"stalls"') && l.includes('"reason":"timeout"'))).toBe(true);
    const ended = await until(
      async () => {
        const playlist = await mediaPlaylist(t.http('/live/stalls/video/index.m3u8'));
        return playlist.endlist ? playlist : undefined;
      },
      { what: 'EXT-X-ENDLIST', timeoutMs: 15_000 },
    );
    expect(ended.segments.length).toBeGreaterThan(0);
    p.kill('SIGKILL');
  }, 30_000);

  it('plays /watch/demo in hls.js (Chromium) for 15 s with no stall and shows the latency', async () => {
    browser = await launchChromium();
    const packager = t.glint.outputs.get('demo')?.packager;
    if (!packager) throw new Error('the demo channel has no LL-HLS output');
    const timeline = new PackagerTimeline(packager);
    const page = await browser.newPage();
    await installProbe(page);
    await page.goto(t.http('/watch/demo'));
    const report = await observePlayback(page, 15);
    timeline.stop();
    const verdicts = judgeStalls(report, timeline);
    const shown = await page.textContent('#latency');
    console.log(
      `${describePlayback('RTMP → LL-HLS → hls.js', report)}\n  ${describeVerdicts(verdicts)}; page shows ${shown}`,
    );
    expect(report.fatalErrors).toEqual([]);
    // The server's part, exactly: no segment completed within 150 ms of media after the part before its last.
    expect(timeline.earlyCompletions(0.15)).toEqual([]);
    // The browser's, with a tolerance this machine meets: at most one stall in 15 s that a starved page or a paused
    // publisher does not explain (two full suites side by side on 2 cores gave one in about 1 of 5 runs; reported above).
    expect(verdicts.filter((v) => v.cause === 'unexplained').length).toBeLessThanOrEqual(1);
    if (verdicts.length === 0) expect(report.playedSec).toBeGreaterThan(report.wallSec - paceToleranceSec(report));
    expect(shown).toMatch(/^\d+\.\d\d s$/);
  }, 100_000);
});
