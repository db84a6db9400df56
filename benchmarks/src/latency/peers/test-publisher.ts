/**
 * An ffmpeg publisher for the peers' own tests: a live test pattern and tone, H.264 (no B-frames, 1 s GOP, as the
 * broadcaster sends) and AAC, in real time to an RTMP URL. Not the benchmark's broadcaster (that one paints the band).
 */
import { onPath, type PeerProcess, spawnPeer, ToolMissingError } from './peer-process.ts';

export interface TestPublisherOptions {
  readonly fps?: number;
  readonly width?: number;
  readonly height?: number;
}

export function publishTestStream(rtmpUrl: string, options: TestPublisherOptions = {}): PeerProcess {
  if (!onPath('ffmpeg')) throw new ToolMissingError('ffmpeg', ['ffmpeg']);
  const fps = options.fps ?? 30;
  const size = `${options.width ?? 320}x${options.height ?? 180}`;
  return spawnPeer('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-re'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${fps}`],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-bf', '0'],
    ...['-g', String(fps), '-keyint_min', String(fps), '-sc_threshold', '0', '-b:v', '500k'],
    ...['-c:a', 'aac', '-b:a', '64k', '-ac', '2', '-f', 'flv', rtmpUrl],
  ]);
}
