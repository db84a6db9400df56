import { GlintError } from '@glint/media-core';

export type SignalingErrorCode = 'SIGNALING_REFUSED' | 'SIGNALING_UNREACHABLE';

/**
 * A WHIP or WHEP exchange that did not give an answer: the server refused (`status` and the sentence it sent, read
 * from its `{ code, message }` body when there is one) or could not be reached (`status` null).
 */
export class SignalingError extends GlintError<SignalingErrorCode> {
  constructor(
    readonly url: string,
    readonly status: number | null,
    /** The server's own code (e.g. CHANNEL_NOT_LIVE), when its body had one. */
    readonly serverCode: string | undefined,
    /** The server's sentence, or its raw body (trimmed), or the network error's message. */
    readonly serverMessage: string,
    options?: ErrorOptions,
  ) {
    super(
      status === null ? 'SIGNALING_UNREACHABLE' : 'SIGNALING_REFUSED',
      status === null
        ? `${url} could not be reached: ${serverMessage}`
        : `${url} answered ${status}${serverMessage ? `: ${serverMessage}` : ''}`,
      options,
    );
  }
}

/** Reads a refusal's body: Glint sends `{ code, message }`; anything else is shown as text, cut to 200 characters. */
export async function refusalFrom(url: string, res: Response): Promise<SignalingError> {
  const body = await res.text().catch(() => '');
  try {
    const parsed = JSON.parse(body) as { code?: unknown; message?: unknown };
    if (typeof parsed.message === 'string') {
      return new SignalingError(
        url,
        res.status,
        typeof parsed.code === 'string' ? parsed.code : undefined,
        parsed.message,
      );
    }
  } catch {
    // Not JSON: the text itself is the best message there is.
  }
  return new SignalingError(url, res.status, undefined, body.trim().slice(0, 200));
}
