/**
 * The process's pino logger: readable lines for a person at a terminal, one JSON object a line for a machine (a log
 * shipper, a pipe, a test), as GLINT_LOG_FORMAT says.
 */
import { type DestinationStream, type Logger, type LoggerOptions, pino } from 'pino';
import pretty from 'pino-pretty';
import type { LogFormat, LogLevel } from './config.ts';

export interface LoggerSettings {
  readonly logLevel: LogLevel;
  readonly logFormat: LogFormat;
}

/**
 * Fields that may carry a secret, should one ever be passed to a log call: censored, whatever the format. Stream
 * keys, tokens and passwords are kept out of log calls in the first place; this is the net under that rule.
 */
export const REDACTED_PATHS = [
  'streamKey',
  '*.streamKey',
  'token',
  '*.token',
  'password',
  '*.password',
  'metricsToken',
  '*.metricsToken',
  'demoStreamKey',
  '*.demoStreamKey',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
];

/** `auto` is pretty only when stdout is a terminal: piped or redirected output stays machine-readable. */
export function resolveLogFormat(format: LogFormat, stdoutIsTty: boolean): 'json' | 'pretty' {
  if (format === 'auto') return stdoutIsTty ? 'pretty' : 'json';
  return format;
}

export function loggerOptions(settings: LoggerSettings): LoggerOptions {
  return { level: settings.logLevel, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
}

/** Writes to stdout, or to `destination` (tests); `stdoutIsTty` decides `auto` and colours. */
export function createLogger(
  settings: LoggerSettings,
  {
    stdoutIsTty = process.stdout.isTTY === true,
    destination,
  }: { stdoutIsTty?: boolean; destination?: DestinationStream } = {},
): Logger {
  const options = loggerOptions(settings);
  if (resolveLogFormat(settings.logFormat, stdoutIsTty) === 'json') {
    return destination ? pino(options, destination) : pino(options);
  }
  // Synchronous, in this thread (no transport worker): a fatal line just before process.exit is not lost.
  const stream = pretty({
    colorize: stdoutIsTty && !destination,
    sync: true,
    translateTime: 'SYS:HH:MM:ss.l',
    // One line per event: time, level, message, then its fields.
    singleLine: true,
    ignore: 'pid,hostname',
    ...(destination ? { destination } : {}),
  });
  return pino(options, stream);
}
