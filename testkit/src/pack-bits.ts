/** Packs (value, bit count) pairs MSB first, padding the last byte with zeros. */
export function packBits(fields: [number, number][]): Uint8Array {
  const bits: number[] = [];
  for (const [value, count] of fields) for (let i = count - 1; i >= 0; i--) bits.push(Math.floor(value / 2 ** i) % 2);
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  bits.forEach((bit, i) => {
    out[i >> 3]! |= bit << (7 - (i & 7));
  });
  return out;
}
