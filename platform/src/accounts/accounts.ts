import { badRequest, conflict } from '../errors.ts';
import { newId } from '../ids.ts';
import type { ServiceDeps } from '../service-deps.ts';
import { dummyHash, hashPassword, verifyPassword } from './passwords.ts';
import { newSessionToken, sha256Hex } from './tokens.ts';

/** A signed-in user as every request handler and chat see them. */
export interface AuthUser {
  readonly id: string;
  readonly login: string;
  readonly displayName: string;
}

export interface Session {
  /** Secret: returned once to the client that logged in, never logged. */
  readonly token: string;
  readonly expiresAt: number;
  readonly user: AuthUser;
}

export const LOGIN_PATTERN = /^[a-z0-9_]{3,25}$/;
export const MIN_PASSWORD_LENGTH = 8;
/** Bounds the argon2 input; long passphrases fit well within it. */
export const MAX_PASSWORD_LENGTH = 256;
export const MAX_DISPLAY_NAME_LENGTH = 40;
/** Control characters (C0, DEL, C1): invisible in a password field, and they break names on screen. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is this pattern's job.
export const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;
/** A surrogate not in a pair: JSON can carry one, UTF-8 cannot (it would be stored as U+FFFD). */
const LONE_SURROGATE = /[\ud800-\udfff]/u;

export interface AccountsOptions {
  /** How long a session lasts from log-in. */
  readonly sessionTtlMs: number;
  /** Live sessions one user may have; a new log-in past it ends the oldest (a script logging in in a loop). */
  readonly maxSessionsPerUser: number;
}

export const DEFAULT_ACCOUNTS_OPTIONS: AccountsOptions = { sessionTtlMs: 30 * 24 * 3600_000, maxSessionsPerUser: 20 };

/** Sign-up, log-in, sessions. Passwords are argon2id PHC strings; session tokens are stored as SHA-256 only. */
export class Accounts {
  readonly #deps: ServiceDeps;
  readonly #options: AccountsOptions;

  constructor(deps: ServiceDeps, options: Partial<AccountsOptions> = {}) {
    this.#deps = deps;
    this.#options = { ...DEFAULT_ACCOUNTS_OPTIONS, ...options };
  }

  /**
   * Creates the account; `password: null` makes one that cannot log in (a seeded channel owner). Throws
   * PlatformError LOGIN_TAKEN when the login exists. The caller creates the user's channel (Platform.signUp does).
   */
  async createUser(login: string, password: string | null, displayName: string = login): Promise<AuthUser> {
    const normalized = login.toLowerCase();
    if (!LOGIN_PATTERN.test(normalized)) {
      throw badRequest('BAD_LOGIN', 'a login is 3 to 25 characters: letters, digits and underscores');
    }
    if (password !== null) checkPassword(password);
    checkDisplayName(displayName);
    const { db, nowMs } = this.#deps;
    const existing = await db.selectFrom('users').select('id').where('login', '=', normalized).executeTakeFirst();
    if (existing) throw conflict('LOGIN_TAKEN', `the login ${normalized} is taken; choose another`);
    const user: AuthUser = { id: newId(nowMs()), login: normalized, displayName };
    const passwordHash = password === null ? null : await hashPassword(password);
    try {
      await db
        .insertInto('users')
        .values({
          id: user.id,
          login: user.login,
          display_name: displayName,
          password_hash: passwordHash,
          created_at: nowMs(),
        })
        .execute();
    } catch (error) {
      // Two sign-ups for one login at once: the unique index lets one through; the other hears what the first check says.
      if (await this.userByLogin(normalized))
        throw conflict('LOGIN_TAKEN', `the login ${normalized} is taken; choose another`);
      throw error;
    }
    return user;
  }

  /** A new session for a correct login and password; null otherwise (the caller throttles and words the refusal). */
  async logIn(login: string, password: string): Promise<Session | null> {
    const row = await this.#deps.db
      .selectFrom('users')
      .select(['id', 'login', 'display_name', 'password_hash'])
      .where('login', '=', login.toLowerCase())
      .executeTakeFirst();
    // The same argon2 work for an unknown login as for a wrong password: timing tells no one which logins exist.
    const ok = await verifyPassword(row?.password_hash ?? (await dummyHash()), password);
    if (!row || row.password_hash === null || !ok) return null;
    return this.openSession({ id: row.id, login: row.login, displayName: row.display_name });
  }

  async logOut(token: string): Promise<void> {
    await this.#deps.db.deleteFrom('sessions').where('token_hash', '=', sha256Hex(token)).execute();
  }

  /** The user a session token belongs to, or null for an unknown or expired token. */
  async identify(token: string): Promise<AuthUser | null> {
    const row = await this.#deps.db
      .selectFrom('sessions')
      .innerJoin('users', 'users.id', 'sessions.user_id')
      .select(['users.id', 'users.login', 'users.display_name', 'sessions.expires_at'])
      .where('sessions.token_hash', '=', sha256Hex(token))
      .executeTakeFirst();
    if (!row || row.expires_at <= this.#deps.nowMs()) return null;
    return { id: row.id, login: row.login, displayName: row.display_name };
  }

  async userByLogin(login: string): Promise<AuthUser | null> {
    const row = await this.#deps.db
      .selectFrom('users')
      .select(['id', 'login', 'display_name'])
      .where('login', '=', login.toLowerCase())
      .executeTakeFirst();
    return row ? { id: row.id, login: row.login, displayName: row.display_name } : null;
  }

  /** Removes expired sessions; run now and then. */
  async pruneSessions(): Promise<number> {
    const result = await this.#deps.db
      .deleteFrom('sessions')
      .where('expires_at', '<=', this.#deps.nowMs())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** A new session for a user who has just proved who they are (signed up or logged in). */
  async openSession(user: AuthUser): Promise<Session> {
    const token = newSessionToken();
    const now = this.#deps.nowMs();
    const expiresAt = now + this.#options.sessionTtlMs;
    const tokenHash = sha256Hex(token);
    await this.#deps.db
      .insertInto('sessions')
      .values({ token_hash: tokenHash, user_id: user.id, created_at: now, expires_at: expiresAt })
      .execute();
    await this.#trimSessions(user.id, tokenHash, now);
    return { token, expiresAt, user };
  }

  /** Drops the user's expired sessions and the oldest live ones past the cap, so the table holds only what can be used. */
  async #trimSessions(userId: string, keep: string, now: number): Promise<void> {
    const { db } = this.#deps;
    const rows = await db
      .selectFrom('sessions')
      .select(['token_hash', 'expires_at'])
      .where('user_id', '=', userId)
      .orderBy('created_at', 'desc')
      .execute();
    const live = rows.filter((r) => r.token_hash !== keep && r.expires_at > now);
    const kept = new Set([keep, ...live.slice(0, this.#options.maxSessionsPerUser - 1).map((r) => r.token_hash)]);
    const drop = rows.map((r) => r.token_hash).filter((hash) => !kept.has(hash));
    if (drop.length > 0) await db.deleteFrom('sessions').where('token_hash', 'in', drop).execute();
  }
}

/** Code points, as the API's schemas count them (a emoji is one character, not two UTF-16 units). */
function characters(text: string): number {
  return [...text].length;
}

function checkPassword(password: string): void {
  const length = characters(password);
  if (length < MIN_PASSWORD_LENGTH || length > MAX_PASSWORD_LENGTH) {
    throw badRequest(
      'BAD_PASSWORD',
      `a password has ${MIN_PASSWORD_LENGTH} to ${MAX_PASSWORD_LENGTH} characters; choose one of that length`,
    );
  }
  if (CONTROL_CHARACTERS.test(password) || LONE_SURROGATE.test(password)) {
    throw badRequest(
      'BAD_PASSWORD',
      'a password may not contain control characters (such as a tab or line break) or broken Unicode',
    );
  }
}

function checkDisplayName(displayName: string): void {
  const length = characters(displayName);
  if (
    length < 1 ||
    length > MAX_DISPLAY_NAME_LENGTH ||
    CONTROL_CHARACTERS.test(displayName) ||
    LONE_SURROGATE.test(displayName)
  ) {
    throw badRequest(
      'BAD_DISPLAY_NAME',
      `a display name has 1 to ${MAX_DISPLAY_NAME_LENGTH} characters and no control characters`,
    );
  }
}
