import { spawn } from 'node:child_process';
import { GlintError } from '@glint/media-core';

/** A JPEG could not be made from the segment (ffmpeg failed, took too long, or wrote too much). */
export class SegmentJpegError extends GlintError<'THUMBNAIL_FAILED'> {
  constructor(message: string) {
    super('THUMBNAIL_FAILED', message);
    this.name = 'SegmentJpegError';
  }
}

export interface SegmentJpegOptions {
  /** Widest picture made; a narrower source keeps its own width. Default 640. */
  readonly maxWidth?: number;
  /** ffmpeg is killed after this long. Default 10 s. */
  readonly timeoutMs?: number;
  /** A bigger output is refused (and ffmpeg killed). Default 2 MiB. */
  readonly maxBytes?: number;
  /** Killed at once when aborted (the server stopping). */
  readonly signal?: AbortSignal;
}

/**
 * A JPEG of the first frame of a fragmented-MP4 segment: its init segment and the segment's bytes go to ffmpeg's
 * stdin and the picture comes back on stdout, so nothing touches the disk. One decoder thread: a thumbnail is never
 * urgent enough to take both cores from the live streams.
 */
export function segmentJpeg(
  init: Uint8Array,
  segment: Uint8Array,
  options: SegmentJpegOptions = {},
): Promise<Uint8Array> {
  const maxWidth = options.maxWidth ?? 640;
  const maxBytes = options.maxBytes ?? 2 * 1024 * 1024;
  const args = ['-hide_banner', '-loglevel', 'error', '-threads', '1', '-f', 'mp4', '-i', 'pipe:0'];
  args.push('-map', '0:v:0', '-an', '-frames:v', '1', '-vf', `scale='min(${maxWidth},iw)':-2`);
  args.push('-q:v', '5', '-c:v', 'mjpeg', '-f', 'image2pipe', 'pipe:1');
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', args, { stdio: ['pipe', 'pipe', 'pipe'], signal: options.signal });
    const chunks: Buffer[] = [];
    let bytes = 0;
    let stderr = '';
    let failure: string | undefined;
    const stop = (why: string) => {
      failure ??= why;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => stop(`ffmpeg took over ${options.timeoutMs ?? 10_000} ms`),
      options.timeoutMs ?? 10_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.byteLength;
      if (bytes > maxBytes) stop(`ffmpeg wrote over ${maxBytes} bytes`);
      else chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      // Its last words are enough to say why it failed.
      stderr = (stderr + chunk.toString()).slice(-2000);
    });
    // ffmpeg may stop reading once it has its frame: a write after that is a broken pipe, not a failure.
    child.stdin.on('error', () => {});
    child.on('error', (error) => stop(error.name === 'AbortError' ? 'the server is stopping' : error.message));
    child.on('close', (code) => {
      clearTimeout(timer);
      const out = Buffer.concat(chunks);
      if (failure === undefined && code === 0 && out.byteLength > 0) return resolve(out);
      const last = stderr.trim().split('\n').at(-1) ?? '';
      reject(new SegmentJpegError(failure ?? `ffmpeg exited with ${code}${last ? `: ${last}` : ''}`));
    });
    child.stdin.write(init);
    child.stdin.end(segment);
  });
}
