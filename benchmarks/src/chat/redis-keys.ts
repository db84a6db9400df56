import { createClient } from 'redis';

/** The machine's Redis, which both servers share (REDIS_URL overrides). */
export const BENCH_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The machine's Redis is shared: a run leaves none of its keys behind (SCAN by prefix, then DEL). */
export async function dropKeys(redisUrl: string, keyPrefix: string): Promise<number> {
  const redis = createClient({ url: redisUrl });
  await redis.connect();
  let dropped = 0;
  try {
    for await (const keys of redis.scanIterator({ MATCH: `${keyPrefix}*`, COUNT: 500 })) {
      if (keys.length > 0) dropped += await redis.del(keys);
    }
  } finally {
    await redis.quit();
  }
  return dropped;
}
