import { describe, expect, it } from 'vitest';
import { fromHex as bytes, toHex as hex, rtmpErrorCode } from '../../../test/rtmp-test-client.ts';
import { AmfEcmaArray, type AmfValue, decodeAmf0, decodeAmf0Value, encodeAmf0 } from './amf0.ts';
import { RtmpError } from './errors.ts';

describe('AMF0 encoding, byte for byte', () => {
  it.each<[string, AmfValue, string]>([
    ['number', 1, '00 3ff0000000000000'],
    ['boolean', true, '01 01'],
    ['string', 'ab', '02 0002 6162'],
    ['null', null, '05'],
    ['undefined', undefined, '06'],
    ['object', { a: 1 }, '03 0001 61 00 3ff0000000000000 0000 09'],
    ['ECMA array', new AmfEcmaArray({ a: false }), '08 00000001 0001 61 01 00 0000 09'],
    ['strict array', [null, 'x'], '0a 00000002 05 02 0001 78'],
    ['date', new Date(0), '0b 0000000000000000 0000'],
  ])('%s', (_name, value, expected) => {
    expect(hex(encodeAmf0(value))).toBe(expected.replace(/\s+/g, ''));
    expect(decodeAmf0(bytes(expected))).toEqual([value]);
  });

  it('uses a long string past 65535 UTF-8 bytes and decodes it back', () => {
    const long = 'é'.repeat(40_000); // 80 000 bytes
    const encoded = encodeAmf0(long);
    expect(hex(encoded.subarray(0, 5))).toBe('0c00013880');
    expect(decodeAmf0(encoded)).toEqual([long]);
  });

  it('round-trips a connect command as ffmpeg sends it', () => {
    const values: AmfValue[] = [
      'connect',
      1,
      {
        app: 'live',
        type: 'nonprivate',
        flashVer: 'FMLE/3.0',
        tcUrl: 'rtmp://127.0.0.1/live',
        nested: [1, { x: null }],
      },
    ];
    expect(decodeAmf0(encodeAmf0(...values))).toEqual(values);
  });

  it('keeps __proto__ as data', () => {
    const [value] = decodeAmf0(bytes('03 0009 5f5f70726f746f5f5f 01 01 0000 09'));
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.keys(value as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('returns the offset after a value', () => {
    expect(decodeAmf0Value(bytes('05 01 00'), 1)).toEqual({ value: false, offset: 3 });
  });
});

describe('AMF0 decoding errors are typed', () => {
  it.each([
    ['empty number', '00 3ff0', 'AMF0_TRUNCATED'],
    ['string shorter than its length', '02 0010 61', 'AMF0_TRUNCATED'],
    ['object without end marker', '03 0001 61 05', 'AMF0_TRUNCATED'],
    ['strict array count beyond data', '0a ffffffff 05', 'AMF0_TRUNCATED'],
    ['long string length beyond data', '0c ffffffff', 'AMF0_TRUNCATED'],
    ['reference (unsupported)', '07 0001', 'AMF0_UNSUPPORTED_TYPE'],
    ['AMF3 switch (unsupported)', '11 00', 'AMF0_UNSUPPORTED_TYPE'],
    ['deep nesting', '0a00000001'.repeat(100), 'AMF0_TOO_DEEP'],
    ['truncated command after handshake', '02 0007 636f6e6e656374 00 3ff0', 'AMF0_TRUNCATED'],
  ])('%s', (_name, h, code) => {
    expect(rtmpErrorCode(() => decodeAmf0(bytes(h)))).toBe(code);
  });

  it('never throws anything but RtmpError on random bytes', () => {
    let seed = 1;
    const random = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed & 0xff;
    };
    for (let i = 0; i < 2000; i++) {
      const input = Uint8Array.from({ length: 1 + (i % 40) }, random);
      try {
        decodeAmf0(input);
      } catch (error) {
        expect(error).toBeInstanceOf(RtmpError);
      }
    }
  });
});
