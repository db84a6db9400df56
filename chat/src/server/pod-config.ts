import { parseArgs } from 'node:util';

/** What a standalone chat pod (`npm run chat -- --port 8090`) runs with: flags first, then the environment. */
export interface PodConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  /** null: chat in this process's memory only (one pod). */
  readonly redisUrl: string | null;
  readonly logLevel: string;
  readonly logFormat: 'auto' | 'json' | 'pretty';
}

export class PodConfigError extends Error {
  override readonly name = 'PodConfigError';
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const LOG_FORMATS = ['auto', 'json', 'pretty'] as const;

/** Reads the pod's configuration; throws PodConfigError with a sentence naming the setting that is wrong. */
export function loadPodConfig(argv: readonly string[], env: NodeJS.ProcessEnv): PodConfig {
  let values: { port?: string | undefined; host?: string | undefined };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { port: { type: 'string' }, host: { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    throw new PodConfigError(`${(error as Error).message}; usage: npm run chat -- --port 8090 [--host 127.0.0.1]`);
  }
  const portText = values.port ?? env.GLINT_CHAT_PORT ?? '8090';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new PodConfigError(`--port (or GLINT_CHAT_PORT) must be a port number 0–65535, not "${portText}"`);
  }
  const databaseUrl = env.GLINT_DATABASE_URL || env.DATABASE_URL || 'sqlite:data/glint.db';
  if (!/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(databaseUrl)) {
    throw new PodConfigError('GLINT_DATABASE_URL (or DATABASE_URL) must be sqlite:<file> or postgres://…');
  }
  const redisUrl = env.GLINT_REDIS_URL || env.REDIS_URL || null;
  if (redisUrl !== null && !/^rediss?:\/\/.+/.test(redisUrl)) {
    throw new PodConfigError('GLINT_REDIS_URL (or REDIS_URL) must be redis://host:port');
  }
  const logLevel = env.GLINT_LOG_LEVEL || 'info';
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new PodConfigError(`GLINT_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  }
  const logFormat = (env.GLINT_LOG_FORMAT || 'auto') as PodConfig['logFormat'];
  if (!LOG_FORMATS.includes(logFormat)) throw new PodConfigError('GLINT_LOG_FORMAT must be auto, json or pretty');
  return { port, host: values.host ?? (env.GLINT_HOST || '127.0.0.1'), databaseUrl, redisUrl, logLevel, logFormat };
}
