import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'wouter';
import { useSession } from '../../session.tsx';
import { useAnnouncer } from './announce.ts';
import { ChatComposer } from './chat-composer.tsx';
import { ChatLine, type ModPowers } from './chat-message.tsx';
import type { MessageEvent, ModAction } from './chat-protocol.ts';
import { formatWait } from './countdown.ts';
import { useFollowScroll } from './follow-scroll.ts';
import { canModerate, modeHint, modeLabels } from './room-modes.ts';
import { useChat } from './use-chat.ts';
import { useEmotes } from './use-emotes.ts';
import { useNow } from './use-now.ts';
import './chat-panel.css';

/**
 * A channel's chat room (chat/PROTOCOL.md over /chat): read by anyone, written by signed-in users. Messages with
 * badges and emote images, the room's modes, a countdown while the user must wait, mod tools on each message for the
 * broadcaster and moderators, and a reconnect that resumes from the last message seen.
 */
export function ChatPanel({ channel }: { readonly channel: string }) {
  const emotes = useEmotes(channel);
  const announcer = useAnnouncer();
  const list = useRef<HTMLOListElement>(null);
  const followRef = useRef<(count: number) => void>(() => {});
  const onAdded = useCallback(
    (messages: readonly MessageEvent[], history: boolean) => {
      followRef.current(messages.length);
      if (!history) announcer.heard(messages);
    },
    [announcer.heard],
  );
  const chat = useChat(channel, onAdded);
  const follow = useFollowScroll(list, chat.log.items);
  followRef.current = follow.onAdded;
  const [menuFor, setMenuFor] = useState<string | null>(null);

  // The chat server reads the session once, at connection: signing in or out here needs a new socket.
  const { session } = useSession();
  const sessionLogin =
    session.status === 'signed-in' ? session.me.user.login : session.status === 'anonymous' ? null : undefined;
  const chatLogin = chat.me === undefined ? undefined : (chat.me?.login ?? null);
  const { renew } = chat;
  // Once per change of session: if the server still disagrees (a session it could not read), that is not a loop.
  const renewedFor = useRef<string | null | undefined>(undefined);
  useEffect(() => {
    if (sessionLogin === undefined || chatLogin === undefined || renewedFor.current === sessionLogin) return;
    if (sessionLogin?.toLowerCase() === chatLogin?.toLowerCase()) return;
    renewedFor.current = sessionLogin;
    renew();
  }, [sessionLogin, chatLogin, renew]);

  const me = chat.me;
  const mod = useMemo<ModPowers>(
    () => ({
      active: canModerate(chat.roles),
      broadcaster: chat.roles.includes('broadcaster'),
      login: me?.login ?? '',
    }),
    [chat.roles, me],
  );
  const { moderate } = chat;
  const onModerate = useCallback((action: ModAction) => void moderate(action), [moderate]);
  const settings = chat.log.settings;
  const modes = settings ? modeLabels(settings) : [];
  const subscriberEmotes = chat.roles.includes('subscriber') || mod.active;
  const choices = useMemo(
    () => emotes.choices.filter((e) => !e.subscriberOnly || subscriberEmotes),
    [emotes.choices, subscriberEmotes],
  );

  return (
    <aside id="chat" className="chat-panel" aria-label={`${channel} chat`}>
      <header className="chat-header">
        <h2>Chat</h2>
        <span className="chat-counts muted">
          {chat.counts ? `${chat.counts.chatters.toLocaleString('en')} in chat` : ''}
        </span>
      </header>
      {modes.length > 0 && (
        <ul className="chat-modes" aria-label="Chat modes">
          {modes.map((label) => (
            <li key={label}>{label}</li>
          ))}
        </ul>
      )}
      <div className="chat-log-box">
        <ol
          ref={list}
          className="chat-log"
          aria-label="Chat messages"
          // A scrollable region a keyboard can reach; new lines are summarised in the live region below.
          // biome-ignore lint/a11y/noNoninteractiveTabindex: the list scrolls, and must be reachable to scroll it.
          tabIndex={0}
          onScroll={follow.onScroll}
        >
          {chat.log.items.map((item) => (
            <ChatLine
              key={item.key}
              item={item}
              urlOf={emotes.urlOf}
              mod={mod}
              menuOpen={menuFor === item.key}
              onMenu={setMenuFor}
              onModerate={onModerate}
            />
          ))}
        </ol>
        {follow.paused && (
          <button type="button" className="chat-more" onClick={follow.jumpToEnd}>
            {follow.unseen > 0 ? `More messages below (${follow.unseen})` : 'Back to the newest messages'}
          </button>
        )}
      </div>
      <p className="visually-hidden" aria-live="polite">
        {announcer.text}
      </p>
      <ChatStatus chat={chat} />
      {me && (
        <ChatComposer
          block={chat.block}
          notice={chat.notice}
          refused={chat.refused}
          hint={modeHint(settings, chat.roles)}
          emotes={choices}
          onSend={chat.send}
        />
      )}
    </aside>
  );
}

/** How the connection is, and for an anonymous viewer the way to sign in (back to this page). */
function ChatStatus({ chat }: { readonly chat: ReturnType<typeof useChat> }) {
  const { connection, me, roomError } = chat;
  const waiting = connection.status === 'waiting';
  const now = useNow(waiting, 250);
  // Signed in and connected: nothing to say (the line hides itself).
  let content: ReactNode;
  if (roomError) content = roomError;
  else if (waiting) {
    content = (
      <>
        Chat disconnected; reconnecting
        {/* The live region says it once; the seconds are for the eye. */}
        <span aria-hidden="true"> in {formatWait(connection.retryAtMs - now)}</span>…{' '}
        <button type="button" className="link-button" onClick={chat.reconnectNow}>
          Reconnect now
        </button>
      </>
    );
  } else if (me === undefined) content = 'Connecting to chat…';
  else if (me === null) {
    const next = `${location.pathname}${location.search}`;
    content = (
      <>
        <Link href={`/signin?next=${encodeURIComponent(next)}`}>Sign in to chat</Link>. Anyone can read.
      </>
    );
  } else content = null;
  return (
    <p className="chat-status" role="status">
      {content}
    </p>
  );
}
