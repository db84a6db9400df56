/**
 * The channel's past broadcasts and clips (GET /api/channels/<ch>/vods and /clips), read again each time `version`
 * changes: a broadcast started or ended, a clip was made, the DVR found the broadcast archived. A list that was
 * shown stays shown while it is read again.
 */
import { useEffect, useState } from 'react';
import type { ClipItem, ItemPage, VodItem } from '../../../pages/shared/types.ts';
import { api, errorText } from '../../api.ts';

export interface ListState<T> {
  /** null until first read. */
  readonly items: readonly T[] | null;
  readonly error: string | null;
}

export interface MediaLists {
  readonly vods: ListState<VodItem>;
  readonly clips: ListState<ClipItem>;
}

const EMPTY = { items: null, error: null };

export function useMediaLists(channel: string, version: number): MediaLists {
  const [vods, setVods] = useState<ListState<VodItem>>(EMPTY);
  const [clips, setClips] = useState<ListState<ClipItem>>(EMPTY);
  useEffect(() => {
    // `version` is what asks for a new read: the lists change on the server, not in this page.
    void version;
    let current = true;
    const id = encodeURIComponent(channel);
    const read = <T>(path: string, set: (update: (before: ListState<T>) => ListState<T>) => void) =>
      api<ItemPage<T>>(path).then(
        (page) => current && set(() => ({ items: page.items, error: null })),
        // A list already shown stays (the next read may work); one never read says why.
        (error: unknown) =>
          current && set((before) => ({ items: before.items, error: before.items ? null : errorText(error) })),
      );
    void read<VodItem>(`/api/channels/${id}/vods`, setVods);
    void read<ClipItem>(`/api/channels/${id}/clips`, setClips);
    return () => {
      current = false;
    };
  }, [channel, version]);
  return { vods, clips };
}
