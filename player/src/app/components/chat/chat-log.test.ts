import { describe, expect, it } from 'vitest';
import { addNotice, applyEvents, applyJoined, type ChatLog, EMPTY_LOG, MAX_LOG_ITEMS } from './chat-log.ts';
import type { MessageEvent, RoomSettings } from './chat-protocol.ts';

const SETTINGS: RoomSettings = {
  slowSeconds: 0,
  followersOnlyMinutes: null,
  subscribersOnly: false,
  emoteOnly: false,
  blockedTermCount: 0,
};
const NOW = 1_700_000_000_000;

function message(seq: number, login = 'bob', text = `line ${seq}`): MessageEvent {
  return {
    seq,
    kind: 'message',
    id: `m${seq}`,
    user: { login, displayName: login, badges: [] },
    text,
    emotes: [],
    atMs: NOW,
  };
}

const texts = (log: ChatLog) =>
  log.items.map((item) =>
    item.kind === 'notice'
      ? `! ${item.text}`
      : `${item.event.user.login}: ${item.event.text}${item.removed ? ` [${item.removed}]` : ''}`,
  );

describe('applyEvents', () => {
  it('adds messages in order, remembers the last seq, and skips what it has already (a resume that overlapped)', () => {
    const first = applyEvents(EMPTY_LOG, [message(1), message(2)], NOW);
    expect(first.log.lastSeq).toBe(2);
    expect(first.added.map((m) => m.id)).toEqual(['m1', 'm2']);
    const again = applyEvents(first.log, [message(2), message(3)], NOW);
    expect(again.added.map((m) => m.id)).toEqual(['m3']);
    expect(texts(again.log)).toEqual(['bob: line 1', 'bob: line 2', 'bob: line 3']);
  });

  it('accepts seqs that skip numbers (the server may move on after a restart)', () => {
    const applied = applyEvents(EMPTY_LOG, [message(5), message(90)], NOW);
    expect(applied.added).toHaveLength(2);
    expect(applied.log.lastSeq).toBe(90);
  });

  it(`keeps at most ${MAX_LOG_ITEMS} lines, dropping the oldest`, () => {
    const events = Array.from({ length: MAX_LOG_ITEMS + 40 }, (_, i) => message(i + 1));
    const applied = applyEvents(EMPTY_LOG, events, NOW);
    expect(applied.log.items).toHaveLength(MAX_LOG_ITEMS);
    expect(applied.log.items[0]?.key).toBe('m41');
    expect(applied.added).toHaveLength(MAX_LOG_ITEMS + 40);
  });

  it('marks a deleted message and says who was timed out or banned, marking their messages', () => {
    const start = applyEvents(EMPTY_LOG, [message(1, 'bob'), message(2, 'eve'), message(3, 'Eve')], NOW).log;
    const after = applyEvents(
      start,
      [
        { seq: 4, kind: 'deleted', messageId: 'm1', by: 'mod' },
        { seq: 5, kind: 'timed-out', login: 'EVE', untilMs: NOW + 600_000, by: 'mod' },
        { seq: 6, kind: 'banned', login: 'bob', by: 'mod' },
        { seq: 7, kind: 'unbanned', login: 'bob', by: 'mod' },
      ],
      NOW,
    ).log;
    expect(texts(after)).toEqual([
      'bob: line 1 [deleted]',
      'eve: line 2 [timed-out]',
      'Eve: line 3 [timed-out]',
      '! EVE was timed out for 10 minutes.',
      '! bob was banned.',
      '! bob may chat again.',
    ]);
  });

  it('a timeout already over (from history) is said without its length', () => {
    const log = applyEvents(
      EMPTY_LOG,
      [{ seq: 1, kind: 'timed-out', login: 'eve', untilMs: NOW - 1, by: 'm' }],
      NOW,
    ).log;
    expect(texts(log)).toEqual(['! eve was timed out.']);
  });

  it('a clear empties the chat and says so', () => {
    const start = applyEvents(EMPTY_LOG, [message(1), message(2)], NOW).log;
    const after = applyEvents(start, [{ seq: 3, kind: 'cleared', by: 'mod' }, message(4)], NOW).log;
    expect(texts(after)).toEqual(['! Chat was cleared by a moderator.', 'bob: line 4']);
  });

  it('a settings event changes the modes and says what changed', () => {
    const joined = applyJoined(EMPTY_LOG, { settings: SETTINGS, history: [], gap: false, seq: 0 }, undefined, NOW).log;
    const after = applyEvents(
      joined,
      [{ seq: 1, kind: 'settings', settings: { ...SETTINGS, slowSeconds: 30, subscribersOnly: true }, by: 'mod' }],
      NOW,
    ).log;
    expect(after.settings?.slowSeconds).toBe(30);
    expect(texts(after)).toEqual(['! Slow mode is on: one message every 30 s.', '! Subscribers-only mode is on.']);
  });
});

describe('applyJoined', () => {
  it('a first join shows the history and starts from the room seq, saying nothing more', () => {
    const outcome = applyJoined(
      EMPTY_LOG,
      { settings: SETTINGS, history: [message(7), message(8)], gap: false, seq: 9 },
      undefined,
      NOW,
    );
    expect(outcome.rejoin).toBe(false);
    expect(texts(outcome.log)).toEqual(['bob: line 7', 'bob: line 8']);
    expect(outcome.log.lastSeq).toBe(9);
    expect(outcome.log.settings).toEqual(SETTINGS);
  });

  it('a resume adds what was sent meanwhile and says how many', () => {
    const before = applyEvents(EMPTY_LOG, [message(1), message(2)], NOW).log;
    const outcome = applyJoined(
      before,
      { settings: SETTINGS, history: [message(3), message(4)], gap: false, seq: 4 },
      2,
      NOW,
    );
    expect(texts(outcome.log)).toEqual([
      'bob: line 1',
      'bob: line 2',
      'bob: line 3',
      'bob: line 4',
      '! Reconnected; 2 messages sent meanwhile shown.',
    ]);
    expect(outcome.added).toHaveLength(2);
  });

  it('a resume with nothing missed just says it is back', () => {
    const before = applyEvents(EMPTY_LOG, [message(1)], NOW).log;
    const outcome = applyJoined(before, { settings: SETTINGS, history: [], gap: false, seq: 1 }, 1, NOW);
    expect(texts(outcome.log).at(-1)).toBe('! Reconnected.');
  });

  it('a resume with a gap says some were missed', () => {
    const before = applyEvents(EMPTY_LOG, [message(1)], NOW).log;
    const outcome = applyJoined(before, { settings: SETTINGS, history: [message(80)], gap: true, seq: 80 }, 1, NOW);
    expect(texts(outcome.log).at(-1)).toBe(
      '! Reconnected. Some messages were missed while you were away; 1 message sent meanwhile shown.',
    );
  });

  it('a since above the room seq (the server lost its numbering) asks to join again without it', () => {
    const before = applyEvents(EMPTY_LOG, [message(40)], NOW).log;
    const outcome = applyJoined(before, { settings: SETTINGS, history: [], gap: true, seq: 0 }, 40, NOW);
    expect(outcome.rejoin).toBe(true);
    expect(outcome.log.lastSeq).toBeUndefined();
    // The fresh join's history numbers from 1 again; a message already shown (same id) is not shown twice.
    const fresh = applyJoined(
      outcome.log,
      { settings: SETTINGS, history: [message(1), { ...message(2), id: 'm40' }], gap: false, seq: 2 },
      undefined,
      NOW,
    );
    expect(texts(fresh.log)).toEqual([
      'bob: line 40',
      '! Chat restarted while you were away; some messages may be missing.',
      'bob: line 1',
    ]);
    expect(fresh.log.lastSeq).toBe(2);
  });
});

describe('addNotice', () => {
  it('gives each notice its own key', () => {
    const log = addNotice(addNotice(EMPTY_LOG, 'a'), 'a');
    expect(new Set(log.items.map((i) => i.key)).size).toBe(2);
  });
});
