import { useEffect } from 'react';
import { Link } from 'wouter';
import { RetryState } from '../components/retry-state.tsx';
import { useSession } from '../session.tsx';
import { LiveCard } from './browse/live-card.tsx';
import type { LiveCardData } from './browse/live-channels.ts';
import { useLiveChannels } from './browse/use-live-channels.ts';
import './browse/browse.css';

function Grid({ cards, readAtMs }: { readonly cards: readonly LiveCardData[]; readonly readAtMs: number }) {
  return (
    <ul className="live-grid">
      {cards.map((card) => (
        <LiveCard key={card.name} card={card} readAtMs={readAtMs} />
      ))}
    </ul>
  );
}

/** The home page: who is live now, the channels the user follows first; the list is read again every 30 s. */
export function BrowsePage() {
  const { session, refresh } = useSession();
  const signedIn = session.status === 'loading' ? null : session.status === 'signed-in';
  const { state, reload } = useLiveChannels(signedIn);
  useEffect(() => {
    document.title = 'Live now · Glint';
  }, []);

  if (state.status === 'failed') {
    return (
      <RetryState
        message={state.message}
        onRetry={() => {
          if (session.status === 'unreachable') void refresh();
          reload();
        }}
      />
    );
  }
  if (state.status === 'loading') {
    return (
      <section className="browse" aria-busy="true">
        <h1>Live now</h1>
        <p className="muted">Loading live channels…</p>
      </section>
    );
  }
  const { followed, others } = state.sections;
  const total = followed.length + others.length;
  return (
    <section className="browse">
      <div className="browse-head">
        <h1>Live now</h1>
        <p className="muted" role="status">
          {state.refreshError
            ? `Could not refresh the list (${state.refreshError}); trying again shortly.`
            : total > 0
              ? `${total} ${total === 1 ? 'channel' : 'channels'} live`
              : ''}
        </p>
      </div>
      {total === 0 && (
        <div className="browse-empty">
          <p>Nobody is live right now.</p>
          <p className="muted">
            {session.status === 'signed-in' ? (
              <>
                Be the first: <Link href="/dashboard">go live from your dashboard</Link>.
              </>
            ) : (
              <>
                Streamers go live from their dashboard: <Link href="/signup">sign up</Link> to get a stream key.
              </>
            )}
          </p>
        </div>
      )}
      {followed.length > 0 && (
        <section className="browse-section" aria-labelledby="browse-followed">
          <h2 id="browse-followed">Followed</h2>
          <Grid cards={followed} readAtMs={state.readAtMs} />
        </section>
      )}
      {others.length > 0 &&
        (followed.length > 0 ? (
          <section className="browse-section" aria-labelledby="browse-others">
            <h2 id="browse-others">More live channels</h2>
            <Grid cards={others} readAtMs={state.readAtMs} />
          </section>
        ) : (
          <Grid cards={others} readAtMs={state.readAtMs} />
        ))}
    </section>
  );
}
