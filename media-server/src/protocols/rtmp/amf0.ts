import { RtmpError } from './errors.ts';

/** AMF0 object: a null-prototype record so that a key such as `__proto__` is only ever data. */
export type AmfObject = { readonly [key: string]: AmfValue };

/** An ECMA array (associative array with a count hint); kept distinct from an object so it encodes back the same. */
export class AmfEcmaArray {
  constructor(readonly entries: AmfObject) {}
}

export type AmfValue =
  | number
  | boolean
  | string
  | null
  | undefined
  | Date
  | AmfEcmaArray
  | readonly AmfValue[]
  | AmfObject;

enum Marker {
  Number = 0x00,
  Boolean = 0x01,
  String = 0x02,
  Object = 0x03,
  Null = 0x05,
  Undefined = 0x06,
  EcmaArray = 0x08,
  ObjectEnd = 0x09,
  StrictArray = 0x0a,
  Date = 0x0b,
  LongString = 0x0c,
  XmlDocument = 0x0f,
}

/** Nesting deeper than this is not something an encoder sends; refusing it keeps the stack bounded. */
const MAX_DEPTH = 32;

const utf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

class Reader {
  offset = 0;
  readonly #view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(n: number, what: string): void {
    if (this.offset + n > this.bytes.length) {
      throw new RtmpError('AMF0_TRUNCATED', `AMF0 ${what} needs ${n} bytes at offset ${this.offset}, data ends early`);
    }
  }
  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.offset++]!;
  }
  u16(what: string): number {
    this.need(2, what);
    const v = this.#view.getUint16(this.offset);
    this.offset += 2;
    return v;
  }
  u32(what: string): number {
    this.need(4, what);
    const v = this.#view.getUint32(this.offset);
    this.offset += 4;
    return v;
  }
  f64(what: string): number {
    this.need(8, what);
    const v = this.#view.getFloat64(this.offset);
    this.offset += 8;
    return v;
  }
  utf8(length: number, what: string): string {
    this.need(length, what);
    const s = utf8.decode(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += length;
    return s;
  }
}

function readValue(r: Reader, depth: number): AmfValue {
  if (depth > MAX_DEPTH) throw new RtmpError('AMF0_TOO_DEEP', `AMF0 values nest deeper than ${MAX_DEPTH} levels`);
  const marker = r.u8('type marker');
  switch (marker) {
    case Marker.Number:
      return r.f64('number');
    case Marker.Boolean:
      return r.u8('boolean') !== 0;
    case Marker.String:
      return r.utf8(r.u16('string length'), 'string');
    case Marker.LongString:
    case Marker.XmlDocument:
      return r.utf8(r.u32('long string length'), 'long string');
    case Marker.Object:
      return readProperties(r, depth);
    case Marker.EcmaArray:
      r.u32('ECMA array count'); // a hint only; the end marker is authoritative
      return new AmfEcmaArray(readProperties(r, depth));
    case Marker.StrictArray: {
      const count = r.u32('strict array count');
      const items: AmfValue[] = [];
      // Each element is at least one byte, so a count larger than what is left is a lie caught by `need`.
      for (let i = 0; i < count; i++) items.push(readValue(r, depth + 1));
      return items;
    }
    case Marker.Date: {
      const ms = r.f64('date');
      r.u16('date time zone');
      return new Date(ms);
    }
    case Marker.Null:
      return null;
    case Marker.Undefined:
      return undefined;
    default:
      throw new RtmpError('AMF0_UNSUPPORTED_TYPE', `AMF0 type marker 0x${marker.toString(16)} is not supported`);
  }
}

function readProperties(r: Reader, depth: number): AmfObject {
  const out: Record<string, AmfValue> = Object.create(null);
  for (;;) {
    const key = r.utf8(r.u16('property name length'), 'property name');
    if (key === '') {
      const end = r.u8('object end marker');
      if (end === Marker.ObjectEnd) return out;
      // An empty key followed by a value is legal AMF0, if unusual.
      r.offset--;
    }
    out[key] = readValue(r, depth + 1);
  }
}

/** Decodes one AMF0 value at `offset`; returns it and the offset after it. */
export function decodeAmf0Value(bytes: Uint8Array, offset = 0): { value: AmfValue; offset: number } {
  const r = new Reader(bytes);
  r.offset = offset;
  const value = readValue(r, 0);
  return { value, offset: r.offset };
}

/** Decodes every AMF0 value in `bytes` (a command or data message body). */
export function decodeAmf0(bytes: Uint8Array): AmfValue[] {
  const r = new Reader(bytes);
  const values: AmfValue[] = [];
  while (r.offset < bytes.length) values.push(readValue(r, 0));
  return values;
}

class Writer {
  #parts: number[] = [];
  #chunks: Uint8Array[] = [];
  #length = 0;
  u8(v: number): void {
    this.#parts.push(v);
  }
  bytes(b: Uint8Array): void {
    this.#flush();
    this.#chunks.push(b);
    this.#length += b.length;
  }
  u16(v: number): void {
    this.u8((v >>> 8) & 0xff);
    this.u8(v & 0xff);
  }
  u32(v: number): void {
    this.u16((v >>> 16) & 0xffff);
    this.u16(v & 0xffff);
  }
  f64(v: number): void {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v);
    this.bytes(b);
  }
  #flush(): void {
    if (this.#parts.length === 0) return;
    const b = Uint8Array.from(this.#parts);
    this.#parts = [];
    this.#chunks.push(b);
    this.#length += b.length;
  }
  finish(): Uint8Array {
    this.#flush();
    const out = new Uint8Array(this.#length);
    let at = 0;
    for (const c of this.#chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

function writeKey(w: Writer, key: string): void {
  const b = utf8Encoder.encode(key);
  if (b.length > 0xffff) throw new RtmpError('AMF0_UNENCODABLE', 'AMF0 property names are limited to 65535 bytes');
  w.u16(b.length);
  w.bytes(b);
}

function writeProperties(w: Writer, obj: AmfObject, depth: number): void {
  for (const [key, value] of Object.entries(obj)) {
    writeKey(w, key);
    writeValue(w, value, depth + 1);
  }
  w.u16(0);
  w.u8(Marker.ObjectEnd);
}

function writeValue(w: Writer, value: AmfValue, depth: number): void {
  if (depth > MAX_DEPTH) throw new RtmpError('AMF0_TOO_DEEP', `AMF0 values nest deeper than ${MAX_DEPTH} levels`);
  if (value === null) return w.u8(Marker.Null);
  if (value === undefined) return w.u8(Marker.Undefined);
  if (typeof value === 'number') {
    w.u8(Marker.Number);
    return w.f64(value);
  }
  if (typeof value === 'boolean') {
    w.u8(Marker.Boolean);
    return w.u8(value ? 1 : 0);
  }
  if (typeof value === 'string') {
    const b = utf8Encoder.encode(value);
    if (b.length > 0xffff) {
      w.u8(Marker.LongString);
      w.u32(b.length);
    } else {
      w.u8(Marker.String);
      w.u16(b.length);
    }
    return w.bytes(b);
  }
  if (value instanceof Date) {
    w.u8(Marker.Date);
    w.f64(value.getTime());
    return w.u16(0);
  }
  if (value instanceof AmfEcmaArray) {
    w.u8(Marker.EcmaArray);
    w.u32(Object.keys(value.entries).length);
    return writeProperties(w, value.entries, depth);
  }
  if (Array.isArray(value)) {
    w.u8(Marker.StrictArray);
    w.u32(value.length);
    for (const item of value as readonly AmfValue[]) writeValue(w, item, depth + 1);
    return;
  }
  w.u8(Marker.Object);
  writeProperties(w, value as AmfObject, depth);
}

/** Encodes values back to back, as a command or data message body carries them. */
export function encodeAmf0(...values: AmfValue[]): Uint8Array {
  const w = new Writer();
  for (const v of values) writeValue(w, v, 0);
  return w.finish();
}

/** A plain view of an object or ECMA array, or undefined for any other value. */
export function amfProperties(value: AmfValue): AmfObject | undefined {
  if (value instanceof AmfEcmaArray) return value.entries;
  if (value === null || typeof value !== 'object' || value instanceof Date || Array.isArray(value)) return undefined;
  return value as AmfObject;
}
