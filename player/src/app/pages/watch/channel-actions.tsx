/**
 * Follow and subscribe, beside the channel's name. Signed in: Follow is a toggle (PUT or DELETE
 * /api/channels/<ch>/follow); a subscription is shown with its tier and end. Glint takes no payments yet, so a
 * subscription is granted by the broadcaster (POST /api/channels/<ch>/subscriptions, broadcaster only): Subscribe
 * says so. Anonymous: both lead to sign in, and back here after. On one's own channel: the way to the dashboard.
 */
import { useState } from 'react';
import { Link } from 'wouter';
import { api, errorText } from '../../api.ts';
import { useSession } from '../../session.tsx';
import type { ChannelView } from './use-channel.ts';

export interface ChannelActionsProps {
  readonly channel: ChannelView;
  /** Reads the channel again (its follower count and the viewer's standing changed). */
  readonly onChanged: () => Promise<void>;
}

export function ChannelActions({ channel, onChanged }: ChannelActionsProps) {
  const { session } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [explainSub, setExplainSub] = useState(false);
  const you = channel.you;

  if (session.status === 'loading') return null;
  if (session.status !== 'signed-in' || !you) {
    const next = `/signin?next=${encodeURIComponent(location.pathname + location.search)}`;
    return (
      <div className="channel-actions">
        <Link id="follow" href={next} className="button">
          Follow
        </Link>
        <Link id="subscribe" href={next} className="button secondary-link">
          Subscribe
        </Link>
        <span className="muted">Sign in to follow or subscribe.</span>
      </div>
    );
  }
  if (you.roles.includes('broadcaster')) {
    return (
      <div className="channel-actions">
        <span className="muted">Your channel.</span>
        <Link href="/dashboard" className="button secondary-link">
          Dashboard
        </Link>
      </div>
    );
  }

  const toggleFollow = async () => {
    setBusy(true);
    setError('');
    try {
      const path = `/api/channels/${encodeURIComponent(channel.name)}/follow`;
      await api(path, { method: you.following ? 'DELETE' : 'PUT' });
      await onChanged();
    } catch (e) {
      setError(`Could not ${you.following ? 'unfollow' : 'follow'}: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  };

  const sub = you.subscription;
  const subscribed = sub !== null && sub.expiresAt > Date.now();
  return (
    <div className="channel-actions">
      <button
        id="follow"
        type="button"
        aria-pressed={you.following}
        aria-describedby={error ? 'follow-error' : undefined}
        disabled={busy}
        onClick={() => void toggleFollow()}
      >
        {you.following ? 'Following' : 'Follow'}
      </button>
      {subscribed ? (
        <span id="subscribe" className="sub-badge">
          Subscribed · tier {sub.tier} · until {new Date(sub.expiresAt).toLocaleDateString()}
        </span>
      ) : (
        <button
          id="subscribe"
          type="button"
          className="secondary"
          aria-expanded={explainSub}
          aria-controls="subscribe-note"
          onClick={() => setExplainSub(!explainSub)}
        >
          Subscribe
        </button>
      )}
      {explainSub && !subscribed && (
        <p id="subscribe-note" className="muted">
          Glint takes no payments yet: {channel.displayName} can make you a subscriber from their dashboard.
        </p>
      )}
      {error && (
        <p id="follow-error" className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
