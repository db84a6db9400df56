/**
 * What a library package logs through: the subset of pino's API that Glint uses, so the server passes its pino
 * logger (or a child of it) and a library never writes to the process itself.
 */
export interface Logger {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

/** A logger that drops everything: the default of library code used on its own, e.g. in benchmarks. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
