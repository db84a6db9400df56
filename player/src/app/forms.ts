/**
 * The rules the API applies to account fields, checked in the browser first so a form shows an inline error at
 * once. The API still checks everything; its answer is shown the same way.
 */
export const LOGIN_RULE = /^[A-Za-z0-9_]{3,25}$/;
export const MIN_PASSWORD = 8;
export const MAX_PASSWORD = 256;
export const MAX_DISPLAY_NAME = 40;
// Control characters, which the API refuses in any text a person types.
// biome-ignore lint/suspicious/noControlCharactersInRegex: that is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

export type FieldErrors<K extends string> = { [P in K]?: string | undefined };

export function loginError(login: string): string | undefined {
  if (login.trim() === '') return 'Enter a login.';
  if (!LOGIN_RULE.test(login)) return 'A login is 3 to 25 letters, digits or underscores.';
  return undefined;
}

export function newPasswordError(password: string): string | undefined {
  if (password === '') return 'Enter a password.';
  if ([...password].length < MIN_PASSWORD) return `A password has at least ${MIN_PASSWORD} characters.`;
  if ([...password].length > MAX_PASSWORD) return `A password has at most ${MAX_PASSWORD} characters.`;
  if (CONTROL.test(password)) return 'A password cannot hold control characters.';
  return undefined;
}

export function displayNameError(name: string): string | undefined {
  if ([...name].length > MAX_DISPLAY_NAME) return `A display name has at most ${MAX_DISPLAY_NAME} characters.`;
  if (CONTROL.test(name)) return 'A display name cannot hold control characters.';
  return undefined;
}

/** Text for a one-line field (title, category…): required or not, bounded, no control characters. */
export function textError(label: string, value: string, maxLength: number, required = false): string | undefined {
  if (required && value.trim() === '') return `Enter a ${label}.`;
  if ([...value].length > maxLength) return `A ${label} has at most ${maxLength} characters.`;
  if (CONTROL.test(value)) return `A ${label} cannot hold control characters.`;
  return undefined;
}
