/**
 * Big-endian writer for ISOBMFF boxes. A box is opened with `box()`/`fullBox()` (size left as a placeholder) and
 * closed with `end()`, which patches the size; nesting is just nested begin/end pairs, so no closures or
 * intermediate buffers are created. A fixed writer is sized exactly by the caller (fragments: one allocation);
 * a growable one doubles its buffer (init segments, written once per stream).
 */
export class BoxWriter {
  private buf: Uint8Array;
  private view: DataView;
  pos = 0;

  constructor(
    capacity: number,
    private readonly growable = false,
  ) {
    this.buf = new Uint8Array(capacity);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (!this.growable) {
      throw new Error(`BoxWriter overflow: ${this.pos + n} > ${this.buf.length} bytes (size computed wrongly)`);
    }
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.ensure(1);
    this.view.setUint8(this.pos, v);
    this.pos += 1;
  }

  u16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
  }

  i16(v: number): void {
    this.ensure(2);
    this.view.setInt16(this.pos, v);
    this.pos += 2;
  }

  u24(v: number): void {
    this.ensure(3);
    this.view.setUint8(this.pos, (v >>> 16) & 0xff);
    this.view.setUint16(this.pos + 1, v & 0xffff);
    this.pos += 3;
  }

  u32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v);
    this.pos += 4;
  }

  i32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
  }

  /** A non-negative safe integer as 64 bits; split by division because bit operators truncate to 32 bits. */
  u64(v: number): void {
    this.ensure(8);
    this.view.setUint32(this.pos, Math.floor(v / 0x1_0000_0000));
    this.view.setUint32(this.pos + 4, v % 0x1_0000_0000);
    this.pos += 8;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  zeros(n: number): void {
    this.ensure(n);
    this.buf.fill(0, this.pos, this.pos + n);
    this.pos += n;
  }

  /** Four ASCII characters, e.g. a box type or brand. */
  fourcc(code: string): void {
    this.ensure(4);
    for (let i = 0; i < 4; i++) this.buf[this.pos + i] = code.charCodeAt(i);
    this.pos += 4;
  }

  /** Opens a box and returns its start offset for `end()`. */
  box(type: string): number {
    const start = this.pos;
    this.u32(0);
    this.fourcc(type);
    return start;
  }

  /** Opens a FullBox: header plus version (8 bits) and flags (24 bits). */
  fullBox(type: string, version: number, flags: number): number {
    const start = this.box(type);
    this.u8(version);
    this.u24(flags);
    return start;
  }

  end(start: number): void {
    this.view.setUint32(start, this.pos - start);
  }

  /** The bytes written so far, without copying. */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}
