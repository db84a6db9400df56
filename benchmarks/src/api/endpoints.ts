/**
 * The API reads the benchmark loads: the paths the load generator walks, and the database work the route does for
 * one request (the same service calls, awaited in-process without HTTP), to tell the queries' share of a reply.
 */
import type { Platform } from '@glint/platform';
import { type Summary, summarize } from '../lib/stats.ts';
import type { Dataset } from './seed.ts';

export interface Endpoint {
  readonly label: string;
  /** What the route asks the database, for the table's notes. */
  readonly queries: string;
  paths(dataset: Dataset): string[];
  /** The route's database work for its i-th request (as channel-routes.ts does it). */
  work(platform: Platform, dataset: Dataset, i: number): Promise<unknown>;
}

export const ENDPOINTS: readonly Endpoint[] = [
  {
    label: 'GET /api/channels/<name>',
    queries: 'channels.summary (channels ⋈ users ⟕ broadcasts) and follows.followerCount, at once',
    paths: (dataset) => dataset.live.map((name) => `/api/channels/${name}`),
    work: (platform, dataset, i) => {
      const name = dataset.live[i % dataset.live.length] as string;
      return Promise.all([platform.channels.summary(name), platform.follows.followerCount(name)]);
    },
  },
  {
    label: 'GET /api/channels?live=true',
    queries: 'channels.list(live, 20): channels ⋈ users ⟕ broadcasts, live only, newest broadcast first, 21 rows',
    paths: () => ['/api/channels?live=true'],
    work: (platform) => platform.channels.list(true, { limit: 20 }),
  },
];

export interface QueryOptions {
  readonly warmCalls: number;
  readonly calls: number;
}

/** The route's database work alone, one request's worth at a time, timed with performance.now(). */
export async function measureQueries(
  platform: Platform,
  dataset: Dataset,
  endpoint: Endpoint,
  options: QueryOptions,
): Promise<Summary> {
  for (let i = 0; i < options.warmCalls; i++) await endpoint.work(platform, dataset, i);
  const latencies: number[] = [];
  for (let i = 0; i < options.calls; i++) {
    const startMs = performance.now();
    await endpoint.work(platform, dataset, i);
    latencies.push(performance.now() - startMs);
  }
  return summarize(latencies);
}
