import { type TSchema, Type } from 'typebox';

/** Every 4xx/5xx body: a stable code to branch on and a sentence a person can act on. */
export const ErrorReply = Type.Object(
  { code: Type.String(), message: Type.String() },
  { additionalProperties: false, $id: 'ErrorReply' },
);

/** What each error status means across the API, as the OpenAPI document describes the reply. */
const ERROR_MEANINGS: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST (or a more precise code): a field is missing, unknown, of the wrong type or out of bounds; the message names it',
  401: 'UNAUTHENTICATED: log in first (BAD_CREDENTIALS: the login and password do not match)',
  403: 'FORBIDDEN: signed in, but not allowed to do this',
  404: 'NOT_FOUND: no such thing',
  409: 'a conflict with what exists; the code says which',
  413: 'BODY_TOO_LARGE: the body is over the limit (16 KiB unless configured otherwise)',
  415: 'UNSUPPORTED_MEDIA_TYPE: send JSON with Content-Type: application/json',
  429: 'RATE_LIMITED or TOO_MANY_ATTEMPTS: wait the seconds in Retry-After',
  503: 'DATABASE_UNAVAILABLE: the database did not answer; retry after Retry-After',
};

/** The error reply of one status, described for the OpenAPI document. */
export function errorReply(status: number) {
  return Type.Object(
    { code: Type.String(), message: Type.String() },
    { additionalProperties: false, description: ERROR_MEANINGS[status] ?? 'an error: {code, message}' },
  );
}

/** The error replies a route may give, by status, for its schema's `response`. */
export function errors(...statuses: number[]): Record<number, typeof ErrorReply> {
  return Object.fromEntries(statuses.map((s) => [s, errorReply(s)]));
}

export const ChannelName = Type.String({
  pattern: '^[a-z0-9_]{3,25}$',
  description: 'channel name (its owner’s login)',
});
export const Login = Type.String({
  pattern: '^[A-Za-z0-9_]{3,25}$',
  description: '3 to 25 letters, digits or underscores; not case-sensitive',
});
export const Id = Type.String({ pattern: '^[0-9a-z]{19}$', description: 'a time-ordered id' });

/**
 * `?cursor=&limit=` of every list. A cursor is the last id, name or login of the previous page, so it may hold an
 * underscore.
 */
export const PageFields = {
  cursor: Type.Optional(Type.String({ pattern: '^[0-9a-z_]{1,64}$', description: 'nextCursor of the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
};
export const PageQuery = Type.Object(PageFields, { additionalProperties: false });

/** A page of a list: the items and the cursor of the next page (null on the last one). */
export function Page<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
}

/** Closed object: an unknown field is a 400, not ignored. */
export function Closed<T extends Record<string, TSchema>>(properties: T) {
  return Type.Object(properties, { additionalProperties: false });
}

/**
 * Text a person typed: bounded, without control characters (which no form field needs) and without lone surrogates
 * (JSON can carry "\\ud800", which UTF-8 cannot: it would be stored as U+FFFD, and two passwords would hash alike).
 * Ajv tests patterns with the `u` flag, so an emoji (a surrogate pair) is one character and passes.
 */
export function PlainText(options: { minLength?: number; maxLength: number; description?: string }) {
  return Type.String({ minLength: 0, ...options, pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f\\ud800-\\udfff]*$' });
}

/** A user as anyone may see them: never a password hash nor a session. */
export const UserReply = Type.Object(
  { id: Type.String(), login: Type.String(), displayName: Type.String() },
  { additionalProperties: false },
);
