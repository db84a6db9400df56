import { useCallback, useEffect, useState } from 'react';
import { ApiError, api, errorText } from '../../api.ts';
import { isUnreachable } from './use-resource.ts';

/** GET /api/channels/<channel>/health (media-server/src/servers/stream-health). */
export interface StreamHealth {
  readonly source: 'rtmp' | 'whip' | 'pipe';
  readonly startedAt: number;
  readonly uptimeSec: number;
  readonly measuredSec: number;
  readonly bitrateKbps: number | null;
  readonly videoKbps: number | null;
  readonly audioKbps: number | null;
  readonly fps: number | null;
  readonly keyframeIntervalSec: number | null;
  readonly nominalFps: number | null;
  readonly droppedFrames: number;
  readonly videoFrames: number;
  readonly lastMediaAgoMs: number | null;
  readonly video: { readonly codec: string; readonly width: number; readonly height: number } | null;
  readonly audio: {
    readonly codec: string;
    readonly channels: number | null;
    readonly sampleRate: number | null;
  } | null;
}

export type HealthState =
  | { readonly phase: 'loading' }
  | { readonly phase: 'live'; readonly health: StreamHealth }
  | { readonly phase: 'offline' }
  | { readonly phase: 'error'; readonly message: string; readonly unreachable: boolean };

/** Polled every 2 s while live, every 5 s while offline (to see the stream start), less often in a hidden tab. */
export const LIVE_POLL_MS = 2000;
export const OFFLINE_POLL_MS = 5000;
const HIDDEN_POLL_MS = 15_000;

/** The channel's live ingest as the media server measures it, kept current while the dashboard is open. */
export function useStreamHealth(channel: string): { readonly state: HealthState; readonly refresh: () => void } {
  const [state, setState] = useState<HealthState>({ phase: 'loading' });
  const [round, setRound] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new round polls at once (a key change, a retry)
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      let nextMs = OFFLINE_POLL_MS;
      try {
        const health = await api<StreamHealth>(`/api/channels/${channel}/health`);
        if (stopped) return;
        setState({ phase: 'live', health });
        nextMs = LIVE_POLL_MS;
      } catch (error) {
        if (stopped) return;
        if (error instanceof ApiError && error.status === 404) setState({ phase: 'offline' });
        else setState({ phase: 'error', message: errorText(error), unreachable: isUnreachable(error) });
        if (error instanceof ApiError && error.retryAfterSec) nextMs = error.retryAfterSec * 1000;
      }
      if (document.hidden) nextMs = Math.max(nextMs, HIDDEN_POLL_MS);
      timer = setTimeout(() => void tick(), nextMs);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [channel, round]);

  const refresh = useCallback(() => setRound((r) => r + 1), []);
  return { state, refresh };
}
