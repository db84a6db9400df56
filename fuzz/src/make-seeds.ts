/**
 * `npm run fuzz:seeds -w fuzz`: writes corpus/seeds/<target>/*.bin from what real ffmpeg produces (FLV files, an RTMP
 * publish captured on a loopback socket, H.264 Annex B, ADTS), cut to a few KiB each: mutating real encoder output
 * reaches deep states that random bytes do not. Run once; the seeds are checked in.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { codec } from '@glint/media-core';
import {
  ChunkReader,
  FlvDemuxer,
  packetizeH264,
  RtmpServerConnection,
  serializeRtpPacket,
} from '@glint/media-server/test-support/fuzz-targets';
import { concatBytes } from './bytes.ts';
import { SEEDS_DIR } from './corpus.ts';
import { framePackets } from './framing.ts';

const run = promisify(execFile);
const MAX_SEED_BYTES = 8 * 1024;
const HANDSHAKE_BYTES = 1 + 2 * 1536;

async function ffmpeg(args: readonly string[]): Promise<Uint8Array> {
  const { stdout } = await run('ffmpeg', ['-hide_banner', '-loglevel', 'error', ...args], {
    encoding: 'buffer',
    maxBuffer: 64 * 1024 * 1024,
  });
  return new Uint8Array(stdout);
}

const source = (size: string, seconds: number) => [
  ...['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=15`, '-f', 'lavfi', '-i', 'sine=sample_rate=44100'],
  ...['-t', String(seconds)],
];

/** Encoder settings that change what the parsers meet: profiles, B-frames, cropping, 4:4:4, mono. */
const VARIANTS: readonly { name: string; size: string; video: string[]; audio: string[] }[] = [
  { name: 'high-bframes', size: '96x64', video: ['-profile:v', 'high', '-bf', '2'], audio: ['-ac', '2'] },
  { name: 'baseline', size: '96x64', video: ['-profile:v', 'baseline'], audio: ['-ac', '1', '-ar', '22050'] },
  { name: 'main-cropped', size: '100x60', video: ['-profile:v', 'main', '-bf', '1'], audio: ['-ac', '2'] },
  { name: 'high444', size: '64x48', video: ['-pix_fmt', 'yuv444p', '-profile:v', 'high444'], audio: ['-ac', '1'] },
];

function videoArgs(v: (typeof VARIANTS)[number]): string[] {
  return ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '15', '-b:v', '100k', ...v.video];
}

function audioArgs(v: (typeof VARIANTS)[number]): string[] {
  return ['-c:a', 'aac', '-b:a', '24k', ...v.audio];
}

const written: string[] = [];
const contents = new Set<string>();
function seed(target: string, name: string, bytes: Uint8Array): void {
  const key = `${target}:${Buffer.from(bytes.subarray(0, MAX_SEED_BYTES)).toString('base64')}`;
  if (contents.has(key)) return;
  contents.add(key);
  const dir = join(SEEDS_DIR, target);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.bin`), bytes.subarray(0, MAX_SEED_BYTES));
  written.push(`${target}/${name}.bin (${Math.min(bytes.length, MAX_SEED_BYTES)} bytes)`);
}

/** Everything a client sends after the handshake while ffmpeg publishes for `seconds` to our own connection code. */
async function captureRtmpPublish(args: readonly string[], seconds: number): Promise<Uint8Array> {
  const received: Uint8Array[] = [];
  let total = 0;
  const server = createServer((socket) => {
    const connection = new RtmpServerConnection({ apps: ['live'] });
    const handle = (events: ReturnType<RtmpServerConnection['push']>): void => {
      for (const event of events) {
        if (event.type === 'send') socket.write(event.bytes);
        if (event.type === 'publish-request') handle(connection.acceptPublish());
      }
    };
    socket.on('data', (bytes) => {
      if (total < HANDSHAKE_BYTES + MAX_SEED_BYTES) received.push(new Uint8Array(bytes));
      total += bytes.length;
      try {
        handle(connection.push(bytes));
      } catch {
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  try {
    await ffmpeg([...args, '-t', String(seconds), '-f', 'flv', `rtmp://127.0.0.1:${port}/live/fuzz-key`]);
  } finally {
    server.close();
  }
  return concatBytes(received).subarray(HANDSHAKE_BYTES);
}

/** Cuts a byte stream of FLV tags at a tag boundary at or under the seed size. */
function flvPrefix(file: Uint8Array): Uint8Array {
  let at = 13;
  while (at + 11 <= file.length) {
    const size = (file[at + 1]! << 16) | (file[at + 2]! << 8) | file[at + 3]!;
    const next = at + 11 + size + 4;
    if (next > MAX_SEED_BYTES) break;
    at = next;
  }
  return file.subarray(0, at);
}

async function main(): Promise<void> {
  for (const target of ['flv', 'rtmp-chunks', 'rtmp-connection', 'amf0', 'h264', 'aac', 'rtp']) {
    rmSync(join(SEEDS_DIR, target), { recursive: true, force: true });
  }
  for (const v of VARIANTS) {
    const flv = await ffmpeg([...source(v.size, 2), ...videoArgs(v), ...audioArgs(v), '-f', 'flv', '-']);
    seed('flv', `ffmpeg-${v.name}`, flvPrefix(flv));
    const tags = new FlvDemuxer().push(flv);
    const videoConfig = tags.find((t) => t.type === 'video' && t.data[1] === 0);
    const audioConfig = tags.find((t) => t.type === 'audio' && t.data[1] === 0);
    const script = tags.find((t) => t.type === 'script');
    if (videoConfig) seed('h264', `avcc-record-${v.name}`, videoConfig.data.subarray(5));
    if (audioConfig) seed('aac', `asc-${v.name}`, audioConfig.data.subarray(2));
    if (script) seed('amf0', `onmetadata-${v.name}`, script.data);
    const frames = tags.filter((t) => t.type === 'video' && t.data[1] === 1).slice(0, 3);
    for (const [i, frame] of frames.entries()) seed('h264', `avcc-frame${i}-${v.name}`, frame.data.subarray(5));

    const annexB = await ffmpeg([
      ...source(v.size, 1),
      ...videoArgs(v),
      ...['-an', '-bsf:v', 'h264_metadata=aud=insert', '-f', 'h264', '-'],
    ]);
    const nals = codec.splitAnnexB(annexB, 1_000_000);
    const sps = nals.find((n) => codec.nalType(n) === codec.NalType.SPS);
    if (sps) seed('h264', `sps-${v.name}`, sps);
    seed('h264', `annexb-${v.name}`, annexB.subarray(0, 4096));
    const units: Uint8Array[][] = [];
    for (const nal of nals) {
      if (codec.nalType(nal) === codec.NalType.AUD) units.push([]);
      else units.at(-1)?.push(nal);
    }
    const small = units.find((u) => u.every((n) => n.length < 256) && u.length > 0);
    if (small) {
      for (const size of [1, 2] as const) {
        const w = small.flatMap((n) => [
          Uint8Array.from({ length: size }, (_, k) => (n.length >> (8 * (size - 1 - k))) & 0xff),
          n,
        ]);
        seed('h264', `lp${size}-${v.name}`, concatBytes(w));
      }
    }
    const packets: Uint8Array[] = [];
    let seq = 65530;
    for (const [i, unit] of units.slice(0, 4).entries()) {
      for (const p of packetizeH264(unit, { maxPayloadBytes: 400 })) {
        const header = { marker: p.marker, payloadType: 96, sequenceNumber: seq, timestamp: 3000 * i, ssrc: 1 };
        packets.push(serializeRtpPacket(header, p.payload));
        seq = (seq + 1) & 0xffff;
      }
    }
    seed('rtp', `ffmpeg-${v.name}`, framePackets(packets).subarray(0, MAX_SEED_BYTES));

    const publish = await captureRtmpPublish([...source(v.size, 1), ...videoArgs(v), ...audioArgs(v)], 1);
    seed('rtmp-chunks', `ffmpeg-publish-${v.name}`, publish);
    seed('rtmp-connection', `ffmpeg-publish-${v.name}`, publish);
    for (const message of new ChunkReader().push(publish)) {
      if (message.typeId === 20 || message.typeId === 18) {
        const name = new TextDecoder().decode(message.payload.subarray(3, 3 + message.payload[2]!));
        seed('amf0', `rtmp-${name.replace(/\W/g, '')}-${v.name}`, message.payload);
      }
    }
  }
  const adts = await ffmpeg([...source('16x16', 0.2), '-vn', '-c:a', 'aac', '-b:a', '32k', '-f', 'adts', '-']);
  seed('aac', 'adts-lc-stereo', adts.subarray(0, 2048));
  for (const line of written) console.log(line);
}

await main();
