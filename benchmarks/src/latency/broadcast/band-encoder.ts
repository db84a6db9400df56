/**
 * The broadcaster's capture and encoder: Node paints band frames in real time and hands them to ffmpeg (x264 + AAC
 * to FLV on stdout), stamping `captured` as it paints and `encoded` as each frame's FLV tag comes out of ffmpeg.
 * Frame numbers are modulo 2^16, as the band carries them: unambiguous for runs under 36 minutes at 30 fps.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { requireTool } from '@glint/testkit';
import { bandKit } from '../band.ts';
import type { FrameStamps } from '../types.ts';
import { AUDIO_FD, type EncoderSettings, encoderArgs, samplesThroughFrame, tonePcm } from './encoder-args.ts';
import { avcPacketOf, type FlvStreamTag, FlvTagReader } from './flv-tag-reader.ts';

export type { EncoderProfile } from './encoder-args.ts';

export interface BandEncoderOptions extends Partial<Omit<EncoderSettings, 'profile'>> {
  readonly profile: EncoderSettings['profile'];
  /** Every FLV tag as it leaves ffmpeg, in order (script data, sequence headers, frames, audio). */
  readonly onTag?: (tag: EncodedTag) => void;
  /** ffmpeg's warnings and our own notes, one line each. */
  readonly log?: (line: string) => void;
}

export interface EncodedTag extends FlvStreamTag {
  /** Wall-clock ms when the tag's last byte came out of ffmpeg. */
  readonly arrivedMs: number;
  /** For a coded video frame: its presentation time in the FLV (timestamp + composition offset) and its number. */
  readonly ptsMs?: number;
  readonly frame?: number;
}

export interface EncoderEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** stop() asked for it; otherwise ffmpeg ended (or failed) on its own. */
  readonly stopped: boolean;
}

export interface BandEncoder {
  /** captured/encoded per frame number (modulo 2^16). */
  stamps(): ReadonlyMap<number, FrameStamps>;
  /** The FLV pts (ms) of a frame as ffmpeg wrote it; undefined until that frame has been encoded. */
  ptsMsOfFrame(frame: number): number | undefined;
  /** The frame number (modulo 2^16) of an FLV pts; undefined before the first frame is encoded. */
  frameOfPtsMs(ptsMs: number): number | undefined;
  readonly framesPainted: number;
  readonly framesEncoded: number;
  readonly settings: EncoderSettings;
  /** Problems seen (ffmpeg's warnings, a broken pipe, a listener that threw). */
  errors(): readonly string[];
  readonly exited: Promise<EncoderEnd>;
  /** Stops painting, lets ffmpeg flush what it holds (its tags still reach onTag), waits for it to exit. */
  stop(): Promise<EncoderEnd>;
}

const nowMs = () => performance.timeOrigin + performance.now();
const FRAME_MOD = 1 << 16;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

type FfmpegChild = ChildProcessByStdio<Writable, Readable, Readable>;

export function startBandEncoder(options: BandEncoderOptions): BandEncoder {
  requireTool('ffmpeg');
  const settings: EncoderSettings = {
    profile: options.profile,
    fps: options.fps ?? 30,
    width: options.width ?? 640,
    height: options.height ?? 360,
    gopSec: options.gopSec ?? 1,
    bitrateKbps: options.bitrateKbps ?? 1500,
    audio: options.audio ?? true,
  };
  const { fps, width, height } = settings;
  const log = options.log ?? (() => {});
  const errors: string[] = [];
  const problem = (line: string) => {
    errors.push(line);
    log(line);
  };
  const stdio = settings.audio ? ['pipe', 'pipe', 'pipe', 'pipe'] : ['pipe', 'pipe', 'pipe'];
  const child = spawn('ffmpeg', encoderArgs(settings), { stdio: stdio as ['pipe', 'pipe', 'pipe'] }) as FfmpegChild;
  const audioPipe = settings.audio ? (child.stdio[AUDIO_FD] as Writable) : undefined;
  for (const pipe of [child.stdin, audioPipe]) pipe?.on('error', (e) => problem(`ffmpeg input pipe: ${e.message}`));
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    for (const line of text.split('\n')) if (line.trim() !== '') problem(`ffmpeg: ${line.trim()}`);
  });

  const stamps = new Map<number, FrameStamps>();
  const ptsByFrame = new Map<number, number>();
  let firstPtsMs: number | undefined;
  let framesPainted = 0;
  let framesEncoded = 0;
  let stopping = false;

  const reader = new FlvTagReader();
  child.stdout.on('data', (chunk: Buffer) => {
    const arrivedMs = nowMs();
    let tags: FlvStreamTag[];
    try {
      tags = reader.push(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } catch (error) {
      problem(`flv from ffmpeg: ${(error as Error).message}`);
      child.kill('SIGKILL');
      return;
    }
    for (const tag of tags) {
      let out: EncodedTag = { ...tag, arrivedMs };
      const avc = tag.type === 9 ? avcPacketOf(tag.body) : undefined;
      if (avc?.packetType === 1) {
        const ptsMs = tag.timestampMs + avc.compositionMs;
        // The first coded frame is frame 0; ffmpeg may have shifted every timestamp (B-frame and AAC delay).
        firstPtsMs ??= ptsMs;
        const frame = Math.round(((ptsMs - firstPtsMs) * fps) / 1000) % FRAME_MOD;
        framesEncoded++;
        ptsByFrame.set(frame, ptsMs);
        const s = stamps.get(frame);
        if (s === undefined) problem(`encoded frame ${frame} (pts ${ptsMs} ms) was never painted`);
        else s.encoded = arrivedMs;
        out = { ...out, ptsMs, frame };
      }
      try {
        options.onTag?.(out);
      } catch (error) {
        problem(`tag listener: ${(error as Error).message}`);
      }
    }
  });

  const exited = new Promise<EncoderEnd>((resolve) => {
    child.on('error', (error) => {
      problem(`ffmpeg: ${error.message}`);
      resolve({ code: null, signal: null, stopped: stopping });
    });
    child.on('close', (code, signal) => {
      const stopped = stopping;
      if (!stopped) problem(`ffmpeg exited on its own (code ${code}, signal ${signal})`);
      stopping = true; // the painting loop ends too
      resolve({ code, signal, stopped });
    });
  });

  const paintLoop = async () => {
    const kit = bandKit();
    let t0 = nowMs();
    const frameMs = 1000 / fps;
    for (let n = 0; !stopping; n++) {
      // Paced against the wall clock from t0: a late timer makes the next wait shorter, never drifts.
      const waitMs = t0 + n * frameMs - nowMs();
      if (waitMs > 0) await sleep(waitMs);
      // More than a frame late while ffmpeg starts its encoders (it stops reading meanwhile): the cadence restarts
      // from now. Once encoding, a late frame is painted at once and the cadence kept: moving it would make the
      // stream's media time lose against the wall clock for good, and players' buffers with it (seen as stalls).
      else if (waitMs < -frameMs && framesEncoded === 0) t0 -= waitMs;
      if (stopping) break;
      const rgb = Buffer.allocUnsafe(width * height * 3); // a fresh buffer: the pipe holds the last until written
      const capturedMs = nowMs();
      kit.paintRgb(rgb, width, height, capturedMs, n);
      stamps.set(n % FRAME_MOD, { captured: capturedMs });
      if (audioPipe !== undefined) {
        const first = n === 0 ? 0 : samplesThroughFrame(n - 1, fps);
        audioPipe.write(tonePcm(first, samplesThroughFrame(n, fps) - first));
      }
      framesPainted++;
      // Drop-free: a full pipe delays the next frame (its capture stamp shows it) rather than losing one.
      if (!child.stdin.write(rgb)) await Promise.race([once(child.stdin, 'drain'), exited]);
    }
  };
  const painting = paintLoop().catch((error: unknown) => problem(`painting: ${(error as Error).message}`));

  return {
    stamps: () => stamps,
    ptsMsOfFrame: (frame) => ptsByFrame.get(frame % FRAME_MOD),
    frameOfPtsMs: (ptsMs) =>
      firstPtsMs === undefined ? undefined : Math.round(((ptsMs - firstPtsMs) * fps) / 1000) % FRAME_MOD,
    get framesPainted() {
      return framesPainted;
    },
    get framesEncoded() {
      return framesEncoded;
    },
    settings,
    errors: () => errors,
    exited,
    stop: async () => {
      stopping = true;
      await painting;
      child.stdin.end();
      audioPipe?.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
      const end = await exited;
      clearTimeout(killer);
      return end;
    },
  };
}
