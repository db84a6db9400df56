import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../../api.ts';
import { ChatConnection, type ConnectionState } from './chat-connection.ts';
import { addNotice, applyEvents, applyJoined, type ChatLog, EMPTY_LOG, sameLogin } from './chat-log.ts';
import type { Chatter, MessageEvent, ModAction, SequencedEvent, ServerFrame } from './chat-protocol.ts';
import { formatDuration } from './countdown.ts';
import { type ChannelRoles, slowModeWaitMs } from './room-modes.ts';
import { readRefusal, type SendBlock } from './send-refusal.ts';

export interface ChatState {
  readonly log: ChatLog;
  /** undefined until the server's hello; null for an anonymous viewer. */
  readonly me: Chatter | null | undefined;
  readonly roles: ChannelRoles;
  readonly connection: ConnectionState;
  readonly counts: { readonly chatters: number; readonly viewers: number } | null;
  /** Why sending is closed now (a wait with its end, or a ban). */
  readonly block: SendBlock | null;
  /** The last refusal or failure to tell the user (not a wait). */
  readonly notice: { readonly text: string; readonly id: number } | null;
  /** A message the server refused, to put back in an empty input. */
  readonly refused: { readonly text: string; readonly id: number } | null;
  /** Why the room cannot be read at all (no such channel). */
  readonly roomError: string | null;
}

export interface Chat extends ChatState {
  /** Sends a message; false (and a notice) when the socket is not open. */
  readonly send: (text: string) => boolean;
  readonly moderate: (action: ModAction) => boolean;
  readonly reconnectNow: () => void;
  /** Connects again at once, as whoever the session cookie says now (after signing in or out). */
  readonly renew: () => void;
}

const INITIAL: ChatState = {
  log: EMPTY_LOG,
  me: undefined,
  roles: [],
  connection: { status: 'connecting', attempt: 0 },
  counts: null,
  block: null,
  notice: null,
  refused: null,
  roomError: null,
};

/** Messages sent and not yet seen back (or refused), by nonce: a few at most. */
const MAX_PENDING = 8;

/**
 * A channel's chat room: the connection (resuming from the last seq after a drop), the lines shown, who the user is
 * there (roles from the API, for mod tools and mode hints), and whether they may send now. `onAdded` hears every
 * batch of new messages, `history` when they came with a join (the unread count and the screen-reader summary).
 */
export function useChat(channel: string, onAdded: (messages: readonly MessageEvent[], history: boolean) => void): Chat {
  const [state, setState] = useState<ChatState>(INITIAL);
  const stateRef = useRef(state);
  const connectionRef = useRef<ChatConnection | null>(null);
  const onAddedRef = useRef(onAdded);
  onAddedRef.current = onAdded;
  const pending = useRef(new Map<string, string>());
  const nonceCount = useRef(0);

  const update = useCallback((change: (s: ChatState) => ChatState) => {
    stateRef.current = change(stateRef.current);
    setState(stateRef.current);
  }, []);

  useEffect(() => {
    stateRef.current = INITIAL;
    setState(INITIAL);
    pending.current.clear();
    let live = true;
    /** The `since` of the join in flight: the answer is a resume when it was given. */
    let joinSince: number | undefined;
    const join = () => {
      joinSince = stateRef.current.log.lastSeq;
      connection.send(
        joinSince === undefined ? { type: 'join', room: channel } : { type: 'join', room: channel, since: joinSince },
      );
    };
    const readRoles = (me: Chatter) => {
      api<{ roles: string[] }>(`/api/channels/${encodeURIComponent(channel)}/roles/${encodeURIComponent(me.login)}`)
        .then((answer) => {
          if (live) update((s) => ({ ...s, roles: answer.roles }));
        })
        .catch((error: unknown) => console.warn('chat: your roles in this channel could not be read', error));
    };
    const onEvents = (events: readonly SequencedEvent[], added: readonly MessageEvent[], history: boolean) => {
      if (added.length > 0) onAddedRef.current(added, history);
      update((s) => selfEffects(s, events, pending.current, history));
    };
    const onFrame = (frame: ServerFrame) => {
      if (!live) return;
      switch (frame.type) {
        case 'hello':
          update((s) => ({ ...s, me: frame.user }));
          if (frame.user) readRoles(frame.user);
          return;
        case 'joined': {
          if (frame.room !== channel) return;
          const outcome = applyJoined(stateRef.current.log, frame, joinSince, Date.now());
          update((s) => ({ ...s, log: outcome.log, roomError: null }));
          if (outcome.rejoin) join();
          else onEvents(frame.history, outcome.added, true);
          return;
        }
        case 'events': {
          if (frame.room !== channel) return;
          const applied = applyEvents(stateRef.current.log, frame.events, Date.now());
          update((s) => ({ ...s, log: applied.log }));
          onEvents(frame.events, applied.added, false);
          return;
        }
        case 'counts':
          if (frame.room === channel)
            update((s) => ({ ...s, counts: { chatters: frame.chatters, viewers: frame.viewers } }));
          return;
        case 'error':
          update((s) => withError(s, frame, pending.current));
          return;
        case 'pong':
          return;
      }
    };
    const connection = new ChatConnection({
      onOpen: join,
      onFrame,
      onState: (connectionState) => {
        if (!live) return;
        update((s) => {
          // The first drop says so in the log; the status line counts down to the next attempt.
          const dropped = connectionState.status === 'waiting' && s.connection.status !== 'waiting';
          const log =
            dropped && s.log.lastSeq !== undefined ? addNotice(s.log, 'Disconnected from chat; reconnecting…') : s.log;
          return { ...s, connection: connectionState, log };
        });
      },
    });
    connectionRef.current = connection;
    connection.start();
    return () => {
      live = false;
      connection.stop();
      connectionRef.current = null;
    };
  }, [channel, update]);

  const send = useCallback(
    (text: string) => {
      const nonce = `m${++nonceCount.current}`;
      const sent = connectionRef.current?.send({ type: 'send', room: channel, text, nonce }) ?? false;
      if (!sent) {
        update((s) => ({
          ...s,
          notice: { text: 'Not connected to chat yet; your message was not sent.', id: nonceCount.current },
        }));
        return false;
      }
      pending.current.set(nonce, text);
      while (pending.current.size > MAX_PENDING) pending.current.delete(pending.current.keys().next().value as string);
      update((s) => (s.notice ? { ...s, notice: null } : s));
      return true;
    },
    [channel, update],
  );

  const moderate = useCallback(
    (action: ModAction) => {
      const sent = connectionRef.current?.send({ type: 'mod', room: channel, action }) ?? false;
      if (!sent) {
        update((s) => ({
          ...s,
          notice: { text: 'Not connected to chat; try again in a moment.', id: ++nonceCount.current },
        }));
      }
      return sent;
    },
    [channel, update],
  );

  const reconnectNow = useCallback(() => connectionRef.current?.reconnectNow(), []);
  const renew = useCallback(() => {
    update((s) => ({ ...s, me: undefined, roles: [], block: null, notice: null }));
    connectionRef.current?.renew();
  }, [update]);
  return { ...state, send, moderate, reconnectNow, renew };
}

/**
 * What a batch of events means for this user: their own message came through (in slow mode, their next turn is
 * later), they were timed out or banned. A join's history is the past: only restrictions still running count.
 */
function selfEffects(
  state: ChatState,
  events: readonly SequencedEvent[],
  pending: Map<string, string>,
  history: boolean,
): ChatState {
  const me = state.me;
  if (!me) return state;
  let next = state;
  const now = Date.now();
  for (const event of events) {
    if (event.kind === 'message' && sameLogin(event.user.login, me.login)) {
      if (history) continue;
      // Seen back: it was not refused. (Which pending one it was does not matter: the oldest goes.)
      const oldest = pending.keys().next();
      if (!oldest.done) pending.delete(oldest.value);
      const slowMs = slowModeWaitMs(next.log.settings, next.roles);
      const blockedUntil = next.block ? (next.block.untilMs ?? Number.POSITIVE_INFINITY) : 0;
      if (slowMs > 0 && blockedUntil < now + slowMs) {
        const reason = `Slow mode is on: one message every ${slowMs / 1000} s.`;
        next = { ...next, block: { reason, untilMs: now + slowMs } };
      }
    } else if (event.kind === 'timed-out' && sameLogin(event.login, me.login) && event.untilMs > now) {
      const length = formatDuration((event.untilMs - now) / 1000);
      next = { ...next, block: { reason: `A moderator timed you out for ${length}.`, untilMs: event.untilMs } };
    } else if (event.kind === 'banned' && sameLogin(event.login, me.login)) {
      next = { ...next, block: { reason: 'A moderator banned you from this chat.', untilMs: null } };
    } else if (event.kind === 'unbanned' && sameLogin(event.login, me.login)) {
      next = { ...next, block: null };
    }
  }
  return next;
}

function withError(
  state: ChatState,
  error: Extract<ServerFrame, { type: 'error' }>,
  pending: Map<string, string>,
): ChatState {
  if (error.code === 'NO_SUCH_ROOM') return { ...state, roomError: 'This channel has no chat.' };
  const refusal = readRefusal(error, Date.now());
  const text = error.nonce === undefined ? undefined : pending.get(error.nonce);
  if (error.nonce !== undefined) pending.delete(error.nonce);
  const id = (state.notice?.id ?? 0) + 1;
  return {
    ...state,
    block: refusal.block ?? state.block,
    notice: refusal.block ? null : { text: refusal.text, id },
    refused: text === undefined ? state.refused : { text, id },
  };
}
