import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, errorText } from '../../api.ts';
import {
  type ChannelItem,
  type FollowedChannel,
  LIST_REFRESH_MS,
  type LiveSections,
  liveSections,
} from './live-channels.ts';

export type LiveChannelsState =
  | { readonly status: 'loading' }
  /** The first read failed: the page offers a retry. */
  | { readonly status: 'failed'; readonly message: string }
  | {
      readonly status: 'ready';
      readonly sections: LiveSections;
      /** When the list was read (the cards' live times and picture URLs are of this moment). */
      readonly readAtMs: number;
      /** A later read failed: the last list stays, with this said beside it. */
      readonly refreshError: string | null;
    };

interface Page<T> {
  readonly items: readonly T[];
}

/** The follow list; a session that ended meanwhile (401) just has none. */
async function readFollows(): Promise<readonly FollowedChannel[]> {
  try {
    return (await api<Page<FollowedChannel>>('/api/me/follows?limit=100')).items;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return [];
    throw error;
  }
}

/**
 * Who is live, followed channels first (`signedIn`; null while the session is not known yet, when nothing is read),
 * read again every 30 s while the tab is visible and at once when it becomes visible after that.
 */
export function useLiveChannels(signedIn: boolean | null): { state: LiveChannelsState; reload: () => void } {
  const [state, setState] = useState<LiveChannelsState>({ status: 'loading' });
  const readAt = useRef(0);
  const generation = useRef(0);

  const load = useCallback(async () => {
    if (signedIn === null) return;
    const mine = ++generation.current;
    try {
      const [live, follows] = await Promise.all([
        api<Page<ChannelItem>>('/api/channels?live=true&limit=100'),
        signedIn ? readFollows() : Promise.resolve([]),
      ]);
      if (mine !== generation.current) return; // a newer read (or the page) took over
      readAt.current = Date.now();
      setState({
        status: 'ready',
        sections: liveSections(live.items, follows),
        readAtMs: readAt.current,
        refreshError: null,
      });
    } catch (error) {
      if (mine !== generation.current) return;
      const message = errorText(error);
      setState((old) => (old.status === 'ready' ? { ...old, refreshError: message } : { status: 'failed', message }));
    }
  }, [signedIn]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => {
      if (!document.hidden) void load();
    }, LIST_REFRESH_MS);
    const onVisible = () => {
      if (!document.hidden && Date.now() - readAt.current >= LIST_REFRESH_MS) void load();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      generation.current++;
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [load]);

  const reload = useCallback(() => {
    setState({ status: 'loading' });
    void load();
  }, [load]);
  return { state, reload };
}
