import { describe, expect, it } from 'vitest';
import { buildPlayerPages } from './page-build.ts';

describe('buildPlayerPages', () => {
  it('builds the watch page, pointing at its own hashed script and style', async () => {
    const startedAt = performance.now();
    const pages = await buildPlayerPages('/player/');
    console.log(`player pages built in ${(performance.now() - startedAt).toFixed(0)} ms`);
    const html = {
      watch: pages.render('watch', { channel: 'demo', hlsSrc: '/live/demo/index.m3u8', whepUrl: '/whep/demo' }),
    };
    const referenced = Object.values(html).flatMap((h) => [...h.matchAll(/\/player\/([\w.-]+)/g)].map((m) => m[1]));
    expect(referenced.sort()).toEqual([...pages.assets.keys()].sort());
    expect(referenced).toHaveLength(2);
    for (const [name, page] of Object.entries(html)) {
      expect(page).toMatch(new RegExp(`/player/${name}-[\\w-]+\\.js`));
      expect(page).toMatch(new RegExp(`/player/${name}-[\\w-]+\\.css`));
      expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>|<style|\son\w+=/);
    }
  });

  it('renders the elements the page scripts look up', async () => {
    const pages = await buildPlayerPages('/player/');
    const watch = pages.render('watch', { channel: 'x', hlsSrc: '/l', whepUrl: '/w' });
    for (const id of ['dvr', 'dvr-rewind', 'dvr-range', 'dvr-behind', 'dvr-back', 'dvr-forward', 'dvr-live', 'clip']) {
      expect(watch).toContain(`id="${id}"`);
    }
    for (const id of ['vods', 'clips', 'clip-status']) expect(watch).toContain(`id="${id}"`);
  });
});
