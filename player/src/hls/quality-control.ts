/**
 * The contract a quality menu drives, and its hls.js implementation. The menu knows only this interface; the WebRTC
 * path offers the SFU's layers through the same menu (webrtc/whep-quality-control.ts, a second implementation).
 */
import type { HlsConstructor, HlsInstance } from './hls-player.ts';
import { type QualityOption, qualityOptions } from './quality-levels.ts';

export interface QualityState {
  /** Best first; empty until the player knows its renditions. */
  readonly options: readonly QualityOption[];
  /** What the viewer chose: a rendition's option index, or 'auto' when the player picks (ABR). */
  readonly chosen: number | 'auto';
  /** The rendition on screen (hls.js: the level it last switched to), or null before the first. */
  readonly playing: QualityOption | null;
}

export interface QualityControl {
  state(): QualityState;
  /** A rendition by its option index, or 'auto' to hand the choice back to the player. */
  choose(choice: number | 'auto'): void;
  /** Called on every change of options, mode or rendition playing; returns the unsubscribe. */
  onChange(listener: (state: QualityState) => void): () => void;
  /** Drops the listeners (the player itself belongs to its owner). */
  detach(): void;
}

/**
 * Quality for an hls.js instance. A manual pick sets `nextLevel`: hls.js keeps playing what it has buffered up to the
 * next fragment boundary and flushes only past it, so the switch shows without a stall (`currentLevel` would flush
 * the whole buffer). Auto sets `loadLevel = -1`: ABR takes over from the next load with nothing flushed.
 */
export function hlsQualityControl(Hls: HlsConstructor, hls: HlsInstance): QualityControl {
  const listeners = new Set<(state: QualityState) => void>();
  let options: QualityOption[] = [];
  const state = (): QualityState => {
    const level = hls.currentLevel;
    return {
      options,
      chosen: hls.autoLevelEnabled ? 'auto' : hls.manualLevel,
      playing: level >= 0 ? (options.find((o) => o.index === level) ?? null) : null,
    };
  };
  const notify = () => {
    const now = state();
    for (const listener of listeners) {
      try {
        listener(now);
      } catch (error) {
        // One broken listener must not keep the others (or hls.js, which called us) from running.
        console.error('quality listener failed', error);
      }
    }
  };
  const refreshOptions = () => {
    options = qualityOptions(hls.levels);
    notify();
  };
  const { Events } = Hls;
  hls.on(Events.MANIFEST_PARSED, refreshOptions);
  hls.on(Events.LEVELS_UPDATED, refreshOptions);
  hls.on(Events.LEVEL_SWITCHED, notify);
  if (hls.levels.length > 0) options = qualityOptions(hls.levels);

  return {
    state,
    choose(choice) {
      if (choice === 'auto') {
        hls.loadLevel = -1;
      } else {
        if (!options.some((o) => o.index === choice)) throw new RangeError(`no quality level ${choice}`);
        hls.nextLevel = choice;
      }
      notify();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    detach() {
      listeners.clear();
      hls.off(Events.MANIFEST_PARSED, refreshOptions);
      hls.off(Events.LEVELS_UPDATED, refreshOptions);
      hls.off(Events.LEVEL_SWITCHED, notify);
    },
  };
}
