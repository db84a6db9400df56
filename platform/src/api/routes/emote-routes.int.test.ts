import { type StartedPlatformApi, startPlatformApi, TEST_DIALECTS } from '@glint/testkit/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiTestClient } from '../../../test/api-test-client.ts';

/** A real 1×1 PNG and GIF; a WebP header (only the first bytes are judged). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
const WEBP = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([30, 0, 0, 0]),
  Buffer.from('WEBPVP8L'),
  Buffer.alloc(22),
]);
/** A PNG signature followed by filler, `size` bytes in all. */
const pngOfSize = (size: number) => Buffer.concat([PNG.subarray(0, 8), Buffer.alloc(size - 8, 7)]);
const CSP = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

describe.each(TEST_DIALECTS)('emote routes on %s', (dialect) => {
  let api: StartedPlatformApi;
  let client: ApiTestClient;
  const tokens: Record<string, string> = {};
  const put = (code: string, body: unknown, as: string | null = 'alice', channel = 'alice') =>
    client.call('PUT', `/api/channels/${channel}/emotes/${code}`, {
      token: as === null ? undefined : tokens[as],
      body,
    });
  const upload = (image: Buffer, subscriberOnly = false) => ({ image: image.toString('base64'), subscriberOnly });
  const list = async (channel = 'alice') => (await client.call('GET', `/api/channels/${channel}/emotes`)).body.items;

  beforeAll(async () => {
    api = await startPlatformApi(dialect);
    client = new ApiTestClient(api);
    for (const login of ['alice', 'bob', 'mod_m']) tokens[login] = (await client.signUp(login)).token;
    await client.call('PUT', '/api/channels/alice/roles/moderator/mod_m', { token: tokens.alice });
  });
  afterAll(async () => {
    await api.stop();
  });

  it('the broadcaster adds PNG, GIF and WebP emotes; anyone lists them and fetches the exact bytes', async () => {
    const added = await put('aliceHype', upload(PNG));
    expect(added.status).toBe(201);
    expect(added.body).toEqual({
      id: expect.stringMatching(/^[0-9a-z]{19}$/),
      code: 'aliceHype',
      subscriberOnly: false,
      url: `/api/emotes/${added.body.id}`,
    });
    expect((await put('aliceGif', upload(GIF, true))).status).toBe(201);
    expect((await put('Wave2', upload(WEBP))).status).toBe(201);
    const items = await list();
    expect(items.map((e: { code: string; subscriberOnly: boolean }) => [e.code, e.subscriberOnly])).toEqual([
      ['Wave2', false],
      ['aliceGif', true],
      ['aliceHype', false],
    ]);
    for (const [item, bytes, type] of [
      [items[2], PNG, 'image/png'],
      [items[1], GIF, 'image/gif'],
      [items[0], WEBP, 'image/webp'],
    ] as const) {
      const image = await fetch(api.url(item.url));
      expect(image.status).toBe(200);
      expect(image.headers.get('content-type')).toBe(type);
      expect(image.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(image.headers.get('x-content-type-options')).toBe('nosniff');
      expect(image.headers.get('content-security-policy')).toBe(CSP);
      expect(Buffer.from(await image.arrayBuffer()).equals(bytes)).toBe(true);
    }
    // The service chat reads.
    expect((await api.platform.emotes.list('alice')).map((e) => e.code)).toEqual(['Wave2', 'aliceGif', 'aliceHype']);
  });

  it('replacing an emote gives it a new id (old URLs stop, so caching forever is safe); delete removes it', async () => {
    const first = await put('swapMe', upload(PNG));
    const second = await put('swapMe', upload(GIF, true));
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
    expect((await client.call('GET', first.body.url)).status).toBe(404);
    const image = await fetch(api.url(second.body.url));
    expect(image.headers.get('content-type')).toBe('image/gif');
    await image.arrayBuffer();
    expect((await list()).filter((e: { code: string }) => e.code === 'swapMe')).toEqual([
      { id: second.body.id, code: 'swapMe', subscriberOnly: true, url: second.body.url },
    ]);
    expect((await client.call('DELETE', '/api/channels/alice/emotes/swapMe', { token: tokens.alice })).status).toBe(
      204,
    );
    expect((await client.call('GET', second.body.url)).status).toBe(404);
    const again = await client.call('DELETE', '/api/channels/alice/emotes/swapMe', { token: tokens.alice });
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('NOT_FOUND');
    expect((await list()).map((e: { code: string }) => e.code)).not.toContain('swapMe');
  });

  it('refuses what is not a PNG, GIF or WebP, whatever it claims, and bad base64', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    for (const image of [
      svg,
      Buffer.from('<html>PNG</html>'),
      Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]),
      PNG.subarray(0, 6),
    ]) {
      const reply = await put('notImage', upload(image));
      expect(reply.status).toBe(400);
      expect(reply.body).toEqual({
        code: 'UNSUPPORTED_IMAGE',
        message: 'the image must be a PNG, GIF or WebP file (judged by its bytes)',
      });
    }
    for (const image of ['not base64!', 'iVBORw0KGgo', `${PNG.toString('base64')}\n`, PNG.toString('base64url')]) {
      const reply = await put('notImage', { image, subscriberOnly: false });
      expect(reply.status, image).toBe(400);
      expect(reply.body.code).toBe('BAD_BASE64');
    }
    expect((await list()).map((e: { code: string }) => e.code)).not.toContain('notImage');
  });

  it('takes an image of exactly 32 KiB and refuses one byte more (413 naming the size), and bodies over the limit', async () => {
    expect((await put('bigOk', upload(pngOfSize(32 * 1024)))).status).toBe(201);
    const tooBig = await put('bigNo', upload(pngOfSize(32 * 1024 + 1)));
    expect(tooBig.status).toBe(413);
    expect(tooBig.body).toEqual({
      code: 'EMOTE_TOO_LARGE',
      message: 'the image has 32769 bytes; an emote may have at most 32768 (32 KiB)',
    });
    const huge = await put('bigNo', upload(pngOfSize(60 * 1024)));
    expect(huge.status).toBe(413);
    expect(huge.body.code).toBe('BODY_TOO_LARGE');
    const long = await put('bigNo', { image: 'A'.repeat(48 * 1024 + 4), subscriberOnly: false });
    expect(long.status).toBe(400);
    expect(long.body.message).toContain('body.image must have at most');
    await client.call('DELETE', '/api/channels/alice/emotes/bigOk', { token: tokens.alice });
  });

  it('refuses bad codes and bodies with 400, naming the field', async () => {
    for (const code of ['ab', '1abc', 'a_bc', 'a-bc', 'x'.repeat(21), '%C3%A9abc']) {
      const reply = await put(code, upload(PNG));
      expect(reply.status, code).toBe(400);
      expect(reply.body.message, code).toMatch(/^path\.code is not valid/);
    }
    expect((await put('x'.repeat(20), upload(PNG))).status).toBe(201);
    const cases: [unknown, string][] = [
      [{ image: PNG.toString('base64') }, 'body.subscriberOnly is required'],
      [{ subscriberOnly: false }, 'body.image is required'],
      [{ image: PNG.toString('base64'), subscriberOnly: 'yes' }, 'body.subscriberOnly must be a boolean'],
      [{ image: '', subscriberOnly: false }, 'body.image must have at least 1 characters'],
      [{ ...upload(PNG), contentType: 'image/svg+xml' }, 'body.contentType is not a field'],
    ];
    for (const [body, message] of cases) {
      const reply = await put('fineCode', body);
      expect(reply.status, message).toBe(400);
      expect(reply.body.message).toContain(message);
    }
    expect((await list()).map((e: { code: string }) => e.code)).not.toContain('fineCode');
  });

  it('only the broadcaster changes emotes: a moderator or another user gets 403, anonymous 401', async () => {
    for (const as of ['bob', 'mod_m']) {
      const reply = await put('notMine', upload(PNG), as);
      expect(reply.status, as).toBe(403);
      expect(reply.body.code).toBe('FORBIDDEN');
      const removal = await client.call('DELETE', '/api/channels/alice/emotes/aliceHype', { token: tokens[as] });
      expect(removal.status).toBe(403);
    }
    expect((await put('notMine', upload(PNG), null)).status).toBe(401);
    expect((await client.call('DELETE', '/api/channels/alice/emotes/aliceHype')).status).toBe(401);
    // Bob's own channel is his to change.
    expect((await put('bobOwn', upload(PNG), 'bob', 'bob')).status).toBe(201);
    expect((await list('bob')).map((e: { code: string }) => e.code)).toEqual(['bobOwn']);
    expect((await list()).map((e: { code: string }) => e.code)).toContain('aliceHype');
  });

  it('an unknown channel or emote is a 404; a malformed id a 400', async () => {
    expect((await put('someCode', upload(PNG), 'alice', 'nobody_here')).status).toBe(404);
    expect((await client.call('GET', '/api/channels/nobody_here/emotes')).status).toBe(404);
    expect((await client.call('GET', '/api/emotes/0000000000000000000')).status).toBe(404);
    expect((await client.call('GET', '/api/emotes/global-glintNope')).status).toBe(404);
    for (const id of ['short', '..%2F..%2Fetc', 'AAAAAAAAAAAAAAAAAAA', 'global-', 'global-a_b']) {
      expect((await client.call('GET', `/api/emotes/${id}`)).status, id).toBe(400);
    }
  });

  it('a channel holds at most 50 emotes; replacing one at the cap is allowed', async () => {
    const alice = (await api.platform.accounts.userByLogin('alice'))!;
    const have = (await api.platform.emotes.list('alice')).length;
    for (let i = have; i < 50; i++)
      await api.platform.emotes.put('alice', alice, `fill${i}`, PNG.toString('base64'), false);
    const over = await put('oneMore', upload(PNG));
    expect(over.status).toBe(409);
    expect(over.body).toEqual({
      code: 'TOO_MANY_EMOTES',
      message: 'alice has 50 emotes, the most a channel may have; delete one first',
    });
    expect((await put('aliceHype', upload(GIF))).status).toBe(201);
    expect(await list()).toHaveLength(50);
  });

  it('serves the global set as sandboxed SVG, by code and by id', async () => {
    const globals = await client.call('GET', '/api/emotes/global');
    expect(globals.status).toBe(200);
    expect(globals.body.items.length).toBeGreaterThanOrEqual(6);
    expect(globals.body.items[0]).toEqual({
      id: 'global-glintSmile',
      code: 'glintSmile',
      url: '/api/emotes/global/glintSmile.svg',
    });
    for (const { id, url } of globals.body.items) {
      for (const path of [url, `/api/emotes/${id}`]) {
        const svg = await fetch(api.url(path));
        expect(svg.status, path).toBe(200);
        expect(svg.headers.get('content-type')).toBe('image/svg+xml');
        expect(svg.headers.get('content-security-policy')).toBe(CSP);
        expect(svg.headers.get('x-content-type-options')).toBe('nosniff');
        const text = await svg.text();
        expect(text).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
        expect(text).not.toMatch(/<script|on\w+=|href/i);
      }
    }
    expect((await client.call('GET', '/api/emotes/global/glintNope.svg')).status).toBe(404);
    expect((await client.call('GET', '/api/emotes/global/a_b.svg')).status).toBe(400);
  });
});
