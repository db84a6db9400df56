import type { Platform } from '@glint/platform';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Vod } from '../../vod/vod.ts';

export interface VodRoutesOptions {
  readonly vod: Vod;
  readonly platform: Platform;
  readonly logger: Logger;
}

export interface VodRoutesHandle {
  close(): Promise<void>;
}

/** VOD and DVR playlists, archived media, the VOD list and delete API. (Skeleton: the VOD issue fills it in.) */
export function registerVodRoutes(_app: FastifyInstance, _options: VodRoutesOptions): VodRoutesHandle {
  return { close: async () => {} };
}
