import type { MultivariantModel } from '@glint/llhls-packager';
import type { VodRendition } from '@glint/platform';

/**
 * A live rendition's description from the channel's multivariant model: a video variant (`<rendition>/index.m3u8`,
 * its first codec is the video's), the audio group's entry (its codec is the variants' last one), or the variant of
 * an audio-only stream. Undefined while the model does not list it yet.
 */
export function renditionOf(
  model: MultivariantModel | undefined,
  broadcastId: string,
  rendition: string,
): VodRendition | undefined {
  if (!model) return undefined;
  const uri = `${rendition}/index.m3u8`;
  const audio = model.audio.find((a) => a.uri === uri);
  if (audio) {
    const codec = model.variants[0]?.codecs.at(-1);
    if (codec === undefined) return undefined;
    return { broadcastId, rendition, kind: 'audio', codec, channels: audio.channels };
  }
  const variant = model.variants.find((v) => v.uri === uri);
  const codec = variant?.codecs[0];
  if (!variant || codec === undefined) return undefined;
  if (!variant.resolution) return { broadcastId, rendition, kind: 'audio', codec };
  return {
    broadcastId,
    rendition,
    kind: 'video',
    codec,
    width: variant.resolution.width,
    height: variant.resolution.height,
    ...(variant.frameRate !== undefined ? { frameRate: variant.frameRate } : {}),
  };
}
