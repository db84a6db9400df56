/**
 * The process's last resort for errors nothing else caught. A rejected promise nobody awaited is a bug, but one
 * confined to the task that made it: we log it and keep serving every other stream. An uncaught exception leaves the
 * process half way through some handler, in a state nobody can vouch for (Node's documentation says as much): we log
 * it, stop child processes, and exit non-zero, so that the supervisor (systemd, Docker, `npm start` in a loop)
 * restarts a clean process, and publishers reconnect as they do after any network drop.
 */
export interface GuardLogger {
  error(obj: object, msg?: string): void;
  fatal(obj: object, msg?: string): void;
}

export interface ProcessGuardOptions {
  readonly logger: GuardLogger;
  /** Runs before exiting on an uncaught exception, e.g. to stop ffmpeg children; must be synchronous. */
  readonly beforeExit?: () => void;
  /** For tests; `process.exit` otherwise. */
  readonly exit?: (code: number) => void;
}

/** Installs the handlers; returns a function that removes them. */
export function installProcessGuards(options: ProcessGuardOptions): () => void {
  const { logger } = options;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  // With a listener installed Node no longer turns the rejection into an uncaught exception (its default since 15).
  const onRejection = (reason: unknown) =>
    logger.error({ err: reason }, 'unhandled promise rejection (a bug); the server keeps running');
  const onException = (error: Error, origin: string) => {
    logger.fatal({ err: error, origin }, 'uncaught exception; exiting, the process state is unknown');
    try {
      options.beforeExit?.();
    } catch (cleanupError) {
      logger.error({ err: cleanupError }, 'cleanup before exit failed');
    }
    exit(1);
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
