/** A channel's chat room (chat/PROTOCOL.md over /chat): read by anyone, written by signed-in users. */
export function ChatPanel({ channel }: { readonly channel: string }) {
  return <aside id="chat" aria-label={`${channel} chat`} />;
}
