/**
 * Entry of the bundle that test and benchmark pages load with a script tag: the client as `window.glintWebrtc`, so
 * code sent with page.evaluate can call it.
 */
import * as glintWebrtc from './index.ts';

export type GlintWebrtc = typeof glintWebrtc;

declare global {
  interface Window {
    glintWebrtc: GlintWebrtc;
  }
}

window.glintWebrtc = glintWebrtc;
