import { useCallback, useEffect, useState } from 'react';
import { ApiError, api, errorText } from '../../api.ts';

export type MediaItemState<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly item: T }
  /** The API says there is no such item (never was, or deleted), or the id is malformed. */
  | { readonly status: 'missing' }
  /** The API could not answer: the page offers a retry. */
  | { readonly status: 'failed'; readonly message: string };

/** One VOD or clip from the API (`path`), with a reload for the retry state and a setter for what the page learns. */
export function useMediaItem<T>(path: string): {
  readonly state: MediaItemState<T>;
  readonly reload: () => void;
  readonly setItem: (item: T) => void;
} {
  const [state, setState] = useState<MediaItemState<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt (the retry) reads again
  useEffect(() => {
    let current = true;
    setState({ status: 'loading' });
    api<T>(path).then(
      (item) => {
        if (current) setState({ status: 'ready', item });
      },
      (error: unknown) => {
        if (!current) return;
        const missing = error instanceof ApiError && (error.status === 404 || error.status === 400);
        setState(missing ? { status: 'missing' } : { status: 'failed', message: errorText(error) });
      },
    );
    return () => {
      current = false;
    };
  }, [path, attempt]);
  const reload = useCallback(() => setAttempt((n) => n + 1), []);
  const setItem = useCallback((item: T) => setState({ status: 'ready', item }), []);
  return { state, reload, setItem };
}
