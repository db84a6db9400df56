import { type ReactNode, useCallback, useEffect, useState } from 'react';
import { formatClock, formatDate } from '../../../pages/shared/format.ts';
import type { ClipItem, ItemPage, VodItem } from '../../../pages/shared/types.ts';
import { api, errorText } from '../../api.ts';
import { ConfirmAction } from './confirm-action.tsx';
import { LoadError, Section } from './section.tsx';
import { isUnreachable } from './use-resource.ts';

const PAGE = 20;

type ListState<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'ok'; readonly items: readonly T[]; readonly next: string | null; readonly more: boolean }
  | { readonly status: 'error'; readonly message: string; readonly unreachable: boolean };

/** A channel's list (`{items, next}` pages), with "Show more" and a way to drop an item once deleted. */
function usePagedList<T extends { readonly id: string }>(path: string, reloadKey = '') {
  const [state, setState] = useState<ListState<T>>({ status: 'loading' });
  const load = useCallback(
    async (cursor: string | null, before: readonly T[]) => {
      try {
        const query = `limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const page = await api<ItemPage<T>>(`${path}?${query}`);
        setState({ status: 'ok', items: [...before, ...page.items], next: page.next, more: false });
      } catch (error) {
        setState({ status: 'error', message: errorText(error), unreachable: isUnreachable(error) });
      }
    },
    [path],
  );
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new reload key (the stream started or ended) lists again
  useEffect(() => {
    void load(null, []);
  }, [load, reloadKey]);
  const more = () => {
    if (state.status !== 'ok' || !state.next) return;
    setState({ ...state, more: true });
    void load(state.next, state.items);
  };
  const drop = (id: string) => {
    if (state.status === 'ok') setState({ ...state, items: state.items.filter((item) => item.id !== id) });
  };
  return { state, more, drop, reload: () => void load(null, []) };
}

/** One deletable row: its content, a Delete button, the inline confirmation and the refusal if any. */
function DeletableRow({
  children,
  name,
  what,
  blocked,
  onDelete,
}: {
  readonly children: ReactNode;
  readonly name: string;
  readonly what: string;
  /** Why it cannot be deleted now, or null. */
  readonly blocked: string | null;
  readonly onDelete: () => Promise<void>;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <li>
      <div className="media-row">
        {children}
        {!confirming && (
          <button
            type="button"
            className="secondary"
            aria-label={`Delete ${what} ${name}`}
            disabled={blocked !== null}
            title={blocked ?? undefined}
            onClick={() => setConfirming(true)}
          >
            Delete
          </button>
        )}
      </div>
      {blocked && <small className="muted">{blocked}</small>}
      {confirming && (
        <ConfirmAction
          confirmLabel={`Delete this ${what}`}
          busy={busy}
          onCancel={() => setConfirming(false)}
          onConfirm={async () => {
            setBusy(true);
            setError(null);
            try {
              await onDelete();
            } catch (e) {
              setError(errorText(e));
              setConfirming(false);
            } finally {
              setBusy(false);
            }
          }}
        >
          Delete “{name}” for good? Viewers can no longer watch it, and links to it stop working.
        </ConfirmAction>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}

/** A VOD's or clip's picture, link and facts, as its row shows them. */
function MediaSummary({
  thumb,
  href,
  title,
  facts,
}: {
  readonly thumb: string | null;
  readonly href: string;
  readonly title: string;
  readonly facts: string;
}) {
  return (
    <>
      {thumb ? <img className="thumb" src={thumb} alt="" /> : <div className="thumb no-thumb" />}
      <span className="grow">
        <a href={href}>{title}</a>
        <small className="muted">{facts}</small>
      </span>
    </>
  );
}

function ListBody<T extends { readonly id: string }>({
  list,
  empty,
  label,
  row,
}: {
  readonly list: ReturnType<typeof usePagedList<T>>;
  readonly empty: string;
  readonly label: string;
  readonly row: (item: T) => ReactNode;
}) {
  const { state } = list;
  if (state.status === 'loading') return <p className="muted">Loading…</p>;
  if (state.status === 'error') {
    return <LoadError message={state.message} unreachable={state.unreachable} onRetry={list.reload} />;
  }
  if (state.items.length === 0) return <p>{empty}</p>;
  return (
    <>
      <ul className="dash-list media-list" aria-label={label}>
        {state.items.map(row)}
      </ul>
      {state.next && (
        <button type="button" className="secondary" disabled={state.more} onClick={list.more}>
          {state.more ? 'Loading…' : 'Show more'}
        </button>
      )}
    </>
  );
}

/** What a media list shows of one item and how it is deleted. */
interface MediaRow {
  readonly name: string;
  readonly thumb: string | null;
  readonly href: string;
  readonly facts: string;
  /** Why it cannot be deleted now, or null. */
  readonly blocked: string | null;
  readonly deletePath: string;
}

function MediaListSection<T extends { readonly id: string }>({
  id,
  title,
  path,
  reloadKey,
  what,
  label,
  empty,
  rowOf,
}: {
  readonly id: string;
  readonly title: string;
  readonly path: string;
  readonly reloadKey?: string;
  readonly what: string;
  readonly label: string;
  readonly empty: string;
  readonly rowOf: (item: T) => MediaRow;
}) {
  const list = usePagedList<T>(path, reloadKey);
  return (
    <Section id={id} title={title}>
      <ListBody
        list={list}
        label={label}
        empty={empty}
        row={(item) => {
          const row = rowOf(item);
          return (
            <DeletableRow
              key={item.id}
              name={row.name}
              what={what}
              blocked={row.blocked}
              onDelete={async () => {
                await api(row.deletePath, { method: 'DELETE' });
                list.drop(item.id);
              }}
            >
              <MediaSummary thumb={row.thumb} href={row.href} title={row.name} facts={row.facts} />
            </DeletableRow>
          );
        }}
      />
    </Section>
  );
}

/**
 * The channel's past broadcasts: open one, or delete it (not while it is still recording). Listed again when the
 * stream starts or ends (`liveKey`), so the recording broadcast shows up and its state follows.
 */
export function VodsSection({ channel, liveKey }: { readonly channel: string; readonly liveKey: string }) {
  return (
    <MediaListSection<VodItem>
      id="vods"
      title="Past broadcasts (VODs)"
      path={`/api/channels/${channel}/vods`}
      reloadKey={liveKey}
      what="VOD"
      label="VODs"
      empty="No past broadcasts yet: each broadcast is recorded and listed here once it starts."
      rowOf={(vod) => ({
        name: vod.title || 'Untitled broadcast',
        thumb: vod.thumbnailUrl,
        href: vod.pageUrl,
        facts: `${formatDate(vod.startedAt)} · ${formatClock(vod.durationSec)}${vod.state === 'recording' ? ' · recording' : ''}`,
        blocked: vod.state === 'recording' ? 'Recording now: it can be deleted once the broadcast ends.' : null,
        deletePath: `/api/vods/${vod.id}`,
      })}
    />
  );
}

const CLIP_STATES: Record<ClipItem['status'], string> = {
  queued: 'waiting to be made',
  making: 'being made',
  ready: 'ready',
  failed: 'failed',
};

/** Clips of the channel (by anyone): open one, or delete it. */
export function ClipsSection({ channel }: { readonly channel: string }) {
  return (
    <MediaListSection<ClipItem>
      id="clips"
      title="Clips"
      path={`/api/channels/${channel}/clips`}
      what="clip"
      label="clips"
      empty="No clips yet: viewers clip moments from your live stream and your VODs."
      rowOf={(clip) => ({
        name: clip.title || 'Untitled clip',
        thumb: clip.thumbnailUrl,
        href: clip.pageUrl,
        facts: `${formatDate(clip.createdAt)} · ${formatClock(clip.durationSec)} · ${CLIP_STATES[clip.status]}`,
        blocked: null,
        deletePath: `/api/clips/${clip.id}`,
      })}
    />
  );
}
