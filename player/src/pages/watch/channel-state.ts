/**
 * Whether the channel is on air, from the platform (GET /api/channels/<ch>) every few seconds: the player alone
 * cannot tell (in DVR it plays the archive; after ENDLIST hls.js simply stops loading). Calls `onChange` with the
 * broadcast on air (its id) or null, on every change; an unreachable API changes nothing.
 */
import { api } from '../shared/api.ts';

const POLL_MS = 5000;

interface ChannelReply {
  readonly live: { readonly broadcastId: string } | null;
}

export function watchChannelState(channel: string, onChange: (broadcastId: string | null) => void): void {
  let known: string | null | undefined;
  const poll = async () => {
    try {
      const reply = await api<ChannelReply>(`/api/channels/${encodeURIComponent(channel)}`);
      const now = reply.live?.broadcastId ?? null;
      if (now !== known) {
        known = now;
        onChange(now);
      }
    } catch {
      // No API on this origin (a bare packager test server) or a blip: the player's own state stands.
    }
    setTimeout(poll, POLL_MS);
  };
  void poll();
}
