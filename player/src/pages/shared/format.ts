/** Times and dates as the pages show them. Pure. */

/** 0:05, 1:02, 1:02:03 (seconds, rounded down; negative counts as 0). */
export function formatClock(seconds: number): string {
  const total = Math.max(0, Math.floor(Number.isFinite(seconds) ? seconds : 0));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** How far behind live: "−0:20" (a true minus sign), "LIVE" within a second of the edge. */
export function formatBehind(seconds: number): string {
  return seconds < 1 ? 'LIVE' : `\u2212${formatClock(seconds)}`;
}

/** The same, read out: "20 seconds behind live". */
export function spokenBehind(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 1) return 'at the live edge';
  const m = Math.floor(s / 60);
  const parts = [m > 0 ? `${m} minute${m === 1 ? '' : 's'}` : '', s % 60 > 0 ? `${s % 60} seconds` : ''];
  return `${parts.filter(Boolean).join(' ')} behind live`;
}

/** A date and time in the viewer's locale, e.g. "30 Nov 2026, 22:40". */
export function formatDate(ms: number, locale?: string): string {
  return new Date(ms).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}
