import { type RefObject, useCallback, useEffect, useState } from 'react';

/** Whether `target` is the page's fullscreen element, and a toggle (Escape, the browser's own way out, also works). */
export function useFullscreen(target: RefObject<HTMLElement | null>): [boolean, () => void] {
  const [on, setOn] = useState(false);
  useEffect(() => {
    const update = () => setOn(document.fullscreenElement !== null && document.fullscreenElement === target.current);
    document.addEventListener('fullscreenchange', update);
    return () => document.removeEventListener('fullscreenchange', update);
  }, [target]);
  const toggle = useCallback(() => {
    const element = target.current;
    if (!element) return;
    const change = document.fullscreenElement ? document.exitFullscreen() : element.requestFullscreen();
    // Refused (no user gesture, an iframe without permission): the page stays as it is.
    change.catch((error: unknown) => console.warn('fullscreen refused', error));
  }, [target]);
  return [on, toggle];
}
