/** Reads a live LL-HLS channel the way a player would, with hls-parser, and saves renditions for ffprobe. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import * as HLS from 'hls-parser';

export async function fetchText(url: string): Promise<string> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url} → ${res.status}`);
  return res.text();
}

export async function mediaPlaylist(url: string): Promise<HLS.types.MediaPlaylist> {
  HLS.setOptions({ strictMode: true });
  const parsed = HLS.parse(await fetchText(url));
  if (parsed.isMasterPlaylist) throw new Error(`${url} is a multivariant playlist`);
  return parsed as HLS.types.MediaPlaylist;
}

export async function multivariant(url: string): Promise<HLS.types.MasterPlaylist> {
  HLS.setOptions({ strictMode: true });
  const parsed = HLS.parse(await fetchText(url));
  if (!parsed.isMasterPlaylist) throw new Error(`${url} is a media playlist`);
  return parsed as HLS.types.MasterPlaylist;
}

/** Downloads init + every complete segment of a media playlist into one file. */
export async function saveRendition(
  playlistUrl: string,
  file: string,
): Promise<{ segments: number; durationSec: number }> {
  const playlist = await mediaPlaylist(playlistUrl);
  const complete = playlist.segments.filter((s) => s.uri && s.duration > 0);
  const first = complete[0];
  if (!first?.map) throw new Error('no segment with an EXT-X-MAP');
  const bytes: Buffer[] = [Buffer.from(await (await fetch(new URL(first.map.uri, playlistUrl))).arrayBuffer())];
  for (const segment of complete) {
    bytes.push(Buffer.from(await (await fetch(new URL(segment.uri, playlistUrl))).arrayBuffer()));
  }
  writeFileSync(file, Buffer.concat(bytes));
  return { segments: complete.length, durationSec: complete.reduce((sum, s) => sum + s.duration, 0) };
}

export interface ProbeResult {
  readonly streams: Array<{ codec_name: string; nb_read_frames?: string; duration?: string; profile?: string }>;
  readonly errors: string;
}

const run = promisify(execFile);

/**
 * ffprobe (frames counted) and a full ffmpeg decode of a file; for a URL served by this same process, pass
 * `countFrames: false` (a live playlist never ends). Async: the server under test must keep answering meanwhile.
 */
export async function ffprobe(target: string, options: { countFrames?: boolean } = {}): Promise<ProbeResult> {
  const count = options.countFrames ?? true;
  const entries = ['-show_entries', 'stream=codec_name,profile,nb_read_frames,duration', '-of', 'json'];
  const { stdout } = await run('ffprobe', ['-v', 'error', ...(count ? ['-count_frames'] : []), ...entries, target], {
    timeout: 30_000,
  });
  const errors = count
    ? (await run('ffmpeg', ['-v', 'error', '-i', target, '-f', 'null', '-'], { timeout: 30_000 })).stderr
    : '';
  return { ...(JSON.parse(stdout) as Pick<ProbeResult, 'streams'>), errors };
}
