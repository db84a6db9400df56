import { memo } from 'react';
import type { LogItem } from './chat-log.ts';
import type { Badge, ModAction } from './chat-protocol.ts';
import { messageParts, nameHue } from './message-parts.ts';
import { ModTools } from './mod-tools.tsx';

export interface ModPowers {
  /** The viewer moderates this room. */
  readonly active: boolean;
  /** The viewer is the broadcaster (may act on moderators). */
  readonly broadcaster: boolean;
  readonly login: string;
}

interface ChatLineProps {
  readonly item: LogItem;
  readonly urlOf: (id: string) => string;
  readonly mod: ModPowers;
  readonly menuOpen: boolean;
  readonly onMenu: (key: string | null) => void;
  readonly onModerate: (action: ModAction) => void;
}

const REMOVED_TEXT = {
  deleted: 'message deleted by a moderator',
  'timed-out': 'message removed: the sender was timed out',
  banned: 'message removed: the sender was banned',
} as const;

/** One line of the chat: a notice, or a message with its badges, name, text and emotes (text as text, never HTML). */
export const ChatLine = memo(function ChatLine({ item, urlOf, mod, menuOpen, onMenu, onModerate }: ChatLineProps) {
  if (item.kind === 'notice') return <li className="chat-notice">{item.text}</li>;
  const { event, removed } = item;
  const { user } = event;
  const name =
    user.displayName.toLowerCase() === user.login.toLowerCase()
      ? user.displayName
      : `${user.displayName} (${user.login})`;
  const isBroadcaster = user.badges.some((b) => b.kind === 'broadcaster');
  const isModerator = user.badges.some((b) => b.kind === 'moderator');
  const own = user.login.toLowerCase() === mod.login.toLowerCase();
  const showTools = mod.active && !own;
  return (
    <li className={`chat-line${removed ? ' chat-line-removed' : ''}`} data-id={event.id} data-login={user.login}>
      {user.badges.map((badge) => (
        <BadgeMark key={badge.kind} badge={badge} />
      ))}
      <span className={`chat-name name-${nameHue(user.login)}`}>{name}</span>
      <span aria-hidden="true">: </span>
      {removed ? (
        <em className="chat-removed">{REMOVED_TEXT[removed]}</em>
      ) : (
        <span className="chat-text">
          {messageParts(event.text, event.emotes, urlOf).map((part, i) =>
            part.kind === 'text' ? (
              // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one message never reorder.
              <span key={i}>{part.text}</span>
            ) : (
              // biome-ignore lint/suspicious/noArrayIndexKey: the parts of one message never reorder.
              <img key={i} className="emote" src={part.url} alt={part.code} title={part.code} width={28} height={28} />
            ),
          )}
        </span>
      )}
      {showTools && (
        <ModTools
          messageKey={item.key}
          messageId={event.id}
          name={user.displayName}
          login={user.login}
          removed={removed !== null}
          // The broadcaster is beyond anyone's reach; a moderator only the broadcaster's.
          canRestrict={!isBroadcaster && (!isModerator || mod.broadcaster)}
          open={menuOpen}
          onMenu={onMenu}
          onModerate={onModerate}
        />
      )}
    </li>
  );
});

const BADGE_MARKS: Record<Badge['kind'], { glyph: string; label: string }> = {
  broadcaster: { glyph: '▶', label: 'Broadcaster' },
  moderator: { glyph: '⚔', label: 'Moderator' },
  vip: { glyph: '◆', label: 'VIP' },
  subscriber: { glyph: '★', label: 'Subscriber' },
};

function BadgeMark({ badge }: { readonly badge: Badge }) {
  const mark = BADGE_MARKS[badge.kind];
  const label =
    badge.kind === 'subscriber'
      ? `Subscriber, ${badge.months} month${badge.months === 1 ? '' : 's'}${badge.tier > 1 ? `, tier ${badge.tier}` : ''}`
      : mark.label;
  return (
    <span className={`chat-badge chat-badge-${badge.kind}`} role="img" aria-label={label} title={label}>
      <span aria-hidden="true">{mark.glyph}</span>
    </span>
  );
}
