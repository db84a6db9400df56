/**
 * The type of an uploaded image, from its first bytes (never from what the client says it is): a file that claims
 * to be a PNG but is HTML or SVG would otherwise be served under an image type and could be sniffed into a page.
 */
export type EmoteImageType = 'image/png' | 'image/gif' | 'image/webp';

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function sniffImageType(bytes: Uint8Array): EmoteImageType | null {
  if (PNG.every((b, i) => bytes[i] === b)) return 'image/png';
  const head = ascii(bytes, 0, 6);
  if (head === 'GIF87a' || head === 'GIF89a') return 'image/gif';
  // RIFF <4-byte size> WEBP
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'image/webp';
  return null;
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
  return bytes.length < end ? '' : String.fromCharCode(...bytes.subarray(start, end));
}
