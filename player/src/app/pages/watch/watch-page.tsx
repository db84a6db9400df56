import { ChatPanel } from '../../components/chat/chat-panel.tsx';

/** /watch/<channel>: the player, the channel's state and its chat. */
export function WatchPage({ params }: { readonly params: { readonly channel: string } }) {
  return (
    <div className="watch-layout">
      <h1>{params.channel}</h1>
      <ChatPanel channel={params.channel} />
    </div>
  );
}
