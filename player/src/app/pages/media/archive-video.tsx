import { type RefObject, useEffect, useRef } from 'react';
import type { HlsConstructor, HlsInstance } from '../../../hls/hls-player.ts';
import { startArchiveHls } from '../../../pages/shared/archive-player.ts';
import { loadHls } from '../../components/player/load-hls.ts';

export interface ArchiveVideoProps {
  /** A VOD playlist (or a recording broadcast's growing EVENT playlist). */
  readonly src: string;
  readonly poster: string | null;
  readonly startSec: number;
  readonly label: string;
  /** The player started (hls.js loaded on demand), or went away (null). */
  readonly onPlayer: (player: { readonly Hls: HlsConstructor; readonly hls: HlsInstance } | null) => void;
  readonly onError: (message: string) => void;
  readonly videoRef: RefObject<HTMLVideoElement | null>;
}

/** A past broadcast in hls.js (no low-latency mode: the viewer chose where to be), from `startSec`. */
export function ArchiveVideo({ src, poster, startSec, label, onPlayer, onError, videoRef }: ArchiveVideoProps) {
  // The callbacks change with every render of the page; the player must not restart with them.
  const events = useRef({ onPlayer, onError });
  events.current = { onPlayer, onError };
  const start = useRef(startSec);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let hls: HlsInstance | null = null;
    let gone = false;
    loadHls().then(
      (Hls) => {
        if (gone) return;
        if (!Hls.isSupported()) {
          events.current.onError('This browser cannot play HLS with MediaSource.');
          return;
        }
        hls = startArchiveHls(Hls, video, src, {
          startSec: start.current,
          onFatal: (data) => events.current.onError(`Playback failed (${data.details}); reload to try again.`),
        });
        events.current.onPlayer({ Hls, hls });
      },
      (error: unknown) => {
        console.error('hls.js could not be loaded', error);
        if (!gone) events.current.onError('The player could not be loaded; reload to try again.');
      },
    );
    return () => {
      gone = true;
      hls?.destroy();
      events.current.onPlayer(null);
    };
  }, [src, videoRef]);

  return (
    <video
      id="video"
      ref={videoRef}
      controls
      playsInline
      preload="metadata"
      aria-label={label}
      {...(poster ? { poster } : {})}
    />
  );
}
