import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { buildWatchPage } from './watch-page-build.ts';
import { webrtcClientScript } from './webrtc-client-script.ts';

describe('buildWatchPage', () => {
  it('bundles the page quickly and points its HTML at the hashed files it built', async () => {
    const startedAt = performance.now();
    const page = await buildWatchPage('/player/');
    const buildMs = performance.now() - startedAt;
    console.log(`watch page built in ${buildMs.toFixed(0)} ms`);
    // esbuild takes tens of ms; the bound leaves room for a busy 2-core machine.
    expect(buildMs).toBeLessThan(5000);
    const html = page.render({ channel: 'demo', hlsSrc: '/live/demo/index.m3u8', whepUrl: '/whep/demo' });
    const referenced = [...html.matchAll(/\/player\/([\w.-]+)/g)].map((m) => m[1]);
    expect(referenced.sort()).toEqual([...page.assets.keys()].sort());
    expect(referenced).toHaveLength(2);
    const script = [...page.assets].find(([name]) => name.endsWith('.js'))?.[1];
    expect(script?.contentType).toContain('text/javascript');
    expect(Buffer.from(script?.body ?? []).toString()).toContain('lowLatencyMode: true');
  });

  it('renders every element the page script and the e2e tests use, and no inline code', async () => {
    const page = await buildWatchPage('/player/');
    const html = page.render({ channel: 'a<b', hlsSrc: '/live/a/index.m3u8', whepUrl: '/whep/a' });
    const ids = ['watch', 'video', 'status', 'latency', 'latency-kind', 'rendition', 'quality-menu', 'quality'];
    for (const id of [...ids, 'mode-webrtc', 'mode-llhls', 'unmute']) {
      expect(html).toContain(`id="${id}"`);
    }
    expect(html).toContain('data-hls-src="/live/a/index.m3u8" data-whep-url="/whep/a"');
    expect(html).toContain('<title>a&#60;b · Glint</title>');
    expect(html).toContain('<script src="/vendor/hls.min.js"></script>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\son\w+=/);
  });
});

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
