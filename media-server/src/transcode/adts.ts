import { WebRtcBridgeError } from './errors.ts';

/** What an ADTS header needs from an AudioSpecificConfig. */
export interface AdtsParams {
  /** ADTS profile = audioObjectType - 1 (0 Main, 1 LC, 2 SSR, 3 LTP). */
  readonly profile: number;
  readonly frequencyIndex: number;
  readonly channelConfig: number;
}

const ADTS_HEADER_BYTES = 7;
const MAX_FRAME_BYTES = 0x1fff;

/**
 * Reads the ADTS fields from an AudioSpecificConfig (ISO/IEC 14496-3 1.6.2.1). ADTS can only describe object types
 * 1-4 with a tabled sampling rate and a channel configuration; anything else is refused.
 */
export function adtsParamsFromAsc(asc: Uint8Array): AdtsParams {
  if (asc.length < 2) throw new WebRtcBridgeError('INVALID_AUDIO_CONFIG', 'AudioSpecificConfig is under 2 bytes');
  const objectType = asc[0]! >> 3;
  const frequencyIndex = ((asc[0]! & 0x07) << 1) | (asc[1]! >> 7);
  const channelConfig = (asc[1]! >> 3) & 0x0f;
  if (objectType < 1 || objectType > 4) {
    throw new WebRtcBridgeError('UNSUPPORTED_CODEC', `AAC object type ${objectType} cannot be carried in ADTS`);
  }
  if (frequencyIndex > 12) {
    throw new WebRtcBridgeError('UNSUPPORTED_CODEC', `AAC sampling frequency index ${frequencyIndex} has no ADTS form`);
  }
  if (channelConfig === 0 || channelConfig > 7) {
    throw new WebRtcBridgeError('UNSUPPORTED_CODEC', `AAC channel configuration ${channelConfig} has no ADTS form`);
  }
  return { profile: objectType - 1, frequencyIndex, channelConfig };
}

/** One raw AAC frame with a 7-byte ADTS header in front (no CRC, one raw data block). */
export function toAdts(params: AdtsParams, frame: Uint8Array): Uint8Array {
  const length = ADTS_HEADER_BYTES + frame.length;
  if (length > MAX_FRAME_BYTES) {
    throw new WebRtcBridgeError('INVALID_AUDIO_CONFIG', `AAC frame of ${frame.length} bytes is too long for ADTS`);
  }
  const out = new Uint8Array(length);
  out[0] = 0xff;
  out[1] = 0xf1; // syncword end, MPEG-4, layer 0, protection_absent
  out[2] = (params.profile << 6) | (params.frequencyIndex << 2) | (params.channelConfig >> 2);
  out[3] = ((params.channelConfig & 3) << 6) | (length >> 11);
  out[4] = (length >> 3) & 0xff;
  out[5] = ((length & 7) << 5) | 0x1f; // buffer fullness 0x7ff: variable bitrate
  out[6] = 0xfc; // fullness low bits, number_of_raw_data_blocks_in_frame = 0
  out.set(frame, ADTS_HEADER_BYTES);
  return out;
}
