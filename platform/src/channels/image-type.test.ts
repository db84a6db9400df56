import { describe, expect, it } from 'vitest';
import { sniffImageType } from './image-type.ts';

const bytes = (...parts: (string | number[])[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));

describe('sniffImageType', () => {
  it('knows PNG, GIF (87a and 89a) and WebP by their first bytes', () => {
    expect(sniffImageType(bytes([0x89], 'PNG\r\n\x1a\n', [0, 0, 0, 13]))).toBe('image/png');
    expect(sniffImageType(bytes('GIF87a', [1, 0, 1, 0]))).toBe('image/gif');
    expect(sniffImageType(bytes('GIF89a', [1, 0, 1, 0]))).toBe('image/gif');
    expect(sniffImageType(bytes('RIFF', [26, 0, 0, 0], 'WEBPVP8 '))).toBe('image/webp');
  });

  it('refuses everything else, whatever its name or a prefix of a real header', () => {
    for (const b of [
      bytes(''),
      bytes([0x89], 'PNG'),
      bytes([0x89], 'PNG\r\n\x1a'),
      bytes('GIF88a'),
      bytes('GIF8'),
      bytes('RIFF', [26, 0, 0, 0], 'WAVEfmt '),
      bytes('RIFF', [26, 0, 0]),
      bytes('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      bytes('<html><body>PNG</body></html>'),
      bytes([0xff, 0xd8, 0xff, 0xe0]),
    ]) {
      expect(sniffImageType(b), b.toString('latin1')).toBeNull();
    }
  });
});
