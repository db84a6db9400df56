/**
 * The dashboard's field rules, checked in the browser first so a form shows an inline error at once (the API checks
 * again; its answer is shown the same way). Titles and categories are shown as text everywhere, so markup would be
 * harmless, but a title of HTML tags is a mistake (a paste from a web page) or a probe: it is refused with a reason.
 */
import { LOGIN_RULE, textError } from '../../forms.ts';

export const MAX_TITLE = 140;
export const MAX_CATEGORY = 50;
export const MAX_WEBHOOK_URL = 2048;
/** Chat slow mode: 0 (off) or 3 to 120 s (chat/PROTOCOL.md). */
export const MIN_SLOW_SECONDS = 3;
export const MAX_SLOW_SECONDS = 120;

const TAG = /<\s*\/?\s*[a-z!][^>]*>/i;

function markupError(label: string, value: string): string | undefined {
  return TAG.test(value) ? `A ${label} cannot hold HTML tags such as <script>; write plain text.` : undefined;
}

export function titleError(title: string): string | undefined {
  return textError('title', title, MAX_TITLE, true) ?? markupError('title', title);
}

export function categoryError(category: string): string | undefined {
  return textError('category', category, MAX_CATEGORY, true) ?? markupError('category', category);
}

/** BCP 47, as the API takes it: `en`, `pt-BR`. */
export const LANGUAGE_RULE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

export function languageError(language: string): string | undefined {
  return LANGUAGE_RULE.test(language) ? undefined : 'Choose a language.';
}

export function moderatorLoginError(login: string): string | undefined {
  if (login.trim() === '') return 'Enter the login of the user to make a moderator.';
  if (!LOGIN_RULE.test(login.trim())) return 'A login is 3 to 25 letters, digits or underscores.';
  return undefined;
}

export function webhookUrlError(value: string): string | undefined {
  const url = value.trim();
  if (url === '') return 'Enter the URL Glint should call.';
  if (url.length > MAX_WEBHOOK_URL) return `A webhook URL has at most ${MAX_WEBHOOK_URL} characters.`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'Enter a whole URL, like https://example.com/hook.';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return 'A webhook URL starts with https:// or http://.';
  if (parsed.username || parsed.password) return 'A webhook URL cannot hold a user name or password.';
  return undefined;
}

/** The slow-mode field's text: a whole number of seconds, 0 or 3 to 120. */
export function slowSecondsError(text: string): string | undefined {
  if (!/^\d{1,4}$/.test(text.trim())) return 'Enter a whole number of seconds (0 turns slow mode off).';
  const seconds = Number(text.trim());
  if (seconds !== 0 && (seconds < MIN_SLOW_SECONDS || seconds > MAX_SLOW_SECONDS)) {
    return `Slow mode is 0 (off) or ${MIN_SLOW_SECONDS} to ${MAX_SLOW_SECONDS} seconds.`;
  }
  return undefined;
}
