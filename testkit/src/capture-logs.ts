/** A pino logger whose lines a test can read back (and, for a benchmark's operator, also see on stderr). */
import { Writable } from 'node:stream';
import { type LevelWithSilent, type Logger, pino } from 'pino';

export interface CapturedLogs {
  readonly logger: Logger;
  /** Every log line (pino JSON), in order. */
  readonly logs: string[];
}

export function captureLogs(level: LevelWithSilent, options: { echo?: boolean } = {}): CapturedLogs {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString().split('\n').filter(Boolean));
      if (options.echo) process.stderr.write(chunk);
      done();
    },
  });
  return { logger: pino({ level }, sink), logs };
}
