import { MpegTsError } from './errors.ts';
import { parsePesHeader } from './pes.ts';
import { type PmtStream, parsePat, parsePmt } from './psi.ts';

export const TS_PACKET_BYTES = 188;
/** Largest PES (one video access unit) accepted by default: the ingest's largest access unit, 4 MiB. */
export const DEFAULT_MAX_PES_BYTES = 4 * 1024 * 1024;

/** What a chunk of MPEG-TS becomes. */
export type TsEvent =
  /** The PMT's streams, when first seen or changed. */
  | { readonly kind: 'streams'; readonly streams: readonly PmtStream[] }
  /** One whole PES payload (for ffmpeg's H.264: one access unit, Annex B). Timestamps are 33-bit, 90 kHz. */
  | {
      readonly kind: 'pes';
      readonly pid: number;
      readonly pts90k: number;
      readonly dts90k: number;
      readonly data: Uint8Array;
    }
  /** One stream's bytes were bad: its partial PES is dropped, it resumes at its next PES; the others go on. */
  | { readonly kind: 'stream-error'; readonly pid: number; readonly error: MpegTsError };

export interface TsDemuxerOptions {
  /** Largest PES accepted per stream. Default DEFAULT_MAX_PES_BYTES. */
  readonly maxPesBytes?: number;
  /**
   * The muxer writes each PES whole, never interleaving another stream's PES inside it (ffmpeg's does): then any
   * stream's PES start completes the others' unbounded ones, a frame sooner than their own next PES would.
   */
  readonly atomicPes?: boolean;
}

interface PesAssembly {
  chunks: Uint8Array[];
  bytes: number;
  /** Bytes the PES says it holds after its length field plus 6, or 0 when unbounded. */
  total: number;
  /** Dropping until the next PES start, after an error. */
  skipping: boolean;
}

/**
 * An MPEG-TS demuxer for what ffmpeg's muxer writes: PAT, one PMT, PES streams. Push chunks of any size; whole PES
 * payloads come out. A bounded PES length is emitted as soon as it is complete, an unbounded one (video) when its
 * stream's next PES starts or on `flush()`. Memory is bounded by `maxPesBytes` per stream.
 */
export class TsDemuxer {
  readonly #maxPesBytes: number;
  readonly #partial = new Uint8Array(TS_PACKET_BYTES);
  #partialBytes = 0;
  #pmtPid: number | null = null;
  #streams: readonly PmtStream[] = [];
  readonly #pes = new Map<number, PesAssembly>();

  readonly #atomicPes: boolean;

  constructor(options: TsDemuxerOptions = {}) {
    this.#maxPesBytes = options.maxPesBytes ?? DEFAULT_MAX_PES_BYTES;
    this.#atomicPes = options.atomicPes ?? false;
  }

  get streams(): readonly PmtStream[] {
    return this.#streams;
  }

  /** Throws MpegTsError LOST_SYNC or INVALID_SECTION: after that the byte stream cannot be trusted. */
  push(chunk: Uint8Array): TsEvent[] {
    const events: TsEvent[] = [];
    let at = 0;
    if (this.#partialBytes > 0) {
      const n = Math.min(TS_PACKET_BYTES - this.#partialBytes, chunk.length);
      this.#partial.set(chunk.subarray(0, n), this.#partialBytes);
      this.#partialBytes += n;
      at = n;
      if (this.#partialBytes < TS_PACKET_BYTES) return events;
      this.#packet(this.#partial, events);
      this.#partialBytes = 0;
    }
    for (; at + TS_PACKET_BYTES <= chunk.length; at += TS_PACKET_BYTES) {
      this.#packet(chunk.subarray(at, at + TS_PACKET_BYTES), events);
    }
    if (at < chunk.length) {
      this.#partial.set(chunk.subarray(at));
      this.#partialBytes = chunk.length - at;
    }
    return events;
  }

  /** Emits the PES still being assembled (the end of the input). */
  flush(): TsEvent[] {
    const events: TsEvent[] = [];
    for (const [pid, pes] of this.#pes) this.#finish(pid, pes, events);
    return events;
  }

  #packet(p: Uint8Array, events: TsEvent[]): void {
    if (p[0] !== 0x47) throw new MpegTsError('LOST_SYNC', `packet starts with 0x${p[0]!.toString(16)}, not 0x47`);
    const pusi = (p[1]! & 0x40) !== 0;
    const pid = ((p[1]! & 0x1f) << 8) | p[2]!;
    const afc = (p[3]! >> 4) & 0x03;
    if ((afc & 0x01) === 0) return; // adaptation field only (PCR, stuffing)
    let start = 4;
    if (afc === 3) start += 1 + p[4]!;
    if (start > TS_PACKET_BYTES) {
      this.#streamError(pid, new MpegTsError('INVALID_PES', 'adaptation field runs past its packet'), events);
      return;
    }
    const payload = p.subarray(start);
    if (pid === 0 && pusi) {
      this.#pmtPid = parsePat(payload)[0] ?? null;
    } else if (pid === this.#pmtPid && pusi) {
      const streams = parsePmt(payload);
      if (!sameStreams(streams, this.#streams)) {
        this.#streams = streams;
        events.push({ kind: 'streams', streams });
      }
    } else if (this.#streams.some((s) => s.pid === pid)) {
      this.#pesPayload(pid, pusi, payload, events);
    }
  }

  #pesPayload(pid: number, pusi: boolean, payload: Uint8Array, events: TsEvent[]): void {
    let pes = this.#pes.get(pid);
    if (pusi && this.#atomicPes) {
      for (const [other, assembly] of this.#pes) if (other !== pid) this.#finish(other, assembly, events);
    }
    if (pusi) {
      if (pes && !pes.skipping && pes.bytes > 0) this.#finish(pid, pes, events);
      const length = payload.length >= 6 ? (payload[4]! << 8) | payload[5]! : 0;
      pes = { chunks: [], bytes: 0, total: length === 0 ? 0 : length + 6, skipping: false };
      this.#pes.set(pid, pes);
    }
    if (!pes || pes.skipping) return;
    if (pes.bytes + payload.length > this.#maxPesBytes) {
      const error = new MpegTsError('PES_TOO_LARGE', `PES on PID ${pid} exceeds ${this.#maxPesBytes} bytes`);
      this.#streamError(pid, error, events);
      return;
    }
    // A copy: the chunk belongs to the caller (a stream's buffer that is reused).
    pes.chunks.push(new Uint8Array(payload));
    pes.bytes += payload.length;
    if (pes.total > 0 && pes.bytes >= pes.total) this.#finish(pid, pes, events);
  }

  #finish(pid: number, pes: PesAssembly, events: TsEvent[]): void {
    this.#pes.delete(pid);
    if (pes.skipping || pes.bytes === 0) return;
    if (pes.total > pes.bytes) {
      const error = new MpegTsError('INVALID_PES', `PES on PID ${pid} ends after ${pes.bytes} of ${pes.total} bytes`);
      events.push({ kind: 'stream-error', pid, error });
      return;
    }
    const whole = new Uint8Array(pes.total > 0 ? pes.total : pes.bytes);
    let at = 0;
    for (const c of pes.chunks) {
      const n = Math.min(c.length, whole.length - at);
      whole.set(c.subarray(0, n), at);
      at += n;
    }
    try {
      const header = parsePesHeader(whole);
      events.push({
        kind: 'pes',
        pid,
        pts90k: header.pts90k,
        dts90k: header.dts90k,
        data: whole.subarray(header.headerBytes),
      });
    } catch (error) {
      if (!(error instanceof MpegTsError)) throw error;
      events.push({ kind: 'stream-error', pid, error });
    }
  }

  #streamError(pid: number, error: MpegTsError, events: TsEvent[]): void {
    this.#pes.set(pid, { chunks: [], bytes: 0, total: 0, skipping: true });
    events.push({ kind: 'stream-error', pid, error });
  }
}

function sameStreams(a: readonly PmtStream[], b: readonly PmtStream[]): boolean {
  return a.length === b.length && a.every((s, i) => s.pid === b[i]?.pid && s.streamType === b[i]?.streamType);
}
