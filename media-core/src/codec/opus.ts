import { CodecError } from './errors.ts';

export const OPUS_CODEC_STRING = 'opus';

/** Frame duration in 48 kHz samples by TOC config (RFC 6716 3.1, Table 2): SILK, then Hybrid, then CELT. */
function frameSamples(config: number): number {
  if (config < 12) return [480, 960, 1920, 2880][config & 3]!;
  if (config < 16) return [480, 960][config & 1]!;
  return [120, 240, 480, 960][config & 3]!;
}

/** Samples at 48 kHz that one Opus packet decodes to, from its TOC byte and, for code 3, the frame count byte. */
export function opusPacketSamples(packet: Uint8Array): number {
  const toc = packet[0];
  if (toc === undefined) throw new CodecError('INVALID_OPUS', 'empty Opus packet has no TOC byte');
  const perFrame = frameSamples(toc >> 3);
  const code = toc & 3;
  if (code === 0) return perFrame;
  if (code === 1 || code === 2) return 2 * perFrame;
  const countByte = packet[1];
  if (countByte === undefined) throw new CodecError('INVALID_OPUS', 'code 3 Opus packet lacks its frame count byte');
  const frames = countByte & 0x3f;
  // R5: at least one frame, and no packet may exceed 120 ms (5760 samples).
  if (frames === 0 || frames * perFrame > 5760) {
    throw new CodecError('INVALID_OPUS', `code 3 Opus packet with ${frames} frames of ${perFrame} samples`);
  }
  return frames * perFrame;
}
