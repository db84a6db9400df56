export { BoxWriter } from './box-writer.ts';
export { Fmp4Error, type Fmp4ErrorCode } from './errors.ts';
export { NON_SYNC_SAMPLE_FLAGS, SYNC_SAMPLE_FLAGS, writeFragment } from './fragment.ts';
export { writeInitSegment } from './init-segment.ts';
export type {
  AacInitTrack,
  Fragment,
  FragmentSample,
  FragmentTrack,
  InitTrack,
  OpusChannelMapping,
  OpusInitTrack,
  VideoInitTrack,
} from './types.ts';
