import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { webrtcClientScript } from './webrtc-client-script.ts';

describe('webrtcClientScript', () => {
  it('is one classic script that sets window.glintWebrtc to the client', async () => {
    const window: Record<string, unknown> = {};
    runInNewContext(await webrtcClientScript(), { window });
    const client = window.glintWebrtc as Record<string, unknown>;
    for (const name of ['whipPublish', 'whepPlay', 'negotiate', 'postOffer', 'completeLocalDescription']) {
      expect(typeof client[name]).toBe('function');
    }
  });
});
