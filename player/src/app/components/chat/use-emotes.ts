import { useEffect, useMemo, useState } from 'react';
import { api } from '../../api.ts';
import { defaultEmoteUrl } from './message-parts.ts';

/** An emote as the lists give it: the global set (/api/emotes/global) and the channel's own. */
export interface EmoteChoice {
  readonly id: string;
  readonly code: string;
  readonly url: string;
  readonly subscriberOnly: boolean;
}

interface EmoteList {
  readonly items: readonly { id: string; code: string; url: string; subscriberOnly?: boolean }[];
}

export interface Emotes {
  /** For the picker: the channel's own first, then the global ones whose code the channel did not take. */
  readonly choices: readonly EmoteChoice[];
  readonly urlOf: (id: string) => string;
}

/**
 * The emotes of a channel's chat. Without the lists (the API unreachable) messages still show their emotes (every
 * image is at /api/emotes/<id>) and the picker is empty.
 */
export function useEmotes(channel: string): Emotes {
  const [lists, setLists] = useState<{ global: EmoteList['items']; own: EmoteList['items'] }>({ global: [], own: [] });
  useEffect(() => {
    let live = true;
    const read = (path: string) =>
      api<EmoteList>(path).then(
        (list) => list.items,
        (error: unknown) => {
          console.warn(`chat: the emote list ${path} could not be read`, error);
          return [];
        },
      );
    void Promise.all([read('/api/emotes/global'), read(`/api/channels/${encodeURIComponent(channel)}/emotes`)]).then(
      ([global, own]) => {
        if (live) setLists({ global, own });
      },
    );
    return () => {
      live = false;
    };
  }, [channel]);
  return useMemo(() => {
    const byId = new Map<string, string>();
    const codes = new Set<string>();
    const choices: EmoteChoice[] = [];
    for (const e of [...lists.own, ...lists.global]) {
      byId.set(e.id, e.url);
      if (codes.has(e.code)) continue;
      codes.add(e.code);
      choices.push({ id: e.id, code: e.code, url: e.url, subscriberOnly: e.subscriberOnly === true });
    }
    return { choices, urlOf: (id: string) => byId.get(id) ?? defaultEmoteUrl(id) };
  }, [lists]);
}
