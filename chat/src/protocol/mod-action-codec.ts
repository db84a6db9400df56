import { asObject, boolean, type Fields, integerIn, isError, matching, onlyFields, plainText } from './frame-fields.ts';
import { badFrame, type ChatProtocolError } from './protocol-error.ts';
import type { ModAction } from './types.ts';

/** Bounds of moderation actions; PROTOCOL.md quotes them. */
export const MOD_LIMITS = {
  /** Two weeks. */
  maxTimeoutSeconds: 1_209_600,
  minSlowSeconds: 3,
  maxSlowSeconds: 120,
  /** Three months. */
  maxFollowMinutes: 129_600,
  maxBlockedTerms: 100,
  maxBlockedTermChars: 50,
} as const;

const LOGIN = /^[A-Za-z0-9_]{3,25}$/;
const LOGIN_RULE = '3 to 25 letters, digits or underscores';
const MESSAGE_ID = /^[A-Za-z0-9_-]{1,64}$/;
const MESSAGE_ID_RULE = "a message's id (1 to 64 letters, digits, _ or -)";

const W = 'action';

/** A `mod` frame's action: its kind, then exactly that kind's fields within their bounds. */
export function parseModAction(value: unknown): ModAction | ChatProtocolError {
  const action = asObject(value, W);
  if (isError(action)) return action;
  const kind = action.kind;
  if (typeof kind !== 'string') return badFrame('action.kind is required and must be a string');
  switch (kind) {
    case 'delete':
      return shaped(action, ['messageId'], () => {
        const messageId = matching(action, 'messageId', W, MESSAGE_ID, MESSAGE_ID_RULE);
        return isError(messageId) ? messageId : { kind, messageId };
      });
    case 'timeout':
      return shaped(action, ['login', 'seconds'], () => {
        const login = matching(action, 'login', W, LOGIN, LOGIN_RULE);
        if (isError(login)) return login;
        const seconds = integerIn(action, 'seconds', W, 1, MOD_LIMITS.maxTimeoutSeconds);
        return isError(seconds) ? seconds : { kind, login: login.toLowerCase(), seconds };
      });
    case 'ban':
    case 'unban':
      return shaped(action, ['login'], () => {
        const login = matching(action, 'login', W, LOGIN, LOGIN_RULE);
        return isError(login) ? login : { kind, login: login.toLowerCase() };
      });
    case 'clear':
      return shaped(action, [], () => ({ kind }));
    case 'slow':
      return shaped(action, ['seconds'], () => slow(action));
    case 'followers-only':
      return shaped(action, ['minFollowMinutes'], () => {
        if (action.minFollowMinutes === null) return { kind, minFollowMinutes: null };
        const minutes = integerIn(action, 'minFollowMinutes', W, 0, MOD_LIMITS.maxFollowMinutes);
        return isError(minutes) ? minutes : { kind, minFollowMinutes: minutes };
      });
    case 'subscribers-only':
    case 'emote-only':
      return shaped(action, ['on'], () => {
        const on = boolean(action, 'on', W);
        return isError(on) ? on : { kind, on };
      });
    case 'blocked-terms':
      return shaped(action, ['terms'], () => blockedTerms(action));
    default:
      return badFrame(
        `action.kind "${kind.slice(0, 40)}" is not a moderation action (delete, timeout, ban, unban, clear, slow, ` +
          'followers-only, subscribers-only, emote-only, blocked-terms)',
      );
  }
}

function shaped(
  action: Fields,
  fields: readonly string[],
  parse: () => ModAction | ChatProtocolError,
): ModAction | ChatProtocolError {
  return onlyFields(action, ['kind', ...fields], W) ?? parse();
}

function slow(action: Fields): ModAction | ChatProtocolError {
  const seconds = action.seconds;
  const { minSlowSeconds: min, maxSlowSeconds: max } = MOD_LIMITS;
  if (seconds === 0) return { kind: 'slow', seconds: 0 };
  const value = integerIn(action, 'seconds', W, min, max);
  return isError(value)
    ? badFrame(`action.seconds must be 0 (off) or a whole number from ${min} to ${max}`)
    : {
        kind: 'slow',
        seconds: value,
      };
}

function blockedTerms(action: Fields): ModAction | ChatProtocolError {
  const terms = action.terms;
  const { maxBlockedTerms, maxBlockedTermChars } = MOD_LIMITS;
  if (!Array.isArray(terms)) return badFrame('action.terms must be an array of strings');
  if (terms.length > maxBlockedTerms) return badFrame(`action.terms may hold at most ${maxBlockedTerms} terms`);
  const out: string[] = [];
  for (const [i, term] of terms.entries()) {
    if (typeof term !== 'string') return badFrame(`action.terms[${i}] must be a string`);
    const text = plainText(term, `action.terms[${i}]`, maxBlockedTermChars);
    if (isError(text)) return text;
    // Matching is case-insensitive; stored folded, each once.
    const folded = text.toLowerCase();
    if (!out.includes(folded)) out.push(folded);
  }
  return { kind: 'blocked-terms', terms: out };
}
