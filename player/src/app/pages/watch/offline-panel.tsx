import { formatClock, formatDate } from '../../../pages/shared/format.ts';
import type { VodItem } from '../../../pages/shared/types.ts';

/** Over the video while the channel is offline: says so, and offers the latest past broadcast when there is one. */
export function OfflinePanel({ name, latestVod }: { readonly name: string; readonly latestVod: VodItem | null }) {
  return (
    <div id="offline" className="offline-message">
      <p className="offline-title">{name} is offline</p>
      {latestVod && (
        <p>
          Watch the latest broadcast:{' '}
          <a id="latest-vod" href={latestVod.pageUrl}>
            {latestVod.title || 'Untitled'}
          </a>{' '}
          <span className="muted">
            ({formatDate(latestVod.startedAt)}
            {latestVod.state === 'ready' ? `, ${formatClock(latestVod.durationSec)}` : ''})
          </span>
        </p>
      )}
      <p className="muted">The stream starts here by itself when {name} goes live.</p>
    </div>
  );
}
