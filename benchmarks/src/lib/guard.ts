import type { Scratch } from './scratch.ts';

/**
 * Makes a benchmark stop by itself and leave nothing behind: its children and temp folders go on exit, on
 * SIGINT/SIGTERM, and when the watchdog fires.
 */
export function guardRun(name: string, scratch: Scratch, watchdogMs: number): void {
  process.on('exit', () => scratch.cleanUp());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      scratch.cleanUp();
      process.exit(130);
    });
  }
  setTimeout(() => {
    process.stderr.write(`\n${name}: watchdog fired after ${watchdogMs / 1000} s; stopping\n`);
    scratch.cleanUp();
    process.exit(2);
  }, watchdogMs).unref();
}
