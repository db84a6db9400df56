import { codec } from '@glint/media-core';
import { RtpError } from './errors.ts';
import type { RtpCodec } from './rtp-codec.ts';

/** RFC 7587 4.1: the RTP clock for Opus is always 48 kHz, whatever the encoder's input rate. */
export const OPUS_CLOCK_RATE = 48_000;
/** The dynamic payload type browsers commonly offer for opus/48000/2. */
export const OPUS_DEFAULT_PAYLOAD_TYPE = 111;
/** 20 ms at 48 kHz: the usual Opus frame and the RTP timestamp step between packets. */
export const OPUS_SAMPLES_PER_20MS = 960;

export const OPUS_RTP_CODEC: RtpCodec = {
  mimeType: 'audio/opus',
  clockRate: OPUS_CLOCK_RATE,
  channels: 2,
  sdpFmtpLine: 'minptime=10;useinbandfec=1',
};

/**
 * RFC 7587 4.2: an Opus RTP payload is exactly one Opus packet, no header of its own. Returns it with its duration
 * in 48 kHz samples (the timestamp step to the next packet); a malformed TOC gives an RtpError.
 */
export function readOpusPayload(payload: Uint8Array): { readonly packet: Uint8Array; readonly samples: number } {
  if (payload.length === 0) throw new RtpError('EMPTY_PAYLOAD', 'Opus RTP payload is empty');
  try {
    return { packet: payload, samples: codec.opusPacketSamples(payload) };
  } catch (error) {
    throw new RtpError('INVALID_OPUS', error instanceof Error ? error.message : String(error));
  }
}

/** 48 kHz RTP ticks to 90 kHz media time. */
export function opusTicksTo90k(ticks48k: number): number {
  return Math.round((ticks48k * 90_000) / OPUS_CLOCK_RATE);
}

/** 90 kHz media time to 48 kHz RTP ticks. */
export function opus90kToTicks(ticks90k: number): number {
  return Math.round((ticks90k * OPUS_CLOCK_RATE) / 90_000);
}
