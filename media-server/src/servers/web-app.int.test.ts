/** The web app as the server sends it: one HTML page at every app path, hashed assets cached for good. */
import { startGlint, type TestGlint } from '@glint/testkit/media-server';
import { afterAll, beforeAll, expect, it } from 'vitest';

let t: TestGlint;

beforeAll(async () => {
  t = await startGlint(['webapp']);
}, 120_000);

afterAll(async () => {
  await t?.stop();
});

it('answers every app path with the same page, under the HTML security headers', async () => {
  const pages = await Promise.all(['/', '/signin', '/signup', '/dashboard'].map((p) => fetch(t.http(p))));
  const bodies = await Promise.all(pages.map((r) => r.text()));
  for (const [i, response] of pages.entries()) {
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(bodies[i]).toBe(bodies[0]);
  }
  expect(bodies[0]).toContain('<div id="root">');
  // No inline script: the CSP would block it.
  expect(bodies[0]).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
});

it('serves the page’s scripts and styles by hashed name, immutable, and 404s any other name', async () => {
  const html = await (await fetch(t.http('/'))).text();
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? '');
  expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
  expect(assets.some((a) => a.endsWith('.css'))).toBe(true);
  for (const asset of assets) {
    const response = await fetch(t.http(asset));
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(response.headers.get('content-type')).toMatch(asset.endsWith('.js') ? /^text\/javascript/ : /^text\/css/);
    expect((await response.arrayBuffer()).byteLength).toBeGreaterThan(100);
  }
  for (const bad of ['/assets/nope.js', '/assets/..%2F..%2Fpackage.json', '/assets/%00']) {
    const response = await fetch(t.http(bad));
    expect(response.status).toBe(404);
  }
});

it('answers a path whose name or id cannot exist with the app (its not-found page) and status 404', async () => {
  const page = await (await fetch(t.http('/'))).text();
  for (const path of ['/watch/no%20such', '/watch/a.b', '/vod/not.an.id', '/clip/..%2Fetc', `/vod/${'x'.repeat(65)}`]) {
    const response = await fetch(t.http(path));
    expect(response.status, path).toBe(404);
    expect(await response.text()).toBe(page);
  }
  for (const path of ['/watch/webapp', '/vod/abc123', '/clip/abc-123_x']) {
    expect((await fetch(t.http(path))).status, path).toBe(200);
  }
});
