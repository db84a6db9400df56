import { useCallback, useEffect, useReducer, useState } from 'react';
import { api, errorText } from '../../api.ts';
import { ReconnectingSocket, type SocketPhase } from './reconnecting-socket.ts';

/** GET /api/me/notifications item. */
export interface AppNotification {
  readonly id: string;
  /** "live": a followed channel went live. */
  readonly kind: string;
  readonly channel: string;
  readonly broadcastId: string;
  readonly title: string;
  readonly createdAt: number;
  readonly readAt: number | null;
}

interface NotificationPage {
  readonly items: readonly AppNotification[];
  readonly nextCursor: string | null;
  readonly unreadCount: number;
}

/** How many the bell lists (newest first); older ones stay on the server. */
const LISTED = 20;
/** Close codes of /api/events after which reconnecting cannot help: the session ended, or it was never valid. */
const SESSION_GONE = [4001, 1008];

interface State {
  readonly items: readonly AppNotification[];
  readonly unread: number;
  /** Followed channels the push channel said are live now (since this page opened). */
  readonly live: ReadonlySet<string>;
}

type Action =
  | { readonly type: 'loaded'; readonly page: NotificationPage }
  | { readonly type: 'pushed'; readonly notification: AppNotification }
  | { readonly type: 'channel'; readonly channel: string; readonly live: boolean }
  | { readonly type: 'read'; readonly id: string; readonly atMs: number }
  | { readonly type: 'all-read'; readonly atMs: number };

export function notificationsReducer(state: State, action: Action): State {
  switch (action.type) {
    case 'loaded':
      return { ...state, items: action.page.items.slice(0, LISTED), unread: action.page.unreadCount };
    case 'pushed': {
      const n = action.notification;
      if (state.items.some((item) => item.id === n.id)) return state;
      return {
        ...state,
        items: [n, ...state.items].slice(0, LISTED),
        unread: state.unread + (n.readAt === null ? 1 : 0),
      };
    }
    case 'channel': {
      const live = new Set(state.live);
      if (action.live) live.add(action.channel);
      else live.delete(action.channel);
      return { ...state, live };
    }
    case 'read': {
      const target = state.items.find((item) => item.id === action.id);
      if (!target || target.readAt !== null) return state;
      return {
        ...state,
        items: state.items.map((item) => (item.id === action.id ? { ...item, readAt: action.atMs } : item)),
        unread: Math.max(0, state.unread - 1),
      };
    }
    case 'all-read':
      return {
        ...state,
        items: state.items.map((item) => ({ ...item, readAt: item.readAt ?? action.atMs })),
        unread: 0,
      };
  }
}

/** What the push channel (/api/events) sends; anything else is ignored. */
function actionOf(frame: unknown): Action | null {
  if (typeof frame !== 'object' || frame === null) return null;
  const f = frame as { type?: unknown; notification?: unknown; channel?: unknown };
  if (f.type === 'notification' && typeof f.notification === 'object' && f.notification !== null) {
    return { type: 'pushed', notification: f.notification as AppNotification };
  }
  if ((f.type === 'stream.online' || f.type === 'stream.offline') && typeof f.channel === 'string') {
    return { type: 'channel', channel: f.channel, live: f.type === 'stream.online' };
  }
  return null;
}

export interface NotificationsView extends State {
  readonly phase: SocketPhase;
  readonly error: string | null;
  /** The latest notification as a sentence, for a live region. */
  readonly announcement: string;
  markRead(id: string): void;
  markAllRead(): void;
  /** Opens the push channel again after it stopped. */
  reconnect(): void;
}

/**
 * The signed-in user's notifications: the newest listed from the API, then kept current by the push channel
 * (/api/events), which reconnects with backoff and lists again after each reconnect (what came while it was away).
 * `onSessionEnded` hears when the server closed the channel because the session is over.
 */
export function useNotifications(onSessionEnded: () => void): NotificationsView {
  const [state, dispatch] = useReducer(notificationsReducer, { items: [], unread: 0, live: new Set<string>() });
  const [phase, setPhase] = useState<SocketPhase>('connecting');
  const [error, setError] = useState<string | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const [generation, setGeneration] = useState(0);

  const reload = useCallback(async () => {
    try {
      dispatch({ type: 'loaded', page: await api<NotificationPage>(`/api/me/notifications?limit=${LISTED}`) });
      setError(null);
    } catch (e) {
      setError(errorText(e));
    }
  }, []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new generation is a new socket ("Reconnect")
  useEffect(() => {
    const socket = new ReconnectingSocket({
      path: '/api/events',
      stopOn: SESSION_GONE,
      onOpen: () => void reload(),
      onFrame: (frame) => {
        const action = actionOf(frame);
        if (!action) return;
        dispatch(action);
        if (action.type === 'pushed') {
          const n = action.notification;
          setAnnouncement(`${n.channel} went live${n.title ? `: ${n.title}` : ''}`);
        }
      },
      onPhase: (next) => {
        setPhase(next);
        if (next === 'stopped') onSessionEnded();
      },
    });
    return () => socket.close();
  }, [reload, onSessionEnded, generation]);

  const markRead = useCallback(
    (id: string) => {
      dispatch({ type: 'read', id, atMs: Date.now() });
      api(`/api/me/notifications/${encodeURIComponent(id)}/read`, { method: 'POST' }).catch((e: unknown) => {
        setError(errorText(e));
        void reload();
      });
    },
    [reload],
  );

  const markAllRead = useCallback(() => {
    dispatch({ type: 'all-read', atMs: Date.now() });
    api('/api/me/notifications/read-all', { method: 'POST' }).catch((e: unknown) => {
      setError(errorText(e));
      void reload();
    });
  }, [reload]);

  const reconnect = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, phase, error, announcement, markRead, markAllRead, reconnect };
}
