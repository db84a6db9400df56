/**
 * Asking for a clip and following it: POST /api/clips, then GET /api/clips/<id> each second while it is queued or
 * being made, until it is ready or failed (or three minutes pass). React's counterpart of pages/shared/clip-maker.ts.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ClipRequest } from '../../../pages/shared/clip-maker.ts';
import type { ClipItem } from '../../../pages/shared/types.ts';
import { api, errorText } from '../../api.ts';

export type ClipProgress =
  | { readonly step: 'idle' }
  | { readonly step: 'asking' }
  /** The clip as last read: queued, making, ready or failed. */
  | { readonly step: 'clip'; readonly clip: ClipItem }
  /** Still not made after the wait: its page will show it. */
  | { readonly step: 'slow'; readonly clip: ClipItem }
  | { readonly step: 'refused'; readonly reason: string };

const POLL_MS = 1000;
const GIVE_UP_MS = 3 * 60_000;

export function useClipMaker(): {
  readonly progress: ClipProgress;
  readonly busy: boolean;
  /** Resolves with the final clip, or null when refused. */
  make(request: ClipRequest): Promise<ClipItem | null>;
} {
  const [progress, setProgress] = useState<ClipProgress>({ step: 'idle' });
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const show = useCallback((next: ClipProgress) => {
    if (mounted.current) setProgress(next);
  }, []);

  const make = useCallback(
    async (request: ClipRequest): Promise<ClipItem | null> => {
      show({ step: 'asking' });
      try {
        let clip = await api<ClipItem>('/api/clips', { method: 'POST', json: request });
        const deadline = Date.now() + GIVE_UP_MS;
        show({ step: 'clip', clip });
        while (mounted.current && (clip.status === 'queued' || clip.status === 'making')) {
          if (Date.now() > deadline) {
            show({ step: 'slow', clip });
            return clip;
          }
          await new Promise((resolve) => setTimeout(resolve, POLL_MS));
          clip = await api<ClipItem>(`/api/clips/${encodeURIComponent(clip.id)}`);
          show({ step: 'clip', clip });
        }
        return clip;
      } catch (error) {
        show({ step: 'refused', reason: errorText(error) });
        return null;
      }
    },
    [show],
  );

  const busy =
    progress.step === 'asking' ||
    (progress.step === 'clip' && (progress.clip.status === 'queued' || progress.clip.status === 'making'));
  return { progress, busy, make };
}
