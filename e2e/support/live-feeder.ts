import type { LivePackager } from '@glint/llhls-packager';
import { type Fixture, interleave } from '@glint/llhls-packager/test-support';

/** Pushes a fixture into a packager at the pace of its timestamps, like a live encoder. Returns a stop function. */
export function feedLive(packager: LivePackager, fixture: Fixture, tickMs = 5): () => void {
  const items = interleave(fixture);
  const first = items[0];
  const t0 = first ? (first.kind === 'video' ? first.au.dts90k : first.frame.pts90k) : 0;
  const start = performance.now();
  let next = 0;
  const timer = setInterval(() => {
    const elapsed90k = (performance.now() - start) * 90;
    while (next < items.length) {
      const item = items[next];
      if (!item) break;
      const t = item.kind === 'video' ? item.au.dts90k : item.frame.pts90k;
      if (t - t0 > elapsed90k) break;
      if (item.kind === 'video') packager.pushVideo(item.au);
      else packager.pushAudio(item.frame);
      next++;
    }
    if (next >= items.length) clearInterval(timer);
  }, tickMs);
  return () => clearInterval(timer);
}
