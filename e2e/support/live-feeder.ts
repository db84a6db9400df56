import type { LivePackager } from '@glint/llhls-packager';
import type { VideoAccessUnit } from '@glint/media-core';
import { type Fixture, interleave } from '@glint/testkit';

/** Pushes a fixture into a packager at the pace of its timestamps, like a live encoder. Returns a stop function. */
export function feedLive(packager: LivePackager, fixture: Fixture, tickMs = 5): () => void {
  return feedLadder(packager, fixture, [], tickMs);
}

type Item = { t90k: number; push: () => void };

/**
 * Feeds a packager a ladder at the pace of its timestamps, as Glint's transcoder does: the source's video and audio,
 * and each rung's video under its name. A rung's fixture must be encoded as the source's (same seconds, frame rate,
 * GOP and B-frames) so its frames carry the source's timestamps and keyframes, as a real ladder's do.
 */
export function feedLadder(
  packager: LivePackager,
  source: Fixture,
  rungs: ReadonlyArray<{ readonly name: string; readonly fixture: Fixture }>,
  tickMs = 5,
): () => void {
  const rungItems = (name: string, video: readonly VideoAccessUnit[]): Item[] =>
    video.map((au) => ({ t90k: au.dts90k, push: () => packager.pushVideo(au, name) }));
  const items: Item[] = [
    ...interleave(source.video, source.audio).map((item) => ({
      t90k: item.t90k,
      push: item.kind === 'video' ? () => packager.pushVideo(item.au) : () => packager.pushAudio(item.frame),
    })),
    ...rungs.flatMap((r) => rungItems(r.name, r.fixture.video)),
  ];
  // Stable: at one time the source goes first, so it sets the timeline the rungs are mapped on.
  items.sort((a, b) => a.t90k - b.t90k);
  const t0 = items[0]?.t90k ?? 0;
  const start = performance.now();
  let next = 0;
  const timer = setInterval(() => {
    const elapsed90k = (performance.now() - start) * 90;
    while (next < items.length) {
      const item = items[next];
      if (!item || item.t90k - t0 > elapsed90k) break;
      item.push();
      next++;
    }
    if (next >= items.length) clearInterval(timer);
  }, tickMs);
  return () => clearInterval(timer);
}
