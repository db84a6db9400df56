import type { Platform } from '@glint/platform';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Vod } from '../../vod/vod.ts';

export interface ClipRoutesOptions {
  readonly vod: Vod;
  readonly platform: Platform;
  readonly logger: Logger;
  /** Clips one user (anonymous: one address) may ask for per hour. */
  readonly perHourPerUser: number;
  /** Clips waiting at once over every user. */
  readonly maxQueued: number;
}

export interface ClipRoutesHandle {
  close(): Promise<void>;
}

/** Clip creation (background, status to poll), clip media, pages' API. (Skeleton: the VOD issue fills it in.) */
export function registerClipRoutes(_app: FastifyInstance, _options: ClipRoutesOptions): ClipRoutesHandle {
  return { close: async () => {} };
}
