/**
 * A channel's past broadcasts and clips as cards: a thumbnail (a placeholder when there is none or it fails to
 * load), the title, the date and the length, a "recording" badge for a broadcast still on air. Links are plain
 * <a href>: the VOD and clip pages load as pages of their own.
 */
import { type ReactNode, useState } from 'react';
import { formatClock, formatDate } from '../../pages/shared/format.ts';
import type { ClipItem, VodItem } from '../../pages/shared/types.ts';

function Thumbnail({ url }: { readonly url: string | null }) {
  const [failed, setFailed] = useState(false);
  if (!url || failed) {
    return (
      <span className="no-thumb" aria-hidden="true">
        no preview
      </span>
    );
  }
  // A VOD without archived video yet has no picture: the placeholder rather than a broken image.
  return <img src={url} alt="" loading="lazy" width={160} height={90} onError={() => setFailed(true)} />;
}

function CardBody({ title, facts, badge }: { title: string; facts: readonly string[]; badge?: string }) {
  return (
    <span className="card-text">
      <strong>{title || 'Untitled'}</strong>
      <span className="muted">
        {badge && (
          <>
            <span className="badge-recording">{badge}</span> ·{' '}
          </>
        )}
        {facts.join(' · ')}
      </span>
    </span>
  );
}

export function VodCard({ vod }: { readonly vod: VodItem }) {
  const recording = vod.state === 'recording';
  // A recording's length is out of date as soon as the list is drawn.
  const facts = recording ? [formatDate(vod.startedAt)] : [formatDate(vod.startedAt), formatClock(vod.durationSec)];
  return (
    <li data-vod-id={vod.id} data-state={vod.state}>
      <a href={vod.pageUrl}>
        <Thumbnail url={vod.thumbnailUrl} />
        <CardBody title={vod.title} facts={facts} {...(recording ? { badge: '● recording' } : {})} />
      </a>
    </li>
  );
}

export function ClipCard({ clip }: { readonly clip: ClipItem }) {
  const facts = [formatDate(clip.createdAt), `${Math.round(clip.durationSec)} s`];
  if (clip.status !== 'ready') facts.unshift(clip.status);
  return (
    <li data-clip-id={clip.id} data-status={clip.status}>
      <a href={clip.pageUrl}>
        <Thumbnail url={clip.status === 'ready' ? clip.thumbnailUrl : null} />
        <CardBody title={clip.title} facts={facts} />
      </a>
    </li>
  );
}

export interface CardListProps<T> {
  readonly id: string;
  /** null while loading. */
  readonly items: readonly T[] | null;
  /** Why the list could not be read, or null. */
  readonly error: string | null;
  readonly empty: string;
  readonly labelledBy: string;
  readonly card: (item: T) => ReactNode;
}

/** A list of cards, or what stands in its place: loading, empty, or why it could not be read. */
export function CardList<T>({ id, items, error, empty, labelledBy, card }: CardListProps<T>) {
  const note = error ? `Could not load this list (${error}).` : items === null ? 'loading…' : items.length ? '' : empty;
  return (
    <ul id={id} className="cards" aria-labelledby={labelledBy} aria-busy={items === null && !error}>
      {note ? <li className="muted">{note}</li> : items?.map(card)}
    </ul>
  );
}
