/** Test helpers: real media from ffmpeg for the WebRTC bridges. Not part of the runtime code. */
import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { requireTool } from '@glint/testkit';
import { FlvDemuxer } from '../src/protocols/flv/demuxer.ts';
import { FlvMediaReader } from '../src/protocols/flv/flv-media-reader.ts';
import type { MediaEvent } from '../src/protocols/flv/types.ts';
import { encodeFlvFile } from './flv-ffmpeg.ts';

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
