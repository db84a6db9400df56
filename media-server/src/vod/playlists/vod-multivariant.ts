import type { MultivariantModel, VariantModel } from '@glint/llhls-packager';
import type { VodRendition } from '@glint/platform';
import type { RenditionRates } from './vod-media-playlist.ts';

/** The audio group's id, as the live multivariant playlist names it. */
export const VOD_AUDIO_GROUP = 'audio';

const NO_RATE: RenditionRates = { peakBps: 0, averageBps: 0 };

/**
 * The VOD's multivariant model over its archived renditions: one variant per video rendition (the source first, then
 * the rungs, highest first) sharing one audio group, or the audio alone. Bit rates are measured from the archived
 * segments: BANDWIDTH is the video's peak segment rate plus the audio's, AVERAGE-BANDWIDTH the averages' sum.
 */
export function vodMultivariantModel(
  renditions: readonly VodRendition[],
  rates: (rendition: string) => RenditionRates | undefined,
): MultivariantModel {
  const audio = renditions.find((r) => r.kind === 'audio');
  const audioRate = (audio && rates(audio.rendition)) ?? NO_RATE;
  const videos = renditions
    .filter((r) => r.kind === 'video')
    .sort((a, b) => {
      if (a.rendition === 'video') return -1;
      if (b.rendition === 'video') return 1;
      return (b.height ?? 0) - (a.height ?? 0) || a.rendition.localeCompare(b.rendition);
    });
  const variants: VariantModel[] = videos.map((video) => {
    const rate = rates(video.rendition) ?? NO_RATE;
    return {
      uri: `${video.rendition}/index.m3u8`,
      bandwidth: Math.max(1, rate.peakBps + audioRate.peakBps),
      averageBandwidth: Math.max(1, rate.averageBps + audioRate.averageBps),
      codecs: audio ? [video.codec, audio.codec] : [video.codec],
      ...(video.width !== undefined && video.height !== undefined
        ? { resolution: { width: video.width, height: video.height } }
        : {}),
      ...(video.frameRate !== undefined ? { frameRate: video.frameRate } : {}),
      ...(audio ? { audioGroupId: VOD_AUDIO_GROUP } : {}),
    };
  });
  if (videos.length === 0 && audio) {
    variants.push({
      uri: `${audio.rendition}/index.m3u8`,
      bandwidth: Math.max(1, audioRate.peakBps),
      averageBandwidth: Math.max(1, audioRate.averageBps),
      codecs: [audio.codec],
    });
  }
  return {
    audio:
      audio && videos.length > 0
        ? [
            {
              groupId: VOD_AUDIO_GROUP,
              name: 'default',
              uri: `${audio.rendition}/index.m3u8`,
              channels: audio.channels ?? 2,
            },
          ]
        : [],
    variants,
  };
}
