import { CodecError, type CodecErrorCode } from './errors.ts';

/**
 * MSB-first bit reader with H.264 exp-Golomb codes (7.2). Reading past the end throws a CodecError carrying the
 * caller's code, so a truncated SPS reports INVALID_SPS and a truncated ASC reports INVALID_ASC.
 */
export class BitReader {
  private bitPos = 0;
  private readonly bitLength: number;

  constructor(
    private readonly data: Uint8Array,
    private readonly errorCode: CodecErrorCode,
  ) {
    this.bitLength = data.length * 8;
  }

  get bitsLeft(): number {
    return this.bitLength - this.bitPos;
  }

  /** Unsigned n-bit read, n <= 32. Multiplication instead of shifts keeps 32-bit values positive. */
  u(n: number): number {
    if (n > this.bitsLeft) {
      throw new CodecError(this.errorCode, `bitstream truncated: wanted ${n} bits, ${this.bitsLeft} left`);
    }
    let value = 0;
    for (let i = 0; i < n; i++) {
      const byte = this.data[this.bitPos >> 3] ?? 0;
      value = value * 2 + ((byte >> (7 - (this.bitPos & 7))) & 1);
      this.bitPos++;
    }
    return value;
  }

  flag(): boolean {
    return this.u(1) === 1;
  }

  skip(n: number): void {
    if (n > this.bitsLeft) {
      throw new CodecError(this.errorCode, `bitstream truncated: cannot skip ${n} bits, ${this.bitsLeft} left`);
    }
    this.bitPos += n;
  }

  /** ue(v): leading zeros, a one, then that many suffix bits. More than 31 zeros cannot encode a 32-bit value. */
  ue(): number {
    let leadingZeros = 0;
    while (this.u(1) === 0) {
      leadingZeros++;
      if (leadingZeros > 31) throw new CodecError(this.errorCode, 'exp-Golomb code longer than 32 bits');
    }
    return 2 ** leadingZeros - 1 + this.u(leadingZeros);
  }

  /** se(v): ue mapped 0, 1, -1, 2, -2, ... (Table 9-3). */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -(k / 2);
  }
}

/**
 * NAL payload to RBSP: drops each emulation_prevention_three_byte (0x000003 -> 0x0000). Returns the input itself when
 * there is nothing to drop, which is the common case for parameter sets.
 */
export function nalToRbsp(nal: Uint8Array): Uint8Array {
  let firstEscape = -1;
  for (let i = 2; i < nal.length; i++) {
    if (nal[i] === 3 && nal[i - 1] === 0 && nal[i - 2] === 0) {
      firstEscape = i;
      break;
    }
  }
  if (firstEscape < 0) return nal;
  const out = new Uint8Array(nal.length);
  out.set(nal.subarray(0, firstEscape));
  let o = firstEscape;
  let zeros = 0;
  for (let i = firstEscape + 1; i < nal.length; i++) {
    const b = nal[i] ?? 0;
    if (b === 3 && zeros >= 2) {
      zeros = 0;
      continue;
    }
    out[o++] = b;
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return out.subarray(0, o);
}
