import type { ReactNode } from 'react';
import { RetryState } from '../../components/retry-state.tsx';
import type { Resource } from './use-resource.ts';

/** One part of the dashboard: a card with its heading (the landmark's name), linkable by id. */
export function Section({
  id,
  title,
  children,
  wide,
}: {
  readonly id: string;
  readonly title: string;
  readonly children: ReactNode;
  readonly wide?: boolean;
}) {
  return (
    <section id={id} className={wide ? 'dash-section panel wide' : 'dash-section panel'} aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{title}</h2>
      {children}
    </section>
  );
}

/** A section whose data could not be loaded: the retry state when Glint is unreachable, else the reason. */
export function LoadError({
  message,
  unreachable,
  onRetry,
}: {
  readonly message: string;
  readonly unreachable: boolean;
  readonly onRetry: () => void;
}) {
  if (unreachable) return <RetryState message={message} onRetry={onRetry} />;
  return (
    <p className="field-error" role="alert">
      {message}
    </p>
  );
}

/**
 * A section's list loaded from the API (moderators, webhooks): loading, the load error, the empty text, or one row
 * per item with its action button, and the refusal of the last action.
 */
export function ItemList<T>({
  resource,
  onRetry,
  label,
  empty,
  keyOf,
  render,
  action,
  error,
}: {
  readonly resource: Resource<{ readonly items: readonly T[] }>;
  readonly onRetry: () => void;
  readonly label: string;
  readonly empty: string;
  readonly keyOf: (item: T) => string;
  readonly render: (item: T) => ReactNode;
  readonly action: { readonly text: string; readonly label: (item: T) => string; readonly run: (item: T) => void };
  readonly error: string | null;
}) {
  return (
    <>
      {resource.status === 'loading' && <p className="muted">Loading…</p>}
      {resource.status === 'error' && (
        <LoadError message={resource.message} unreachable={resource.unreachable} onRetry={onRetry} />
      )}
      {resource.status === 'ok' &&
        (resource.data.items.length === 0 ? (
          <p>{empty}</p>
        ) : (
          <ul className="dash-list" aria-label={label}>
            {resource.data.items.map((item) => (
              <li key={keyOf(item)}>
                <span className="grow">{render(item)}</span>
                <button
                  type="button"
                  className="secondary"
                  aria-label={action.label(item)}
                  onClick={() => action.run(item)}
                >
                  {action.text}
                </button>
              </li>
            ))}
          </ul>
        ))}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
