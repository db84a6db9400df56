import { badFrame, ChatProtocolError } from './protocol-error.ts';
import { codePointLength, describeTextProblem, textProblem } from './text-rules.ts';
import type { ChatErrorCode } from './types.ts';

/**
 * Small checks the codec composes: each returns the value (narrowed) or a ChatProtocolError naming the field. Hand
 * written rather than a schema library: the protocol is a dozen fields, and these messages are part of it.
 */
export type Fields = Readonly<Record<string, unknown>>;

export function isError(value: unknown): value is ChatProtocolError {
  return typeof value === 'object' && value !== null && value instanceof Error;
}

/** A plain JSON object (not an array, not null). */
export function asObject(value: unknown, field: string): Fields | ChatProtocolError {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return badFrame(`${field} must be a JSON object`);
  }
  return value as Fields;
}

/** Refuses any field not named: a misspelt field is an error, never silently ignored. */
export function onlyFields(object: Fields, allowed: readonly string[], where: string): ChatProtocolError | null {
  for (const key of Object.keys(object)) {
    // The name is cut short: an error never echoes a client's kilobytes back to it.
    if (!allowed.includes(key)) return badFrame(`${where}.${key.slice(0, 40)} is not a field of this frame; remove it`);
  }
  return null;
}

export function requiredString(object: Fields, key: string, where: string): string | ChatProtocolError {
  const value = object[key];
  if (value === undefined) return badFrame(`${where}.${key} is required`);
  if (typeof value !== 'string') return badFrame(`${where}.${key} must be a string`);
  return value;
}

export function matching(
  object: Fields,
  key: string,
  where: string,
  pattern: RegExp,
  rule: string,
): string | ChatProtocolError {
  const value = requiredString(object, key, where);
  if (isError(value)) return value;
  return pattern.test(value) ? value : badFrame(`${where}.${key} must be ${rule}`);
}

export function integerIn(
  object: Fields,
  key: string,
  where: string,
  min: number,
  max: number,
): number | ChatProtocolError {
  const value = object[key];
  if (value === undefined) return badFrame(`${where}.${key} is required`);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    return badFrame(`${where}.${key} must be a whole number from ${min} to ${max}`);
  }
  return value;
}

export function boolean(object: Fields, key: string, where: string): boolean | ChatProtocolError {
  const value = object[key];
  if (value === undefined) return badFrame(`${where}.${key} is required`);
  return typeof value === 'boolean' ? value : badFrame(`${where}.${key} must be true or false`);
}

/**
 * Typed text: trimmed, 1..maxChars code points, no control characters nor lone surrogates. Empty and too long are
 * BAD_FRAME unless the caller gives them their own codes (a message's EMPTY_MESSAGE and MESSAGE_TOO_LONG).
 */
export function plainText(
  value: string,
  field: string,
  maxChars: number,
  codes: { readonly empty: ChatErrorCode; readonly tooLong: ChatErrorCode } = {
    empty: 'BAD_FRAME',
    tooLong: 'BAD_FRAME',
  },
): string | ChatProtocolError {
  const problem = textProblem(value);
  if (problem !== null) return badFrame(describeTextProblem(field, problem));
  const trimmed = value.trim();
  const length = codePointLength(trimmed);
  if (length === 0) return new ChatProtocolError(codes.empty, `${field} is empty`);
  if (length > maxChars) {
    return new ChatProtocolError(codes.tooLong, `${field} has ${length} characters; at most ${maxChars} are allowed`);
  }
  return trimmed;
}
