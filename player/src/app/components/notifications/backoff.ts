/**
 * Reconnect delays for the app's WebSockets: 1 s doubling to 30 s, with jitter (each delay is drawn between half and
 * all of its step), so a server restart is not met by every page at the same instant.
 */
export const BACKOFF_FIRST_MS = 1000;
export const BACKOFF_MAX_MS = 30_000;

/** The delay before reconnect attempt `attempt` (0 for the first); `random` in [0, 1). */
export function backoffMs(attempt: number, random: number = Math.random()): number {
  const step = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** Math.min(Math.max(0, attempt), 16));
  return Math.round(step / 2 + (step / 2) * random);
}
