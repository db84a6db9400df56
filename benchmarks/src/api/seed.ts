/**
 * The data set the API benchmark reads: channels with varied titles and categories, some live, and viewer accounts
 * following them with a popularity skew (a few channels hold most followers, as on any streaming site).
 */
import type { Platform } from '@glint/platform';
import { seededRandom } from '@glint/testkit';

export interface DatasetShape {
  readonly channels: number;
  readonly live: number;
  readonly viewers: number;
  readonly followsPerViewer: number;
}

export interface Dataset {
  /** Channel names, most popular first. */
  readonly channels: readonly string[];
  /** Stream key per channel (valid, active). */
  readonly keys: ReadonlyMap<string, string>;
  /** The live channels, spread over the popularity ranks. */
  readonly live: readonly string[];
  readonly followRows: number;
  /** Followers of each live channel, in the order of `live`. */
  readonly liveFollowers: readonly number[];
  readonly seedMs: number;
}

const CATEGORIES = ['Just Chatting', 'Music', 'Art', 'Software and Game Development', 'Retro', 'Science', 'Cooking'];
const TOPICS = ['late-night build', 'chill beats and chat', 'speedrun practice', 'Q&A with the community', 'drawing'];
const INSERT_CHUNK = 500;
const SEED_CONCURRENCY = 8;

export function channelName(rank: number): string {
  return `channel_${String(rank).padStart(4, '0')}`;
}

/** Seeds through the platform's own services (accounts, channels, keys, broadcasts); follows as bulk inserts. */
export async function seedDataset(
  platform: Platform,
  shape: DatasetShape,
  onProgress: (text: string) => void,
): Promise<Dataset> {
  const startedMs = performance.now();
  const random = seededRandom(0x5eed);
  const channels = Array.from({ length: shape.channels }, (_, rank) => channelName(rank));
  const fields = channels.map(() => ({
    title: `${pick(TOPICS, random)} — day ${1 + Math.floor(random() * 400)} of the stream`,
    category: pick(CATEGORIES, random),
  }));
  const keys = new Map<string, string>();
  let seeded = 0;
  // A few at once: on PostgreSQL each seed is a few commits (a round trip and a WAL flush each), on SQLite it changes
  // nothing (one connection).
  await inParallel(channels.length, SEED_CONCURRENCY, async (rank) => {
    const name = channels[rank] as string;
    keys.set(name, await platform.seedChannel(name, `Channel ${rank}`));
    const info = await platform.channels.get(name);
    if (!info) throw new Error(`seeded channel ${name} is missing`);
    await platform.channels.update(name, info.ownerId, fields[rank] ?? {});
    if (++seeded % 100 === 0) onProgress(`${seeded}/${shape.channels} channels`);
  });

  const viewerIds: string[] = new Array(shape.viewers);
  let made = 0;
  await inParallel(shape.viewers, SEED_CONCURRENCY, async (i) => {
    viewerIds[i] = (await platform.accounts.createUser(`viewer_${String(i).padStart(5, '0')}`, null)).id;
    if (++made % 500 === 0) onProgress(`${made}/${shape.viewers} viewer accounts`);
  });
  const follows = zipfFollows(viewerIds, channels, shape.followsPerViewer, random);
  for (let i = 0; i < follows.length; i += INSERT_CHUNK) {
    await platform.database.db
      .insertInto('follows')
      .values(follows.slice(i, i + INSERT_CHUNK))
      .execute();
  }
  onProgress(`${follows.length} follows`);

  // Every (channels / live)-th rank goes live: the live list mixes big and small channels.
  const step = Math.max(1, Math.floor(shape.channels / shape.live));
  const live = channels.filter((_, rank) => rank % step === 0).slice(0, shape.live);
  for (const name of live) platform.broadcasts.streamStarted(name);
  await platform.broadcasts.settled();
  const counts = new Map<string, number>();
  for (const f of follows) counts.set(f.channel, (counts.get(f.channel) ?? 0) + 1);
  onProgress(`${live.length} channels live`);
  return {
    channels,
    keys,
    live,
    followRows: follows.length,
    liveFollowers: live.map((name) => counts.get(name) ?? 0),
    seedMs: performance.now() - startedMs,
  };
}

/** Each viewer follows `perViewer` distinct channels, drawn with weight 1/rank (Zipf, s = 1). */
function zipfFollows(
  viewerIds: readonly string[],
  channels: readonly string[],
  perViewer: number,
  random: () => number,
) {
  const cumulative: number[] = [];
  let total = 0;
  for (let rank = 0; rank < channels.length; rank++) {
    total += 1 / (rank + 1);
    cumulative.push(total);
  }
  const now = Date.now();
  const rows: { user_id: string; channel: string; created_at: number }[] = [];
  for (const userId of viewerIds) {
    const chosen = new Set<string>();
    while (chosen.size < Math.min(perViewer, channels.length)) {
      const target = random() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((cumulative[mid] ?? 0) < target) lo = mid + 1;
        else hi = mid;
      }
      chosen.add(channels[lo] as string);
    }
    for (const channel of chosen) rows.push({ user_id: userId, channel, created_at: now });
  }
  return rows;
}

/** Runs task(0 … count − 1) with at most `concurrency` at once. */
async function inParallel(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

function pick<T>(items: readonly T[], random: () => number): T {
  return items[Math.floor(random() * items.length)] as T;
}
