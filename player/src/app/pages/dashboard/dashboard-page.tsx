import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { api } from '../../api.ts';
import { RetryState } from '../../components/retry-state.tsx';
import { useSession } from '../../session.tsx';
import { ChannelInfoSection, type ChannelView } from './channel-info-section.tsx';
import { ChatSettingsSection } from './chat-settings-section.tsx';
import { LiveSection } from './live-section.tsx';
import { ClipsSection, VodsSection } from './media-sections.tsx';
import { ModeratorsSection } from './moderators-section.tsx';
import { ObsSettingsSection } from './obs-settings-section.tsx';
import { LoadError } from './section.tsx';
import { StreamKeySection } from './stream-key-section.tsx';
import { useResource } from './use-resource.ts';
import { useStreamHealth } from './use-stream-health.ts';
import { WebhooksSection } from './webhooks-section.tsx';
import './dashboard.css';

/** How often the channel's broadcast state and viewer count are read again. */
const CHANNEL_POLL_MS = 10_000;
const ENDING_POLL_MS = 2000;

const SECTIONS: readonly (readonly [string, string])[] = [
  ['live', 'Live'],
  ['stream-key', 'Stream key'],
  ['obs', 'OBS'],
  ['channel-info', 'Title'],
  ['chat-settings', 'Chat'],
  ['moderators', 'Moderators'],
  ['vods', 'VODs'],
  ['clips', 'Clips'],
  ['webhooks', 'Webhooks'],
];

/** The streamer's dashboard: anonymous visitors get a way to sign in; an unreachable API, a retry. */
export function DashboardPage() {
  const { session, refresh } = useSession();
  if (session.status === 'loading') return <p className="muted">Loading…</p>;
  if (session.status === 'unreachable') return <RetryState message={session.message} onRetry={() => void refresh()} />;
  if (session.status === 'anonymous') {
    return (
      <section className="narrow">
        <h1>Dashboard</h1>
        <p>
          <Link href="/signin?next=/dashboard">Sign in</Link> to manage your channel, or{' '}
          <Link href="/signup">create an account</Link> to get one.
        </p>
      </section>
    );
  }
  const channel = session.me.channel;
  if (!channel) {
    return (
      <section className="narrow">
        <h1>Dashboard</h1>
        <p>Your account has no channel.</p>
      </section>
    );
  }
  return <Dashboard channel={channel.name} />;
}

/**
 * The broadcast on air and its viewers, read again every 10 s, every 2 s while the platform still holds a broadcast
 * the encoder left (the reconnect grace), and at once when the ingest's phase changes. A failed read keeps the last.
 */
function useOnAir(channel: string, initial: ChannelView['live'], healthPhase: string) {
  const [live, setLive] = useState(initial);
  const waitingForEnd = healthPhase !== 'live' && live !== null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a change of the ingest's phase is a reason to read again
  useEffect(() => {
    let stopped = false;
    const read = () =>
      api<ChannelView>(`/api/channels/${channel}`)
        .then((view) => {
          if (!stopped) setLive(view.live);
        })
        .catch(() => undefined);
    void read();
    const timer = setInterval(read, waitingForEnd ? ENDING_POLL_MS : CHANNEL_POLL_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [channel, healthPhase, waitingForEnd]);
  return live;
}

function Dashboard({ channel }: { readonly channel: string }) {
  const { resource, reload, replace } = useResource<ChannelView>(`/api/channels/${channel}`);
  if (resource.status === 'loading') return <p className="muted">Loading your channel…</p>;
  if (resource.status === 'error') {
    return (
      <section>
        <h1>Dashboard</h1>
        <LoadError message={resource.message} unreachable={resource.unreachable} onRetry={() => void reload()} />
      </section>
    );
  }
  return <DashboardSections view={resource.data} onSaved={replace} />;
}

function DashboardSections({
  view,
  onSaved,
}: {
  readonly view: ChannelView;
  readonly onSaved: (view: ChannelView) => void;
}) {
  const channel = view.name;
  const health = useStreamHealth(channel);
  const onAir = useOnAir(channel, view.live, health.state.phase);
  const [shownKey, setShownKey] = useState<string | null>(null);

  return (
    <div className="dashboard">
      <header className="dash-head">
        <div>
          <h1>Dashboard</h1>
          <p className="muted">
            {view.displayName} · {view.followers.toLocaleString()} follower{view.followers === 1 ? '' : 's'} ·{' '}
            <Link href={`/watch/${channel}`}>Your channel page</Link>
          </p>
        </div>
        <nav aria-label="dashboard sections" className="dash-nav">
          {SECTIONS.map(([id, name]) => (
            <a key={id} href={`#${id}`}>
              {name}
            </a>
          ))}
        </nav>
      </header>
      <LiveSection
        channel={channel}
        health={health.state}
        broadcastOnAir={onAir !== null}
        viewers={onAir?.viewers ?? null}
        onRetry={health.refresh}
      />
      <div className="dash-grid">
        <StreamKeySection
          channel={channel}
          live={health.state.phase === 'live'}
          shownKey={shownKey}
          onShownKey={setShownKey}
          onKeyChanged={health.refresh}
        />
        <ChannelInfoSection channel={view} onSaved={onSaved} />
        <ObsSettingsSection channel={channel} shownKey={shownKey} />
        <ChatSettingsSection channel={channel} />
        <ModeratorsSection channel={channel} />
        <WebhooksSection channel={channel} />
        <VodsSection channel={channel} liveKey={`${health.state.phase}:${onAir?.broadcastId ?? ''}`} />
        <ClipsSection channel={channel} />
      </div>
    </div>
  );
}
