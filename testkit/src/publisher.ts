/** ffmpeg as a test publisher: a synthetic stream pushed to an RTMP URL, with knobs for the bad cases. */
import { type ChildProcess, spawn } from 'node:child_process';
import { requireTool } from './require-tool.ts';

export interface PublishOptions {
  readonly video?: 'h264' | 'flv1' | false;
  readonly audio?: boolean;
  /** Stop after this many seconds; default: until killed. */
  readonly seconds?: number;
  readonly size?: string;
}

export interface Publisher {
  readonly process: ChildProcess;
  /** Exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  stderr(): string;
  kill(signal?: NodeJS.Signals): void;
}

export function publish(url: string, options: PublishOptions = {}): Publisher {
  const video = options.video ?? 'h264';
  const args = ['-hide_banner', '-loglevel', 'error', '-re'];
  if (video) args.push('-f', 'lavfi', '-i', `testsrc2=size=${options.size ?? '640x360'}:rate=30`);
  if (options.audio !== false) args.push('-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000');
  if (options.seconds) args.push('-t', String(options.seconds));
  if (video === 'h264') {
    args.push('-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-bf', '2', '-g', '30');
    args.push('-keyint_min', '30', '-sc_threshold', '0', '-b:v', '1000k', '-pix_fmt', 'yuv420p');
  } else if (video === 'flv1') {
    args.push('-c:v', 'flv1', '-b:v', '500k');
  }
  if (options.audio !== false) args.push('-c:a', 'aac', '-b:a', '96k', '-ar', '48000', '-ac', '2');
  args.push('-f', 'flv', url);
  const child = spawn(requireTool('ffmpeg'), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { process: child, exited, stderr: () => err, kill: (signal = 'SIGTERM') => child.kill(signal) };
}
