import type { HistoryPage, Unsubscribe } from '../hub/chat-bus.ts';
import type { RoomEvent, RoomName, SequencedEvent } from '../protocol/types.ts';
import { pageOf } from './history-ring.ts';
import type { RedisLink } from './redis-link.ts';
import { HISTORY_SCRIPT, PUBLISH_SCRIPT, RESEED_SCRIPT, script } from './redis-scripts.ts';
import { RoomFeed, type Subscriber } from './room-feed.ts';

const PUBLISH = script(PUBLISH_SCRIPT);
const RESEED = script(RESEED_SCRIPT);
const HISTORY = script(HISTORY_SCRIPT);

/**
 * Rooms' events through Redis: seq, history and pub/sub from one script, one channel per room subscribed while this
 * pod has a subscriber there, a RoomFeed per room that delivers each seq once and fills gaps from history; and, while
 * Redis is away, events sequenced and delivered on this pod above the last seq it knows.
 *
 * Seqs across a Redis restart without persistence: every publish passes the pod's highest known seq (the floor) and
 * each pod re-seeds its rooms with it when Redis is back; when Redis has less than the floor (it lost the room, or
 * pods sequenced events locally meanwhile) the seq jumps to floor + `seqGap`. Each pod's local events were numbered
 * from its own last known seq, so the jump puts every later seq above all of them as long as no pod delivered
 * `seqGap` events in one room during one outage, whichever pod reaches Redis first. Limits: a pod that never saw the
 * room and publishes first after the restart, before the pods that know it have re-seeded (within the reconnect
 * backoff, ≤ 1 s), starts the room again from 1 and the others drop those seqs as repeats; and when only one pod
 * lost Redis (a partition) while the room went on, the seqs it used locally are also used in Redis, so its members
 * miss the others' events under them. History after a restart starts empty: resuming from before it reports a gap.
 */
export class RedisRoomFeeds {
  readonly #feeds = new Map<RoomName, RoomFeed>();
  /** Rooms whose channel this pod subscribes to: 'pending' until Redis confirms the SUBSCRIBE. */
  readonly #listening = new Map<RoomName, 'pending' | 'on'>();
  /** UNSUBSCRIBEs on their way: a new SUBSCRIBE to the room waits for its own (node-redis would let it undo ours). */
  readonly #leaving = new Map<RoomName, Promise<void>>();

  constructor(
    readonly link: RedisLink,
    readonly historyLimit: number,
    readonly seqGap: number,
  ) {}

  get size(): number {
    return this.#feeds.size;
  }

  async publish(room: RoomName, event: RoomEvent): Promise<SequencedEvent> {
    const { link } = this;
    const feed = this.#feed(room);
    if (link.data.isReady) {
      try {
        const payload = await link.run(
          PUBLISH,
          [link.key('seq', room), link.key('history', room)],
          [
            link.channel(room),
            JSON.stringify(event),
            String(this.historyLimit),
            String(feed.highestSeen),
            String(this.seqGap),
          ],
        );
        const sequenced = JSON.parse(String(payload)) as SequencedEvent;
        feed.noteSeen(sequenced.seq);
        return sequenced;
      } catch (error) {
        link.logger.warn({ err: error, room }, 'chat publish through Redis failed: delivering on this pod only');
      }
    }
    // Above every seq this pod knows, so that it never repeats one its subscribers saw; the re-seed moves Redis past it.
    const sequenced: SequencedEvent = { ...event, seq: feed.highestSeen + 1 };
    feed.offerLocal(sequenced);
    return sequenced;
  }

  async subscribe(room: RoomName, onEvent: Subscriber, closed: () => boolean): Promise<Unsubscribe> {
    const feed = this.#feed(room);
    const subscriber: Subscriber = (event) => onEvent(event);
    const first = feed.subscribers.size === 0;
    feed.subscribers.add(subscriber);
    if (first) await this.#listen(feed);
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      feed.subscribers.delete(subscriber);
      if (feed.subscribers.size === 0 && !closed()) await this.#unlisten(feed);
    };
  }

  async history(room: RoomName, options: { sinceSeq?: number; limit: number }): Promise<HistoryPage> {
    if (this.link.data.isReady) {
      try {
        return await this.#redisHistory(room, options);
      } catch (error) {
        this.link.logger.warn({ err: error, room }, 'chat history from Redis failed: answering from this pod');
      }
    }
    const feed = this.#feeds.get(room);
    return feed ? feed.recent.page(options, feed.highestSeen) : pageOf([], options, 0);
  }

  /** After Redis was away: every room's seq at least `gap` past the highest this pod knows, if Redis has less. */
  async reseed(): Promise<void> {
    const { link } = this;
    await Promise.all(
      [...this.#feeds.values()]
        .filter((feed) => feed.highestSeen > 0)
        .map((feed) => link.run(RESEED, [link.key('seq', feed.room)], [String(feed.highestSeen), String(this.seqGap)])),
    );
  }

  /** After a reconnect: what each room's channel missed, from history; rooms whose SUBSCRIBE was lost, again. */
  async catchUp(): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const feed of this.#feeds.values()) {
      if (feed.subscribers.size === 0) continue;
      jobs.push(this.#listening.has(feed.room) ? this.#catchUp(feed) : this.#listen(feed));
    }
    await Promise.all(jobs);
  }

  clear(): void {
    for (const feed of this.#feeds.values()) feed.subscribers.clear();
  }

  #feed(room: RoomName): RoomFeed {
    let feed = this.#feeds.get(room);
    if (!feed) {
      feed = new RoomFeed(room, this.historyLimit, this.link.logger);
      this.#feeds.set(room, feed);
    }
    return feed;
  }

  /**
   * The pod's first subscriber for the room: SUBSCRIBE, then live delivery starts after the room's current seq (what
   * came before belongs to the history a joining client reads). While Redis is away the SUBSCRIBE waits in
   * node-redis's queue and the call returns at once.
   */
  async #listen(feed: RoomFeed): Promise<void> {
    const { link } = this;
    const room = feed.room;
    const leaving = this.#leaving.get(room);
    if (leaving) await leaving;
    if (this.#listening.has(room) || feed.subscribers.size === 0) return;
    this.#listening.set(room, 'pending');
    const subscribed = link.sub
      .subscribe(link.channel(room), (message) => this.#onMessage(feed, message))
      .then(
        () => {
          if (this.#listening.has(room)) this.#listening.set(room, 'on');
          return true;
        },
        (error: unknown) => {
          // A SUBSCRIBE in flight when Redis went away: the next reconnect subscribes again.
          this.#listening.delete(room);
          link.logger.warn({ err: error, room }, 'chat subscribe failed: retrying when Redis is back');
          return false;
        },
      );
    if (!link.up) return;
    feed.hold();
    try {
      if (await subscribed) {
        const start = Number((await link.data.get(link.key('seq', room))) ?? 0);
        if (start > feed.lastDelivered) feed.lastDelivered = start;
        feed.noteSeen(start);
      }
    } catch (error) {
      link.logger.warn({ err: error, room }, 'chat could not read the seq of a room it subscribed to');
    }
    feed.release();
  }

  async #unlisten(feed: RoomFeed): Promise<void> {
    const room = feed.room;
    feed.recent.clear();
    this.#listening.delete(room);
    const leaving = this.link.sub.unsubscribe(this.link.channel(room)).catch((error: unknown) => {
      this.link.logger.warn({ err: error, room }, 'chat unsubscribe failed');
    });
    this.#leaving.set(room, leaving);
    await leaving;
    if (this.#leaving.get(room) === leaving) this.#leaving.delete(room);
  }

  #onMessage(feed: RoomFeed, message: string): void {
    if (feed.subscribers.size === 0) return; // an unsubscribe on its way
    let event: SequencedEvent;
    try {
      event = JSON.parse(message) as SequencedEvent;
    } catch (error) {
      this.link.logger.error({ err: error, room: feed.room }, 'chat event from Redis is not JSON: dropped');
      return;
    }
    if (feed.offer(event) === 'gap') void this.#catchUp(feed);
  }

  /** Fills a gap (a missed pub/sub message, a reconnect) from the room's history, then releases what waited. */
  async #catchUp(feed: RoomFeed): Promise<void> {
    feed.hold();
    let recovered: readonly SequencedEvent[] = [];
    try {
      if (this.link.data.isReady) {
        const page = await this.#redisHistory(feed.room, { sinceSeq: feed.lastDelivered, limit: this.historyLimit });
        recovered = page.events;
      }
    } catch (error) {
      this.link.logger.warn({ err: error, room: feed.room }, 'chat catch-up from Redis history failed');
    }
    feed.release(recovered);
  }

  async #redisHistory(room: RoomName, options: { sinceSeq?: number; limit: number }): Promise<HistoryPage> {
    const { link } = this;
    // One more than asked when resuming: the event at sinceSeq + 1 tells whether the page holds everything after it.
    const wanted = Math.min(this.historyLimit, Math.max(0, options.limit) + (options.sinceSeq === undefined ? 0 : 1));
    if (wanted === 0) return pageOf([], options, Number(await link.data.get(link.key('seq', room))) || 0);
    const reply = (await link.run(
      HISTORY,
      [link.key('seq', room), link.key('history', room)],
      [String(wanted)],
    )) as string[];
    const [seq = '0', ...stored] = reply;
    return pageOf(
      stored.map((json) => JSON.parse(json) as SequencedEvent),
      options,
      Number(seq),
    );
  }
}
