import { useEffect, useRef, useState } from 'react';
import { type HlsInstance, startHls } from '../../../hls/hls-player.ts';

/** A player that failed (the playlist not there yet, a network blip) starts again after this long. */
const RETRY_MS = 2000;

/**
 * The streamer's own live stream, small and muted: LL-HLS through hls.js (its own chunk, loaded when the channel is
 * live), started again after a failure for as long as the channel is live.
 */
export function LivePreview({ channel }: { readonly channel: string }) {
  const video = useRef<HTMLVideoElement>(null);
  const [status, setStatus] = useState('Starting the preview…');

  useEffect(() => {
    const element = video.current;
    if (!element) return;
    let stopped = false;
    let hls: HlsInstance | null = null;
    let retry: ReturnType<typeof setTimeout> | undefined;
    const src = `/live/${channel}/index.m3u8`;
    const again = (why: string) => {
      hls?.destroy();
      hls = null;
      setStatus(`${why}; trying again…`);
      retry = setTimeout(() => void start(), RETRY_MS);
    };
    const start = async () => {
      let Hls: Awaited<typeof import('hls.js')>['default'];
      try {
        Hls = (await import('hls.js')).default;
      } catch {
        if (!stopped) again('The player could not be loaded');
        return;
      }
      if (stopped) return;
      if (!Hls.isSupported()) {
        // Safari plays LL-HLS itself.
        element.src = src;
        void element.play().catch(() => undefined);
        setStatus('');
        return;
      }
      hls = startHls(Hls, element, src, {
        onManifest: () => {
          setStatus('');
          void element.play().catch(() => undefined);
        },
        onFatal: (data) => {
          if (!stopped) again(data.details === 'manifestLoadError' ? 'The stream is starting' : 'Playback stopped');
        },
      });
    };
    void start();
    return () => {
      stopped = true;
      clearTimeout(retry);
      hls?.destroy();
      element.removeAttribute('src');
      element.load();
    };
  }, [channel]);

  return (
    <figure className="preview">
      <video
        ref={video}
        muted
        playsInline
        autoPlay
        controls
        aria-label="Live preview of your stream (muted)"
        data-testid="preview"
      />
      <figcaption className="muted" role="status">
        {status || 'Preview, muted: what your viewers see, about a second behind.'}
      </figcaption>
    </figure>
  );
}
