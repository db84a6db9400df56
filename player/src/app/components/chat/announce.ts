import { useCallback, useEffect, useRef, useState } from 'react';
import type { MessageEvent } from './chat-protocol.ts';

/** A screen reader hears chat at most this often: one line, or how many arrived. */
export const ANNOUNCE_EVERY_MS = 5000;

/** What to say of the messages that arrived since the last announcement. */
export function summarize(messages: readonly MessageEvent[]): string {
  const first = messages[0];
  if (first === undefined) return '';
  if (messages.length === 1) return `${first.user.displayName}: ${first.text}`;
  return `${messages.length} new messages`;
}

/**
 * The text of a polite live region for new messages, throttled: a busy room would otherwise have the screen reader
 * read without end. Returns the text and the function to call with each batch.
 */
export function useAnnouncer(): { readonly text: string; readonly heard: (messages: readonly MessageEvent[]) => void } {
  const [text, setText] = useState('');
  const waiting = useRef<MessageEvent[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastMs = useRef(0);

  const flush = useCallback(() => {
    timer.current = null;
    lastMs.current = Date.now();
    setText(summarize(waiting.current));
    waiting.current = [];
  }, []);

  const heard = useCallback(
    (messages: readonly MessageEvent[]) => {
      // Kept bounded: only the count matters past the first.
      if (waiting.current.length < 100) waiting.current.push(...messages.slice(0, 100));
      if (timer.current !== null) return;
      const wait = Math.max(0, lastMs.current + ANNOUNCE_EVERY_MS - Date.now());
      timer.current = setTimeout(flush, wait);
    },
    [flush],
  );

  useEffect(
    () => () => {
      if (timer.current !== null) clearTimeout(timer.current);
    },
    [],
  );
  return { text, heard };
}
