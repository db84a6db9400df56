import { codec } from '@glint/media-core';
import {
  H264Depacketizer,
  parseRtpPacket,
  RtpError,
  readOpusPayload,
  serializeRtpPacket,
} from '@glint/media-server/test-support/fuzz-targets';
import { unframePackets } from '../framing.ts';
import { generateRtp } from '../generators/rtp.ts';
import { hashBytes } from '../random.ts';
import { attempt, bucket, type FuzzTarget, invariant, sameBytes } from './target.ts';

const RTP = 'media-server/src/protocols/rtp/';

/**
 * A run of RTP packets (each a u16 length and its bytes): every packet parsed and re-serialized, and the whole run
 * through the H.264 depacketizer in both output formats.
 */
export const rtp: FuzzTarget = {
  name: 'rtp',
  description:
    'parseRtpPacket (+ serialize round trip, Opus TOC), H264Depacketizer.pushBytes (single NAL, STAP-A, FU-A)',
  sources: [`${RTP}packet.ts`, `${RTP}h264-depacketizer.ts`, `${RTP}access-unit-buffer.ts`, `${RTP}opus.ts`],
  typedErrors: [RtpError],
  generate: generateRtp,
  run(input) {
    const packets = unframePackets(input);
    const parsed = new Set<string>();
    for (const bytes of packets) {
      parsed.add(
        attempt([RtpError], () => {
          const p = parseRtpPacket(bytes);
          const again = parseRtpPacket(serializeRtpPacket(p.header, p.payload));
          invariant(sameBytes(again.payload, p.payload), 'RTP payload changes through serialize and parse');
          const [a, b] = [again.header, p.header];
          invariant(
            a.marker === b.marker &&
              a.payloadType === b.payloadType &&
              a.sequenceNumber === b.sequenceNumber &&
              a.timestamp === b.timestamp &&
              a.ssrc === b.ssrc &&
              a.extension?.profile === b.extension?.profile &&
              (a.csrc ?? []).join() === (b.csrc ?? []).join() &&
              sameBytes(a.extension?.data ?? new Uint8Array(0), b.extension?.data ?? new Uint8Array(0)),
            'RTP header changes through serialize and parse',
          );
          // The same payload read as Opus (the audio of a WHIP publisher): a TOC gives 2.5 to 120 ms of samples.
          attempt([RtpError], () => {
            const { samples } = readOpusPayload(p.payload);
            invariant(samples >= 120 && samples <= 5760, `an Opus packet of ${samples} samples`);
          });
        }),
      );
    }
    const signature = [...parsed].sort();
    // One input in four gets access unit limits small enough for these inputs to reach.
    const tight = hashBytes(input) % 4 === 1 ? { maxAccessUnitBytes: 3000, maxNalsPerAccessUnit: 8 } : {};
    for (const format of ['annexb', 'avcc'] as const) {
      const depacketizer = new H264Depacketizer({ format, ...tight });
      let units = 0;
      const errors = new Set<string>();
      for (const bytes of packets) {
        // From the start, and after loss or a malformed payload, only a keyframe may come out first.
        let needsKeyframe = depacketizer.needsKeyframe;
        const result = depacketizer.pushBytes(bytes);
        for (const error of result.errors) {
          invariant(error instanceof RtpError, 'the depacketizer reported an error that is not an RtpError');
          errors.add(error.code);
        }
        for (const au of result.accessUnits) {
          invariant(au.keyframe || !needsKeyframe, 'a non-IDR access unit came out while a keyframe was needed');
          needsKeyframe = false;
          units++;
          invariant(au.nals.length > 0, 'an access unit without NAL units');
          for (const nal of au.nals) invariant(nal.length > 0, 'an empty NAL unit in an access unit');
          if (format === 'avcc') {
            let split = -1;
            const outcome = attempt([codec.CodecError], () => (split = codec.splitLengthPrefixed(au.data, 4).length));
            invariant(outcome === 'ok', `the packager refuses an access unit the depacketizer delivers: ${outcome}`);
            invariant(split === au.nals.length, 'AVCC access unit data does not match its NAL units');
          }
        }
      }
      signature.push(`${format}:${bucket(units)}:${[...errors].sort().join(',')}:${depacketizer.needsKeyframe}`);
    }
    return signature.join('|');
  },
};
