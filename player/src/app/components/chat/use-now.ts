import { useEffect, useState } from 'react';

/**
 * The wall clock, read at every render; while `active` (a countdown on screen) the component re-renders every
 * `everyMs`. Read at render, never kept in state: a clock kept in state showed the time it was last set for one
 * frame when a countdown appeared ("10:01" for a 10-minute timeout just given).
 */
export function useNow(active: boolean, everyMs: number): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => setTick((tick) => tick + 1), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs]);
  return Date.now();
}
