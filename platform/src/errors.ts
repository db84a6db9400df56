import { GlintError } from '@glint/media-core';

/** Every refusal the platform gives a client: a stable code, the HTTP status it maps to, and a sentence to act on. */
export class PlatformError extends GlintError<string> {
  override readonly name = 'PlatformError';
  readonly status: number;
  readonly retryAfterSec: number | undefined;
  constructor(status: number, code: string, message: string, retryAfterSec?: number) {
    super(code, message);
    this.status = status;
    this.retryAfterSec = retryAfterSec;
  }
}

export const notFound = (what: string) => new PlatformError(404, 'NOT_FOUND', `${what} does not exist`);
export const forbidden = (message: string) => new PlatformError(403, 'FORBIDDEN', message);
export const conflict = (code: string, message: string) => new PlatformError(409, code, message);
export const badRequest = (code: string, message: string) => new PlatformError(400, code, message);
