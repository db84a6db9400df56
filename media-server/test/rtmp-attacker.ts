/**
 * Test helper run as its own process (so that only the server's memory and event loop are measured): opens RTMP
 * clients that each send an attack, reading and discarding what the server says, until the server closes them.
 * Usage: tsx rtmp-attacker.ts '<AttackPlan as JSON>'; starts on a line "go" on stdin; prints AttackResult[] as JSON.
 */
import { connect } from 'node:net';
import { setChunkSizeMessage } from '../src/protocols/rtmp/message.ts';
import { TestRtmpClient } from './rtmp-test-client.ts';

export type Attack =
  /** Set Chunk Size `size`, then one command message of `payloadBytes` in chunks of that size. */
  | { readonly kind: 'chunk-size'; readonly size: number; readonly payloadBytes: number }
  /** After the handshake, `totalBytes` of messages of an unused type, `messageBytes` each, in 128-byte chunks. */
  | { readonly kind: 'before-connect'; readonly totalBytes: number; readonly messageBytes: number };

export interface AttackPlan {
  readonly port: number;
  readonly groups: readonly { readonly attack: Attack; readonly clients: number; readonly from: string }[];
}

export interface AttackResult {
  /** With `localPort`, tells clients apart: clients from different addresses may share a port. */
  readonly localAddress: string;
  readonly localPort: number;
  readonly sentBytes: number;
  readonly closedAfterMs: number;
}

const PIECE_BYTES = 4096;

export function attackBytes(attack: Attack): Uint8Array {
  const c = new TestRtmpClient();
  if (attack.kind === 'chunk-size') {
    const head = c.writer.write(setChunkSizeMessage(attack.size));
    c.writer.setChunkSize(attack.size);
    const payload = new Uint8Array(attack.payloadBytes);
    const body = c.writer.write({ chunkStreamId: 3, timestamp: 0, typeId: 20, streamId: 0, payload });
    return Buffer.concat([c.handshake(), head, body]);
  }
  const payload = new Uint8Array(attack.messageBytes);
  const one = c.writer.write({ chunkStreamId: 3, timestamp: 0, typeId: 99, streamId: 0, payload });
  const count = Math.ceil(attack.totalBytes / attack.messageBytes);
  return Buffer.concat([c.handshake(), ...Array.from({ length: count }, () => one)]);
}

function run(port: number, from: string, bytes: Uint8Array): Promise<AttackResult> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress: from });
    const openedAtMs = Date.now();
    let sentBytes = 0;
    let closed = false;
    let localPort = 0;
    socket.on('error', () => {});
    socket.resume();
    socket.on('close', () => {
      closed = true;
      resolve({ localAddress: from, localPort, sentBytes, closedAfterMs: Date.now() - openedAtMs });
    });
    socket.on('connect', () => {
      localPort = socket.localPort ?? 0;
      const next = (at: number): void => {
        for (let i = at; i < bytes.length; i += PIECE_BYTES) {
          if (closed || socket.destroyed) return;
          const piece = bytes.subarray(i, i + PIECE_BYTES);
          sentBytes += piece.length;
          if (!socket.write(piece)) {
            socket.once('drain', () => next(i + PIECE_BYTES));
            return;
          }
        }
      };
      next(0);
    });
  });
}

async function main(): Promise<void> {
  const plan = JSON.parse(process.argv[2] ?? '') as AttackPlan;
  const runs = plan.groups.map((g) => ({ ...g, bytes: attackBytes(g.attack) }));
  process.stdout.write('ready\n');
  for await (const line of process.stdin) if (String(line).includes('go')) break;
  const results = await Promise.all(
    runs.flatMap((g) => Array.from({ length: g.clients }, () => run(plan.port, g.from, g.bytes))),
  );
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

await main();
