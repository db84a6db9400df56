/**
 * Replays a pre-encoded FLV clip in real time, looped (timestamps moved on by the clip's length each lap), to any
 * number of sinks: an encoder's output as it would arrive live, without an encoder competing for the CPU.
 */
import type { FlvFile, FlvTag } from '../ingest/flv.ts';

export interface ReplayTag {
  /** 8 audio, 9 video. */
  readonly type: number;
  /** The tag body (the FLV tag less its 11-byte header and trailing size). */
  readonly body: Uint8Array;
  /** DTS, ms, from the replay's start (grows across laps). */
  readonly timestampMs: number;
  /** A sequence header (sent once, before the frames). */
  readonly config: boolean;
}

export interface Replay {
  /** Media sent so far, ms (the last video tag's timestamp). */
  readonly sentMs: number;
  stop(): void;
}

const TICK_MS = 5;

function bodyOf(tag: FlvTag): Uint8Array {
  return tag.bytes.subarray(11, tag.bytes.byteLength - 4);
}

function isConfig(tag: FlvTag): boolean {
  const body = bodyOf(tag);
  return body.byteLength >= 2 && body[1] === 0;
}

/** `audio: true` sends the audio tags too (what an encoder sends Glint). */
export function startReplay(flv: FlvFile, send: (tag: ReplayTag) => void, options: { audio: boolean }): Replay {
  const media = flv.tags.filter((t) => t.type === 9 || (options.audio && t.type === 8));
  const configs = media.filter(isConfig);
  const frames = media.filter((t) => !isConfig(t));
  const video = frames.filter((t) => t.type === 9);
  if (configs.length === 0 || video.length < 2)
    throw new Error('the source clip needs an AVC sequence header and frames');
  const first = frames[0]!.timestampMs;
  const frameMs = (video[video.length - 1]!.timestampMs - video[0]!.timestampMs) / (video.length - 1);
  const lapMs = video[video.length - 1]!.timestampMs - first + frameMs;
  for (const tag of configs) send({ type: tag.type, body: bodyOf(tag), timestampMs: 0, config: true });
  const start = performance.now();
  let n = 0;
  let sentMs = 0;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const elapsed = performance.now() - start;
    for (;;) {
      const tag = frames[n % frames.length]!;
      const ts = Math.round(tag.timestampMs - first + Math.floor(n / frames.length) * lapMs);
      if (ts > elapsed) break;
      send({ type: tag.type, body: bodyOf(tag), timestampMs: ts, config: false });
      if (tag.type === 9) sentMs = ts;
      n++;
    }
    timer = setTimeout(tick, TICK_MS);
  };
  tick();
  return {
    get sentMs() {
      return sentMs;
    },
    stop: () => clearTimeout(timer),
  };
}

/** An FLV file header (video only) and PreviousTagSize0. */
export function flvHeader(): Uint8Array {
  return Uint8Array.from([0x46, 0x4c, 0x56, 1, 0x01, 0, 0, 0, 9, 0, 0, 0, 0]);
}

/** A whole FLV tag: header, body, PreviousTagSize. */
export function flvTagBytes(type: number, timestampMs: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(11 + body.byteLength + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.byteLength);
  out[0] = type;
  view.setUint32(4, (timestampMs & 0xffffff) << 8);
  out[7] = (timestampMs >>> 24) & 0xff;
  out.set(body, 11);
  view.setUint32(11 + body.byteLength, 11 + body.byteLength);
  return out;
}
