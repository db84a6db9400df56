/** Who is on: the channel's name, live or offline, viewers, title, category, followers, and follow/subscribe. */
import { ChannelActions } from './channel-actions.tsx';
import type { ChannelView } from './use-channel.ts';

export interface ChannelHeaderProps {
  readonly channel: ChannelView;
  readonly onChanged: () => Promise<void>;
}

function count(n: number, one: string, many: string): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

export function ChannelHeader({ channel, onChanged }: ChannelHeaderProps) {
  const { live } = channel;
  return (
    <header className="channel-header">
      <div className="channel-line">
        <h1 className="channel-name">{channel.displayName || channel.name}</h1>
        <span id="channel-state" className={live ? 'state-pill live' : 'state-pill'}>
          {live ? 'LIVE' : 'OFFLINE'}
        </span>
        {live && (
          <span id="viewers" className="viewers" data-viewers={live.viewers}>
            {count(live.viewers, 'viewer', 'viewers')}
          </span>
        )}
      </div>
      <p id="channel-title" className="channel-title">
        {channel.title || 'Untitled broadcast'}
      </p>
      <p className="muted channel-facts">
        <span id="channel-category">{channel.category || 'No category'}</span> ·{' '}
        {count(channel.followers, 'follower', 'followers')}
      </p>
      <ChannelActions channel={channel} onChanged={onChanged} />
    </header>
  );
}
