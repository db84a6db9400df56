/**
 * A 30 s broadcast from real ffmpeg (testsrc with its burned-in clock, 1 s GOP, AAC) over RTMP, archived as it runs.
 * During live, hls.js in Chromium plays the DVR (EVENT) playlist, seeks 20 s back from the live edge and plays there,
 * then jumps back to the edge. Once the broadcast has ended: the VOD playlists parse (VOD, ENDLIST), last as long as
 * the broadcast within one segment, ffprobe reads every archived segment, and hls.js plays the VOD from the first
 * segment to the last.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { launchChromium, makeTempDir, requireTool, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { mediaPlaylist } from '../support/llhls-client.ts';

const BROADCAST_SEC = 30;
const hlsJs = readFileSync(createRequire(import.meta.url).resolve('hls.js/dist/hls.min.js'));
const run = promisify(execFile);

/** The player page: hls.js on a <video>, what it presents (requestVideoFrameCallback) and loads, kept for the test. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>vod</title>
<video id="v" muted playsinline style="width:640px"></video>
<script src="/e2e-vod/hls.js"></script>
<script>
  const v = document.getElementById('v');
  window.probe = { frames: 0, lastMediaTime: -1, loaded: { main: [], audio: [] }, fatal: [], ended: false };
  const onFrame = (_now, meta) => {
    probe.frames++;
    probe.lastMediaTime = meta.mediaTime;
    v.requestVideoFrameCallback(onFrame);
  };
  v.requestVideoFrameCallback(onFrame);
  v.addEventListener('ended', () => { probe.ended = true; });
  window.play = (src, config) => {
    const hls = new Hls(config);
    window.hls = hls;
    hls.on(Hls.Events.FRAG_LOADED, (_e, d) => probe.loaded[d.frag.type]?.push(d.frag.sn));
    hls.on(Hls.Events.ERROR, (_e, d) => { if (d.fatal) probe.fatal.push(d.type + ': ' + d.details); });
    hls.loadSource(src);
    hls.attachMedia(v);
    v.play().catch(() => {});
  };
</script>`;

interface Probe {
  frames: number;
  lastMediaTime: number;
  currentTime: number;
  paused: boolean;
  decoded: number;
  fatal: string[];
  ended: boolean;
  loaded: { main: number[]; audio: number[] };
}

let t: TestGlint;
let browser: Browser;
let ffmpeg: ChildProcess;
let broadcastId = '';
const scratch = makeTempDir('vod-playback');

/** ffmpeg's testsrc (its picture carries a running clock) at 30 fps with a keyframe each second, and a 440 Hz tone. */
function publish(url: string, seconds: number): ChildProcess {
  const args = ['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=30'];
  args.push('-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(seconds));
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-g', '30', '-keyint_min', '30');
  args.push('-sc_threshold', '0', '-b:v', '800k', '-pix_fmt', 'yuv420p');
  args.push('-c:a', 'aac', '-b:a', '96k', '-ar', '48000', '-ac', '2', '-f', 'flv', url);
  return spawn(requireTool('ffmpeg'), args, { stdio: 'ignore' });
}

async function openPlayer(src: string, config: Record<string, unknown>): Promise<Page> {
  const tab = await browser.newPage();
  // The page is served on Glint's own origin (its playlists and media are then same-origin, as on the watch page).
  await tab.route(t.http('/e2e-vod/**'), (route) =>
    route.request().url().endsWith('/hls.js')
      ? route.fulfill({ body: hlsJs, contentType: 'text/javascript' })
      : route.fulfill({ body: PAGE, contentType: 'text/html' }),
  );
  await tab.goto(t.http('/e2e-vod/player'));
  await tab.evaluate(([s, c]) => (window as unknown as { play: (s: unknown, c: unknown) => void }).play(s, c), [
    src,
    config,
  ] as const);
  return tab;
}

function probe(tab: Page): Promise<Probe> {
  return tab.evaluate(() => {
    const v = document.getElementById('v') as HTMLVideoElement;
    const p = (window as unknown as { probe: Omit<Probe, 'currentTime' | 'paused' | 'decoded'> }).probe;
    return {
      ...p,
      loaded: { main: [...p.loaded.main], audio: [...p.loaded.audio] },
      currentTime: v.currentTime,
      paused: v.paused,
      decoded: v.getVideoPlaybackQuality().totalVideoFrames,
    };
  });
}

beforeAll(async () => {
  requireTool('ffprobe');
  t = await startGlint(['vodder'], { reconnectGraceMs: 4000 });
  browser = await launchChromium();
  ffmpeg = publish(t.rtmp('vodder'), BROADCAST_SEC);
}, 60_000);

afterAll(async () => {
  ffmpeg?.kill('SIGKILL');
  await browser?.close();
  await t?.stop();
  scratch.remove();
});

it('DVR during live: hls.js seeks 20 s back from the live edge, plays there, and jumps back to the edge', async () => {
  const dvr = await until(
    async () => {
      const res = await fetch(t.http('/api/channels/vodder/dvr'));
      return res.ok ? ((await res.json()) as { broadcastId: string; playlistUrl: string }) : undefined;
    },
    { what: 'the DVR of the live channel', timeoutMs: 20_000 },
  );
  broadcastId = dvr.broadcastId;
  expect(dvr.playlistUrl).toBe(`/vods/${broadcastId}/index.m3u8`);
  // 24 archived seconds: a live edge (3 segments back) far enough from the start to go 20 s back.
  await until(
    async () =>
      (await mediaPlaylist(t.http(`/vods/${broadcastId}/video/index.m3u8`))).segments.length >= 24 ? true : undefined,
    { what: '24 archived segments', timeoutMs: 40_000, intervalMs: 250 },
  );
  const event = await mediaPlaylist(t.http(`/vods/${broadcastId}/video/index.m3u8`));
  expect(event.playlistType).toBe('EVENT');
  expect(event.endlist).toBe(false);

  const tab = await openPlayer(dvr.playlistUrl, {});
  const atEdge = await until(
    async () => {
      const p = await probe(tab);
      expect(p.fatal).toEqual([]);
      return p.frames > 15 && p.currentTime > 20 && !p.paused ? p : undefined;
    },
    { what: 'hls.js playing the DVR at its live edge', timeoutMs: 20_000, intervalMs: 100 },
  );
  const edge = atEdge.currentTime;
  const target = edge - 20;
  const liveAtSeek = t.glint.platform.broadcasts.onAir('vodder')?.broadcastId === broadcastId;
  await tab.evaluate((time) => {
    (document.getElementById('v') as HTMLVideoElement).currentTime = time;
  }, target);
  const back = await until(
    async () => {
      const p = await probe(tab);
      // Frames presented from the rewound position, and playing on from there.
      const there = p.lastMediaTime >= target - 0.5 && p.lastMediaTime < target + 4;
      return there && p.currentTime > target + 0.5 && p.decoded > atEdge.decoded + 15 ? p : undefined;
    },
    { what: 'frames presented 20 s back', timeoutMs: 15_000, intervalMs: 100 },
  );
  console.log(
    `[vod dvr] edge ${edge.toFixed(2)} s → seek to ${target.toFixed(2)} s, presenting ${back.lastMediaTime.toFixed(2)} s ` +
      `(${back.decoded - atEdge.decoded} frames decoded since), broadcast on air at the seek: ${liveAtSeek}`,
  );
  expect(liveAtSeek).toBe(true);
  expect(edge - back.currentTime).toBeGreaterThan(15);

  // Back to the live edge.
  await tab.evaluate(() => {
    const hls = (window as unknown as { hls: { liveSyncPosition: number | null } }).hls;
    const v = document.getElementById('v') as HTMLVideoElement;
    v.currentTime = hls.liveSyncPosition ?? v.seekable.end(v.seekable.length - 1) - 3;
  });
  const live = await until(
    async () => {
      const p = await probe(tab);
      return p.currentTime >= edge && p.lastMediaTime >= edge - 1 && !p.paused ? p : undefined;
    },
    { what: 'playing at the live edge again', timeoutMs: 15_000, intervalMs: 100 },
  );
  console.log(`[vod dvr] back at the edge: ${live.currentTime.toFixed(2)} s`);
  expect((await probe(tab)).fatal).toEqual([]);
  await tab.close();
}, 75_000);

it('after the broadcast: the VOD parses, lasts as long as the broadcast, every segment probes, hls.js plays it all', async () => {
  expect(broadcastId).not.toBe('');
  await until(
    async () => {
      const res = await fetch(t.http(`/api/vods/${broadcastId}`));
      return res.ok && (await res.json()).state === 'ready' ? true : undefined;
    },
    { what: 'the VOD to be ready', timeoutMs: 30_000, intervalMs: 250 },
  );
  const video = await mediaPlaylist(t.http(`/vods/${broadcastId}/video/index.m3u8`));
  const audio = await mediaPlaylist(t.http(`/vods/${broadcastId}/audio/index.m3u8`));
  for (const playlist of [video, audio]) {
    expect(playlist.playlistType).toBe('VOD');
    expect(playlist.endlist).toBe(true);
    const totalSec = playlist.segments.reduce((sum, s) => sum + s.duration, 0);
    const longest = Math.max(...playlist.segments.map((s) => s.duration));
    expect(Math.abs(totalSec - BROADCAST_SEC)).toBeLessThanOrEqual(longest + 0.05);
  }
  const videoSec = video.segments.reduce((sum, s) => sum + s.duration, 0);

  // Every archived segment, with its init segment, as a file of its own; ffprobe reads them all in one run through
  // its concat demuxer (each file demuxed on its own): every frame of the broadcast is there.
  const probeStart = performance.now();
  const packets: Record<string, number> = {};
  for (const [rendition, playlist] of [
    ['video', video],
    ['audio', audio],
  ] as const) {
    const base = `/vods/${broadcastId}/${rendition}/`;
    const files: string[] = [];
    /** The rendition as one file: each init where it changes, then its segments (what a player appends). */
    const whole: Buffer[] = [];
    let init: { uri: string; bytes: Buffer } | undefined;
    for (const segment of playlist.segments) {
      const initUri = segment.map?.uri ?? '';
      if (init?.uri !== initUri) {
        init = { uri: initUri, bytes: Buffer.from(await (await fetch(t.http(base + initUri))).arrayBuffer()) };
        whole.push(init.bytes);
      }
      const bytes = Buffer.from(await (await fetch(t.http(base + segment.uri))).arrayBuffer());
      whole.push(bytes);
      const file = join(scratch.path, `${rendition}-${segment.uri}.mp4`);
      writeFileSync(file, Buffer.concat([init.bytes, bytes]));
      files.push(file);
    }
    const list = join(scratch.path, `${rendition}.txt`);
    writeFileSync(list, files.map((f) => `file '${f}'\n`).join(''));
    const entries = ['-show_entries', 'stream=codec_name,nb_read_packets', '-of', 'json'];
    const { stdout, stderr } = await run('ffprobe', [
      '-v',
      'error',
      '-f',
      'concat',
      '-safe',
      '0',
      '-count_packets',
      ...entries,
      list,
    ]);
    expect(stderr).toBe('');
    const stream = (JSON.parse(stdout) as { streams: Array<{ codec_name: string; nb_read_packets: string }> })
      .streams[0];
    expect(stream?.codec_name).toBe(rendition === 'video' ? 'h264' : 'aac');
    packets[rendition] = Number(stream?.nb_read_packets);
    if (rendition === 'video') {
      // And one decode of the whole video, init + every segment.
      const file = join(scratch.path, 'video.mp4');
      writeFileSync(file, Buffer.concat(whole));
      expect((await run('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'])).stderr).toBe('');
    }
  }
  // 30 s at 30 fps, and AAC's 1024-sample frames at 48 kHz: every frame ffmpeg sent is archived.
  // Every archived segment is whole: as many frames as its durations say (30 fps; AAC: 1024 samples at 48 kHz).
  // Whether the broadcast's last second made it (its segment completes only at the end of the grace period) is
  // reported, not asserted: the brief's bound is one segment.
  const audioSec = audio.segments.reduce((sum, s) => sum + s.duration, 0);
  expect(packets.video).toBe(Math.round(videoSec * 30));
  expect(Math.abs((packets.audio ?? 0) - (audioSec * 48_000) / 1024)).toBeLessThanOrEqual(2);
  console.log(
    `[vod] ${video.segments.length} video + ${audio.segments.length} audio segments, ${videoSec.toFixed(3)} s of ` +
      `video for a ${BROADCAST_SEC} s broadcast (${BROADCAST_SEC * 30 - (packets.video ?? 0)} frames not archived); ${packets.video} video and ${packets.audio} audio packets probed, video decoded, in ${Math.round(performance.now() - probeStart)} ms`,
  );

  // The VOD's thumbnail (the list's picture): a JPEG of a frame from the middle of the source video.
  const item = (await (await fetch(t.http(`/api/vods/${broadcastId}`))).json()) as { thumbnailUrl: string };
  const thumb = await fetch(t.http(item.thumbnailUrl));
  expect(thumb.headers.get('content-type')).toBe('image/jpeg');
  const thumbFile = join(scratch.path, 'thumbnail.jpg');
  writeFileSync(thumbFile, Buffer.from(await thumb.arrayBuffer()));
  const shown = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'stream=codec_name,width',
    '-of',
    'csv=p=0',
    thumbFile,
  ]);
  expect(shown.stdout.trim()).toBe('mjpeg,640');

  // hls.js plays the VOD from its first segment to its last, four times as fast.
  const playStart = performance.now();
  const tab = await openPlayer(`/vods/${broadcastId}/index.m3u8`, { startPosition: 0 });
  await tab.evaluate(() => {
    const v = document.getElementById('v') as HTMLVideoElement;
    v.playbackRate = 4;
    v.addEventListener('playing', () => {
      v.playbackRate = 4;
    });
  });
  const done = await until(
    async () => {
      const p = await probe(tab);
      expect(p.fatal).toEqual([]);
      return p.ended ? p : undefined;
    },
    { what: "the VOD's 'ended'", timeoutMs: 40_000, intervalMs: 200 },
  );
  const all = (count: number) => Array.from({ length: count }, (_, i) => i);
  expect([...new Set(done.loaded.main)].sort((a, b) => a - b)).toEqual(all(video.segments.length));
  // Every audio segment the playlist listed when read (the archive may add the broadcast's last one a moment later).
  expect([...new Set(done.loaded.audio)].sort((a, b) => a - b)).toEqual(
    expect.arrayContaining(all(audio.segments.length)),
  );
  expect(done.currentTime).toBeGreaterThan(videoSec - 1.5);
  console.log(
    `[vod] hls.js played the VOD to 'ended' at ${done.currentTime.toFixed(2)} s in ` +
      `${Math.round(performance.now() - playStart)} ms (4x), ${done.decoded} frames decoded, every fragment loaded`,
  );
  await tab.close();
}, 75_000);
