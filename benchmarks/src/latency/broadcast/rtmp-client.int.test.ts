import { requireTool, until } from '@glint/testkit';
import { startGlint } from '@glint/testkit/media-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRtmpBroadcaster } from './rtmp-broadcaster.ts';
import { publishRtmp, RtmpClientError } from './rtmp-client.ts';

describe('rtmp client against Glint', () => {
  let g: Awaited<ReturnType<typeof startGlint>>;
  beforeAll(async () => {
    requireTool('ffmpeg');
    g = await startGlint(['bench', 'copy', 'other']);
  });
  afterAll(() => g?.stop());

  it('publishes the broadcaster’s stream to each URL: the channels go live and stay live while it sends', async () => {
    const b = await startRtmpBroadcaster({ url: [g.rtmp('bench'), g.rtmp('copy')], profile: 'zerolatency' });
    try {
      await until(() => g.glint.hub.isLive('bench') && g.glint.hub.isLive('copy'), {
        what: 'bench and copy live',
        timeoutMs: 5000,
      });
      await until(() => b.framesSent >= 30, { what: 'a second of frames sent', timeoutMs: 5000 });
      expect(g.glint.hub.isLive('bench')).toBe(true);

      // A wrong key is refused before NetStream.Publish.Start, with Glint's reason; the live stream goes on.
      const refused = await publishRtmp(g.rtmp('other', 'not-the-key')).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RtmpClientError);
      expect(refused).toMatchObject({ code: 'PUBLISH_REFUSED', message: expect.stringMatching(/stream key/) });
      expect(g.glint.hub.isLive('other')).toBe(false);
      const sent = b.framesSent;
      await until(() => b.framesSent >= sent + 10, { what: 'frames still sent', timeoutMs: 3000 });
    } finally {
      await b.stop();
    }
    expect(b.errors()).toEqual([]);
    expect(await b.ended).toEqual({ reason: 'stopped' });
    expect(b.framesSent).toBe(b.framesPainted);
    await until(() => !g.glint.hub.isLive('bench') && !g.glint.hub.isLive('copy'), {
      what: 'no longer live after unpublish',
      timeoutMs: 5000,
    });
  }, 20_000);

  it('refuses to start when one of its servers refuses the publish, naming no key', async () => {
    const refused = await startRtmpBroadcaster({
      url: [g.rtmp('bench'), g.rtmp('other', 'wrong-key-123')],
      profile: 'zerolatency',
    }).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'PUBLISH_REFUSED' });
    expect(String((refused as Error).message)).not.toContain('wrong-key-123');
    await until(() => !g.glint.hub.isLive('bench'), { what: 'the accepted publish closed again', timeoutMs: 5000 });
  }, 20_000);

  it('is refused with a clear error for an unknown application', async () => {
    const url = g.rtmp('bench').replace('/live/', '/nope/');
    await expect(publishRtmp(url)).rejects.toMatchObject({
      code: 'CONNECT_REFUSED',
      message: expect.stringMatching(/NetConnection.Connect.Rejected/),
    });
  });

  it('fails with a clear error when nothing listens', async () => {
    const net = await import('node:net');
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    await expect(publishRtmp(`rtmp://127.0.0.1:${port}/live/key`)).rejects.toMatchObject({ code: 'CONNECT_FAILED' });
  });
});
