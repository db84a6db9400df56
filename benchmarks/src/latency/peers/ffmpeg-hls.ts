/**
 * ffmpeg's own HLS muxer as a peer: ffmpeg listens for one RTMP publisher (`-listen 1`) and copies it into 1 s fMP4
 * segments (cut at keyframes; the broadcaster's GOP is 1 s), served by a small node:http server with CORS.
 *
 * Why the hls muxer and not `-f dash -ldash 1 -lhls 1 -streaming 1 -hls_playlist 1`: ffmpeg 5.1 has no LL-HLS parts.
 * Its dash muxer's "LHLS" is experimental (needs `-strict experimental`) and announces the segment being written
 * with `#EXT-X-PREFETCH`, the pre-standard community LHLS tag, which hls.js ignores; hls.js would play the same
 * complete 1 s segments, only from a muxer marked experimental whose growing files a plain static server cannot
 * stream. So the hls muxer with 1 s segments is the lowest latency ffmpeg offers hls.js here.
 *
 * One publisher per start: when it disconnects ffmpeg finishes; start another peer for another run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDebianPackages, freePort, onPath, spawnPeer, waitForListen, withPortRetry } from './peer-process.ts';
import { startStaticServer } from './static-server.ts';

export interface FfmpegHls {
  /** Where the one publisher sends (stream `s` of application `live`). */
  readonly rtmpUrl: string;
  /** The media playlist (it appears once the first segment is complete). */
  readonly hlsUrl: string;
  /** Resolves when ffmpeg exits (its publisher left, or stop()). */
  readonly exited: Promise<number | null>;
  /** ffmpeg's last lines, for a caller's error message. */
  output(): string;
  stop(): Promise<void>;
}

export const FFMPEG_HLS_ARGS = [
  ...['-c', 'copy', '-f', 'hls', '-hls_time', '1', '-hls_list_size', '6'],
  // temp_file: a player never reads a half-written playlist or segment (each is renamed into place when complete).
  ...['-hls_flags', 'delete_segments+independent_segments+program_date_time+temp_file'],
  ...['-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4', '-hls_segment_filename', 'seg%d.m4s'],
];

export async function startFfmpegHls(): Promise<FfmpegHls> {
  ensureDebianPackages('ffmpeg', ['ffmpeg'], () => onPath('ffmpeg'));
  const dir = mkdtempSync(join(tmpdir(), 'glint-ffmpeg-hls-'));
  const http = await startStaticServer(dir);
  try {
    const { peer, port } = await withPortRetry(async () => {
      const port = await freePort();
      const peer = spawnPeer(
        'ffmpeg',
        [
          ...['-hide_banner', '-loglevel', 'warning', '-nostdin'],
          ...['-listen', '1', '-i', `rtmp://127.0.0.1:${port}/live/s`],
          ...FFMPEG_HLS_ARGS,
          'index.m3u8',
        ],
        { cwd: dir },
      );
      try {
        await waitForListen(peer, [port], 'ffmpeg -listen 1 (RTMP)');
      } catch (error) {
        await peer.stop();
        throw error;
      }
      return { peer, port };
    });
    return {
      rtmpUrl: `rtmp://127.0.0.1:${port}/live/s`,
      hlsUrl: `http://127.0.0.1:${http.port}/index.m3u8`,
      exited: peer.exited,
      output: peer.output,
      stop: async () => {
        await peer.stop();
        await http.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await http.stop();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
