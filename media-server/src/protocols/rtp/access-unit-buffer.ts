import { RtpError } from './errors.ts';

const PREFIX_BYTES = 4;
const INITIAL_CAPACITY = 64 * 1024;
/** A buffer grown past this for one large access unit is not kept for the next one. */
const KEEP_CAPACITY = 512 * 1024;

export interface AccessUnitBufferLimits {
  /** Most bytes of NAL units, each with its 4-byte prefix. */
  readonly maxBytes: number;
  readonly maxNals: number;
}

/** What one access unit became: its bytes in the output format and a view of each NAL unit inside them. */
export interface TakenAccessUnit {
  readonly data: Uint8Array;
  readonly nals: Uint8Array[];
}

/**
 * One access unit's NAL units, written as they arrive into one buffer, each behind a 4-byte length (AVCC) or start
 * code (Annex B). Nothing of the RTP packets is kept, so memory is the access unit's bytes, never more than
 * `maxBytes`, whatever the packets' sizes or count; going past a limit throws and the caller drops the unit.
 * An FU-A fragmented NAL unit is opened, appended to and closed in place.
 */
export class AccessUnitBuffer {
  readonly #annexB: boolean;
  readonly #limits: AccessUnitBufferLimits;
  #buf = new Uint8Array(0);
  #length = 0;
  /** Offset of each NAL unit's prefix. */
  #starts: number[] = [];
  /** Offset of the prefix of the NAL unit being reassembled from FU-A fragments. */
  #open: number | null = null;

  constructor(format: 'annexb' | 'avcc', limits: AccessUnitBufferLimits) {
    this.#annexB = format === 'annexb';
    this.#limits = limits;
  }

  get byteLength(): number {
    return this.#length;
  }

  get nalCount(): number {
    return this.#starts.length;
  }

  get isEmpty(): boolean {
    return this.#starts.length === 0;
  }

  /** A whole NAL unit (single NAL unit packet or one unit of a STAP-A). */
  add(nal: Uint8Array): void {
    if (this.#open !== null) throw new Error('AccessUnitBuffer.add while an FU-A NAL unit is open');
    this.#beginNal(nal.length);
    this.#buf.set(nal, this.#length);
    this.#length += nal.length;
    this.#endNal();
  }

  /** Starts a NAL unit whose header byte is rebuilt from the FU indicator and header. */
  open(header: number): void {
    if (this.#open !== null) throw new Error('AccessUnitBuffer.open while an FU-A NAL unit is open');
    this.#open = this.#length;
    this.#beginNal(1);
    this.#buf[this.#length++] = header;
  }

  append(fragment: Uint8Array): void {
    if (this.#open === null) throw new Error('AccessUnitBuffer.append without an open NAL unit');
    this.#reserve(fragment.length);
    this.#buf.set(fragment, this.#length);
    this.#length += fragment.length;
  }

  close(): void {
    if (this.#open === null) throw new Error('AccessUnitBuffer.close without an open NAL unit');
    this.#writePrefix(this.#open, this.#length - this.#open - PREFIX_BYTES);
    this.#open = null;
  }

  /** Copies the access unit out and empties the buffer for the next one. */
  take(): TakenAccessUnit {
    if (this.#open !== null) throw new Error('AccessUnitBuffer.take while an FU-A NAL unit is open');
    const end = this.#length;
    const data = this.#buf.slice(0, end);
    const nals = this.#starts.map((start, i) => data.subarray(start + PREFIX_BYTES, this.#starts[i + 1] ?? end));
    this.clear();
    return { data, nals };
  }

  clear(): void {
    this.#length = 0;
    this.#starts = [];
    this.#open = null;
    if (this.#buf.length > KEEP_CAPACITY) this.#buf = new Uint8Array(0);
  }

  #beginNal(firstBytes: number): void {
    if (this.#starts.length >= this.#limits.maxNals) {
      throw new RtpError('TOO_MANY_NALS', `access unit holds more than ${this.#limits.maxNals} NAL units`);
    }
    this.#reserve(PREFIX_BYTES + firstBytes);
    this.#starts.push(this.#length);
    this.#length += PREFIX_BYTES;
  }

  #endNal(): void {
    const start = this.#starts.at(-1)!;
    this.#writePrefix(start, this.#length - start - PREFIX_BYTES);
  }

  #writePrefix(at: number, nalLength: number): void {
    const b = this.#buf;
    if (this.#annexB) {
      b[at] = 0;
      b[at + 1] = 0;
      b[at + 2] = 0;
      b[at + 3] = 1;
    } else {
      b[at] = nalLength >>> 24;
      b[at + 1] = (nalLength >>> 16) & 0xff;
      b[at + 2] = (nalLength >>> 8) & 0xff;
      b[at + 3] = nalLength & 0xff;
    }
  }

  #reserve(more: number): void {
    const needed = this.#length + more;
    if (needed > this.#limits.maxBytes) {
      throw new RtpError(
        'ACCESS_UNIT_TOO_LARGE',
        `access unit grows past the ${this.#limits.maxBytes}-byte limit (${needed} bytes)`,
      );
    }
    if (needed <= this.#buf.length) return;
    const capacity = Math.min(this.#limits.maxBytes, Math.max(needed, 2 * this.#buf.length, INITIAL_CAPACITY));
    const grown = new Uint8Array(capacity);
    grown.set(this.#buf.subarray(0, this.#length));
    this.#buf = grown;
  }
}
