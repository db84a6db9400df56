import { describe, expect, it } from 'vitest';
import { summarize } from './announce.ts';
import type { MessageEvent, RoomSettings } from './chat-protocol.ts';
import { isNearEnd } from './follow-scroll.ts';
import { gridMove } from './grid-move.ts';
import { canModerate, modeHint, modeLabels, settingsChanges, slowModeWaitMs } from './room-modes.ts';
import { readRefusal, sentence } from './send-refusal.ts';

const OFF: RoomSettings = {
  slowSeconds: 0,
  followersOnlyMinutes: null,
  subscribersOnly: false,
  emoteOnly: false,
  blockedTermCount: 0,
};

describe('room modes', () => {
  it('labels the modes that are on', () => {
    expect(modeLabels(OFF)).toEqual([]);
    expect(
      modeLabels({ ...OFF, slowSeconds: 30, subscribersOnly: true, followersOnlyMinutes: 10, emoteOnly: true }),
    ).toEqual(['Slow mode: 30 s', 'Subscribers only', 'Followers only (10 min)', 'Emote only']);
    expect(modeLabels({ ...OFF, followersOnlyMinutes: 0 })).toEqual(['Followers only']);
  });

  it('says what changed, on and off', () => {
    expect(settingsChanges(OFF, { ...OFF, followersOnlyMinutes: 0, emoteOnly: true })).toEqual([
      'Followers-only mode is on.',
      'Emote-only mode is on.',
    ]);
    expect(settingsChanges({ ...OFF, slowSeconds: 5, subscribersOnly: true }, OFF)).toEqual([
      'Slow mode is off.',
      'Subscribers-only mode is off.',
    ]);
    expect(settingsChanges(OFF, { ...OFF, blockedTermCount: 3 })).toEqual([]);
  });

  it('hints when the modes will likely refuse this user; moderators and VIPs are spared', () => {
    const subOnly = { ...OFF, subscribersOnly: true };
    expect(modeHint(subOnly, ['viewer'])).toBe('Subscribers-only mode: only subscribers can chat.');
    expect(modeHint(subOnly, ['subscriber', 'viewer'])).toBeNull();
    expect(modeHint(subOnly, ['vip', 'viewer'])).toBeNull();
    expect(modeHint(subOnly, ['moderator', 'viewer'])).toBeNull();
    expect(modeHint({ ...OFF, followersOnlyMinutes: 0 }, ['viewer'])).toBe(
      'Followers-only mode: follow the channel to chat.',
    );
    expect(modeHint({ ...OFF, followersOnlyMinutes: 0 }, ['follower', 'viewer'])).toBeNull();
    expect(modeHint(null, ['viewer'])).toBeNull();
  });

  it('slow mode makes a viewer wait after sending, not a moderator or VIP', () => {
    const slow = { ...OFF, slowSeconds: 30 };
    expect(slowModeWaitMs(slow, ['viewer'])).toBe(30_000);
    expect(slowModeWaitMs(slow, ['broadcaster', 'viewer'])).toBe(0);
    expect(slowModeWaitMs(slow, ['vip', 'viewer'])).toBe(0);
    expect(slowModeWaitMs(OFF, ['viewer'])).toBe(0);
    expect(canModerate(['moderator'])).toBe(true);
    expect(canModerate(['vip', 'subscriber'])).toBe(false);
  });
});

describe('readRefusal', () => {
  it('turns a wait into a block with its end', () => {
    expect(
      readRefusal({ code: 'RATE_LIMITED', message: 'you are sending too fast: wait 1 s', retryAfterMs: 840 }, 1000),
    ).toEqual({
      block: { reason: 'You are sending messages too quickly.', untilMs: 1840 },
      text: 'You are sending messages too quickly.',
    });
    expect(readRefusal({ code: 'SOMETHING_NEW', message: 'hold on', retryAfterMs: 5 }, 0).block).toEqual({
      reason: 'Hold on.',
      untilMs: 5,
    });
  });
  it('a ban closes sending for good; other refusals are a sentence', () => {
    expect(readRefusal({ code: 'BANNED', message: "you are banned from x's chat" }, 0).block?.untilMs).toBeNull();
    expect(
      readRefusal({ code: 'BLOCKED_TERM', message: 'the message holds a term this channel does not allow' }, 0),
    ).toEqual({
      block: null,
      text: 'The message holds a term this channel does not allow.',
    });
    expect(sentence('  ')).toBe('Chat refused that.');
    expect(sentence('done!')).toBe('Done!');
  });
});

describe('summarize', () => {
  const m = (name: string, text: string): MessageEvent => ({
    seq: 1,
    kind: 'message',
    id: name,
    user: { login: name, displayName: name, badges: [] },
    text,
    emotes: [],
    atMs: 0,
  });
  it('reads one message, or counts several', () => {
    expect(summarize([])).toBe('');
    expect(summarize([m('Bob', 'hi')])).toBe('Bob: hi');
    expect(summarize([m('Bob', 'hi'), m('Eve', 'yo')])).toBe('2 new messages');
  });
});

describe('isNearEnd', () => {
  it('counts within 48 px of the end as at the end', () => {
    expect(isNearEnd({ scrollTop: 552, clientHeight: 400, scrollHeight: 1000 })).toBe(true);
    expect(isNearEnd({ scrollTop: 551, clientHeight: 400, scrollHeight: 1000 })).toBe(false);
    expect(isNearEnd({ scrollTop: 0, clientHeight: 400, scrollHeight: 300 })).toBe(true);
  });
});

describe('gridMove', () => {
  it('moves by one sideways, by a row up and down, and stays inside', () => {
    expect(gridMove('ArrowRight', 0, 10, 6)).toBe(1);
    expect(gridMove('ArrowRight', 9, 10, 6)).toBe(9);
    expect(gridMove('ArrowLeft', 0, 10, 6)).toBe(0);
    expect(gridMove('ArrowDown', 2, 10, 6)).toBe(8);
    expect(gridMove('ArrowDown', 5, 10, 6)).toBe(5);
    expect(gridMove('ArrowUp', 8, 10, 6)).toBe(2);
    expect(gridMove('ArrowUp', 3, 10, 6)).toBe(3);
    expect(gridMove('Home', 7, 10, 6)).toBe(0);
    expect(gridMove('End', 0, 10, 6)).toBe(9);
    expect(gridMove('a', 0, 10, 6)).toBeNull();
  });
});
