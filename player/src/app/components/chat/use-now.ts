import { useEffect, useState } from 'react';

/** The wall clock, re-read every `everyMs` while `active` (a countdown on screen); still otherwise. */
export function useNow(active: boolean, everyMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs]);
  return active ? now : Date.now();
}
