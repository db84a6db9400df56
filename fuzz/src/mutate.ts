import type { Random } from './random.ts';

/** Inputs never grow past this: parsers are fuzzed for logic, not for throughput. */
export const MAX_INPUT_BYTES = 64 * 1024;

const INTERESTING_8 = [0x00, 0xff, 0x7f, 0x80, 0x01, 0x40, 0x3f, 0xfe, 0x10, 0x20];
const INTERESTING_16 = [0x0000, 0xffff, 0x7fff, 0x8000, 0x0001, 0x00ff, 0x0100, 0xfffe];
const INTERESTING_32 = [0x00000000, 0xffffffff, 0x7fffffff, 0x80000000, 0x00ffffff, 0x01000000, 0x00000001];

export type Mutation = (rng: Random, input: Uint8Array, other: () => Uint8Array) => Uint8Array;

function writeBe(out: Uint8Array, at: number, width: number, value: number): void {
  for (let i = width - 1; i >= 0; i--) {
    if (at + i < out.length) out[at + i] = value & 0xff;
    value = Math.floor(value / 256);
  }
}

function readBe(b: Uint8Array, at: number, width: number): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + (b[at + i] ?? 0);
  return v;
}

function withCopy(input: Uint8Array, edit: (out: Uint8Array) => void): Uint8Array {
  const out = input.slice();
  edit(out);
  return out;
}

const flipBit: Mutation = (rng, input) =>
  input.length === 0 ? input : withCopy(input, (o) => (o[rng.below(o.length)]! ^= 1 << rng.below(8)));

const randomByte: Mutation = (rng, input) =>
  input.length === 0 ? input : withCopy(input, (o) => (o[rng.below(o.length)] = rng.u32() & 0xff));

const interestingByte: Mutation = (rng, input) =>
  input.length === 0 ? input : withCopy(input, (o) => (o[rng.below(o.length)] = rng.pick(INTERESTING_8)));

/** A 16- or 32-bit field set to an edge value, in either byte order. */
const interestingWord: Mutation = (rng, input) =>
  withCopy(input, (o) => {
    if (o.length < 2) return;
    const wide = o.length >= 4 && rng.chance(0.5);
    const width = wide ? 4 : 2;
    const value = wide ? rng.pick(INTERESTING_32) : rng.pick(INTERESTING_16);
    const at = rng.below(o.length - width + 1);
    writeBe(o, at, width, value);
    if (rng.chance(0.3)) o.subarray(at, at + width).reverse();
  });

/**
 * Length fields are where parsers break: a 1- to 4-byte big-endian field nudged by a little, or set to the size of
 * what follows, to zero, or to the largest value.
 */
const lengthTweak: Mutation = (rng, input) =>
  withCopy(input, (o) => {
    if (o.length === 0) return;
    const width = rng.int(1, Math.min(4, o.length));
    const at = rng.below(o.length - width + 1);
    const max = 2 ** (8 * width) - 1;
    const old = readBe(o, at, width);
    const rest = o.length - at - width;
    const choices = [old + rng.int(-8, 8), old + 1, old - 1, rest, rest + 1, rest - 1, 0, max, Math.floor(max / 2)];
    const value = rng.pick(choices);
    writeBe(o, at, width, ((value % (max + 1)) + (max + 1)) % (max + 1));
  });

const truncate: Mutation = (rng, input) => input.subarray(0, rng.below(input.length + 1));

const insertBytes: Mutation = (rng, input) => {
  const at = rng.below(input.length + 1);
  const n = rng.int(1, 32);
  const fill = rng.chance(0.5) ? rng.bytes(n) : new Uint8Array(n).fill(rng.pick(INTERESTING_8));
  const out = new Uint8Array(input.length + n);
  out.set(input.subarray(0, at));
  out.set(fill, at);
  out.set(input.subarray(at), at + n);
  return out;
};

const deleteRange: Mutation = (rng, input) => {
  if (input.length === 0) return input;
  const at = rng.below(input.length);
  const n = rng.int(1, Math.min(64, input.length - at));
  const out = new Uint8Array(input.length - n);
  out.set(input.subarray(0, at));
  out.set(input.subarray(at + n), at);
  return out;
};

/** A slice of the input repeated in place: a chunk or tag sent twice, or a NAL unit duplicated. */
const duplicateRange: Mutation = (rng, input) => {
  if (input.length === 0) return input;
  const at = rng.below(input.length);
  const n = rng.int(1, Math.min(256, input.length - at));
  const slice = input.subarray(at, at + n);
  const times = rng.chance(0.8) ? 1 : rng.int(2, 16);
  const out = new Uint8Array(input.length + n * times);
  out.set(input.subarray(0, at + n));
  for (let i = 1; i <= times; i++) out.set(slice, at + n * i);
  out.set(input.subarray(at + n), at + n * (times + 1));
  return out;
};

/** A range copied over another place in the same input. */
const copyWithin: Mutation = (rng, input) =>
  withCopy(input, (o) => {
    if (o.length < 2) return;
    const from = rng.below(o.length);
    const to = rng.below(o.length);
    const n = rng.int(1, Math.min(64, o.length - Math.max(from, to)));
    o.copyWithin(to, from, from + n);
  });

/** The head of this input joined to the tail of another one (chunk splicing across corpus entries). */
const splice: Mutation = (rng, input, other) => {
  const b = other();
  const head = input.subarray(0, rng.below(input.length + 1));
  const tail = b.subarray(rng.below(b.length + 1));
  const out = new Uint8Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
};

/** A range of another input inserted here. */
const crossover: Mutation = (rng, input, other) => {
  const b = other();
  if (b.length === 0) return input;
  const from = rng.below(b.length);
  const piece = b.subarray(from, from + rng.int(1, Math.min(512, b.length - from)));
  const at = rng.below(input.length + 1);
  const out = new Uint8Array(input.length + piece.length);
  out.set(input.subarray(0, at));
  out.set(piece, at);
  out.set(input.subarray(at), at + piece.length);
  return out;
};

const MUTATIONS: readonly [Mutation, number][] = [
  [flipBit, 6],
  [randomByte, 3],
  [interestingByte, 4],
  [interestingWord, 3],
  [lengthTweak, 6],
  [truncate, 2],
  [insertBytes, 2],
  [deleteRange, 2],
  [duplicateRange, 2],
  [copyWithin, 2],
  [splice, 1],
  [crossover, 1],
];
const WEIGHTS = MUTATIONS.reduce((sum, [, w]) => sum + w, 0);

function pickMutation(rng: Random): Mutation {
  let r = rng.below(WEIGHTS);
  for (const [m, w] of MUTATIONS) {
    if (r < w) return m;
    r -= w;
  }
  return flipBit;
}

/** One to eight stacked mutations, mostly few (havoc in the AFL sense, with a short stack most of the time). */
export function mutate(rng: Random, input: Uint8Array, other: () => Uint8Array): Uint8Array {
  let out = input;
  const rounds = 1 + (rng.chance(0.6) ? 0 : rng.below(8));
  for (let i = 0; i < rounds; i++) out = pickMutation(rng)(rng, out, other);
  return out.length > MAX_INPUT_BYTES ? out.subarray(0, MAX_INPUT_BYTES) : out;
}
