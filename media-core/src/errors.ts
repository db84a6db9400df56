/**
 * The one error base class: every typed error in Glint carries a stable `code` that callers branch on and a message
 * a person can act on. Subclasses narrow `code` to their own union and set `name` for logs.
 */
export class GlintError<Code extends string = string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/** True for any Glint error, optionally with the given code. */
export function isGlintError(error: unknown, code?: string): error is GlintError {
  return error instanceof GlintError && (code === undefined || error.code === code);
}
