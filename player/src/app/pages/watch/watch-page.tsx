/**
 * /watch/<channel>: the live player, the channel (name, live state, viewers, title, category, follow and
 * subscribe), the keyboard shortcuts, the chat beside the player (under it on a phone), and the channel's past
 * broadcasts and clips. The player starts at once; the channel's API answer then says whether it is live, offline
 * (a clear offline state, and playback that starts by itself when it goes live), or no channel at all.
 */
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { ChatPanel } from '../../components/chat/chat-panel.tsx';
import { CardList, ClipCard, VodCard } from '../../components/media-cards.tsx';
import { startEarly } from '../../components/player/early-start.ts';
import { LivePlayer } from '../../components/player/live-player.tsx';
import { RetryState } from '../../components/retry-state.tsx';
import { ChannelHeader } from './channel-header.tsx';
import { NoSuchChannel } from './no-such-channel.tsx';
import { OfflinePanel } from './offline-panel.tsx';
import { ShortcutsHelp } from './shortcuts-help.tsx';
import { useChannel } from './use-channel.ts';
import { useMediaLists } from './use-media-lists.ts';
import './watch.css';

// Opened on a watch page: the player's network work begins now, while React draws the page.
startEarly();

export function WatchPage({ params }: { readonly params: { readonly channel: string } }) {
  // A new channel is a new page: nothing (player, polls, lists) carries over from the last one.
  return <ChannelWatch key={params.channel} name={params.channel} />;
}

const THEATRE_KEY = 'glint.watch.theatre';
/** Reads of lists that lag behind the broadcast, per broadcast (one per channel read: 2–5 s apart). */
const MAX_LAG_TRIES = 15;

/** Theatre mode, remembered; the page's frame (site header, margins) makes way while it is on. */
function useTheatre(): [boolean, () => void] {
  const [on, setOn] = useState(() => {
    try {
      return localStorage.getItem(THEATRE_KEY) === '1';
    } catch {
      return false;
    }
  });
  useEffect(() => {
    document.body.classList.toggle('theatre-mode', on);
    try {
      localStorage.setItem(THEATRE_KEY, on ? '1' : '0');
    } catch {
      // Storage blocked: theatre mode lasts for this page only.
    }
    return () => document.body.classList.remove('theatre-mode');
  }, [on]);
  return [on, useCallback(() => setOn((was) => !was), [])];
}

function ChannelWatch({ name }: { readonly name: string }) {
  const { load, refresh } = useChannel(name);
  const [theatre, toggleTheatre] = useTheatre();
  const [listsVersion, listsChanged] = useReducer((n: number) => n + 1, 0);
  const lists = useMediaLists(name, listsVersion);
  const channel = load.status === 'found' ? load.channel : null;
  const broadcastId = channel ? (channel.live?.broadcastId ?? null) : undefined;

  // A broadcast starting (a recording VOD) or ending changes the lists.
  const seenBroadcast = useRef(broadcastId);
  useEffect(() => {
    const before = seenBroadcast.current;
    seenBroadcast.current = broadcastId;
    if (before !== undefined && before !== broadcastId) listsChanged();
  }, [broadcastId]);
  // With each read of the channel, the lists are read again while they lag: the broadcast on air not listed yet (it
  // is, once its first segment is archived), or off air with the last broadcast still listed as recording.
  const reads = load.status === 'found' ? load.reads : 0;
  const vods = lists.vods.items;
  const lagging =
    vods !== null &&
    (broadcastId ? !vods.some((v) => v.id === broadcastId) : broadcastId === null && vods[0]?.state === 'recording');
  // A broadcast never archived (the demo) would lag for ever: a minute of tries per broadcast is enough.
  const lagTries = useRef({ broadcastId, tries: 0 });
  useEffect(() => {
    if (lagTries.current.broadcastId !== broadcastId) lagTries.current = { broadcastId, tries: 0 };
    if (reads > 0 && lagging && lagTries.current.tries < MAX_LAG_TRIES) {
      lagTries.current.tries++;
      listsChanged();
    }
  }, [reads, lagging, broadcastId]);

  if (load.status === 'missing') return <NoSuchChannel name={name} />;
  if (load.status === 'unreachable') return <RetryState message={load.message} onRetry={() => void refresh()} />;

  const displayName = channel?.displayName || name;
  return (
    <div id="watch" className={`watch-layout${theatre ? ' theatre' : ''}`}>
      <title>{`${displayName} · Glint`}</title>
      <div className="watch-player">
        <LivePlayer
          channel={name}
          displayName={displayName}
          broadcastId={broadcastId}
          theatre={theatre}
          onTheatre={toggleTheatre}
          onListsChanged={listsChanged}
          offline={<OfflinePanel name={displayName} latestVod={lists.vods.items?.[0] ?? null} />}
        />
      </div>
      <div className="watch-info">
        {channel ? (
          <ChannelHeader channel={channel} onChanged={refresh} />
        ) : (
          <header className="channel-header">
            <h1 className="channel-name">{name}</h1>
          </header>
        )}
        <ShortcutsHelp />
      </div>
      <div className="watch-chat">
        <ChatPanel channel={name} />
      </div>
      <div className="watch-lists">
        <section aria-labelledby="vods-heading">
          <h2 id="vods-heading">Past broadcasts</h2>
          <CardList
            id="vods"
            labelledBy="vods-heading"
            items={lists.vods.items}
            error={lists.vods.error}
            empty="No past broadcasts yet."
            card={(vod) => <VodCard key={vod.id} vod={vod} />}
          />
        </section>
        <section aria-labelledby="clips-heading">
          <h2 id="clips-heading">Clips</h2>
          <CardList
            id="clips"
            labelledBy="clips-heading"
            items={lists.clips.items}
            error={lists.clips.error}
            empty="No clips yet."
            card={(clip) => <ClipCard key={clip.id} clip={clip} />}
          />
        </section>
      </div>
    </div>
  );
}
