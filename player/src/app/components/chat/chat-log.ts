import type { MessageEvent, RoomSettings, SequencedEvent } from './chat-protocol.ts';
import { formatDuration } from './countdown.ts';
import { settingsChanges } from './room-modes.ts';

/** At most this many lines stay in the page: a busy room must not grow the DOM without end. */
export const MAX_LOG_ITEMS = 250;

/** Why a message is no longer shown: a moderator deleted it, or its sender was timed out or banned. */
export type Removal = 'deleted' | 'timed-out' | 'banned';

export type LogItem =
  | { readonly kind: 'message'; readonly key: string; readonly event: MessageEvent; readonly removed: Removal | null }
  | { readonly kind: 'notice'; readonly key: string; readonly text: string };

/** What the chat shows of one room: its lines (oldest first), the last seq seen (to resume from) and its modes. */
export interface ChatLog {
  readonly items: readonly LogItem[];
  readonly lastSeq: number | undefined;
  readonly settings: RoomSettings | null;
  /** Numbers the notices' keys. */
  readonly notices: number;
}

export const EMPTY_LOG: ChatLog = { items: [], lastSeq: undefined, settings: null, notices: 0 };

export interface Applied {
  readonly log: ChatLog;
  /** The messages that were new to this log, in order (for the unread count and the screen reader's summary). */
  readonly added: readonly MessageEvent[];
}

export function addNotice(log: ChatLog, text: string): ChatLog {
  const notices = log.notices + 1;
  return bound({ ...log, notices, items: [...log.items, { kind: 'notice', key: `notice-${notices}`, text }] });
}

/**
 * Applies a room's events in order. An event at or below the last seq seen is one this log has already (a resume
 * that overlapped): skipped. `nowMs` is the wall clock, to word a timeout's length.
 */
export function applyEvents(log: ChatLog, events: readonly SequencedEvent[], nowMs: number): Applied {
  let next = log;
  const added: MessageEvent[] = [];
  for (const event of events) {
    if (next.lastSeq !== undefined && event.seq <= next.lastSeq) continue;
    next = { ...next, lastSeq: event.seq };
    if (event.kind === 'message') {
      if (next.items.some((item) => item.kind === 'message' && item.event.id === event.id)) continue;
      next = { ...next, items: [...next.items, { kind: 'message', key: event.id, event, removed: null }] };
      added.push(event);
      continue;
    }
    next = applyModeration(next, event, nowMs);
  }
  return { log: bound(next), added };
}

function applyModeration(log: ChatLog, event: Exclude<SequencedEvent, MessageEvent>, nowMs: number): ChatLog {
  switch (event.kind) {
    case 'deleted':
      return remove(log, (m) => m.id === event.messageId, 'deleted');
    case 'cleared':
      return addNotice({ ...log, items: [] }, 'Chat was cleared by a moderator.');
    case 'timed-out': {
      const leftMs = event.untilMs - nowMs;
      const length = leftMs > 0 ? ` for ${formatDuration(leftMs / 1000)}` : '';
      const removed = remove(log, (m) => sameLogin(m.user.login, event.login), 'timed-out');
      return addNotice(removed, `${event.login} was timed out${length}.`);
    }
    case 'banned':
      return addNotice(
        remove(log, (m) => sameLogin(m.user.login, event.login), 'banned'),
        `${event.login} was banned.`,
      );
    case 'unbanned':
      return addNotice(log, `${event.login} may chat again.`);
    case 'settings': {
      const changes = log.settings ? settingsChanges(log.settings, event.settings) : [];
      return changes.reduce(addNotice, { ...log, settings: event.settings });
    }
  }
}

export interface JoinedFrame {
  readonly settings: RoomSettings;
  readonly history: readonly SequencedEvent[];
  readonly gap: boolean;
  readonly seq: number;
}

export type JoinOutcome =
  | (Applied & { readonly rejoin: false })
  /** The server lost its numbering (a restarted single node): join again without `since`. */
  | { readonly rejoin: true; readonly log: ChatLog; readonly added: readonly MessageEvent[] };

/**
 * The answer to a join: the history (after `since` when this was a resume) and a line saying what a resume
 * recovered, or that some was lost.
 */
export function applyJoined(log: ChatLog, frame: JoinedFrame, since: number | undefined, nowMs: number): JoinOutcome {
  if (since !== undefined && frame.gap && frame.history.length === 0 && since > frame.seq) {
    const restarted = addNotice(
      { ...log, lastSeq: undefined },
      'Chat restarted while you were away; some messages may be missing.',
    );
    return { rejoin: true, log: restarted, added: [] };
  }
  const applied = applyEvents({ ...log, settings: frame.settings }, frame.history, nowMs);
  let next: ChatLog = {
    ...applied.log,
    lastSeq: Math.max(applied.log.lastSeq ?? frame.seq, frame.seq),
  };
  if (since !== undefined) {
    const count = applied.added.length;
    const recovered = count === 0 ? '' : `; ${count} message${count === 1 ? '' : 's'} sent meanwhile shown`;
    next = addNotice(
      next,
      frame.gap
        ? `Reconnected. Some messages were missed while you were away${recovered}.`
        : `Reconnected${recovered}.`,
    );
  }
  return { rejoin: false, log: next, added: applied.added };
}

function remove(log: ChatLog, match: (message: MessageEvent) => boolean, why: Removal): ChatLog {
  let changed = false;
  const items = log.items.map((item) => {
    if (item.kind !== 'message' || item.removed !== null || !match(item.event)) return item;
    changed = true;
    return { ...item, removed: why };
  });
  return changed ? { ...log, items } : log;
}

function bound(log: ChatLog): ChatLog {
  return log.items.length > MAX_LOG_ITEMS ? { ...log, items: log.items.slice(-MAX_LOG_ITEMS) } : log;
}

/** Logins are not case-sensitive. */
export function sameLogin(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
