import { ByteWriter } from '../bytes.ts';
import type { Random } from '../random.ts';
import { generateAmf0, writeAmf0Value } from './amf0.ts';
import { generateAudioBody, generateScriptBody, generateTags, generateVideoBody } from './flv.ts';

interface Message {
  csid: number;
  typeId: number;
  streamId: number;
  timestamp: number;
  payload: Uint8Array;
}

interface CsState {
  timestamp: number;
  delta: number;
  length: number;
  typeId: number;
  streamId: number;
  extended: boolean;
}

/**
 * Writes messages as RTMP chunks (RTMP 1.0 §5.3) the way different encoders do: type 1-3 headers when the previous
 * header allows them, 1- to 3-byte basic headers, extended timestamps, chunks of chunk streams interleaved. With
 * `chaos` it also breaks the rules now and then (a type 3 first header, a length that changes mid-message).
 */
class ChunkEncoder {
  readonly out = new ByteWriter();
  chunkSize = 128;
  readonly #streams = new Map<number, CsState>();

  constructor(
    private readonly rng: Random,
    private readonly chaos: number,
  ) {}

  #basic(fmt: number, csid: number): void {
    if (csid < 64) this.out.u8((fmt << 6) | csid);
    else if (csid < 320) this.out.u8(fmt << 6).u8(csid - 64);
    else this.out.u8((fmt << 6) | 1).u16(((csid - 64) & 0xff) * 256 + ((csid - 64) >>> 8));
  }

  /** The header of a message's first chunk; returns whether its chunks carry an extended timestamp. */
  #firstHeader(m: Message): boolean {
    const rng = this.rng;
    const prev = this.#streams.get(m.csid);
    let fmt = 0;
    let field = m.timestamp;
    if (prev !== undefined && rng.chance(0.7)) {
      const delta = (m.timestamp - prev.timestamp) >>> 0;
      if (prev.streamId === m.streamId) {
        fmt = 1;
        field = delta;
        if (prev.length === m.payload.length && prev.typeId === m.typeId) {
          fmt = 2;
          if (prev.delta === delta && !prev.extended && rng.chance(0.7)) fmt = 3;
        }
      }
    }
    if (rng.chance(this.chaos)) fmt = rng.below(4);
    const extended = fmt === 3 ? (prev?.extended ?? false) : field >= 0xffffff;
    this.#basic(fmt, m.csid);
    if (fmt <= 2) this.out.u24(extended ? 0xffffff : field);
    if (fmt <= 1) this.out.u24(rng.chance(this.chaos) ? rng.u32() & 0xffffff : m.payload.length).u8(m.typeId);
    if (fmt === 0) this.out.u32le(m.streamId);
    if (extended) this.out.u32(field);
    this.#streams.set(m.csid, {
      timestamp: m.timestamp,
      delta: fmt === 0 ? m.timestamp : fmt === 3 ? (prev?.delta ?? 0) : field,
      length: m.payload.length,
      typeId: m.typeId,
      streamId: m.streamId,
      extended,
    });
    return extended;
  }

  /** Messages, their chunks interleaved across chunk streams when there are several. */
  write(messages: readonly Message[]): void {
    const pending = messages.map((m) => ({ m, at: -1, extended: false }));
    while (pending.length > 0) {
      const i = this.rng.chance(0.8) ? 0 : this.rng.below(pending.length);
      const p = pending[i]!;
      const sameCs = pending.findIndex((q) => q.m.csid === p.m.csid);
      const cur = pending[sameCs]!;
      if (cur.at < 0) {
        cur.extended = this.#firstHeader(cur.m);
        cur.at = 0;
      } else {
        this.#basic(this.rng.chance(this.chaos) ? this.rng.below(3) : 3, cur.m.csid);
        if (cur.extended) this.out.u32(cur.m.timestamp);
      }
      const n = Math.min(this.chunkSize, cur.m.payload.length - cur.at);
      this.out.bytes(cur.m.payload.subarray(cur.at, cur.at + n));
      cur.at += n;
      if (cur.at >= cur.m.payload.length) {
        pending.splice(sameCs, 1);
        if (cur.m.typeId === 1 && cur.m.payload.length >= 4) {
          const v = new DataView(cur.m.payload.buffer, cur.m.payload.byteOffset).getUint32(0);
          if (v > 0 && v <= 0x7fffffff) this.chunkSize = v;
        }
      }
    }
  }
}

function u32(v: number): Uint8Array {
  return new ByteWriter().u32(v).finish();
}

function command(rng: Random, name: string, tx: number, args: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter();
  const n = new TextEncoder().encode(name);
  w.u8(0x02).u16(n.length).bytes(n).u8(0x00).f64(tx);
  args(w);
  if (rng.chance(0.1)) writeAmf0Value(rng, w, 2);
  return w.finish();
}

function amfString(w: ByteWriter, s: string): void {
  const b = new TextEncoder().encode(s);
  w.u8(0x02).u16(b.length).bytes(b);
}

/** connect, releaseStream, FCPublish, createStream, publish: what OBS and ffmpeg send before media. */
export function publishCommands(rng: Random): Message[] {
  const key = rng.chance(0.9) ? 'fuzz-key' : '';
  const app = rng.chance(0.9) ? 'live' : rng.pick(['', 'live?x=1', '/live/', 'other']);
  const c = (name: string, tx: number, streamId: number, args: (w: ByteWriter) => void): Message => ({
    csid: 3,
    typeId: rng.chance(0.95) ? 20 : 17,
    streamId,
    timestamp: 0,
    payload: command(rng, name, tx, args),
  });
  const connect = c('connect', 1, 0, (w) => {
    w.u8(0x03);
    for (const [k, v] of [
      ['app', app],
      ['type', 'nonprivate'],
      ['tcUrl', `rtmp://127.0.0.1/${app}`],
    ] as const) {
      if (rng.chance(0.05)) continue;
      const b = new TextEncoder().encode(k);
      w.u16(b.length).bytes(b);
      amfString(w, v);
    }
    w.u16(0).u8(0x09);
  });
  if (connect.typeId === 17) connect.payload = Uint8Array.of(0, ...connect.payload);
  const list = [
    connect,
    c('releaseStream', 2, 0, (w) => amfString(w.u8(0x05), key)),
    c('FCPublish', 3, 0, (w) => amfString(w.u8(0x05), key)),
    c('createStream', 4, 0, (w) => w.u8(0x05)),
    c('publish', 5, 1, (w) => {
      w.u8(0x05);
      amfString(w, key);
      amfString(w, 'live');
    }),
  ];
  return list.filter(() => rng.chance(0.97));
}

/** A message of any kind a client may send after the handshake. */
function anyMessage(rng: Random, ts: number): Message {
  const kind = rng.below(20);
  const m = (csid: number, typeId: number, payload: Uint8Array, streamId = 1): Message => ({
    csid,
    typeId,
    streamId,
    timestamp: ts,
    payload,
  });
  if (kind < 6) return m(6, 9, generateVideoBody(rng, 4));
  if (kind < 10) return m(4, 8, generateAudioBody(rng));
  if (kind === 10) return m(5, 18, generateScriptBody(rng));
  if (kind === 11) return m(2, 1, u32(rng.pick([128, 4096, 65536, 1, 0, 0x7fffffff, 0x80000000])), 0);
  if (kind === 12) return m(2, 2, u32(rng.pick([3, 4, 6, 0, 0xffffffff])), 0);
  if (kind === 13) return m(2, rng.pick([3, 5, 6]), rng.bytes(rng.pick([0, 3, 4, 5])), 0);
  if (kind === 14)
    return m(
      2,
      4,
      new ByteWriter()
        .u16(rng.pick([0, 1, 3, 6, 7]))
        .u32(rng.u32())
        .finish(),
      0,
    );
  if (kind === 15) return m(3, rng.pick([20, 17, 18, 15]), generateAmf0(rng), rng.below(3));
  if (kind === 16) return m(6, 22, aggregate(rng));
  if (kind === 17) {
    const name = rng.pick(['FCUnpublish', 'deleteStream', 'closeStream', 'play', 'createStream', 'connect', 'x']);
    return m(
      3,
      20,
      command(rng, name, rng.int(0, 9), (w) => w.u8(0x05)),
      rng.below(2),
    );
  }
  return m(rng.int(2, 65599), rng.below(256), rng.bytes(rng.size(300)), rng.u32());
}

/** An RTMP aggregate message: FLV tags with back pointers (RTMP 1.0 §7.1.6). */
function aggregate(rng: Random): Uint8Array {
  const w = new ByteWriter();
  for (const tag of generateTags(rng)) {
    const size = rng.chance(0.05) ? rng.u32() & 0xffffff : tag.body.length;
    w.u8(tag.type)
      .u24(size)
      .u24(tag.timestampMs & 0xffffff)
      .u8(tag.timestampMs >>> 24)
      .u24(0);
    w.bytes(tag.body).u32(11 + tag.body.length);
  }
  const out = w.finish();
  return rng.chance(0.1) ? out.subarray(0, rng.below(out.length + 1)) : out;
}

/** A client's chunk stream after the handshake: usually the publish commands, then media and control messages. */
export function generateRtmpChunks(rng: Random): Uint8Array {
  const enc = new ChunkEncoder(rng, rng.chance(0.3) ? 0.02 : 0);
  const messages: Message[] = rng.chance(0.7) ? publishCommands(rng) : [];
  let ts = rng.chance(0.9) ? 0 : rng.pick([0xfffff0, 0xffffffff - 100]);
  if (rng.chance(0.5)) {
    const size = rng.pick([4096, 60000, 256, 129, 1, 127]);
    messages.unshift({ csid: 2, typeId: 1, streamId: 0, timestamp: 0, payload: u32(size) });
  }
  for (let i = rng.int(0, 12); i > 0; i--) {
    ts = (ts + rng.pick([0, 20, 33, 1000])) >>> 0;
    messages.push(anyMessage(rng, ts));
  }
  // Write in a few batches so that interleaving happens within a batch, and a Set Chunk Size takes effect between.
  for (let at = 0; at < messages.length; ) {
    const n = rng.int(1, 3);
    enc.write(messages.slice(at, at + n));
    at += n;
  }
  if (rng.chance(0.05)) enc.out.bytes(rng.bytes(rng.size(64)));
  return enc.out.finish();
}
