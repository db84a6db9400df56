import { PLAYLIST_VERSION } from './media.ts';
import type { MultivariantModel } from './model.ts';
import { attributes, quoted } from './tags.ts';

/**
 * Renders the multivariant playlist: one EXT-X-MEDIA per shared audio rendition, one EXT-X-STREAM-INF per variant.
 * No EXT-X-INDEPENDENT-SEGMENTS: a source that stops sending keyframes gets segments cut without one (see the
 * packager's `maxSegmentMs`), and the playlist must not claim otherwise.
 */
export function renderMultivariantPlaylist(model: MultivariantModel): string {
  const out = ['#EXTM3U', `#EXT-X-VERSION:${PLAYLIST_VERSION}`];
  model.audio.forEach((audio, index) => {
    out.push(
      `#EXT-X-MEDIA:${attributes([
        ['TYPE', 'AUDIO'],
        ['GROUP-ID', quoted(audio.groupId)],
        ['NAME', quoted(audio.name)],
        ['LANGUAGE', audio.language === undefined ? undefined : quoted(audio.language)],
        ['DEFAULT', index === 0 ? 'YES' : 'NO'],
        ['AUTOSELECT', 'YES'],
        ['CHANNELS', quoted(String(audio.channels))],
        ['URI', quoted(audio.uri)],
      ])}`,
    );
  });
  for (const variant of model.variants) {
    out.push(
      `#EXT-X-STREAM-INF:${attributes([
        ['BANDWIDTH', Math.round(variant.bandwidth)],
        ['AVERAGE-BANDWIDTH', Math.round(variant.averageBandwidth)],
        ['CODECS', quoted(variant.codecs.join(','))],
        ['RESOLUTION', variant.resolution ? `${variant.resolution.width}x${variant.resolution.height}` : undefined],
        ['FRAME-RATE', variant.frameRate === undefined ? undefined : variant.frameRate.toFixed(3)],
        ['AUDIO', variant.audioGroupId === undefined ? undefined : quoted(variant.audioGroupId)],
        // No captions: said outright, so a player need not probe a segment for them (Shaka waited for three).
        ['CLOSED-CAPTIONS', 'NONE'],
      ])}`,
      variant.uri,
    );
  }
  out.push('');
  return out.join('\n');
}
