import { describe, expect, it } from 'vitest';
import { commandsOf, TestRtmpClient } from '../../../test/rtmp-test-client.ts';
import { AmfEcmaArray, encodeAmf0 } from './amf0.ts';
import { type RtmpConnectionEvent, RtmpServerConnection } from './connection.ts';
import { RtmpError } from './errors.ts';
import { MessageType, type RtmpMessage, readControlU32 } from './message.ts';

function setup(options: Partial<ConstructorParameters<typeof RtmpServerConnection>[0]> = {}) {
  const conn = new RtmpServerConnection({ apps: ['live'], ...options });
  const client = new TestRtmpClient();
  const received: RtmpMessage[] = [];
  const events: RtmpConnectionEvent[] = [];
  const take = (out: RtmpConnectionEvent[]) => {
    for (const e of out) {
      if (e.type === 'send') received.push(...client.read(e.bytes));
      else events.push(e);
    }
  };
  const push = (bytes: Uint8Array) => take(conn.push(bytes));
  return { conn, client, received, events, push, take };
}

const AVC_CONFIG = Uint8Array.from([
  0x17, 0, 0, 0, 0, 1, 0x42, 0xc0, 0x1e, 0xff, 0xe1, 0, 2, 0x67, 0x42, 1, 0, 2, 0x68, 0xce,
]);

describe('RtmpServerConnection', () => {
  it('answers connect with window, bandwidth, chunk size and NetConnection.Connect.Success', () => {
    const t = setup();
    t.push(Buffer.concat([t.client.handshake(), t.client.connect()]));
    expect(t.received.map((m) => m.typeId)).toEqual([
      MessageType.WindowAckSize,
      MessageType.SetPeerBandwidth,
      MessageType.SetChunkSize,
      MessageType.CommandAmf0,
    ]);
    expect(readControlU32(t.received[2]!.payload)).toBe(4096);
    const [result] = commandsOf(t.received);
    expect(result).toMatchObject({
      name: '_result',
      transactionId: 1,
      args: [{ code: 'NetConnection.Connect.Success' }],
    });
    expect(t.events).toEqual([{ type: 'connect', app: 'live' }]);
  });

  it('asks for authorization on publish and sends Publish.Start only after acceptPublish()', () => {
    const t = setup();
    t.push(Buffer.concat([t.client.handshake(), t.client.publishSequence('secret')]));
    const results = commandsOf(t.received);
    expect(results.map((c) => [c.name, c.transactionId])).toEqual([
      ['_result', 1],
      ['_result', 2],
      ['_result', 3],
      ['_result', 4],
    ]);
    expect(results[3]!.args).toEqual([1]); // createStream's stream id
    expect(t.events.at(-1)).toEqual({ type: 'publish-request', app: 'live', streamKey: 'secret' });

    // Media before acceptance is never delivered.
    t.push(t.client.media(9, 0, AVC_CONFIG));
    expect(t.events.at(-1)).toEqual({ type: 'ignored', what: 'media outside an accepted publish' });

    t.take(t.conn.acceptPublish());
    const status = commandsOf(t.received).at(-1)!;
    expect(status).toMatchObject({ name: 'onStatus', args: [{ level: 'status', code: 'NetStream.Publish.Start' }] });

    const meta = encodeAmf0('@setDataFrame', 'onMetaData', new AmfEcmaArray({ width: 320 }));
    t.push(Buffer.concat([t.client.media(18, 0, meta), t.client.media(9, 33, AVC_CONFIG)]));
    expect(t.events.slice(-2)).toEqual([
      { type: 'metadata', metadata: { width: 320 } },
      { type: 'media', kind: 'video', timestampMs: 33, body: AVC_CONFIG },
    ]);
    t.push(t.client.command('FCUnpublish', 6, null, ['secret']));
    t.push(t.client.command('deleteStream', 7, null, [1]));
    expect(t.events.filter((e) => e.type === 'unpublish')).toEqual([{ type: 'unpublish', command: 'FCUnpublish' }]);
  });

  it('refuses a publish with onStatus error BadName carrying the reason, and then reads nothing', () => {
    const t = setup();
    t.push(Buffer.concat([t.client.handshake(), t.client.publishSequence('wrong')]));
    t.take(t.conn.rejectPublish('Unknown stream key.'));
    expect(commandsOf(t.received).at(-1)).toMatchObject({
      name: 'onStatus',
      args: [{ level: 'error', code: 'NetStream.Publish.BadName', description: 'Unknown stream key.' }],
    });
    expect(t.events.at(-1)).toEqual({ type: 'refused', code: 'PUBLISH_REFUSED', description: 'Unknown stream key.' });
    expect(t.conn.acceptPublish()).toEqual([]);
    expect(t.conn.push(t.client.media(9, 0, AVC_CONFIG))).toEqual([]);
  });

  it('refuses an unknown app and a connect without tcUrl with NetConnection.Connect.Rejected', () => {
    for (const [bytes, code] of [
      [new TestRtmpClient().connect('vod'), 'APP_NOT_FOUND'],
      [new TestRtmpClient().command('connect', 1, { app: 'live' }), 'CONNECT_INVALID'],
      [new TestRtmpClient().command('connect', 1, null), 'CONNECT_INVALID'],
    ] as const) {
      const t = setup();
      t.push(Buffer.concat([t.client.handshake(), bytes]));
      expect(commandsOf(t.received)).toMatchObject([
        { name: '_error', transactionId: 1, args: [{ level: 'error', code: 'NetConnection.Connect.Rejected' }] },
      ]);
      expect(t.events).toMatchObject([{ type: 'refused', code }]);
    }
  });

  it('strips a query string from the app name', () => {
    const t = setup();
    t.push(Buffer.concat([t.client.handshake(), t.client.connect('live?token=x')]));
    expect(t.events).toEqual([{ type: 'connect', app: 'live' }]);
  });

  it('refuses a publish without a stream key without asking for authorization', () => {
    const t = setup();
    t.push(Buffer.concat([t.client.handshake(), t.client.connect(), t.client.command('publish', 2, null, [''], 1)]));
    expect(t.events.map((e) => e.type)).toEqual(['connect', 'refused']);
  });

  it('throws typed errors for commands out of order and a truncated command', () => {
    const publishFirst = setup();
    const c = publishFirst.client;
    expect(() => publishFirst.push(Buffer.concat([c.handshake(), c.command('createStream', 1, null)]))).toThrowError(
      expect.objectContaining({ code: 'COMMAND_OUT_OF_ORDER' }),
    );
    const truncated = setup();
    const body = encodeAmf0('connect', 1).subarray(0, 13);
    const bytes = truncated.client.writer.write({
      chunkStreamId: 3,
      timestamp: 0,
      typeId: 20,
      streamId: 0,
      payload: body,
    });
    expect(() => truncated.push(Buffer.concat([truncated.client.handshake(), bytes]))).toThrow(RtmpError);
  });

  it('sends an Acknowledgement each window of received bytes, using the window the client sets', () => {
    const t = setup({ windowAckSize: 5000 });
    t.push(Buffer.concat([t.client.handshake(), t.client.publishSequence('k')]));
    t.take(t.conn.acceptPublish());
    const acks = () =>
      t.received.filter((m) => m.typeId === MessageType.Acknowledgement).map((m) => readControlU32(m.payload));
    // 3073 handshake bytes + commands: below the window.
    expect(acks()).toEqual([]);
    t.push(t.client.media(9, 0, new Uint8Array(3000))); // the connection does not parse media bodies
    expect(acks()).toHaveLength(1);
    expect(acks()[0]).toBeGreaterThan(5000);
    t.push(
      t.client.writer.write({
        chunkStreamId: 2,
        timestamp: 0,
        typeId: 5,
        streamId: 0,
        payload: Uint8Array.of(0, 0, 0x27, 0x10),
      }),
    );
    t.push(t.client.media(9, 0, new Uint8Array(9000)));
    expect(acks()).toHaveLength(1); // window is now 10000
    t.push(t.client.media(9, 0, new Uint8Array(2000)));
    expect(acks()).toHaveLength(2);
  });

  it('answers a ping request and ignores other user control events, even short ones', () => {
    const t = setup();
    t.push(Buffer.concat([t.client.handshake(), t.client.connect()]));
    const ping = (payload: number[]) =>
      t.client.writer.write({
        chunkStreamId: 2,
        timestamp: 0,
        typeId: 4,
        streamId: 0,
        payload: Uint8Array.from(payload),
      });
    t.push(Buffer.concat([ping([0, 6, 0, 0, 0, 42]), ping([0, 3, 0, 0, 0, 1, 0, 0, 0, 100]), ping([0])]));
    const controls = t.received.filter((m) => m.typeId === MessageType.UserControl);
    expect(controls.map((m) => [...m.payload])).toEqual([[0, 7, 0, 0, 0, 42]]);
  });

  it('allows only small messages until the publish is accepted, and the normal limits after', () => {
    const before = setup();
    before.push(Buffer.concat([before.client.handshake(), before.client.publishSequence('k')]));
    let error: unknown;
    try {
      before.push(before.client.media(9, 0, new Uint8Array(64 * 1024 + 1)));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RtmpError);
    expect(error).toMatchObject({ code: 'MESSAGE_TOO_LARGE' });
    expect((error as Error).message).toContain('until a publish is accepted, messages are limited to 65536 bytes');

    const after = setup();
    after.push(Buffer.concat([after.client.handshake(), after.client.publishSequence('k')]));
    after.take(after.conn.acceptPublish());
    const keyframe = Uint8Array.from({ length: 1024 * 1024 }, (_, i) => (i === 0 ? 0x17 : i & 0xff));
    after.push(after.client.media(9, 0, keyframe));
    const last = after.events.at(-1);
    expect(last?.type === 'media' && Buffer.from(last.body).equals(keyframe)).toBe(true);
    expect(after.conn.heldBytes).toBe(0);
  });

  it('refuses more messages or bytes before acceptance than any encoder sends', () => {
    const t = setup({ beforePublish: { maxMessages: 20 } });
    t.push(Buffer.concat([t.client.handshake(), t.client.connect()]));
    const ping = t.client.writer.write({
      chunkStreamId: 2,
      timestamp: 0,
      typeId: 4,
      streamId: 0,
      payload: Uint8Array.of(0, 6, 0, 0, 0, 1),
    });
    expect(() => t.push(Buffer.concat(Array.from({ length: 20 }, () => ping)))).toThrowError(
      expect.objectContaining({ code: 'BEFORE_PUBLISH_LIMIT', message: expect.stringContaining('20 messages') }),
    );
    const bytes = setup({ beforePublish: { maxBytes: 10_000 } });
    const unused = bytes.client.writer.write({
      chunkStreamId: 3,
      timestamp: 0,
      typeId: 99,
      streamId: 0,
      payload: new Uint8Array(3000),
    });
    bytes.push(Buffer.concat([bytes.client.handshake(), bytes.client.connect(), unused, unused]));
    expect(() => bytes.push(unused)).toThrowError(
      expect.objectContaining({ code: 'BEFORE_PUBLISH_LIMIT', message: expect.stringContaining('10000 bytes') }),
    );
  });
});
