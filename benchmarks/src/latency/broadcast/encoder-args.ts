/** The ffmpeg command line of the benchmark's broadcaster: raw frames and PCM in from pipes, FLV out on stdout. */

/**
 * `zerolatency`: x264 veryfast with `-tune zerolatency` (no B-frames, no rc lookahead, sliced threads): what a
 * latency-minded streamer sets. `obs-default`: what OBS does out of the box with x264 (veryfast, no tune, 2
 * B-frames, so rc lookahead and frame threads on): what most streamers send.
 */
export type EncoderProfile = 'zerolatency' | 'obs-default';

export interface EncoderSettings {
  readonly profile: EncoderProfile;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  readonly gopSec: number;
  readonly bitrateKbps: number;
  readonly audio: boolean;
}

export const AUDIO_SAMPLE_RATE = 48_000;
/** Stereo, as '-ch_layout stereo' tells ffmpeg. */
export const AUDIO_CHANNELS = 2;
/** The pipe ffmpeg reads PCM from: an extra fd, so stdin stays the video. */
export const AUDIO_FD = 3;

export function encoderArgs(s: EncoderSettings): string[] {
  const gop = String(Math.max(1, Math.round(s.fps * s.gopSec)));
  const rate = `${s.bitrateKbps}k`;
  const x264Profile =
    s.profile === 'zerolatency' ? ['-tune', 'zerolatency', '-bf', '0'] : ['-bf', '2' /* OBS's x264 default */];
  const audioInput = ['-probesize', '32', '-analyzeduration', '0', '-thread_queue_size', '64'];
  audioInput.push('-f', 's16le', '-ar', String(AUDIO_SAMPLE_RATE), '-ch_layout', 'stereo', '-i', `pipe:${AUDIO_FD}`);
  return [
    ...['-hide_banner', '-loglevel', 'warning', '-nostdin'],
    // Both inputs are paced by Node in real time; ffmpeg stamps them by count (frame n at n/fps, sample k at k/48k).
    // No probing: ffmpeg opens its inputs one after the other, and probing the PCM for seconds while the video pipe
    // stands full would block Node, which writes both in step.
    ...['-probesize', '32', '-analyzeduration', '0'],
    // A queue of 64 frames between the reader and the encoder, as the audio has: with the default 8 a busy machine
    // made ffmpeg warn 'Thread message queue blocking' (any warning fails the encoder's run).
    ...['-thread_queue_size', '64'],
    ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${s.width}x${s.height}`, '-r', String(s.fps), '-i', 'pipe:0'],
    ...(s.audio ? audioInput : []),
    ...['-map', '0:v', ...(s.audio ? ['-map', '1:a'] : [])],
    ...['-c:v', 'libx264', '-preset', 'veryfast', ...x264Profile],
    ...['-g', gop, '-keyint_min', gop, '-sc_threshold', '0', '-pix_fmt', 'yuv420p'],
    // CBR as OBS does it: max rate = target, a one-second VBV buffer.
    ...['-b:v', rate, '-maxrate', rate, '-bufsize', rate],
    ...(s.audio ? ['-c:a', 'aac', '-b:a', '128k'] : []),
    // ffmpeg hands packets to the muxer in dts order across audio and video, so a video frame waits for the AAC
    // encoder (two 1024-sample frames of delay) to pass its time: ~70 ms more than video alone. OBS interleaves its
    // output the same way, so this wait is part of what a streamer's encoder stage costs.
    // Write each packet out as soon as the muxer has it; no header rewrite (stdout cannot seek).
    ...['-flush_packets', '1', '-fflags', '+flush_packets', '-muxdelay', '0', '-flvflags', 'no_duration_filesize'],
    ...['-f', 'flv', 'pipe:1'],
  ];
}

/** Samples of one channel due by the end of frame `n` (frames 0..n): exact over any run, no drift from rounding. */
export function samplesThroughFrame(n: number, fps: number): number {
  return Math.floor(((n + 1) * AUDIO_SAMPLE_RATE) / fps);
}

/** A quiet 440 Hz tone as interleaved s16le, continuing from sample `first`. */
export function tonePcm(first: number, count: number): Buffer {
  const out = Buffer.allocUnsafe(count * AUDIO_CHANNELS * 2);
  for (let i = 0; i < count; i++) {
    const v = Math.round(3000 * Math.sin((2 * Math.PI * 440 * (first + i)) / AUDIO_SAMPLE_RATE));
    for (let c = 0; c < AUDIO_CHANNELS; c++) out.writeInt16LE(v, (i * AUDIO_CHANNELS + c) * 2);
  }
  return out;
}
