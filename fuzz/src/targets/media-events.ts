import { codec } from '@glint/media-core';
import type { FlvMediaReaderOptions, MediaEvent } from '@glint/media-server/test-support/fuzz-targets';
import { hashBytes } from '../random.ts';
import { invariant } from './target.ts';

/** Default limits mostly; one input in four gets limits small enough to reach (frame size, NAL units, bad frames). */
export function flvLimitsFor(input: Uint8Array): FlvMediaReaderOptions {
  if (hashBytes(input) % 4 !== 1) return {};
  return { maxFrameBytes: 2048, maxNalUnits: 8, maxConsecutiveDroppedFrames: 3 };
}

/**
 * What FLV ingest hands on must be usable downstream: the packager and the WebRTC bridge parse the same SPS,
 * AudioSpecificConfig and AVCC frames again, and a CodecError there is a 500 or a dropped viewer (issue 15, item 11).
 * Returns the event's kind for the signature.
 */
export function checkMediaEvent(event: MediaEvent | undefined): string {
  if (event === undefined) return '-';
  switch (event.kind) {
    case 'video-config':
      invariant(event.config.sps.length > 0 && event.config.pps.length > 0, 'video config without SPS or PPS');
      for (const sps of event.config.sps) {
        codecMust(() => codec.parseSps(sps), 'an SPS that ingest accepted does not parse in the packager');
      }
      return 'vc';
    case 'audio-config':
      codecMust(
        () => codec.parseAudioSpecificConfig(event.config.asc),
        'an AudioSpecificConfig that ingest accepted does not parse in the packager',
      );
      return 'ac';
    case 'video': {
      let nals: Uint8Array[] = [];
      codecMust(() => {
        nals = codec.splitLengthPrefixed(event.au.data, 4);
      }, 'a frame that ingest accepted does not split into NAL units in the packager');
      invariant(nals.length > 0, 'a video frame without NAL units');
      for (const nal of nals) {
        if (codec.nalType(nal) !== codec.NalType.SPS) continue;
        codecMust(() => codec.parseSps(nal), 'an in-band SPS that ingest passed on does not parse in the packager');
      }
      invariant(Number.isFinite(event.au.pts90k) && Number.isFinite(event.au.dts90k), 'a frame time is not finite');
      return event.au.keyframe ? 'k' : 'v';
    }
    case 'audio':
      invariant(event.frame.data.length > 0, 'an empty audio frame');
      return 'a';
    case 'metadata':
      return 'm';
  }
}

function codecMust(step: () => unknown, what: string): void {
  try {
    step();
  } catch (error) {
    if (error instanceof codec.CodecError) invariant(false, `${what}: ${error.code} ${error.message}`);
    throw error;
  }
}
