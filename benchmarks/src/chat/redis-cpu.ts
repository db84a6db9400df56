/** The CPU the machine's Redis has used so far (INFO cpu: used_cpu_user + used_cpu_sys, seconds). */
import { createClient } from 'redis';
import { BENCH_REDIS_URL } from './redis-keys.ts';

export async function readRedisCpuSec(): Promise<number> {
  const redis = createClient({ url: BENCH_REDIS_URL });
  await redis.connect();
  try {
    const info = await redis.info('cpu');
    const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
    return field('used_cpu_user') + field('used_cpu_sys');
  } finally {
    await redis.quit();
  }
}
