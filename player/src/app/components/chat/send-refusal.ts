/** Why the user may not send now, and until when (wall clock ms), or for good (null) until something changes. */
export interface SendBlock {
  readonly reason: string;
  readonly untilMs: number | null;
}

/** The chat server's error codes that are about the user's turn to speak: they come with the wait. */
const WAIT_REASONS: Readonly<Record<string, string>> = {
  RATE_LIMITED: 'You are sending messages too quickly.',
  SLOW_MODE: 'Slow mode is on.',
  TIMED_OUT: 'You are timed out in this chat.',
  FOLLOWERS_ONLY: 'Followers-only mode: you have not followed for long enough yet.',
};

/**
 * An error frame from the chat server as what the composer shows: a wait with a countdown (rate limits, slow mode,
 * a timeout), a ban, or a sentence (null `block`) that leaves sending open.
 */
export function readRefusal(
  error: { readonly code: string; readonly message: string; readonly retryAfterMs?: number | undefined },
  nowMs: number,
): { readonly block: SendBlock | null; readonly text: string } {
  const wait = error.retryAfterMs;
  if (wait !== undefined && wait > 0) {
    const reason = WAIT_REASONS[error.code] ?? sentence(error.message);
    return { block: { reason, untilMs: nowMs + wait }, text: reason };
  }
  if (error.code === 'BANNED') {
    const reason = 'You are banned from this chat.';
    return { block: { reason, untilMs: null }, text: reason };
  }
  return { block: null, text: sentence(error.message) };
}

/** The server's message as a sentence: capital first letter, a full stop. */
export function sentence(message: string): string {
  const trimmed = message.trim();
  if (trimmed === '') return 'Chat refused that.';
  const capital = trimmed[0]?.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
