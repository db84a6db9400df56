import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { RtmpError } from './errors.ts';

export const RTMP_VERSION = 3;
export const HANDSHAKE_PACKET_BYTES = 1536;

export interface HandshakeOptions {
  /** Value for S1's time field, in ms; the peer only echoes it. */
  readonly timeMs?: () => number;
  readonly randomBytes?: (n: number) => Uint8Array;
}

export type HandshakeStep =
  | { readonly done: false; readonly output?: Uint8Array }
  | { readonly done: true; readonly output?: Uint8Array; readonly remainder: Uint8Array };

/**
 * Server side of the simple handshake (RTMP 1.0 §5.2). S1 carries four zero bytes where a digest-handshake server
 * puts its version; clients such as ffmpeg and librtmp read that as "no digest" and skip verifying S1/S2.
 * S2 echoes C1 byte for byte; C2 is read and not verified, as a digest-capable client fills it differently.
 */
export class ServerHandshake {
  #buffer: Uint8Array = new Uint8Array(0);
  #state: 'c0c1' | 'c2' | 'done' = 'c0c1';
  readonly #timeMs: () => number;
  readonly #randomBytes: (n: number) => Uint8Array;

  constructor(options: HandshakeOptions = {}) {
    this.#timeMs = options.timeMs ?? (() => Date.now());
    this.#randomBytes = options.randomBytes ?? ((n) => new Uint8Array(nodeRandomBytes(n)));
  }

  push(bytes: Uint8Array): HandshakeStep {
    if (this.#state === 'done') return { done: true, remainder: bytes };
    this.#buffer = appendBytes(this.#buffer, bytes);
    if (this.#state === 'c0c1') {
      const version = this.#buffer[0];
      if (version === undefined) return { done: false };
      if (version !== RTMP_VERSION) {
        throw new RtmpError(
          'HANDSHAKE_VERSION',
          `handshake version ${version} is not RTMP ${RTMP_VERSION} (encrypted RTMPE and garbage are refused)`,
        );
      }
      if (this.#buffer.length < 1 + HANDSHAKE_PACKET_BYTES) return { done: false };
      const c1 = this.#buffer.subarray(1, 1 + HANDSHAKE_PACKET_BYTES);
      const output = new Uint8Array(1 + 2 * HANDSHAKE_PACKET_BYTES);
      output[0] = RTMP_VERSION;
      new DataView(output.buffer).setUint32(1, this.#timeMs() >>> 0);
      // bytes 5..8 stay zero: the simple handshake's "zero" field
      output.set(this.#randomBytes(HANDSHAKE_PACKET_BYTES - 8), 9);
      output.set(c1, 1 + HANDSHAKE_PACKET_BYTES);
      this.#buffer = this.#buffer.slice(1 + HANDSHAKE_PACKET_BYTES);
      this.#state = 'c2';
      const next = this.#afterC2();
      return next === undefined ? { done: false, output } : { done: true, output, remainder: next };
    }
    const next = this.#afterC2();
    return next === undefined ? { done: false } : { done: true, remainder: next };
  }

  #afterC2(): Uint8Array | undefined {
    if (this.#buffer.length < HANDSHAKE_PACKET_BYTES) return undefined;
    const remainder = this.#buffer.slice(HANDSHAKE_PACKET_BYTES);
    this.#buffer = new Uint8Array(0);
    this.#state = 'done';
    return remainder;
  }
}

function appendBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
