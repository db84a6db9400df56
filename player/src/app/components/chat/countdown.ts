/**
 * How long until something ends, for a person: tenths under 10 s ("0.8 s"), whole seconds under a minute ("42 s"),
 * then minutes and seconds ("9:05"), hours ("2 h 05 min") and days ("3 d 4 h"). Rounded up: "0 s" never shows while
 * the wait is not over.
 */
export function formatWait(ms: number): string {
  if (!(ms > 0)) return '0 s';
  if (ms < 10_000) return `${(Math.ceil(ms / 100) / 10).toFixed(1)} s`;
  const seconds = Math.ceil(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
  const hours = Math.ceil(minutes / 60);
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

/** A timeout's length in words, for "X was timed out for 10 minutes". */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} second${s === 1 ? '' : 's'}`;
  if (s < 3600) {
    const m = Math.round(s / 60);
    return `${m} minute${m === 1 ? '' : 's'}`;
  }
  if (s < 86_400) {
    const h = Math.round(s / 3600);
    return `${h} hour${h === 1 ? '' : 's'}`;
  }
  const d = Math.round(s / 86_400);
  return `${d} day${d === 1 ? '' : 's'}`;
}

/**
 * The wait before reconnect attempt `attempt` (0 first): 1 s doubling to 30 s, each with up to a fifth more at
 * random so that a crowd dropped together (a pod restarting) does not come back at the same instant.
 */
export function reconnectDelayMs(attempt: number, random: number): number {
  const base = Math.min(30_000, 1000 * 2 ** Math.max(0, Math.min(attempt, 15)));
  return Math.round(base * (1 + 0.2 * Math.min(1, Math.max(0, random))));
}
