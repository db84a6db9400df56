/** A minimal ISOBMFF box walker for tests: independent of the writer, it only follows sizes and types. */
export interface ParsedBox {
  readonly type: string;
  /** Whole box, header included. */
  readonly bytes: Uint8Array;
  /** Payload after the 8-byte header. */
  readonly body: Uint8Array;
  readonly children: ParsedBox[];
}

const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'dinf', 'stbl', 'mvex', 'moof', 'traf']);
/** Boxes with a fixed prefix before child boxes: full-box header plus entry count, or a sample entry's fields. */
const PREFIXED: Record<string, number> = { dref: 8, stsd: 8, avc1: 78, mp4a: 28, Opus: 28 };

export function readBoxes(data: Uint8Array): ParsedBox[] {
  const boxes: ParsedBox[] = [];
  let pos = 0;
  while (pos < data.length) {
    if (pos + 8 > data.length) throw new Error(`box header at ${pos} is cut off`);
    const view = new DataView(data.buffer, data.byteOffset + pos);
    const size = view.getUint32(0);
    const type = String.fromCharCode(...data.subarray(pos + 4, pos + 8));
    if (size < 8 || pos + size > data.length) throw new Error(`box ${type} at ${pos} has bad size ${size}`);
    const bytes = data.subarray(pos, pos + size);
    const body = bytes.subarray(8);
    const skip = PREFIXED[type] ?? (CONTAINERS.has(type) ? 0 : -1);
    boxes.push({ type, bytes, body, children: skip >= 0 ? readBoxes(body.subarray(skip)) : [] });
    pos += size;
  }
  return boxes;
}

/** The first box along a path of types, e.g. find(boxes, 'moov', 'trak', 'tkhd'). */
export function findBox(boxes: readonly ParsedBox[], ...path: string[]): ParsedBox {
  let level = boxes;
  let found: ParsedBox | undefined;
  for (const type of path) {
    found = level.find((b) => b.type === type);
    if (found === undefined) throw new Error(`no ${type} box in path ${path.join('/')}`);
    level = found.children;
  }
  if (found === undefined) throw new Error('empty box path');
  return found;
}

export const toHex = (data: Uint8Array) => Buffer.from(data.buffer, data.byteOffset, data.length).toString('hex');
export const fromHex = (hex: string) => new Uint8Array(Buffer.from(hex.replace(/\s+/g, ''), 'hex'));
