/** What "Clip this" takes on a VOD page. Pure. */

/** The shortest clip the server makes. */
export const MIN_CLIP_SEC = 5;
export const CLIP_LENGTHS_SEC = [15, 30, 60] as const;

/**
 * The `lengthSec` seconds up to the viewer's position (`currentSec`), within the VOD (`durationSec`): near the start
 * the window is the first `lengthSec`; it is never under 5 s. Tenths of a second, as the clip request takes them.
 */
export function clipWindow(
  lengthSec: number,
  currentSec: number,
  durationSec: number,
): { startSec: number; endSec: number } {
  const known = Number.isFinite(durationSec) && durationSec > 0 ? durationSec : 0;
  const end = Math.min(Math.max(currentSec, Math.min(lengthSec, known)), known || currentSec);
  const startSec = Math.max(0, end - lengthSec);
  return {
    startSec: Math.round(startSec * 10) / 10,
    endSec: Math.round(Math.max(end, startSec + MIN_CLIP_SEC) * 10) / 10,
  };
}

/** The page's address at a moment of the VOD (`?t=` seconds, read back when the page opens). */
export function vodLinkAt(origin: string, vodId: string, atSec: number | null): string {
  const base = `${origin}/vod/${encodeURIComponent(vodId)}`;
  return atSec === null || atSec < 1 ? base : `${base}?t=${Math.floor(atSec)}`;
}

/** `?t=` of the address: where playback starts (0 when absent or nonsense). */
export function startFromQuery(search: string): number {
  const t = Number(new URLSearchParams(search).get('t'));
  return Number.isFinite(t) && t > 0 ? t : 0;
}
