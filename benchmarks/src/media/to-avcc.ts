import { codec, type VideoAccessUnit } from '@glint/media-core';

/** The same access units as AVCC samples with the parameter sets taken out of band, as RTMP delivers them. */
export function toAvcc(video: readonly VideoAccessUnit[]): {
  units: VideoAccessUnit[];
  sps: Uint8Array;
  pps: Uint8Array;
} {
  let sps: Uint8Array | undefined;
  let pps: Uint8Array | undefined;
  const units = video.map((au): VideoAccessUnit => {
    const media: Uint8Array[] = [];
    for (const nal of codec.splitAnnexB(au.data)) {
      const type = codec.nalType(nal);
      if (type === codec.NalType.SPS) sps ??= nal;
      else if (type === codec.NalType.PPS) pps ??= nal;
      else if (type !== codec.NalType.AUD) media.push(nal);
    }
    return { ...au, data: codec.toLengthPrefixed(media), format: 'avcc' };
  });
  if (!sps || !pps) throw new Error('media: no SPS/PPS found in the H.264 stream');
  return { units, sps, pps };
}
