import ffmpeg from 'fluent-ffmpeg';

export interface DemoBroadcastOptions {
  /** Where to publish, e.g. rtmp://127.0.0.1:1935/live/KEY. */
  readonly url: string;
  readonly size?: string;
  readonly fps?: number;
  readonly videoKbps?: number;
  /** Stop after this many seconds (default: run until stopped). */
  readonly seconds?: number;
  readonly onExit?: (code: number | null, error?: Error) => void;
  readonly onStderrLine?: (line: string) => void;
}

export interface DemoBroadcast {
  stop(): void;
}

/**
 * A synthetic live source: ffmpeg's testsrc2 with the wall clock burnt in and a 440 Hz tone, H.264 High with
 * B-frames and a 1 s GOP, AAC-LC, pushed over RTMP in real time. What a streamer's OBS would send, minus the streamer.
 */
export function startDemoBroadcast(options: DemoBroadcastOptions): DemoBroadcast {
  const fps = options.fps ?? 30;
  const size = options.size ?? '1280x720';
  const kbps = options.videoKbps ?? 2500;
  const clock =
    "drawtext=text='%{gmtime} UTC  frame %{n}':x=24:y=24:fontsize=36:fontcolor=white:box=1:boxcolor=black@0.6";
  const command = ffmpeg()
    .input(`testsrc2=size=${size}:rate=${fps}`)
    .inputFormat('lavfi')
    .inputOptions(['-re'])
    .input('sine=frequency=440:beep_factor=4:sample_rate=48000')
    .inputFormat('lavfi')
    .inputOptions(['-re'])
    .videoFilters(clock)
    .videoCodec('libx264')
    .audioCodec('aac')
    .outputOptions([
      ...['-preset', 'veryfast', '-profile:v', 'high', '-pix_fmt', 'yuv420p'],
      ...['-bf', '2', '-g', String(fps), '-keyint_min', String(fps), '-sc_threshold', '0'],
      ...['-b:v', `${kbps}k`, '-maxrate', `${kbps}k`, '-bufsize', `${kbps}k`],
      ...['-x264-params', 'rc-lookahead=10'],
      ...['-b:a', '128k', '-ac', '2', '-ar', '48000'],
      ...(options.seconds ? ['-t', String(options.seconds)] : []),
    ])
    .format('flv')
    .output(options.url);
  command.on('stderr', (line: string) => options.onStderrLine?.(line));
  command.on('error', (error: Error) => options.onExit?.(null, error));
  command.on('end', () => options.onExit?.(0));
  command.run();
  return {
    stop() {
      command.kill('SIGTERM');
    },
  };
}
