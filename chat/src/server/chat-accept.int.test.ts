import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@glint/media-core';
import { until } from '@glint/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { TestChatClient } from '../../test/chat-test-client.ts';
import { type ChatTestbed, startChatTestbed, startTestPod } from '../../test/chat-test-pod.ts';
import { MAX_CLIENT_FRAME_BYTES } from '../protocol/types.ts';
import { ChatServer } from './chat-server.ts';

/** Sockets upgraded by someone else (as @fastify/websocket does on the media server) and the pod-wide bounds. */
let bed: ChatTestbed;

beforeAll(async () => {
  bed = await startChatTestbed(['accept_room']);
});

afterAll(() => bed.close());

describe('ChatServer.accept and the pod-wide bounds', () => {
  it('serves a socket another server upgraded, and closes 1009 on a frame over the limit it let through', async () => {
    const chat = new ChatServer({ platform: bed.platform, bus: bed.bus, logger: silentLogger });
    const wss = new WebSocketServer({ noServer: true }); // no maxPayload: the chat server must check itself
    const http = createServer();
    http.on('upgrade', (request, socket, head) =>
      wss.handleUpgrade(request, socket, head, (ws) => chat.accept(ws, request, '203.0.113.7')),
    );
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/anything`;
      const client = await TestChatClient.open(url, { bearer: bed.tokens.accept_room as string });
      expect(client.frames[0]).toMatchObject({ type: 'hello', user: { login: 'accept_room' } });
      await client.join('accept_room');
      client.send({ type: 'send', room: 'accept_room', text: 'through accept' });
      await client.next('events', (f) => f.events.some((e) => e.kind === 'message'));
      client.ws.send(JSON.stringify({ type: 'ping', pad: 'x'.repeat(MAX_CLIENT_FRAME_BYTES) }));
      expect((await client.closed).code).toBe(1009);
    } finally {
      await chat.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    }
  });

  it('treats a session token that is not valid as anonymous', async () => {
    const client = await TestChatClient.open(bed.pod.url, { bearer: 'not-a-session' });
    expect(client.frames[0]).toEqual({ type: 'hello', v: 1, user: null });
    client.close();
  });

  it('refuses connections past the pod total with 503 before the upgrade, and serves again once one leaves', async () => {
    const pod = await startTestPod(bed.platform, bed.bus, { limits: { maxConnections: 2 } });
    try {
      const first = await TestChatClient.open(pod.url);
      await TestChatClient.open(pod.url);
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(pod.url);
        ws.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
        ws.on('open', () => reject(new Error('a connection past the total was accepted')));
        ws.on('error', () => {});
      });
      expect(status).toBe(503);
      first.close();
      await until(() => pod.server.connectionCount < 2, { what: 'the pod to see the close' });
      await (await TestChatClient.open(pod.url)).pingPong();
    } finally {
      await pod.stop();
    }
  });
});
