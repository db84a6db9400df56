import type { ReactNode } from 'react';
import { CLIP_STATUS_TEXT } from '../../../pages/shared/clip-maker.ts';
import type { ClipProgress } from './use-clip-maker.ts';

/** Where a clip being made stands (a status region), and once ready a link to its page. */
export function ClipStatus({ progress }: { readonly progress: ClipProgress }) {
  let status = '';
  let clipId = '';
  let body: ReactNode = null;
  switch (progress.step) {
    case 'idle':
      break;
    case 'asking':
      status = 'asking';
      body = 'Asking for a clip…';
      break;
    case 'refused':
      status = 'refused';
      body = `No clip: ${progress.reason}`;
      break;
    case 'slow':
      status = progress.clip.status;
      clipId = progress.clip.id;
      body = (
        <>
          The clip is taking too long; its page will show it when it is done.{' '}
          <a href={progress.clip.pageUrl}>Clip page</a>
        </>
      );
      break;
    case 'clip': {
      const { clip } = progress;
      status = clip.status;
      clipId = clip.id;
      if (clip.status === 'ready') {
        body = (
          <>
            {CLIP_STATUS_TEXT.ready} <a href={clip.pageUrl}>{clip.title || 'your clip'}</a>
          </>
        );
      } else if (clip.status === 'failed') {
        body = `${CLIP_STATUS_TEXT.failed} ${clip.error ?? 'unknown error'}`;
      } else {
        body = <span className="spinner-text">{CLIP_STATUS_TEXT[clip.status]}</span>;
      }
      break;
    }
  }
  return (
    <p
      id="clip-status"
      className="status-line muted"
      role="status"
      {...(status ? { 'data-clip-status': status } : {})}
      {...(clipId ? { 'data-clip-id': clipId } : {})}
    >
      {body}
    </p>
  );
}
