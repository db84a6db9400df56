import type { Logger } from '@glint/media-core';
import type { createClient } from 'redis';
import { runScript, type Script } from './redis-scripts.ts';

export type RedisClient = ReturnType<typeof createClient>;

/** What the parts of the Redis bus share: its two connections, its key names, its clock and logger. */
export class RedisLink {
  constructor(
    /** Commands; fails at once while Redis is away (no offline queue). */
    readonly data: RedisClient,
    /** Pub/sub only. */
    readonly sub: RedisClient,
    readonly prefix: string,
    readonly nowMs: () => number,
    readonly logger: Logger,
  ) {}

  /** Both connections are up (a recovery after an outage may still be running). */
  get up(): boolean {
    return this.data.isReady && this.sub.isReady;
  }

  run(which: Script, keys: string[], args: string[]): Promise<unknown> {
    return runScript(this.data, which, keys, args);
  }

  key(kind: string, ...parts: string[]): string {
    return parts.length === 0 ? `${this.prefix}${kind}` : `${this.prefix}${kind}:${parts.join(':')}`;
  }

  channel(room: string): string {
    return `${this.prefix}room:${room}`;
  }
}
