import { describe, expect, it } from 'vitest';
import {
  type ChannelItem,
  type FollowedChannel,
  liveForText,
  liveSections,
  thumbnailUrl,
  viewersText,
} from './live-channels.ts';

const live = (viewers: number, startedAt = 1000) => ({ broadcastId: `b${viewers}`, startedAt, viewers });
const channel = (name: string, viewers: number | null, startedAt = 1000): ChannelItem => ({
  name,
  displayName: name.toUpperCase(),
  title: `${name} title`,
  category: 'Games',
  language: 'en',
  live: viewers === null ? null : live(viewers, startedAt),
});
const follow = (name: string, viewers: number | null): FollowedChannel => ({
  channel: name,
  displayName: name.toUpperCase(),
  title: `${name} followed title`,
  followedAt: 1,
  live: viewers === null ? null : live(viewers),
});

describe('liveSections', () => {
  it('puts the live channels a user follows first, each once, most watched first', () => {
    const sections = liveSections(
      [channel('a', 5), channel('b', 50), channel('c', 1), channel('d', 5, 2000)],
      [follow('c', 1), follow('a', 5), follow('offline', null)],
    );
    expect(sections.followed.map((c) => c.name)).toEqual(['a', 'c']);
    expect(sections.others.map((c) => c.name)).toEqual(['b', 'd']);
    // The live list's own entry (with its category), not the follow list's.
    expect(sections.followed[0]?.category).toBe('Games');
  });

  it('shows a followed live channel missing from the first page of the live list', () => {
    const sections = liveSections([channel('a', 3)], [follow('far', 2)]);
    expect(sections.followed).toEqual([
      { name: 'far', displayName: 'FAR', title: 'far followed title', category: '', live: live(2) },
    ]);
    expect(sections.others.map((c) => c.name)).toEqual(['a']);
  });

  it('leaves out channels that are not live, and is empty for nobody', () => {
    expect(liveSections([channel('x', null)], [])).toEqual({ followed: [], others: [] });
    expect(liveSections([], [])).toEqual({ followed: [], others: [] });
  });
});

describe('card texts', () => {
  it('asks for a new picture each minute and each broadcast', () => {
    const card = { name: 'a b', live: live(1) };
    expect(thumbnailUrl(card, 120_000)).toBe('/live/a%20b/thumbnail.jpg?b=b1&m=2');
    expect(thumbnailUrl(card, 179_999)).toBe(thumbnailUrl(card, 120_000));
    expect(thumbnailUrl(card, 180_000)).not.toBe(thumbnailUrl(card, 120_000));
  });

  it('counts viewers and live time', () => {
    expect(viewersText(1, 'en')).toBe('1 viewer');
    expect(viewersText(1234, 'en')).toBe('1,234 viewers');
    expect(viewersText(0, 'en')).toBe('0 viewers');
    expect(liveForText(0, 30_000)).toBe('just now');
    expect(liveForText(0, 12 * 60_000)).toBe('12 min');
    expect(liveForText(0, 65 * 60_000)).toBe('1 h 05 min');
  });
});
