import { type CSSProperties, useEffect, useId, useRef, useState } from 'react';
import { Link } from 'wouter';
import { formatDate } from '../../../pages/shared/format.ts';
import { useSession } from '../../session.tsx';
import { useNotifications } from './use-notifications.ts';
import './notifications.css';

function BellIcon() {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
      <path
        fill="currentColor"
        d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
      />
    </svg>
  );
}

/**
 * The signed-in user's bell in the header: the unread count, and a panel listing the newest notifications (a
 * followed channel went live), each a link to the channel that marks it read. Fed live by the push channel.
 */
export function NotificationBell() {
  const { refresh } = useSession();
  const view = useNotifications(refresh);
  const [open, setOpen] = useState(false);
  /** Where the panel starts on a phone (fixed, under the bell, whatever height the header wrapped to). */
  const [panelTop, setPanelTop] = useState(56);
  const panelId = useId();
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  // Closed by Escape (focus back on the bell) and by a click or focus anywhere outside; placed again on a resize.
  useEffect(() => {
    if (!open) return;
    const place = () => setPanelTop(Math.round((button.current?.getBoundingClientRect().bottom ?? 48) + 8));
    place();
    window.addEventListener('resize', place);
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      button.current?.focus();
    };
    const onOutside = (event: Event) => {
      if (root.current && !root.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onOutside);
    document.addEventListener('focusin', onOutside);
    return () => {
      window.removeEventListener('resize', place);
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onOutside);
      document.removeEventListener('focusin', onOutside);
    };
  }, [open]);

  const label = view.unread === 0 ? 'Notifications, none unread' : `Notifications, ${view.unread} unread`;
  return (
    <div className="bell" ref={root} data-testid="bell" data-phase={view.phase} data-unread={view.unread}>
      <button
        ref={button}
        type="button"
        className="bell-button secondary"
        aria-label={label}
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        <BellIcon />
        {view.unread > 0 && (
          <span className="bell-count" aria-hidden="true">
            {view.unread > 99 ? '99+' : view.unread}
          </span>
        )}
      </button>
      <p className="visually-hidden" aria-live="polite">
        {view.announcement}
      </p>
      {open && (
        <section
          id={panelId}
          className="bell-panel"
          aria-label="Notifications"
          style={{ '--bell-top': `${panelTop}px` } as CSSProperties}
        >
          <header className="bell-head">
            <h2>Notifications</h2>
            <button type="button" className="secondary" onClick={view.markAllRead} disabled={view.unread === 0}>
              Mark all read
            </button>
          </header>
          {view.phase === 'waiting' && <p className="muted bell-note">Live updates lost; reconnecting…</p>}
          {view.phase === 'stopped' && (
            <p className="muted bell-note">
              Live updates stopped.{' '}
              <button type="button" className="bell-retry" onClick={view.reconnect}>
                Reconnect
              </button>
            </p>
          )}
          {view.error && (
            <p className="field-error bell-note" role="alert">
              {view.error}
            </p>
          )}
          {view.items.length === 0 ? (
            <p className="muted bell-note">Nothing yet. Follow channels to hear here when they go live.</p>
          ) : (
            <ul className="bell-list">
              {view.items.map((n) => (
                <li key={n.id} className={n.readAt === null ? 'unread' : undefined}>
                  <Link
                    href={`/watch/${n.channel}`}
                    onClick={() => {
                      view.markRead(n.id);
                      setOpen(false);
                    }}
                  >
                    <strong>{n.channel}</strong> went live{n.title ? `: ${n.title}` : ''}
                    {view.live.has(n.channel) && <span className="live bell-live"> LIVE</span>}
                    <small className="muted">
                      {' '}
                      <time dateTime={new Date(n.createdAt).toISOString()}>{formatDate(n.createdAt)}</time>
                      {n.readAt === null ? ' · unread' : ''}
                    </small>
                  </Link>
                  {n.readAt === null && (
                    <button
                      type="button"
                      className="secondary bell-read"
                      aria-label={`Mark read: ${n.channel} went live`}
                      onClick={() => view.markRead(n.id)}
                    >
                      Mark read
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  );
}
