import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id (the default algorithm of @node-rs/argon2) with OWASP's minimum for it: 19 MiB of memory, 2 passes,
 * 1 lane. About 25 ms per hash here; it runs on libuv's pool, not the event loop.
 */
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

/** Constant work whatever the result (argon2's own verify compares in constant time). */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password);
  } catch {
    return false;
  }
}

/** A hash to verify against when the login does not exist, so that a wrong login costs what a wrong password does. */
let dummy: Promise<string> | undefined;
export function dummyHash(): Promise<string> {
  dummy ??= hashPassword('glint-no-such-account');
  return dummy;
}
