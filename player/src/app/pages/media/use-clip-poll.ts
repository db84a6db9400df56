import { useEffect, useState } from 'react';
import type { ClipItem } from '../../../pages/shared/types.ts';
import { ApiError, api, errorText } from '../../api.ts';

export type ClipPollState =
  | { readonly status: 'loading' }
  | { readonly status: 'missing' }
  /** The first read failed: the page offers a retry. */
  | { readonly status: 'failed'; readonly message: string }
  | {
      readonly status: 'clip';
      readonly clip: ClipItem;
      /** Still queued or making after the wait: the page says to come back. */
      readonly gaveUp: boolean;
      /** A later read failed; polling goes on. */
      readonly trouble: string | null;
    };

const POLL_MS = 1000;
/** Polling stops after this long; the page says to come back (a reload starts again). */
const GIVE_UP_MS = 5 * 60_000;

/** GET /api/clips/<id>, again each second while the clip is queued or being made. */
export function useClipPoll(id: string, attempt: number): ClipPollState {
  const [state, setState] = useState<ClipPollState>({ status: 'loading' });
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new attempt (the retry) reads again
  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = Date.now() + GIVE_UP_MS;
    setState({ status: 'loading' });
    const read = async () => {
      try {
        const clip = await api<ClipItem>(`/api/clips/${encodeURIComponent(id)}`);
        if (!current) return;
        const waiting = clip.status === 'queued' || clip.status === 'making';
        const gaveUp = waiting && Date.now() > deadline;
        setState({ status: 'clip', clip, gaveUp, trouble: null });
        if (waiting && !gaveUp) timer = setTimeout(() => void read(), POLL_MS);
      } catch (error) {
        if (!current) return;
        if (error instanceof ApiError && (error.status === 404 || error.status === 400)) {
          setState({ status: 'missing' });
          return;
        }
        const message = errorText(error);
        setState((old) => (old.status === 'clip' ? { ...old, trouble: message } : { status: 'failed', message }));
        // A blip while the clip is made: keep asking (until the deadline); a first read that failed waits for Retry.
        if (Date.now() < deadline) timer = setTimeout(() => void read(), POLL_MS * 3);
      }
    };
    void read();
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [id, attempt]);
  return state;
}
