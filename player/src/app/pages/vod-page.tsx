import { useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import type { HlsConstructor, HlsInstance } from '../../hls/hls-player.ts';
import { hlsQualityControl, type QualityControl } from '../../hls/quality-control.ts';
import { formatClock, formatDate } from '../../pages/shared/format.ts';
import type { VodItem } from '../../pages/shared/types.ts';
import { api, errorText } from '../api.ts';
import { ClipStatus } from '../components/player/clip-status.tsx';
import { QualityMenu } from '../components/player/quality-menu.tsx';
import { useClipMaker } from '../components/player/use-clip-maker.ts';
import { RetryState } from '../components/retry-state.tsx';
import { useMe } from '../session.tsx';
import { ArchiveVideo } from './media/archive-video.tsx';
import { CLIP_LENGTHS_SEC, clipWindow, startFromQuery, vodLinkAt } from './media/clip-window.ts';
import { MEDIA_ID } from './media/media-ids.ts';
import { MediaNotFound } from './media/media-not-found.tsx';
import { ShareBox } from './media/share-box.tsx';
import { useMediaItem } from './media/use-media-item.ts';
import { useVideoPosition } from './media/use-video-position.ts';
import './media/media-page.css';

/** /vod/<broadcastId>: a past broadcast (or one still recording). */
export function VodPage({ params }: { readonly params: { readonly id: string } }) {
  if (!MEDIA_ID.test(params.id)) return <MediaNotFound kind="vod" />;
  return <VodView key={params.id} id={params.id} />;
}

type PageGlobals = { glintPlayer?: object | undefined; hls?: HlsInstance | undefined };

/**
 * The broadcast in hls.js (a VOD playlist; while it is still on air a growing EVENT playlist, and the page says
 * "recording"), its facts, "Clip this" over the moments up to the position, a share link (optionally at the
 * position), the quality menu, and Delete for the channel's owner once it has ended.
 */
function VodView({ id }: { readonly id: string }) {
  const { state, reload } = useMediaItem<VodItem>(`/api/vods/${encodeURIComponent(id)}`);
  const me = useMe();
  const video = useRef<HTMLVideoElement>(null);
  const [player, setPlayer] = useState<{ Hls: HlsConstructor; hls: HlsInstance } | null>(null);
  const [quality, setQuality] = useState<QualityControl | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [deleted, setDeleted] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [lengthSec, setLengthSec] = useState<number>(30);
  const [shareAtTime, setShareAtTime] = useState(false);
  const clips = useClipMaker();
  const vod = state.status === 'ready' ? state.item : null;
  const position = useVideoPosition(video, vod !== null && !deleted);

  useEffect(() => {
    if (vod) document.title = `${vod.title || 'Past broadcast'} · ${vod.channel} · Glint`;
  }, [vod]);

  // What tests and the console read: the hls.js instance and the VOD.
  useEffect(() => {
    const globals = window as unknown as PageGlobals;
    const exposed = { hls: player?.hls ?? null, vod };
    globals.glintPlayer = exposed;
    globals.hls = player?.hls;
    if (!player) return;
    const control = hlsQualityControl(player.Hls, player.hls);
    setQuality(control);
    return () => {
      control.detach();
      setQuality(null);
      if (globals.glintPlayer === exposed) globals.glintPlayer = undefined;
    };
  }, [player, vod]);

  if (state.status === 'missing') return <MediaNotFound kind="vod" />;
  if (state.status === 'failed') return <RetryState message={state.message} onRetry={reload} />;
  if (!vod) {
    return (
      <article className="media-page" aria-busy="true">
        <div className="media-video-placeholder" />
        <p className="muted">Loading the broadcast…</p>
      </article>
    );
  }

  const recording = vod.state === 'recording';
  const knownSec = Number.isFinite(position.durationSec) ? position.durationSec : vod.durationSec;
  const range = clipWindow(lengthSec, position.currentSec, knownSec);
  const owner = me?.channel?.name === vod.channel;

  async function deleteVod(item: VodItem) {
    if (!confirm(`Delete "${item.title || 'this broadcast'}" for good?`)) return;
    setDeleting(true);
    try {
      await api<void>(`/api/vods/${encodeURIComponent(item.id)}`, { method: 'DELETE' });
      setDeleted(true);
      setError('This broadcast was deleted.');
    } catch (e) {
      setError(`Not deleted: ${errorText(e)}`);
    } finally {
      setDeleting(false);
    }
  }

  return (
    <article className="media-page" data-vod-id={vod.id} data-state={deleted ? 'deleted' : vod.state}>
      {deleted ? (
        <div className="media-video-placeholder">This broadcast was deleted.</div>
      ) : (
        <ArchiveVideo
          src={vod.playlistUrl}
          poster={vod.thumbnailUrl}
          startSec={startFromQuery(location.search)}
          label="Past broadcast video"
          videoRef={video}
          onPlayer={setPlayer}
          onError={setError}
        />
      )}
      <div className="bar">
        <span id="state" role="status" className={recording && !deleted ? 'badge-recording' : 'muted'}>
          {deleted ? 'deleted' : recording ? '● recording, rewind available' : 'past broadcast'}
        </span>
        {!deleted && <QualityMenu control={quality} />}
      </div>
      <h1 id="title">{vod.title || 'Untitled broadcast'}</h1>
      <p className="facts">
        <Link id="channel-link" href={`/watch/${encodeURIComponent(vod.channel)}`}>
          {vod.channel}
        </Link>{' '}
        · <span id="date">{formatDate(vod.startedAt)}</span> · <span id="duration">{formatClock(knownSec)}</span>
      </p>
      <p id="error" className="status-line" role="alert" hidden={!error}>
        {error}
      </p>
      {!deleted && (
        <>
          <fieldset className="tools">
            <legend className="visually-hidden">Clip this broadcast</legend>
            <label>
              length{' '}
              <select id="clip-length" value={lengthSec} onChange={(e) => setLengthSec(Number(e.target.value))}>
                {CLIP_LENGTHS_SEC.map((sec) => (
                  <option key={sec} value={sec}>
                    {sec} s
                  </option>
                ))}
              </select>
            </label>
            <button
              id="clip"
              type="button"
              aria-describedby="clip-range"
              disabled={clips.busy}
              onClick={() => void clips.make({ broadcastId: vod.id, ...range })}
            >
              Clip this
            </button>
            <span id="clip-range" className="muted">
              {formatClock(range.startSec)}–{formatClock(range.endSec)}
            </span>
          </fieldset>
          <ClipStatus progress={clips.progress} />
        </>
      )}
      <ShareBox url={vodLinkAt(location.origin, vod.id, shareAtTime ? position.currentSec : null)}>
        <label className="share-at">
          <input type="checkbox" checked={shareAtTime} onChange={(e) => setShareAtTime(e.target.checked)} /> at{' '}
          {formatClock(position.currentSec)}
        </label>
      </ShareBox>
      {owner && !recording && !deleted && (
        <div className="tools">
          <button id="delete" type="button" className="danger" disabled={deleting} onClick={() => void deleteVod(vod)}>
            Delete this broadcast
          </button>
        </div>
      )}
    </article>
  );
}
