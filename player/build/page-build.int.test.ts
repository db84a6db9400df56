import { describe, expect, it } from 'vitest';
import { buildPlayerPages } from './page-build.ts';

describe('buildPlayerPages', () => {
  it('builds the watch, VOD and clip pages in one run, each pointing at its own hashed script and style', async () => {
    const startedAt = performance.now();
    const pages = await buildPlayerPages('/player/');
    console.log(`three player pages built in ${(performance.now() - startedAt).toFixed(0)} ms`);
    const html = {
      watch: pages.render('watch', { channel: 'demo', hlsSrc: '/live/demo/index.m3u8', whepUrl: '/whep/demo' }),
      vod: pages.render('vod', { broadcastId: 'b"1' }),
      clip: pages.render('clip', { clipId: 'c<1' }),
    };
    const referenced = Object.values(html).flatMap((h) => [...h.matchAll(/\/player\/([\w.-]+)/g)].map((m) => m[1]));
    expect(referenced.sort()).toEqual([...pages.assets.keys()].sort());
    expect(referenced).toHaveLength(6);
    for (const [name, page] of Object.entries(html)) {
      expect(page).toMatch(new RegExp(`/player/${name}-[\\w-]+\\.js`));
      expect(page).toMatch(new RegExp(`/player/${name}-[\\w-]+\\.css`));
      expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\son\w+=/);
    }
    expect(html.vod).toContain('data-broadcast-id="b&#34;1"');
    expect(html.clip).toContain('data-clip-id="c&#60;1"');
  });

  it('renders the elements the page scripts look up', async () => {
    const pages = await buildPlayerPages('/player/');
    const watch = pages.render('watch', { channel: 'x', hlsSrc: '/l', whepUrl: '/w' });
    for (const id of ['dvr', 'dvr-rewind', 'dvr-range', 'dvr-behind', 'dvr-back', 'dvr-forward', 'dvr-live', 'clip']) {
      expect(watch).toContain(`id="${id}"`);
    }
    for (const id of ['vods', 'clips', 'clip-status']) expect(watch).toContain(`id="${id}"`);
    const vod = pages.render('vod', { broadcastId: 'b' });
    for (const id of ['video', 'state', 'title', 'channel-link', 'clip', 'clip-length', 'share', 'copy', 'delete']) {
      expect(vod).toContain(`id="${id}"`);
    }
    const clip = pages.render('clip', { clipId: 'c' });
    for (const id of ['making', 'making-text', 'video', 'title', 'range', 'share', 'download', 'vod-link']) {
      expect(clip).toContain(`id="${id}"`);
    }
  });
});
