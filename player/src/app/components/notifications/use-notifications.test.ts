import { describe, expect, it } from 'vitest';
import { type AppNotification, notificationsReducer } from './use-notifications.ts';

const note = (id: string, readAt: number | null = null): AppNotification => ({
  id,
  kind: 'live',
  channel: 'alice',
  broadcastId: 'b1',
  title: 'hello',
  createdAt: 1,
  readAt,
});

const empty = { items: [], unread: 0, live: new Set<string>() };

describe('notificationsReducer', () => {
  it('counts a pushed notification once, however often it arrives (a push and a re-list after reconnect)', () => {
    let state = notificationsReducer(empty, { type: 'pushed', notification: note('a') });
    state = notificationsReducer(state, { type: 'pushed', notification: note('a') });
    expect(state.unread).toBe(1);
    expect(state.items.map((n) => n.id)).toEqual(['a']);
    state = notificationsReducer(state, { type: 'pushed', notification: note('b') });
    expect(state.items.map((n) => n.id)).toEqual(['b', 'a']);
    expect(state.unread).toBe(2);
  });

  it('takes the listed page as the truth, marks one or all read, never below zero', () => {
    let state = notificationsReducer(empty, {
      type: 'loaded',
      page: { items: [note('b'), note('a', 5)], nextCursor: null, unreadCount: 1 },
    });
    expect(state.unread).toBe(1);
    state = notificationsReducer(state, { type: 'read', id: 'a', atMs: 9 });
    expect(state.unread).toBe(1);
    state = notificationsReducer(state, { type: 'read', id: 'b', atMs: 9 });
    state = notificationsReducer(state, { type: 'read', id: 'b', atMs: 10 });
    expect(state.unread).toBe(0);
    expect(state.items.map((n) => n.readAt)).toEqual([9, 5]);
    state = notificationsReducer(state, { type: 'pushed', notification: note('c') });
    state = notificationsReducer(state, { type: 'all-read', atMs: 11 });
    expect(state.unread).toBe(0);
    expect(state.items.map((n) => n.readAt)).toEqual([11, 9, 5]);
  });

  it('follows which followed channels are live', () => {
    let state = notificationsReducer(empty, { type: 'channel', channel: 'alice', live: true });
    expect([...state.live]).toEqual(['alice']);
    state = notificationsReducer(state, { type: 'channel', channel: 'alice', live: false });
    expect([...state.live]).toEqual([]);
  });

  it('keeps the newest 20', () => {
    let state = notificationsReducer(empty, { type: 'loaded', page: { items: [], nextCursor: null, unreadCount: 0 } });
    for (let i = 0; i < 25; i++) state = notificationsReducer(state, { type: 'pushed', notification: note(`n${i}`) });
    expect(state.items).toHaveLength(20);
    expect(state.items[0]?.id).toBe('n24');
    expect(state.unread).toBe(25);
  });
});
