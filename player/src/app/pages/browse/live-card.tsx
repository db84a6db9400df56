import { useId, useState } from 'react';
import { Link } from 'wouter';
import { type LiveCardData, liveForText, thumbnailUrl, viewersText } from './live-channels.ts';

/**
 * One live channel: a link to its watch page (named by the channel, described by its title and facts) with its
 * picture, LIVE, the viewer count, the title and the category. A picture that cannot be had (a broadcast that just
 * started) is a placeholder until the next minute's URL.
 */
export function LiveCard({ card, readAtMs }: { readonly card: LiveCardData; readonly readAtMs: number }) {
  const id = useId();
  const src = thumbnailUrl(card, readAtMs);
  const [failedSrc, setFailedSrc] = useState<string | null>(null);
  const viewers = viewersText(card.live.viewers);
  return (
    <li className="live-card" data-channel={card.name}>
      <Link
        href={`/watch/${encodeURIComponent(card.name)}`}
        className="live-card-link"
        aria-labelledby={`${id}-name`}
        aria-describedby={`${id}-title ${id}-facts`}
      >
        <span className="live-card-media">
          {failedSrc === src ? (
            <span className="live-card-placeholder" aria-hidden="true">
              {card.displayName.slice(0, 1).toUpperCase()}
            </span>
          ) : (
            <img src={src} alt="" width={640} height={360} loading="lazy" onError={() => setFailedSrc(src)} />
          )}
          <span className="live-card-badge" aria-hidden="true">
            LIVE
          </span>
          <span className="live-card-viewers" aria-hidden="true">
            {viewers}
          </span>
        </span>
        <span className="live-card-text">
          <strong className="live-card-name" id={`${id}-name`}>
            {card.displayName}
          </strong>
          <span className="live-card-title" id={`${id}-title`} title={card.title}>
            {card.title || 'Untitled broadcast'}
          </span>
          <span className="live-card-facts" id={`${id}-facts`}>
            {card.category || 'No category'} · <span className="live-card-count">{viewers}</span> · live{' '}
            {liveForText(card.live.startedAt, readAtMs)}
          </span>
        </span>
      </Link>
    </li>
  );
}
