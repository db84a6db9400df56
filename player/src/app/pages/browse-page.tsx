import { useCallback, useEffect, useState } from 'react';
import { Link } from 'wouter';
import { api, errorText } from '../api.ts';
import { RetryState } from '../components/retry-state.tsx';

/** GET /api/channels items. */
export interface ChannelItem {
  readonly name: string;
  readonly displayName: string;
  readonly title: string;
  readonly category: string;
  readonly language: string;
  readonly live: { readonly broadcastId: string; readonly startedAt: number; readonly viewers: number } | null;
}

/** The home page: who is live now. */
export function BrowsePage() {
  const [channels, setChannels] = useState<readonly ChannelItem[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    setError(null);
    try {
      const page = await api<{ items: ChannelItem[] }>('/api/channels?live=true&limit=100');
      setChannels(page.items);
    } catch (e) {
      setError(errorText(e));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  if (error) return <RetryState message={error} onRetry={() => void load()} />;
  return (
    <section>
      <h1>Live now</h1>
      {channels === null ? (
        <p className="muted">loading…</p>
      ) : channels.length === 0 ? (
        <p className="muted">Nobody is live right now.</p>
      ) : (
        <ul className="channel-grid">
          {channels.map((c) => (
            <li key={c.name} className="channel-card">
              <Link href={`/watch/${encodeURIComponent(c.name)}`}>
                <strong>{c.displayName}</strong>
              </Link>
              <span>{c.title || 'untitled'}</span>
              <span className="muted">
                {c.category || 'no category'} · {c.live?.viewers ?? 0} watching
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
