/** The browse page's data: who is live, followed channels first. Pure (the hook in use-live-channels.ts fetches). */

/** GET /api/channels items. */
export interface ChannelItem {
  readonly name: string;
  readonly displayName: string;
  readonly title: string;
  readonly category: string;
  readonly language: string;
  readonly live: LiveNow | null;
}

export interface LiveNow {
  readonly broadcastId: string;
  readonly startedAt: number;
  readonly viewers: number;
}

/** GET /api/me/follows items. */
export interface FollowedChannel {
  readonly channel: string;
  readonly displayName: string;
  readonly title: string;
  readonly followedAt: number;
  readonly live: LiveNow | null;
}

/** A live channel as a card shows it. */
export interface LiveCardData {
  readonly name: string;
  readonly displayName: string;
  readonly title: string;
  readonly category: string;
  readonly live: LiveNow;
}

export interface LiveSections {
  /** Live channels the user follows (empty when signed out). */
  readonly followed: readonly LiveCardData[];
  /** Every other live channel. */
  readonly others: readonly LiveCardData[];
}

/** Most viewers first; the newer broadcast first among equals. */
function byAudience(a: LiveCardData, b: LiveCardData): number {
  return b.live.viewers - a.live.viewers || b.live.startedAt - a.live.startedAt;
}

/**
 * Splits the live list into the followed channels and the rest. A followed channel that is live but beyond the
 * live list's first page still shows (from the follow list, which has no category).
 */
export function liveSections(live: readonly ChannelItem[], follows: readonly FollowedChannel[]): LiveSections {
  const cards = new Map<string, LiveCardData>();
  for (const c of live) {
    if (c.live) cards.set(c.name, { ...c, live: c.live });
  }
  const followed: LiveCardData[] = [];
  for (const f of follows) {
    if (!f.live) continue;
    followed.push(
      cards.get(f.channel) ?? {
        name: f.channel,
        displayName: f.displayName,
        title: f.title,
        category: '',
        live: f.live,
      },
    );
  }
  const followedNames = new Set(followed.map((c) => c.name));
  const others = [...cards.values()].filter((c) => !followedNames.has(c.name));
  return { followed: followed.sort(byAudience), others: others.sort(byAudience) };
}

/** How often the list is read again, and how often a card's picture is asked for again (the server's refresh). */
export const LIST_REFRESH_MS = 30_000;
export const THUMBNAIL_REFRESH_MS = 60_000;

/**
 * The card's picture: the server keeps each channel's for a minute, so the URL changes once a minute (and with the
 * broadcast) to show the new one; in between the browser's cache answers.
 */
export function thumbnailUrl(card: Pick<LiveCardData, 'name' | 'live'>, nowMs: number): string {
  const minute = Math.floor(nowMs / THUMBNAIL_REFRESH_MS);
  return `/live/${encodeURIComponent(card.name)}/thumbnail.jpg?b=${encodeURIComponent(card.live.broadcastId)}&m=${minute}`;
}

/** "1 viewer", "1,234 viewers" (in the viewer's locale). */
export function viewersText(viewers: number, locale?: string): string {
  return `${viewers.toLocaleString(locale)} ${viewers === 1 ? 'viewer' : 'viewers'}`;
}

/** How long a channel has been live: "just now", "12 min", "1 h 05 min". */
export function liveForText(startedAt: number, nowMs: number): string {
  const minutes = Math.floor(Math.max(0, nowMs - startedAt) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
