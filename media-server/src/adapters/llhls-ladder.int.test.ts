/**
 * The transcoding ladder through a whole Glint: a real ffmpeg broadcaster (H.264 with B-frames, 1 s GOP) over RTMP,
 * the channel's ladder ffmpeg, the packager and its HTTP face. Read back as a player would: the multivariant playlist
 * (hls-parser), each rendition's init + segment (ffprobe), and the playlists while the ladder's ffmpeg is killed.
 */
import { writeFileSync } from 'node:fs';
import { ffprobe, makeTempDir, probePackets, type TempDir, until } from '@glint/testkit';
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import * as HLS from 'hls-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoBroadcast, startDemoBroadcast } from '../demo/broadcaster.ts';
import { parseLadderSpec } from '../transcode/ladder/index.ts';

const CHANNEL = 'ladder';
let g: TestGlint;
let broadcast: DemoBroadcast;
let dir: TempDir;
/** The multivariant playlist as a player asking the moment the channel went live got it. */
let first: HLS.types.MasterPlaylist | undefined;

beforeAll(async () => {
  dir = makeTempDir('llhls-ladder');
  // Small rungs under a 640x360 source: the ladder costs little beside the rest of the suite.
  g = await startGlint([CHANNEL], {
    ladder: parseLadderSpec('240p30:500,180p30:300,720p30:2500'),
    // A first multivariant request waits for the rungs; give ffmpeg's start on a busy machine room.
    llhlsStartWaitMs: 15_000,
  });
  broadcast = startDemoBroadcast({ url: g.rtmp(CHANNEL), size: '640x360', videoKbps: 1000 });
  await until(() => g.glint.hub.get(CHANNEL) !== undefined, { what: 'the stream live', timeoutMs: 15_000 });
  first = await multivariant();
}, 45_000);

afterAll(async () => {
  broadcast?.stop();
  await g?.stop();
  dir?.remove();
});

async function text(path: string): Promise<string> {
  const res = await fetch(g.http(path));
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.text();
}

async function multivariant(): Promise<HLS.types.MasterPlaylist | undefined> {
  const res = await fetch(g.http(`/live/${CHANNEL}/index.m3u8`));
  if (!res.ok) return undefined;
  return HLS.parse(await res.text()) as HLS.types.MasterPlaylist;
}

async function media(uri: string): Promise<HLS.types.MediaPlaylist> {
  return HLS.parse(await text(`/live/${CHANNEL}/${uri}`)) as HLS.types.MediaPlaylist;
}

async function bytes(path: string): Promise<Buffer> {
  const res = await fetch(g.http(path));
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/** Init + segment `msn` of a rendition, as ffprobe sees them: size and the first video packet's pts (90 kHz). */
async function probeSegment(uri: string, msn: number): Promise<{ width: number; height: number; firstPts: number }> {
  const playlist = await media(uri);
  const index = playlist.segments.findIndex((s) => s.mediaSequenceNumber === msn);
  const segment = playlist.segments[index];
  // EXT-X-MAP applies to every segment after it until the next one.
  const map = playlist.segments.slice(0, index + 1).findLast((s) => s.map)?.map;
  if (!segment || !map) throw new Error(`${uri}: no segment ${msn} or no map`);
  const base = `/live/${CHANNEL}/${uri.replace(/index\.m3u8$/, '')}`;
  const file = dir.file(`${uri.replace(/\W/g, '_')}-${msn}.mp4`);
  writeFileSync(file, Buffer.concat([await bytes(base + map.uri), await bytes(base + segment.uri)]));
  const { json } = ffprobe(['-select_streams', 'v:0', '-show_entries', 'stream=width,height', file]);
  const stream = (json as { streams: { width: number; height: number }[] }).streams[0];
  const packets = probePackets(file, 'v:0');
  const firstPts = Math.min(...packets.map((p) => p.pts));
  expect(packets[0]?.keyframe).toBe(true);
  return { width: stream?.width ?? 0, height: stream?.height ?? 0, firstPts };
}

describe('a channel with a transcoding ladder', () => {
  it('lists the source and the rungs below it, with measured bandwidth, and reports each to the others', async () => {
    // A player that asked as the channel went live was answered once the rungs were listed: it reads it only once.
    expect(first?.variants.length).toBe(3);
    const playlist = await multivariant();
    const variants = playlist?.variants ?? [];
    expect(variants.map((v) => v.uri)).toEqual(['video/index.m3u8', '240p/index.m3u8', '180p/index.m3u8']);
    expect(variants.map((v) => v.resolution)).toEqual([
      { width: 640, height: 360 },
      { width: 426, height: 240 },
      { width: 320, height: 180 },
    ]);
    for (const v of variants) {
      expect(v.codecs).toMatch(/^avc1\.[0-9a-f]{6},mp4a\.40\.2$/);
      expect(v.audio[0]?.groupId).toBe('audio');
    }
    const bandwidths = variants.map((v) => v.bandwidth);
    // Measured from the output: the source's ~1 Mbit/s above the 500 and 300 kbit/s rungs (each plus 128k audio).
    expect(bandwidths[0]).toBeGreaterThan(bandwidths[1] ?? 0);
    expect(bandwidths[1]).toBeGreaterThan(bandwidths[2] ?? 0);
    expect(bandwidths[2]).toBeGreaterThan(200_000);
    const rung = await text(`/live/${CHANNEL}/240p/index.m3u8`);
    expect(rung).toContain('#EXT-X-RENDITION-REPORT:URI="../video/index.m3u8"');
    expect(rung).toContain('#EXT-X-RENDITION-REPORT:URI="../180p/index.m3u8"');
    expect(rung).toContain('#EXT-X-RENDITION-REPORT:URI="../audio/index.m3u8"');
  });

  it('cuts every rendition at the same presentation time with the same MSN, each decoding at its size', async () => {
    const uris = ['video/index.m3u8', '240p/index.m3u8', '180p/index.m3u8'];
    const commonSegments = async () => {
      const playlists = await Promise.all(uris.map(media));
      const complete = playlists.map(
        (p) => new Set(p.segments.filter((s) => s.uri && !s.gap).map((s) => s.mediaSequenceNumber)),
      );
      const common = [...(complete[0] ?? [])].filter((msn) => complete.every((set) => set.has(msn)));
      return { playlists, common };
    };
    const { playlists, common } = await until(
      async () => {
        const found = await commonSegments();
        return found.common.length >= 2 ? found : undefined;
      },
      { what: 'two complete segments in every rendition', timeoutMs: 10_000, intervalMs: 200 },
    );
    for (const msn of common.slice(-2)) {
      const probed = await Promise.all(uris.map((uri) => probeSegment(uri, msn)));
      expect(probed.map((p) => `${p.width}x${p.height}`)).toEqual(['640x360', '426x240', '320x180']);
      // The same presentation time to the 90 kHz tick: ABR switching needs no search.
      expect(new Set(probed.map((p) => p.firstPts)).size).toBe(1);
      const durations = playlists.map((p) => p.segments.find((s) => s.mediaSequenceNumber === msn)?.duration);
      expect(durations[1]).toBeCloseTo(durations[0] ?? 0, 3);
      expect(durations[2]).toBeCloseTo(durations[0] ?? 0, 3);
    }
  }, 30_000);

  it('keeps the source playing when the ladder ffmpeg is killed, and has the rungs back within 3 s', async () => {
    const ladder = g.glint.ladders.get(CHANNEL);
    const pid = ladder?.stats.pid;
    expect(pid).toBeGreaterThan(0);
    const packager = g.glint.outputs.get(CHANNEL)?.packager;
    const source = packager?.rendition('video');
    const rung = () => packager?.rendition('240p');
    // The source's parts, watched every 50 ms from the kill on: none may be late.
    let lastPart = source?.nextPartId ?? 0;
    let lastPartAt = performance.now();
    let longestWaitMs = 0;
    const watch = setInterval(() => {
      const now = performance.now();
      if ((source?.nextPartId ?? 0) > lastPart) {
        lastPart = source?.nextPartId ?? 0;
        lastPartAt = now;
      }
      longestWaitMs = Math.max(longestWaitMs, now - lastPartAt);
    }, 50);
    const partsBefore = rung()?.nextPartId ?? 0;
    const killedAt = performance.now();
    process.kill(pid ?? 0, 'SIGKILL');
    try {
      await until(() => (ladder?.stats.pid ?? pid) !== pid, { what: 'a new ladder ffmpeg', timeoutMs: 3000 });
      // Back: the rung publishes parts again, beyond those it had when ffmpeg died.
      await until(() => (rung()?.nextPartId ?? 0) > partsBefore + 2, { what: 'new 240p parts', timeoutMs: 3000 });
      const backMs = performance.now() - killedAt;
      expect(backMs).toBeLessThan(3000);
      // A second and a half more of source, watched.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      clearInterval(watch);
      // Parts are 200 ms: the source never waited a second for one while its ladder restarted.
      expect(longestWaitMs).toBeLessThan(1000);
      expect(ladder?.stats.restarts).toBeGreaterThanOrEqual(1);
      console.log(
        `ladder killed: rungs back in ${backMs.toFixed(0)} ms; the source's longest wait for a part ` +
          `${longestWaitMs.toFixed(0)} ms`,
      );
      // The rung's MSNs are still the source's; what it missed is listed as gaps, the numbering unbroken.
      await until(() => (rung()?.lastCompleteMsn ?? -1) >= (source?.lastCompleteMsn ?? 0) - 1, {
        what: 'the 240p rung caught up with the source',
        timeoutMs: 3000,
      });
      const playlist = await media('240p/index.m3u8');
      const msns = playlist.segments.map((s) => s.mediaSequenceNumber);
      expect(msns).toEqual(msns.map((_, i) => (msns[0] ?? 0) + i));
      expect((await multivariant())?.variants.length).toBe(3);
    } finally {
      clearInterval(watch);
    }
  }, 30_000);
});
