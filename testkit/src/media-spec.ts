/**
 * The synthetic stream tests and benchmarks encode with ffmpeg: testsrc2 and a 440 Hz sine, H.264 High with 2
 * B-frames and a GOP of one second, AAC-LC stereo 48 kHz.
 */
export interface MediaSpec {
  readonly seconds: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly videoKbps: number;
  readonly audioKbps: number;
}

export interface EncodeOptions {
  /** Keyframe interval in frames; default `fps` (one second). */
  readonly gop?: number;
  /**
   * Temporal noise and a capped rate keep the encoder near its target bitrate (a clean test pattern comes out far
   * smaller): what a benchmark wants from a camera-like source.
   */
  readonly noise?: boolean;
  /** An access unit delimiter before every access unit, so an elementary stream can be cut exactly. */
  readonly aud?: boolean;
}

/** ffmpeg's input and encoder arguments for `spec`; the caller adds the output format and file. */
export function encodeArgs(spec: MediaSpec, options: EncodeOptions = {}): string[] {
  const gop = String(options.gop ?? spec.fps);
  const rate = `${spec.videoKbps}k`;
  return [
    ...['-hide_banner', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', `testsrc2=size=${spec.width}x${spec.height}:rate=${spec.fps}`],
    ...['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
    ...['-t', String(spec.seconds), ...(options.noise ? ['-vf', 'noise=alls=12:allf=t'] : []), '-pix_fmt', 'yuv420p'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'high', '-bf', '2', '-g', gop, '-keyint_min', gop],
    ...['-sc_threshold', '0', '-b:v', rate, ...(options.noise ? ['-maxrate', rate, '-bufsize', rate] : [])],
    ...(options.aud ? ['-x264-params', 'aud=1'] : []),
    ...['-c:a', 'aac', '-b:a', `${spec.audioKbps}k`, '-ac', '2'],
  ];
}
