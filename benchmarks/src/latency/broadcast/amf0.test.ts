import { describe, expect, it } from 'vitest';
import { Amf0Error, AmfEcmaArray, decodeAmf0, encodeAmf0 } from './amf0.ts';

describe('amf0', () => {
  it('encodes a connect command as the spec lays it out', () => {
    const bytes = encodeAmf0('connect', 1, { app: 'live' });
    expect([...bytes]).toEqual([
      ...[2, 0, 7, ...Buffer.from('connect')],
      ...[0, 0x3f, 0xf0, 0, 0, 0, 0, 0, 0],
      ...[3, 0, 3, ...Buffer.from('app'), 2, 0, 4, ...Buffer.from('live'), 0, 0, 9],
    ]);
  });

  it('reads back every type it writes', () => {
    const values = ['onStatus', 0, null, undefined, true, false, { level: 'error', nested: { n: -1.5 } }, [1, 'two']];
    expect(decodeAmf0(encodeAmf0(...values))).toEqual(values);
  });

  it('writes an ECMA array with its count and reads it as an object', () => {
    const bytes = encodeAmf0(new AmfEcmaArray({ width: 640, height: 360 }));
    expect([...bytes.subarray(0, 5)]).toEqual([8, 0, 0, 0, 2]);
    expect(decodeAmf0(bytes)).toEqual([{ width: 640, height: 360 }]);
  });

  it('refuses truncated values and unknown markers', () => {
    const bytes = encodeAmf0({ code: 'NetStream.Publish.Start' });
    expect(() => decodeAmf0(bytes.subarray(0, bytes.length - 2))).toThrow(Amf0Error);
    expect(() => decodeAmf0(Uint8Array.of(0x11))).toThrow(/marker 17/);
  });
});
