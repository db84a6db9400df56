/**
 * The AMF0 subset an RTMP publisher speaks (number, boolean, string, object, null, undefined, ECMA array, strict
 * array). Our own small codec: media-server keeps its protocols private, and a benchmark's client should not share
 * the server's parser anyway (a shared bug would cancel out).
 */

export type AmfValue = number | boolean | string | null | undefined | AmfObject | AmfEcmaArray | readonly AmfValue[];
export interface AmfObject {
  readonly [key: string]: AmfValue;
}

/** An ECMA array (marker 8): what `onMetaData` carries. Decoding returns it as a plain AmfObject. */
export class AmfEcmaArray {
  constructor(readonly entries: AmfObject) {}
}

export class Amf0Error extends Error {
  readonly code = 'AMF0_INVALID';
  override readonly name = 'Amf0Error';
}

const Marker = {
  Number: 0,
  Boolean: 1,
  String: 2,
  Object: 3,
  Null: 5,
  Undefined: 6,
  EcmaArray: 8,
  ObjectEnd: 9,
  StrictArray: 10,
  LongString: 12,
} as const;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

export function encodeAmf0(...values: AmfValue[]): Uint8Array {
  const out: number[] = [];
  for (const value of values) encodeValue(out, value);
  return Uint8Array.from(out);
}

function encodeValue(out: number[], value: AmfValue): void {
  if (typeof value === 'number') {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value);
    out.push(Marker.Number, ...b);
  } else if (typeof value === 'boolean') out.push(Marker.Boolean, value ? 1 : 0);
  else if (typeof value === 'string') {
    const bytes = utf8.encode(value);
    if (bytes.length > 0xffff) {
      out.push(Marker.LongString, ...u32(bytes.length), ...bytes);
    } else {
      out.push(Marker.String);
      pushShortString(out, bytes);
    }
  } else if (value === null) out.push(Marker.Null);
  else if (value === undefined) out.push(Marker.Undefined);
  else if (value instanceof AmfEcmaArray) {
    out.push(Marker.EcmaArray, ...u32(Object.keys(value.entries).length));
    encodeProperties(out, value.entries);
  } else if (Array.isArray(value)) {
    out.push(Marker.StrictArray, ...u32(value.length));
    for (const item of value as readonly AmfValue[]) encodeValue(out, item);
  } else {
    out.push(Marker.Object);
    encodeProperties(out, value as AmfObject);
  }
}

function encodeProperties(out: number[], object: AmfObject): void {
  for (const [key, item] of Object.entries(object)) {
    pushShortString(out, utf8.encode(key));
    encodeValue(out, item);
  }
  out.push(0, 0, Marker.ObjectEnd);
}

function pushShortString(out: number[], bytes: Uint8Array): void {
  if (bytes.length > 0xffff) throw new Amf0Error(`AMF0 key of ${bytes.length} bytes is longer than 65535`);
  out.push(bytes.length >>> 8, bytes.length & 0xff, ...bytes);
}

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** Decodes every value in `bytes`; throws Amf0Error on a truncated or unknown value. */
export function decodeAmf0(bytes: Uint8Array): AmfValue[] {
  const reader = new Reader(bytes);
  const values: AmfValue[] = [];
  while (!reader.done) values.push(reader.value(0));
  return values;
}

/** Nesting deeper than this is not something a server sends; refusing it keeps a bad peer off the stack. */
const MAX_DEPTH = 32;

class Reader {
  #at = 0;
  readonly #view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.#at >= this.bytes.length;
  }

  #need(n: number): number {
    if (this.#at + n > this.bytes.length) throw new Amf0Error(`AMF0 value truncated at byte ${this.#at}`);
    const at = this.#at;
    this.#at += n;
    return at;
  }

  value(depth: number): AmfValue {
    if (depth > MAX_DEPTH) throw new Amf0Error(`AMF0 nesting deeper than ${MAX_DEPTH}`);
    const marker = this.bytes[this.#need(1)];
    switch (marker) {
      case Marker.Number:
        return this.#view.getFloat64(this.#need(8));
      case Marker.Boolean:
        return this.bytes[this.#need(1)] !== 0;
      case Marker.String:
        return this.#string(this.#view.getUint16(this.#need(2)));
      case Marker.LongString:
        return this.#string(this.#view.getUint32(this.#need(4)));
      case Marker.Object:
        return this.#properties(depth);
      case Marker.Null:
        return null;
      case Marker.Undefined:
        return undefined;
      case Marker.EcmaArray:
        this.#need(4); // the count is a hint; the end marker is what ends it
        return this.#properties(depth);
      case Marker.StrictArray: {
        const count = this.#view.getUint32(this.#need(4));
        const items: AmfValue[] = [];
        for (let i = 0; i < count; i++) items.push(this.value(depth + 1));
        return items;
      }
      default:
        throw new Amf0Error(`AMF0 marker ${marker} at byte ${this.#at - 1} is not supported`);
    }
  }

  #string(length: number): string {
    const at = this.#need(length);
    return fromUtf8.decode(this.bytes.subarray(at, at + length));
  }

  #properties(depth: number): AmfObject {
    const object: Record<string, AmfValue> = {};
    for (;;) {
      const key = this.#string(this.#view.getUint16(this.#need(2)));
      if (key === '' && this.bytes[this.#at] === Marker.ObjectEnd) {
        this.#at += 1;
        return object;
      }
      object[key] = this.value(depth + 1);
    }
  }
}
