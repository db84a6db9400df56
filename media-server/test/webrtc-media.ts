/** Test helpers: real media from ffmpeg for the WebRTC bridges. Not part of the runtime code. */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FlvDemuxer } from '../src/protocols/flv/demuxer.ts';
import { FlvMediaReader } from '../src/protocols/flv/flv-media-reader.ts';
import type { MediaEvent } from '../src/protocols/flv/types.ts';
import type { MediaKind, RtpCodec, RtpSource } from '../src/sfu/types.ts';
import { encodeFlvFile, requireTool } from './flv-ffmpeg.ts';

const run = promisify(execFile);

/** ffmpeg's FLV (H.264 with B-frames, AAC mono 44.1 kHz) as the media events RTMP ingest would push. */
export async function flvEvents(seconds: number): Promise<MediaEvent[]> {
  const dir = mkdtempSync(join(tmpdir(), 'glint-webrtc-'));
  try {
    const path = join(dir, 'in.flv');
    await encodeFlvFile(path, seconds);
    const demuxer = new FlvDemuxer();
    const toStream = new FlvMediaReader();
    const events: MediaEvent[] = [];
    for (const tag of demuxer.push(new Uint8Array(readFileSync(path)))) {
      const event = toStream.tag(tag);
      if (event) events.push(event);
    }
    return events;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Opus RTP packets as ffmpeg's RTP muxer sends them (what a WebRTC publisher's audio looks like). */
export async function captureOpusRtp(seconds: number): Promise<Buffer[]> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  const packets: Buffer[] = [];
  socket.on('message', (msg) => {
    const pt = (msg[1] ?? 0) & 0x7f;
    if (pt < 64 || pt > 95) packets.push(msg);
  });
  try {
    await run(requireTool('ffmpeg'), [
      ...['-hide_banner', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'],
      ...['-t', String(seconds), '-ac', '2', '-c:a', 'libopus', '-b:a', '64k', '-frame_duration', '20'],
      ...['-payload_type', '111', '-f', 'rtp', `rtp://127.0.0.1:${port}?rtcpport=${port}`],
    ]);
    // Datagrams sent just before exit may still be in the socket's queue.
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    socket.close();
  }
  return packets;
}

/** A WHIP publisher stand-in: tests push serialized RTP through it. */
export class FakeRtpSource implements RtpSource {
  readonly channelId: string;
  readonly codecs: Readonly<Partial<Record<MediaKind, RtpCodec>>>;
  keyframeRequests = 0;
  readonly #listeners = { video: new Set<(p: Buffer) => void>(), audio: new Set<(p: Buffer) => void>() };
  readonly #close = new Set<() => void>();

  constructor(channelId: string, codecs: Readonly<Partial<Record<MediaKind, RtpCodec>>>) {
    this.channelId = channelId;
    this.codecs = codecs;
  }

  onRtp(kind: MediaKind, listener: (packet: Buffer) => void): () => void {
    this.#listeners[kind].add(listener);
    return () => this.#listeners[kind].delete(listener);
  }

  listenerCount(kind: MediaKind): number {
    return this.#listeners[kind].size;
  }

  emit(kind: MediaKind, packet: Buffer): void {
    for (const listener of this.#listeners[kind]) listener(packet);
  }

  requestKeyframe(): void {
    this.keyframeRequests++;
  }

  onClose(listener: () => void): () => void {
    this.#close.add(listener);
    return () => this.#close.delete(listener);
  }

  close(): void {
    for (const listener of [...this.#close]) listener();
  }
}

/** Polls `check` until it is true or the deadline passes. */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}
