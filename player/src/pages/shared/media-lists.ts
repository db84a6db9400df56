/** A channel's past broadcasts and clips as lists of links (title, date, duration, thumbnail when there is one). */
import { api } from './api.ts';
import { make } from './dom.ts';
import { formatClock, formatDate } from './format.ts';
import type { ClipItem, ItemPage, VodItem } from './types.ts';

function card(
  href: string,
  title: string,
  facts: readonly string[],
  thumbnailUrl: string | null,
  badge = '',
): HTMLLIElement {
  const item = make('li');
  const link = make('a', '', { href });
  const noPreview = () => make('span', 'no preview', { class: 'no-thumb', 'aria-hidden': 'true' });
  if (thumbnailUrl) {
    const img = make('img', '', { src: thumbnailUrl, alt: '', loading: 'lazy', width: '160', height: '90' });
    // A VOD without archived video yet has no picture: the placeholder rather than a broken image.
    img.addEventListener('error', () => img.replaceWith(noPreview()), { once: true });
    link.append(img);
  } else {
    link.append(noPreview());
  }
  const line = make('span', '', { class: 'muted' });
  if (badge) line.append(make('span', badge, { class: 'badge-recording' }), ' · ');
  line.append(facts.join(' · '));
  const text = make('span', '', { class: 'card-text' });
  text.append(make('strong', title || 'Untitled'), line);
  link.append(text);
  item.append(link);
  return item;
}

export function vodCard(vod: VodItem): HTMLLIElement {
  // A recording's length is out of date as soon as the list is drawn.
  const facts =
    vod.state === 'recording' ? [formatDate(vod.startedAt)] : [formatDate(vod.startedAt), formatClock(vod.durationSec)];
  const item = card(vod.pageUrl, vod.title, facts, vod.thumbnailUrl, vod.state === 'recording' ? '● recording' : '');
  item.dataset.vodId = vod.id;
  item.dataset.state = vod.state;
  return item;
}

export function clipCard(clip: ClipItem): HTMLLIElement {
  const facts = [formatDate(clip.createdAt), `${Math.round(clip.durationSec)} s`];
  if (clip.status !== 'ready') facts.unshift(clip.status);
  const item = card(clip.pageUrl, clip.title, facts, clip.status === 'ready' ? clip.thumbnailUrl : null);
  item.dataset.clipId = clip.id;
  return item;
}

/** Fills `list` from `path` (an `{ items }` page), or says why it could not; `empty` when there are none. */
export async function fillList<T>(
  list: HTMLElement,
  path: string,
  render: (item: T) => HTMLLIElement,
  empty: string,
): Promise<void> {
  list.setAttribute('aria-busy', 'true');
  try {
    const page = await api<ItemPage<T>>(path);
    list.replaceChildren(...(page.items.length ? page.items.map(render) : [make('li', empty, { class: 'muted' })]));
  } catch (error) {
    const text = error instanceof Error ? error.message : 'unavailable';
    list.replaceChildren(make('li', `Could not load this list (${text}).`, { class: 'muted' }));
  } finally {
    list.removeAttribute('aria-busy');
  }
}
