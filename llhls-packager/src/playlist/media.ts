import type { MediaPlaylistModel, PartModel, SegmentModel } from './model.ts';
import { attributes, dateTime, decimal, quoted } from './tags.ts';

/** What a client asked for with `_HLS_skip`: nothing, segments (`YES`) or segments and date ranges (`v2`). */
export type SkipRequest = 'NO' | 'YES' | 'v2';

/** Version 9 covers EXT-X-SKIP; everything else here needs at most 6. One value keeps the responses uniform. */
export const PLAYLIST_VERSION = 9;

/** How many leading segments a delta update may replace with EXT-X-SKIP (RFC 8216bis 6.2.5.1). */
export function skippableSegments(model: MediaPlaylistModel): number {
  let fromEndSec = 0;
  for (let i = model.segments.length - 1; i >= 0; i--) {
    fromEndSec += model.segments[i]?.durationSec ?? 0;
    // Segments that start at least CAN-SKIP-UNTIL before the end may go.
    if (fromEndSec >= model.canSkipUntilSec) return i;
  }
  return 0;
}

function partLines(parts: readonly PartModel[], out: string[]): void {
  for (const part of parts) {
    out.push(
      `#EXT-X-PART:${attributes([
        ['DURATION', decimal(part.durationSec)],
        ['URI', quoted(part.uri)],
        ['INDEPENDENT', part.independent ? 'YES' : undefined],
      ])}`,
    );
  }
}

function header(model: MediaPlaylistModel, out: string[]): void {
  out.push(
    '#EXTM3U',
    `#EXT-X-VERSION:${PLAYLIST_VERSION}`,
    `#EXT-X-TARGETDURATION:${model.targetDurationSec}`,
    `#EXT-X-SERVER-CONTROL:${attributes([
      ['CAN-BLOCK-RELOAD', 'YES'],
      ['CAN-SKIP-UNTIL', decimal(model.canSkipUntilSec)],
      ['PART-HOLD-BACK', decimal(model.partHoldBackSec)],
    ])}`,
    `#EXT-X-PART-INF:PART-TARGET=${decimal(model.partTargetSec)}`,
    `#EXT-X-MEDIA-SEQUENCE:${model.mediaSequence}`,
  );
  if (model.discontinuitySequence > 0) out.push(`#EXT-X-DISCONTINUITY-SEQUENCE:${model.discontinuitySequence}`);
}

/** Renders a media playlist; `skip` asks for a delta update. */
export function renderMediaPlaylist(model: MediaPlaylistModel, skip: SkipRequest = 'NO'): string {
  const out: string[] = [];
  header(model, out);
  const skipped = skip === 'NO' ? 0 : skippableSegments(model);
  if (skipped > 0) {
    const removed = skip === 'v2' ? ',RECENTLY-REMOVED-DATERANGES=""' : '';
    out.push(`#EXT-X-SKIP:SKIPPED-SEGMENTS=${skipped}${removed}`);
  }
  const firstWithParts = model.segments.length - model.partsForLastSegments;
  let mapUri: string | null = null;
  const startSegment = (s: Pick<SegmentModel, 'discontinuity' | 'mapUri' | 'programDateTimeMs'>) => {
    if (s.discontinuity) out.push('#EXT-X-DISCONTINUITY');
    if (s.mapUri !== mapUri) {
      out.push(`#EXT-X-MAP:URI=${quoted(s.mapUri)}`);
      mapUri = s.mapUri;
    }
    out.push(`#EXT-X-PROGRAM-DATE-TIME:${dateTime(s.programDateTimeMs)}`);
  };
  model.segments.forEach((segment, index) => {
    if (index < skipped) return;
    startSegment(segment);
    if (index >= firstWithParts) partLines(segment.parts, out);
    if (segment.gap) out.push('#EXT-X-GAP');
    out.push(`#EXTINF:${decimal(segment.durationSec)},`, segment.uri);
  });
  const current = model.current;
  if (current && current.parts.length > 0) {
    startSegment(current);
    partLines(current.parts, out);
  }
  if (model.ended) {
    out.push('#EXT-X-ENDLIST');
  } else if (model.preloadHintUri !== null) {
    out.push(`#EXT-X-PRELOAD-HINT:TYPE=PART,URI=${quoted(model.preloadHintUri)}`);
  }
  for (const report of model.renditionReports) {
    out.push(
      `#EXT-X-RENDITION-REPORT:${attributes([
        ['URI', quoted(report.uri)],
        ['LAST-MSN', report.lastMsn],
        ['LAST-PART', report.lastPart],
      ])}`,
    );
  }
  out.push('');
  return out.join('\n');
}
