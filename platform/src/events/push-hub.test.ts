import { EventEmitter } from 'node:events';
import { silentLogger } from '@glint/media-core';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { ServiceDeps } from '../service-deps.ts';
import { PlatformEvents } from './platform-events.ts';
import { PushHub } from './push-hub.ts';

/** The parts of a ws socket the hub uses, with a backlog the test sets. */
class FakeSocket extends EventEmitter {
  readonly OPEN = 1;
  readyState = 1;
  bufferedAmount = 0;
  readonly sent: string[] = [];
  terminated = false;
  closedWith: number | undefined;
  send(text: string) {
    this.sent.push(text);
  }
  terminate() {
    this.terminated = true;
    this.readyState = 3;
    this.emit('close');
  }
  close(code: number) {
    this.closedWith = code;
    this.readyState = 3;
    this.emit('close');
  }
  ping() {}
}

const user = (id: string) => ({ id, login: id, displayName: id });
const notification = { id: 'n', kind: 'live', channel: 'c', broadcastId: 'b', title: '', createdAt: 1, readAt: null };

describe('push hub bounds', () => {
  let hub: PushHub | undefined;
  const events = new PlatformEvents(silentLogger);
  const deps = { logger: silentLogger, events, nowMs: Date.now } as unknown as ServiceDeps;
  afterEach(async () => {
    await hub?.close();
  });

  it('drops a reader whose backlog would pass the bound, and keeps sending to the others', () => {
    hub = new PushHub(deps, { maxBufferedBytes: 1000 });
    const slow = new FakeSocket();
    const fast = new FakeSocket();
    hub.attach(user('u1'), slow as unknown as WebSocket, 'h');
    hub.attach(user('u1'), fast as unknown as WebSocket, 'h');
    events.notification.emit({ userId: 'u1', notification });
    expect(slow.sent).toHaveLength(1);
    slow.bufferedAmount = 990;
    events.notification.emit({ userId: 'u1', notification });
    expect(slow.terminated).toBe(true);
    expect(slow.sent).toHaveLength(1);
    expect(fast.sent).toHaveLength(2);
    expect(hub.size).toBe(1);
  });

  it('refuses sockets over the total bound (503) and closes one that raced past the check (1013)', () => {
    hub = new PushHub(deps, { maxSockets: 2 });
    hub.attach(user('a'), new FakeSocket() as unknown as WebSocket, 'h');
    hub.attach(user('b'), new FakeSocket() as unknown as WebSocket, 'h');
    expect(() => hub?.admit(user('c'))).toThrow(expect.objectContaining({ status: 503, code: 'SERVER_FULL' }));
    const late = new FakeSocket();
    hub.attach(user('c'), late as unknown as WebSocket, 'h');
    expect(late.closedWith).toBe(1013);
    expect(hub.size).toBe(2);
  });

  it('closes every socket on close() with 1001', async () => {
    hub = new PushHub(deps);
    const socket = new FakeSocket();
    hub.attach(user('a'), socket as unknown as WebSocket, 'h');
    await hub.close();
    expect(socket.closedWith).toBe(1001);
    expect(hub.size).toBe(0);
    hub = undefined;
  });
});
