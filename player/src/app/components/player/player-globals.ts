/**
 * What tests, benchmarks and the console read from a watch page: `window.glintPlayer` (the mode and the live player
 * objects) and `window.hls` (the hls.js instance playing; the e2e player probe hooks hls.js through this assignment).
 */
import type { HlsInstance } from '../../../hls/hls-player.ts';

/** What the page exposes of its LiveEngine (a structural type: the engine imports this file). */
export interface ExposedEngine {
  getState(): { readonly mode: string; readonly quality: unknown; readonly inDvr: boolean };
  readonly hls: HlsInstance | null;
  readonly whep: unknown;
}

type PageGlobals = { hls?: HlsInstance | undefined; glintPlayer?: object | undefined };

const globals = window as unknown as PageGlobals;

export function exposeHls(hls: HlsInstance | undefined): void {
  globals.hls = hls;
}

/** Sets `window.glintPlayer` to read `engine`; returns the undo. */
export function exposePlayer(engine: ExposedEngine): () => void {
  const player = {
    get mode() {
      return engine.getState().mode;
    },
    get hls() {
      return engine.hls;
    },
    get whep() {
      return engine.whep;
    },
    get quality() {
      return engine.getState().quality;
    },
    get dvr() {
      return engine.getState().inDvr;
    },
  };
  globals.glintPlayer = player;
  return () => {
    if (globals.glintPlayer === player) globals.glintPlayer = undefined;
  };
}
