import { codec } from '@glint/media-core';
import {
  FlvDemuxer,
  FlvError,
  FlvMediaReader,
  type FlvTag,
  RtmpError,
} from '@glint/media-server/test-support/fuzz-targets';
import { socketReads } from '../framing.ts';
import { generateFlv } from '../generators/flv.ts';
import { checkMediaEvent, flvLimitsFor } from './media-events.ts';
import { errorCode, type FuzzTarget, invariant, sameBytes } from './target.ts';

const FLV = 'media-server/src/protocols/flv/';

function demux(reads: readonly Uint8Array[]): { readonly tags: FlvTag[]; readonly error?: unknown } {
  const demuxer = new FlvDemuxer();
  const tags: FlvTag[] = [];
  try {
    for (const read of reads) tags.push(...demuxer.push(read));
  } catch (error) {
    return { tags, error };
  }
  return { tags };
}

function sameTags(a: readonly FlvTag[], b: readonly FlvTag[]): boolean {
  return (
    a.length === b.length &&
    a.every((t, i) => t.type === b[i]!.type && t.timestampMs === b[i]!.timestampMs && sameBytes(t.data, b[i]!.data))
  );
}

/**
 * An FLV file through the demuxer (as socket reads, and whole: the same tags or the same error), each tag through
 * FlvMediaReader (video, audio, script), each event checked as the outputs would use it.
 */
export const flv: FuzzTarget = {
  name: 'flv',
  description:
    'FlvDemuxer.push (split reads = one read) → FlvMediaReader.video/audio/script, events checked downstream',
  sources: [`${FLV}demuxer.ts`, `${FLV}flv-media-reader.ts`, `${FLV}avc.ts`],
  // Script tags are AMF0 (RtmpError); the decoder configuration is checked with the packager's parsers (CodecError).
  typedErrors: [FlvError, RtmpError, codec.CodecError],
  generate: generateFlv,
  run(input) {
    const reads = socketReads(input);
    const split = demux(reads);
    if (reads.length > 1) {
      const whole = demux([input]);
      invariant(
        errorCode(whole.error) === errorCode(split.error),
        `one read ends in ${errorCode(whole.error)}, ${reads.length} reads in ${errorCode(split.error)}`,
      );
      if (split.error === undefined) invariant(sameTags(split.tags, whole.tags), 'tags depend on how reads are cut');
    }
    const toStream = new FlvMediaReader(flvLimitsFor(input));
    const seen = new Set<string>();
    for (const tag of split.tags) {
      const event = toStream.tag(tag);
      seen.add(`${tag.type[0]}${checkMediaEvent(event)}`);
    }
    if (split.error !== undefined) throw split.error;
    return [...seen].sort().join(',');
  },
};
