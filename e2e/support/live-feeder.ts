import type { LivePackager } from '@glint/llhls-packager';
import { type Fixture, interleave } from '@glint/testkit';

/** Pushes a fixture into a packager at the pace of its timestamps, like a live encoder. Returns a stop function. */
export function feedLive(packager: LivePackager, fixture: Fixture, tickMs = 5): () => void {
  const items = interleave(fixture.video, fixture.audio);
  const t0 = items[0]?.t90k ?? 0;
  const start = performance.now();
  let next = 0;
  const timer = setInterval(() => {
    const elapsed90k = (performance.now() - start) * 90;
    while (next < items.length) {
      const item = items[next];
      if (!item || item.t90k - t0 > elapsed90k) break;
      if (item.kind === 'video') packager.pushVideo(item.au);
      else packager.pushAudio(item.frame);
      next++;
    }
    if (next >= items.length) clearInterval(timer);
  }, tickMs);
  return () => clearInterval(timer);
}
