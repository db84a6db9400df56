import type { Random } from '../random.ts';

/** An error class a parser is allowed to throw on bad input (each has a stable `code`). */
export type TypedErrorClass = abstract new (...args: never[]) => Error;

/** One parser (or a small pipeline of them) under fuzzing. */
export interface FuzzTarget {
  readonly name: string;
  /** What the target feeds, for the table. */
  readonly description: string;
  /** Source files (paths from the repository root) whose coverage is reported for this target. */
  readonly sources: readonly string[];
  /** Only these errors are a parser's answer to bad input; any other exception is a crash. */
  readonly typedErrors: readonly TypedErrorClass[];
  /** A structure-aware input: mostly well-formed, with the field values and lies that break parsers. */
  generate(rng: Random): Uint8Array;
  /** Runs one input through the target; returns a short signature of what happened, for corpus feedback. */
  run(input: Uint8Array): string;
}

/** A property the parsers promise to each other does not hold: a crash, whatever the input. */
export class InvariantError extends Error {
  override readonly name = 'InvariantError';
}

export function isTyped(target: FuzzTarget, error: unknown): error is Error & { code?: unknown } {
  return target.typedErrors.some((cls) => error instanceof cls);
}

/** A code for an error, for signatures: the typed error's `code`, or its class name. */
export function errorCode(error: unknown): string {
  if (error === undefined) return 'no error';
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? code : error.name;
  }
  return typeof error;
}

/**
 * Runs one step of a target that may fail with a typed error and goes on with the next step: returns 'ok' or the
 * error's code. Anything else propagates (a crash).
 */
export function attempt(typed: readonly TypedErrorClass[], step: () => unknown): string {
  try {
    step();
    return 'ok';
  } catch (error) {
    if (typed.some((cls) => error instanceof cls)) return errorCode(error);
    throw error;
  }
}

/** Counts into a few buckets, so signatures stay few: 0, 1, 2, 3-4, 5-8, 9-16, more. */
export function bucket(n: number): string {
  if (n <= 2) return String(n);
  if (n <= 4) return '3-4';
  if (n <= 8) return '5-8';
  if (n <= 16) return '9-16';
  return '17+';
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function invariant(ok: boolean, message: string): void {
  if (!ok) throw new InvariantError(message);
}
