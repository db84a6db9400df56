/**
 * A channel's page facts from GET /api/channels/<ch> (display name, title, category, live state, viewers, followers,
 * the signed-in viewer's standing), read again every few seconds so the live state and the viewer count change
 * without a reload: every 2 s while offline (playback starts soon after the channel goes live), every 5 s while live.
 * An unknown channel is 'missing'; an API that cannot be reached at first is 'unreachable' (the page offers a
 * retry); once the page is up, a failed read keeps what was known and tries again.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, errorText } from '../../api.ts';
import { useSession } from '../../session.tsx';
import type { ChannelItem } from '../browse/live-channels.ts';

/** GET /api/channels/<ch>: a channel as the lists show it, its followers, and the caller's standing. */
export interface ChannelView extends ChannelItem {
  readonly followers: number;
  readonly you: {
    readonly following: boolean;
    readonly subscription: {
      readonly tier: number;
      readonly startedAt: number;
      readonly expiresAt: number;
      readonly months: number;
    } | null;
    readonly roles: readonly string[];
  } | null;
}

export type ChannelLoad =
  | { readonly status: 'loading' }
  | { readonly status: 'found'; readonly channel: ChannelView; readonly reads: number }
  | { readonly status: 'missing' }
  | { readonly status: 'unreachable'; readonly message: string };

const LIVE_POLL_MS = 5000;
const OFFLINE_POLL_MS = 2000;

export function useChannel(name: string): { load: ChannelLoad; refresh: () => Promise<void> } {
  const [load, setLoad] = useState<ChannelLoad>({ status: 'loading' });
  const { session } = useSession();
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const current = useRef(load);
  const alive = useRef(true);
  /** Counts reads: only the latest one's answer is shown and schedules the next. */
  const seq = useRef(0);
  useEffect(() => {
    current.current = load;
  });
  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
      clearTimeout(timer.current);
    };
  }, []);

  const refresh = useCallback(async () => {
    clearTimeout(timer.current);
    const mine = ++seq.current;
    let next: ChannelLoad;
    try {
      const channel = await api<ChannelView>(`/api/channels/${encodeURIComponent(name)}`);
      if (mine !== seq.current) return;
      const before = current.current;
      next = { status: 'found', channel, reads: before.status === 'found' ? before.reads + 1 : 1 };
    } catch (error) {
      if (mine !== seq.current) return;
      if (error instanceof ApiError && (error.status === 404 || error.status === 400)) {
        next = { status: 'missing' };
      } else if (current.current.status === 'found') {
        // A blip once the page is up: keep what is shown and read again soon.
        next = current.current;
      } else {
        if (alive.current) setLoad({ status: 'unreachable', message: errorText(error) });
        return;
      }
    }
    if (!alive.current) return;
    current.current = next;
    setLoad(next);
    if (next.status === 'found') {
      const wait = next.channel.live ? LIVE_POLL_MS : OFFLINE_POLL_MS;
      timer.current = setTimeout(() => void refresh(), wait);
    }
  }, [name]);

  useEffect(() => {
    void refresh();
  }, [refresh]);
  // Read again when someone signs in or out here (the viewer's standing is in the answer).
  const seenSession = useRef(session.status);
  useEffect(() => {
    const before = seenSession.current;
    seenSession.current = session.status;
    if (before !== 'loading' && before !== session.status) void refresh();
  }, [refresh, session.status]);

  return { load, refresh };
}
