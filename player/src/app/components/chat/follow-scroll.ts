import { type RefObject, useCallback, useLayoutEffect, useRef, useState } from 'react';

/** Within this many pixels of the end counts as at the end (a half-rendered line must not pause the chat). */
const NEAR_END_PX = 48;

export function isNearEnd(box: { scrollTop: number; clientHeight: number; scrollHeight: number }): boolean {
  return box.scrollHeight - box.scrollTop - box.clientHeight <= NEAR_END_PX;
}

export interface FollowScroll {
  /** The user scrolled up to read: new lines do not move the list. */
  readonly paused: boolean;
  /** Messages that arrived while paused. */
  readonly unseen: number;
  readonly onScroll: () => void;
  /** Counts new messages (while paused). */
  readonly onAdded: (count: number) => void;
  /** Back to the newest line, following again. */
  readonly jumpToEnd: () => void;
}

/**
 * The message list follows the newest line unless the user scrolled up; then it stays put (the browser's scroll
 * anchoring keeps the lines in view when old ones are dropped above) and counts what arrived below.
 * `version` changes whenever the lines change.
 */
export function useFollowScroll(list: RefObject<HTMLElement | null>, version: unknown): FollowScroll {
  const [paused, setPaused] = useState(false);
  const [unseen, setUnseen] = useState(0);
  const pausedRef = useRef(false);

  const setFollowing = useCallback((following: boolean) => {
    pausedRef.current = !following;
    setPaused(!following);
    if (following) setUnseen(0);
  }, []);

  useLayoutEffect(() => {
    const box = list.current;
    if (box && !pausedRef.current && version !== undefined) box.scrollTop = box.scrollHeight;
  }, [list, version]);

  const onScroll = useCallback(() => {
    const box = list.current;
    if (!box) return;
    const following = isNearEnd(box);
    if (following === pausedRef.current) setFollowing(following);
  }, [list, setFollowing]);

  const onAdded = useCallback((count: number) => {
    if (pausedRef.current) setUnseen((n) => n + count);
  }, []);

  const jumpToEnd = useCallback(() => {
    const box = list.current;
    setFollowing(true);
    if (box) box.scrollTop = box.scrollHeight;
  }, [list, setFollowing]);

  return { paused, unseen, onScroll, onAdded, jumpToEnd };
}
