/**
 * VOD playlist generation for a long broadcast: the index of an N-hour broadcast (one-second segments of the source,
 * two rungs and audio) is written into a real platform database, then Glint's VodPlaylists renders the multivariant
 * and every media playlist cold (a new cache each time: the SQL reads and the rendering), and warm (a request the
 * cache answers). The peer renders the same media playlists with hls-parser's stringify, from the same rows already
 * in memory (render only, no database): a well-kept library doing the same job.
 */
import { performance } from 'node:perf_hooks';
import { silentLogger } from '@glint/media-core';
import { renderVodMediaPlaylist, VodPlaylists } from '@glint/media-server';
import { Platform, type VodSegment } from '@glint/platform';
import { createTestDatabase, type TestDialect } from '@glint/testkit/platform';
import * as HLS from 'hls-parser';
import { median } from '../lib/stats.ts';

export interface PlaylistBenchOptions {
  readonly hours: number;
  readonly dialects: readonly TestDialect[];
  readonly repeats: number;
  readonly step: (text: string) => void;
}

export interface PlaylistRun {
  readonly dialect: TestDialect;
  readonly segmentsPerRendition: number;
  readonly renditions: number;
  /** Time to write the index rows (not part of generation; shown so the scale is clear). */
  readonly seedMs: number;
  /** Cold: the multivariant playlist from a new cache (it reads every rendition's segments), ms per repeat. */
  readonly coldMs: readonly number[];
  /** Cold: one media playlist (the source's) from a new cache (SQL reads and rendering), ms per repeat. */
  readonly coldMediaMs: readonly number[];
  /** Warm: one media playlist answered from the cache, ms (median of many). */
  readonly warmMs: number;
  readonly mediaPlaylistBytes: number;
  /** Peer: hls-parser stringify of the same media playlists from rows in memory, ms per repeat. */
  readonly peerRenderMs: readonly number[];
  /** Glint's rendering alone from the same rows in memory (no SQL), ms per repeat. */
  readonly glintRenderMs: readonly number[];
}

const RENDITIONS = [
  { rendition: 'video', kind: 'video', codec: 'avc1.640028', width: 1920, height: 1080, bytes: 750_000 },
  { rendition: '720p', kind: 'video', codec: 'avc1.64001f', width: 1280, height: 720, bytes: 312_000 },
  { rendition: '480p', kind: 'video', codec: 'avc1.64001e', width: 854, height: 480, bytes: 150_000 },
  { rendition: 'audio', kind: 'audio', codec: 'mp4a.40.2', bytes: 16_000 },
] as const;

export async function runPlaylistBench(options: PlaylistBenchOptions): Promise<PlaylistRun[]> {
  const runs: PlaylistRun[] = [];
  for (const dialect of options.dialects) runs.push(await runOne(dialect, options));
  return runs;
}

async function runOne(dialect: TestDialect, options: PlaylistBenchOptions): Promise<PlaylistRun> {
  const database = await createTestDatabase(dialect);
  const platform = await Platform.open({
    databaseUrl: database.url,
    logger: silentLogger,
    reconnectGraceMs: 1000,
  });
  try {
    const segments = Math.round(options.hours * 3600);
    const broadcastId = await seedBroadcast(platform);
    const seedStart = performance.now();
    const rows = await seedIndex(platform, broadcastId, segments, (done) =>
      options.step(
        `${dialect}: indexing ${done.toLocaleString('en-US')} of ${(segments * RENDITIONS.length).toLocaleString('en-US')} segments`,
      ),
    );
    const seedMs = performance.now() - seedStart;
    const coldMs: number[] = [];
    const coldMediaMs: number[] = [];
    let mediaPlaylistBytes = 0;
    for (let i = 0; i < options.repeats; i++) {
      options.step(`${dialect}: cold generation ${i + 1}/${options.repeats}`);
      // One media playlist from an empty cache: what the first viewer of an old VOD waits for.
      let playlists = new VodPlaylists({ index: platform.vods, maxCacheBytes: 256 * 1024 * 1024 });
      let start = performance.now();
      const media = await playlists.media(broadcastId, 'video');
      if (!media?.ended) throw new Error('no ended media playlist for the source rendition');
      coldMediaMs.push(performance.now() - start);
      mediaPlaylistBytes = media.body.byteLength;
      // The multivariant from an empty cache (its bandwidths are measured over every rendition's segments).
      playlists = new VodPlaylists({ index: platform.vods, maxCacheBytes: 256 * 1024 * 1024 });
      start = performance.now();
      if (!(await playlists.multivariant(broadcastId))) throw new Error('no multivariant playlist');
      coldMs.push(performance.now() - start);
    }
    const warm = new VodPlaylists({ index: platform.vods });
    await warm.media(broadcastId, 'video');
    const warmTimes: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = performance.now();
      await warm.media(broadcastId, 'video');
      warmTimes.push(performance.now() - t);
    }
    const peerRenderMs: number[] = [];
    const glintRenderMs: number[] = [];
    for (let i = 0; i < options.repeats; i++) {
      options.step(`${dialect}: render only, Glint and hls-parser ${i + 1}/${options.repeats}`);
      let t = performance.now();
      for (const r of RENDITIONS) renderWithHlsParser(rows.get(r.rendition) ?? []);
      peerRenderMs.push(performance.now() - t);
      t = performance.now();
      for (const r of RENDITIONS) renderVodMediaPlaylistOf(rows.get(r.rendition) ?? []);
      glintRenderMs.push(performance.now() - t);
    }
    return {
      dialect,
      segmentsPerRendition: segments,
      renditions: RENDITIONS.length,
      seedMs,
      coldMs,
      coldMediaMs,
      warmMs: median(warmTimes),
      mediaPlaylistBytes,
      peerRenderMs,
      glintRenderMs,
    };
  } finally {
    await platform.close();
    await database.drop();
  }
}

function renderVodMediaPlaylistOf(segments: readonly VodSegment[]): string {
  return renderVodMediaPlaylist(segments, true);
}

/** The same media playlist with hls-parser: EXT-X-MAP, EXTINF, discontinuities, PDT on the first, ENDLIST. */
function renderWithHlsParser(segments: readonly VodSegment[]): string {
  const target = Math.ceil(Math.max(1, ...segments.slice(0, 1000).map((s) => s.durationUs / 1e6)));
  const map = new HLS.types.MediaInitializationSection({ uri: 'init-0123456789abcdef.mp4' });
  const playlist = new HLS.types.MediaPlaylist({
    version: 6,
    targetDuration: target,
    mediaSequenceBase: 0,
    playlistType: 'VOD',
    endlist: true,
    segments: segments.map(
      (s, i) =>
        new HLS.types.Segment({
          uri: `${s.seq}.m4s`,
          duration: s.durationUs / 1e6,
          mediaSequenceNumber: i,
          discontinuity: s.discontinuity,
          map,
          ...(i === 0 ? { programDateTime: new Date(s.programDateTimeMs) } : {}),
        }),
    ),
  });
  return HLS.stringify(playlist);
}

async function seedBroadcast(platform: Platform): Promise<string> {
  await platform.seedChannel('bench', 'Bench');
  const { db, nowMs } = platform.deps;
  const id = `bench${nowMs().toString(36)}`;
  const startedAt = nowMs() - 6 * 3_600_000;
  await db
    .insertInto('broadcasts')
    .values({ id, channel: 'bench', title: 'six hours', started_at: startedAt, ended_at: nowMs() })
    .execute();
  return id;
}

/** Writes the index in batches (the archive adds one row per segment as it goes; this is only the setup). */
async function seedIndex(
  platform: Platform,
  broadcastId: string,
  segments: number,
  step: (done: number) => void,
): Promise<Map<string, VodSegment[]>> {
  const rows = new Map<string, VodSegment[]>();
  const startMs = Date.now() - segments * 1000;
  let done = 0;
  for (const r of RENDITIONS) {
    await platform.vods.putRendition({
      broadcastId,
      rendition: r.rendition,
      kind: r.kind,
      codec: r.codec,
      ...('width' in r ? { width: r.width, height: r.height, frameRate: 30 } : { channels: 2 }),
    });
    const list: VodSegment[] = [];
    for (let seq = 0; seq < segments; seq++) {
      // Audio segments are not whole seconds; video ones are (a 1 s keyframe interval).
      const durationUs = r.kind === 'audio' ? (seq % 3 === 2 ? 1_002_667 : 998_667) : 1_000_000;
      list.push({
        broadcastId,
        rendition: r.rendition,
        seq,
        msn: seq,
        startUs: seq * 1_000_000,
        durationUs,
        programDateTimeMs: startMs + seq * 1000,
        discontinuity: seq > 0 && seq % 5400 === 0,
        key: `vod/${broadcastId}/${r.rendition}/${seq}.m4s`,
        initKey: `vod/${broadcastId}/${r.rendition}/init-0123456789abcdef.mp4`,
        bytes: r.bytes,
        sha256: '0'.repeat(64),
        ok: true,
      });
    }
    rows.set(r.rendition, list);
    await platform.vods.addSegments(list);
    done += list.length;
    step(done);
  }
  return rows;
}
