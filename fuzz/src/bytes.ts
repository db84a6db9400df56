/** Growable big-endian byte writer for the generators. */
export class ByteWriter {
  #buf = new Uint8Array(256);
  #length = 0;

  get length(): number {
    return this.#length;
  }

  #reserve(n: number): void {
    if (this.#length + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#length + n));
    next.set(this.#buf.subarray(0, this.#length));
    this.#buf = next;
  }

  u8(v: number): this {
    this.#reserve(1);
    this.#buf[this.#length++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    return this.u8(v >>> 8).u8(v);
  }

  u24(v: number): this {
    return this.u8(v >>> 16).u16(v & 0xffff);
  }

  u32(v: number): this {
    return this.u16((v >>> 16) & 0xffff).u16(v & 0xffff);
  }

  u32le(v: number): this {
    return this.u8(v)
      .u8(v >>> 8)
      .u8(v >>> 16)
      .u8(v >>> 24);
  }

  f64(v: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v);
    return this.bytes(b);
  }

  bytes(b: Uint8Array): this {
    this.#reserve(b.length);
    this.#buf.set(b, this.#length);
    this.#length += b.length;
    return this;
  }

  finish(): Uint8Array {
    return this.#buf.slice(0, this.#length);
  }
}

/** MSB-first bit writer with Exp-Golomb codes (H.264 7.2, 9.1), for SPS and AudioSpecificConfig generators. */
export class BitWriter {
  readonly #bytes: number[] = [];
  #bit = 0;

  bits(n: number, value: number): this {
    for (let i = n - 1; i >= 0; i--) {
      if (this.#bit === 0) this.#bytes.push(0);
      const bit = Math.floor(value / 2 ** i) & 1;
      if (bit) this.#bytes[this.#bytes.length - 1]! |= 0x80 >>> this.#bit;
      this.#bit = (this.#bit + 1) & 7;
    }
    return this;
  }

  flag(on: boolean): this {
    return this.bits(1, on ? 1 : 0);
  }

  /** ue(v); values up to 2^32 - 2 (a 65-bit code for larger ones is what a mutation makes, not a generator). */
  ue(value: number): this {
    const v = value + 1;
    const len = Math.floor(Math.log2(v));
    this.bits(len, 0);
    return this.bits(len + 1, v);
  }

  se(value: number): this {
    return this.ue(value <= 0 ? -2 * value : 2 * value - 1);
  }

  /** rbsp_trailing_bits: a stop bit, then zeros to the byte boundary. */
  trailing(): this {
    this.bits(1, 1);
    while (this.#bit !== 0) this.bits(1, 0);
    return this;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

/** Inserts emulation prevention bytes (00 00 0x → 00 00 03 0x for x ≤ 3), as an encoder does for a NAL payload. */
export function addEmulationPrevention(rbsp: Uint8Array): Uint8Array {
  const out: number[] = [];
  let zeros = 0;
  for (const b of rbsp) {
    if (zeros >= 2 && b <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return Uint8Array.from(out);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
