/**
 * One LL-HLS player: hls.js in low-latency mode on the channel's live playlist, saying when it is playing, when it
 * is in trouble (the caller retries) and when the broadcast ended (ENDLIST: hls.js plays what is left and stops).
 */
import type { HlsConstructor, HlsInstance } from '../../../hls/hls-player.ts';
import { startHls } from '../../../hls/hls-player.ts';

export interface LiveHlsHandlers {
  /** The multivariant playlist is in: playback can start. */
  onLive(): void;
  /** A fatal error; the instance is done. `status` says it for the viewer. */
  onTrouble(status: string): void;
  /** The media playlist ended (ENDLIST). */
  onEnded(): void;
}

export function startLiveHls(
  Hls: HlsConstructor,
  video: HTMLVideoElement,
  src: string,
  handlers: LiveHlsHandlers,
): HlsInstance {
  const hls = startHls(Hls, video, src, {
    onManifest: () => handlers.onLive(),
    onFatal: (data) =>
      handlers.onTrouble(
        // A network error is most often the stream not being there (yet): 404 on the playlist.
        data.type === 'networkError' ? 'offline — waiting for the stream' : `error: ${data.details} — retrying`,
      ),
  });
  hls.on(Hls.Events.LEVEL_LOADED, (_event, data) => {
    if (!data.details.live) handlers.onEnded();
  });
  return hls;
}
