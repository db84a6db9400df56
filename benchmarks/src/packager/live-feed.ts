import type { LivePackager } from '@glint/llhls-packager';
import type { MediaItem } from '@glint/testkit';

/**
 * Feeds a packager in real time: each access unit is pushed when the wall clock reaches its timestamp, as a live
 * encoder would deliver it. The media loops with shifted timestamps for as long as the feed runs. When the event loop
 * was busy (releasing blocked requests), the late units are pushed together on the next tick, as a socket would.
 */
export class LiveFeed {
  readonly #packager: LivePackager;
  readonly #items: readonly MediaItem[];
  readonly #loop90k: number;
  readonly #first90k: number;
  #startMs = 0;
  #index = 0;
  #loop = 0;
  #timer: NodeJS.Timeout | null = null;

  /** `loop90k`: how far each repetition is shifted; at least the media's duration so time never goes back. */
  constructor(packager: LivePackager, items: readonly MediaItem[], loop90k: number) {
    if (items.length === 0) throw new RangeError('a live feed needs media');
    this.#packager = packager;
    this.#items = items;
    this.#loop90k = loop90k;
    this.#first90k = items[0]?.t90k ?? 0;
  }

  start(): void {
    this.#startMs = performance.now();
    this.#tick();
  }

  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #due90k(item: MediaItem): number {
    return item.t90k - this.#first90k + this.#loop * this.#loop90k;
  }

  #tick(): void {
    const now90k = (performance.now() - this.#startMs) * 90;
    for (;;) {
      const item = this.#items[this.#index];
      if (!item) {
        this.#index = 0;
        this.#loop++;
        continue;
      }
      if (this.#due90k(item) > now90k) break;
      const shift = this.#loop * this.#loop90k;
      if (item.kind === 'video') {
        this.#packager.pushVideo({ ...item.au, dts90k: item.au.dts90k + shift, pts90k: item.au.pts90k + shift });
      } else {
        this.#packager.pushAudio({ ...item.frame, pts90k: item.frame.pts90k + shift });
      }
      this.#index++;
    }
    const next = this.#items[this.#index];
    const waitMs = next ? Math.max(0, (this.#due90k(next) - now90k) / 90) : 0;
    this.#timer = setTimeout(() => this.#tick(), waitMs);
  }
}
