import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { CLIP_STATUS_TEXT } from '../../pages/shared/clip-maker.ts';
import { formatClock } from '../../pages/shared/format.ts';
import type { ClipItem } from '../../pages/shared/types.ts';
import { api, errorText } from '../api.ts';
import { RetryState } from '../components/retry-state.tsx';
import { useMe } from '../session.tsx';
import { MEDIA_ID } from './media/media-ids.ts';
import { MediaNotFound } from './media/media-not-found.tsx';
import { ShareBox } from './media/share-box.tsx';
import { useClipPoll } from './media/use-clip-poll.ts';
import './media/media-page.css';

/** /clip/<clipId>: one clip. */
export function ClipPage({ params }: { readonly params: { readonly id: string } }) {
  if (!MEDIA_ID.test(params.id)) return <MediaNotFound kind="clip" />;
  return <ClipView key={params.id} id={params.id} />;
}

/**
 * While the clip is queued or being made the page follows it (each second) and says so; then the MP4 in a plain
 * <video controls> with its JPEG poster, the facts, a share link, a download, and Delete for the channel's owner.
 */
function ClipView({ id }: { readonly id: string }) {
  const [attempt, setAttempt] = useState(0);
  const state = useClipPoll(id, attempt);
  const me = useMe();
  const [deleted, setDeleted] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const clip = state.status === 'clip' ? state.clip : null;

  useEffect(() => {
    if (clip) document.title = `${clip.title || 'Clip'} · ${clip.channel} · Glint`;
  }, [clip]);

  if (state.status === 'missing') return <MediaNotFound kind="clip" />;
  if (state.status === 'failed') return <RetryState message={state.message} onRetry={() => setAttempt((n) => n + 1)} />;
  if (state.status === 'loading' || !clip) {
    return (
      <article className="media-page" aria-busy="true">
        <div className="making" role="status">
          <progress aria-label="Clip progress" />
          <span>Loading the clip…</span>
        </div>
      </article>
    );
  }

  const waiting = clip.status === 'queued' || clip.status === 'making';
  const error = deleted
    ? 'This clip was deleted.'
    : clip.status === 'failed'
      ? `${CLIP_STATUS_TEXT.failed} ${clip.error ?? 'unknown error'}`
      : state.gaveUp
        ? 'The clip is still not made; reload this page later.'
        : deleteError;

  async function deleteClip(item: ClipItem) {
    if (!confirm(`Delete the clip "${item.title || 'Untitled clip'}" for good?`)) return;
    setDeleting(true);
    try {
      await api<void>(`/api/clips/${encodeURIComponent(item.id)}`, { method: 'DELETE' });
      setDeleted(true);
    } catch (e) {
      setDeleteError(`Not deleted: ${errorText(e)}`);
    } finally {
      setDeleting(false);
    }
  }

  return (
    <article className="media-page" id="clip-page" data-status={deleted ? 'deleted' : clip.status}>
      {waiting && !state.gaveUp && !deleted && (
        <div id="making" className="making" role="status">
          <progress aria-label="Clip progress" />
          <span id="making-text">{CLIP_STATUS_TEXT[clip.status]}</span>
          {state.trouble && <span className="muted">Connection trouble ({state.trouble}); still trying.</span>}
        </div>
      )}
      {clip.status === 'ready' && clip.videoUrl && !deleted && (
        <video
          id="video"
          controls
          playsInline
          preload="metadata"
          aria-label="Clip video"
          src={clip.videoUrl}
          {...(clip.thumbnailUrl ? { poster: clip.thumbnailUrl } : {})}
        />
      )}
      {(clip.status === 'failed' || deleted || state.gaveUp) && (
        <div className="media-video-placeholder">{deleted ? 'Deleted' : 'No video'}</div>
      )}
      <h1 id="title">{clip.title || 'Untitled clip'}</h1>
      <p className="facts">
        <Link id="channel-link" href={`/watch/${encodeURIComponent(clip.channel)}`}>
          {clip.channel}
        </Link>{' '}
        ·{' '}
        <span id="range">
          {formatClock(clip.startSec)}–{formatClock(clip.startSec + clip.durationSec)} ({Math.round(clip.durationSec)}{' '}
          s)
        </span>{' '}
        ·{' '}
        <Link id="vod-link" href={`/vod/${encodeURIComponent(clip.broadcastId)}?t=${Math.floor(clip.startSec)}`}>
          the whole broadcast
        </Link>
      </p>
      <p id="error" className="status-line" role="alert" hidden={!error}>
        {error}
      </p>
      <ShareBox url={`${location.origin}/clip/${encodeURIComponent(clip.id)}`}>
        {clip.status === 'ready' && clip.videoUrl && !deleted && (
          <a id="download" className="button" href={clip.videoUrl} download={`${clip.channel}-${clip.id}.mp4`}>
            Download MP4
          </a>
        )}
      </ShareBox>
      {me?.channel?.name === clip.channel && !deleted && !waiting && (
        <div className="tools">
          <button
            id="delete"
            type="button"
            className="danger"
            disabled={deleting}
            onClick={() => void deleteClip(clip)}
          >
            Delete this clip
          </button>
        </div>
      )}
    </article>
  );
}
