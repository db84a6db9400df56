import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probePackets, requireTool, until } from '@glint/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSourceArgs } from '../../test/flv-ffmpeg.ts';
import { counts, ffmpeg, publish, rawClient, startServer, withDeadline } from '../../test/rtmp-server.ts';
import { TestRtmpClient } from '../../test/rtmp-test-client.ts';
import { encodeAmf0 } from '../protocols/rtmp/amf0.ts';

describe('RtmpServer with ffmpeg as the publisher', () => {
  let dir: string;
  beforeAll(() => {
    requireTool('ffmpeg');
    requireTool('ffprobe');
    dir = mkdtempSync(join(tmpdir(), 'glint-rtmp-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('receives every access unit and audio frame ffmpeg encoded, with B-frame pts/dts, then unpublish', async () => {
    const { server, port, sessions } = await startServer();
    try {
      // One encode, two outputs: the RTMP publish and a file that ffprobe reads as the reference.
      const file = join(dir, 'reference.flv');
      const url = `rtmp://127.0.0.1:${port}/live/key-alpha-7f3a9`;
      const run = ffmpeg([
        ...testSourceArgs(3),
        '-flags',
        '+global_header',
        '-map',
        '0:v',
        '-map',
        '1:a',
        '-f',
        'tee',
        `[f=flv]${url}|[f=flv]${file}`,
      ]);
      const { code, stderr } = await withDeadline('ffmpeg publish', run.exit, 20_000);
      expect(code, stderr).toBe(0);
      await until(() => sessions[0]?.endReason !== undefined, { what: 'session end' });

      const [recorded] = sessions;
      expect(recorded?.session.channelId).toBe('alpha');
      expect(recorded?.session.app).toBe('live');
      expect(recorded?.endReason).toBe('unpublish');
      const events = recorded!.events;
      const kinds = events.map((e) => e.kind);
      expect(kinds[0]).toBe('metadata');
      expect(kinds.indexOf('video-config')).toBeLessThan(kinds.indexOf('video'));
      expect(kinds.indexOf('audio-config')).toBeLessThan(kinds.indexOf('audio'));

      const probed = probePackets(file); // FLV: pts and dts in ms
      const probedVideo = probed.filter((p) => p.codecType === 'video');
      const probedAudio = probed.filter((p) => p.codecType === 'audio');
      expect(probedVideo).toHaveLength(90);
      const video = events.flatMap((e) => (e.kind === 'video' ? [e.au] : []));
      const audio = events.flatMap((e) => (e.kind === 'audio' ? [e.frame] : []));
      expect(counts(events)).toEqual({
        metadata: 1,
        'video-config': 1,
        'audio-config': 1,
        video: probedVideo.length,
        audio: probedAudio.length,
      });
      expect(video.map((au) => [au.dts90k / 90, au.pts90k / 90, au.keyframe])).toEqual(
        probedVideo.map((p) => [p.dts, p.pts, p.keyframe]),
      );
      expect(video.some((au) => au.pts90k !== au.dts90k)).toBe(true);
      expect(audio.map((f) => f.pts90k / 90)).toEqual(probedAudio.map((p) => p.pts));
    } finally {
      await server.close();
    }
  }, 25_000);

  it('refuses a wrong stream key before Publish.Start: ffmpeg fails, no media, no key in the logs', async () => {
    const { server, port, logger, sessions } = await startServer();
    try {
      const { code, stderr } = await withDeadline('ffmpeg exit', publish(port, 'live/key-wrong-0b9e4', 3).exit, 15_000);
      expect(code).not.toBe(0);
      expect(stderr).toContain('Unknown stream key.');
      expect(sessions).toHaveLength(0);
      expect(logger.lines.some((l) => l.fields.code === 'UNKNOWN_KEY')).toBe(true);
      expect(JSON.stringify(logger.lines)).not.toContain('key-wrong-0b9e4');
      expect(JSON.stringify(logger.lines)).not.toContain('0b9e4');
    } finally {
      await server.close();
    }
  }, 20_000);

  it('refuses an unknown app', async () => {
    const { server, port, logger, sessions } = await startServer();
    try {
      const { code, stderr } = await withDeadline('ffmpeg exit', publish(port, 'vod/key-alpha-7f3a9', 3).exit, 15_000);
      expect(code).not.toBe(0);
      expect(stderr).toContain('Unknown application');
      expect(sessions).toHaveLength(0);
      expect(logger.lines.some((l) => l.fields.code === 'APP_NOT_FOUND')).toBe(true);
    } finally {
      await server.close();
    }
  }, 20_000);

  it('keeps a live publish flowing while bad clients are dropped and a second publisher on its channel is refused', async () => {
    const { server, port, logger, sessions } = await startServer();
    try {
      const healthy = publish(port, 'live/key-alpha-7f3a9', 3, true);
      await until(() => (sessions[0]?.events.length ?? 0) > 10, { what: 'healthy media' });

      // A second publisher on the live channel: the authorizer refuses it, nothing of it is delivered.
      const second = await withDeadline('second publisher', publish(port, 'live/key-alpha-7f3a9', 3).exit, 15_000);
      expect(second.code).not.toBe(0);
      expect(second.stderr).toContain('This channel is already live.');
      expect(sessions).toHaveLength(1);

      const handshake = new TestRtmpClient().handshake();
      const writer = new TestRtmpClient().writer;
      const truncatedCommand = writer.write({
        chunkStreamId: 3,
        timestamp: 0,
        typeId: 20,
        streamId: 0,
        payload: encodeAmf0('connect', 1, { app: 'live' }).subarray(0, 13),
      });
      let seed = 7;
      const garbage = Uint8Array.from({ length: 4096 }, () => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed >> 8;
      });
      garbage[0] = 0x47; // not version 3
      const bad: [string, Uint8Array, string][] = [
        ['truncated AMF command', Buffer.concat([handshake, truncatedCommand]), 'AMF0_TRUNCATED'],
        ['random garbage', garbage, 'HANDSHAKE_VERSION'],
        [
          'huge message length',
          Buffer.concat([handshake, Uint8Array.from([3, 0, 0, 0, 0xff, 0xff, 0xff, 20, 0, 0, 0, 0])]),
          'MESSAGE_TOO_LARGE',
        ],
        [
          'connect without tcUrl',
          Buffer.concat([handshake, new TestRtmpClient().command('connect', 1, { app: 'live' })]),
          'CONNECT_INVALID',
        ],
      ];
      const clients = bad.map(([name, bytes, code]) => ({ name, code, client: rawClient(port, bytes) }));
      for (const { name, code, client } of clients) {
        await withDeadline(`server to close the "${name}" client`, client.closed);
        const localPort = await client.localPort;
        const line = logger.lines.find((l) => l.fields.remotePort === localPort && l.fields.code === code);
        expect(line, `${name}: log line with code ${code}`).toBeDefined();
      }
      // The refused connect was told why.
      expect(Buffer.concat(clients[3]!.client.received).toString('latin1')).toContain('NetConnection.Connect.Rejected');

      // The healthy publisher kept flowing after all that, and finished whole.
      const afterBad = sessions[0]!.events.length;
      await until(() => sessions[0]!.events.length > afterBad + 10, { what: 'more healthy media' });
      const done = await withDeadline('healthy ffmpeg', healthy.exit, 15_000);
      expect(done.code, done.stderr).toBe(0);
      await until(() => sessions[0]!.endReason !== undefined, { what: 'healthy session end' });
      expect(sessions[0]!.endReason).toBe('unpublish');
      expect(counts(sessions[0]!.events).video).toBe(90);
      expect(server.connectionCount).toBe(0);
    } finally {
      await server.close();
    }
  }, 25_000);

  it('closes an idle publisher and an idle socket after idleTimeoutMs', async () => {
    const { server, port, logger, sessions, live } = await startServer({ idleTimeoutMs: 300 });
    try {
      const client = new TestRtmpClient();
      const publisher = rawClient(port, Buffer.concat([client.handshake(), client.publishSequence('key-idle-5e6f0')]));
      const silent = rawClient(port, new Uint8Array(0));
      await withDeadline('idle publisher closed', publisher.closed);
      await withDeadline('silent socket closed', silent.closed);
      await until(() => sessions[0]?.endReason !== undefined, { what: 'session end' });
      expect(sessions[0]?.endReason).toBe('timeout');
      expect(live.size).toBe(0);
      expect(logger.lines.filter((l) => l.msg === 'rtmp client idle, closing')).toHaveLength(2);
    } finally {
      await server.close();
    }
  });

  it('drops a publisher that sends an unsupported codec, with a log line naming it, and ends its session', async () => {
    const { server, port, logger, sessions, live } = await startServer();
    try {
      const c = new TestRtmpClient();
      const publisher = rawClient(port, Buffer.concat([c.handshake(), c.publishSequence('key-beta-1c2d8')]));
      await until(() => sessions.length === 1, { what: 'session' });
      publisher.socket.write(c.media(9, 0, Uint8Array.of(0x14, 0, 0, 0))); // keyframe, codec 4 = On2 VP6
      await withDeadline('publisher dropped', publisher.closed);
      expect(sessions[0]?.endReason).toBe('error');
      expect(live.size).toBe(0);
      const line = logger.lines.find((l) => l.fields.code === 'UNSUPPORTED_CODEC');
      expect(line?.fields.err).toContain('On2 VP6');
      expect(line?.fields.channelId).toBe('beta');
    } finally {
      await server.close();
    }
  });

  it('ends sessions with "closed" when the server closes, and session.close() drops the publisher', async () => {
    const { server, port, sessions } = await startServer();
    const a = new TestRtmpClient();
    const b = new TestRtmpClient();
    const first = rawClient(port, Buffer.concat([a.handshake(), a.publishSequence('key-alpha-7f3a9')]));
    const second = rawClient(port, Buffer.concat([b.handshake(), b.publishSequence('key-beta-1c2d8')]));
    await until(() => sessions.length === 2, { what: 'two sessions' });
    const alpha = sessions.find((s) => s.session.channelId === 'alpha')!;
    alpha.session.close();
    await withDeadline('closed publisher', first.closed);
    expect(alpha.endReason).toBe('closed');
    await server.close();
    await withDeadline('server close drops the other', second.closed);
    expect(sessions.map((s) => s.endReason)).toEqual(['closed', 'closed']);
  });
});
