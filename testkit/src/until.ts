/** Waiting on a condition with a deadline: what every test and benchmark does instead of sleeping. */

export interface UntilOptions {
  /** What is awaited, for the timeout message ("timed out after 5000 ms waiting for <what>"). */
  readonly what: string;
  /** Default 10 s. */
  readonly timeoutMs?: number;
  /** Pause between checks; default 20 ms. */
  readonly intervalMs?: number;
  /** Appended to the timeout message, read only on failure (e.g. a child process's stderr). */
  readonly detail?: () => string;
}

/**
 * Polls `condition` until it returns something other than `undefined` or `false`, and returns that value; fails
 * after the deadline with `what` in the message.
 */
export async function until<T>(
  condition: () => Promise<T | undefined | false> | T | undefined | false,
  options: UntilOptions,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) {
      const detail = options.detail?.() ?? '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${options.what}${detail ? `: ${detail}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}
