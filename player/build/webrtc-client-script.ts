import { bundleScript } from './bundle.ts';

let script: Promise<string> | undefined;

/**
 * The browser WHIP/WHEP client as one classic script that sets `window.glintWebrtc`, for pages driven by Playwright
 * (`page.addScriptTag({ content })`). Built once per process.
 */
export function webrtcClientScript(): Promise<string> {
  script ??= bundleScript('webrtc/global.ts');
  return script;
}
