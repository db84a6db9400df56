/**
 * Requests parked until something exists, grouped by what they wait for. No timer per request: one sweep per
 * queue answers the expired ones, in arrival order (all share one timeout, so each group is ordered by deadline).
 */
export interface Parked<T> {
  readonly value: T;
  readonly deadlineMs: number;
  /** 'cancelled': the client went away before an answer; skipped and no longer counted. */
  state: 'parked' | 'answered' | 'cancelled';
}

export class WaitQueue<K, T> {
  readonly #groups = new Map<K, Parked<T>[]>();
  #size = 0;

  get size(): number {
    return this.#size;
  }

  /** Parks a value; the returned function cancels it (cheaply: the entry is skipped when its group is released). */
  park(key: K, value: T, deadlineMs: number): () => void {
    let group = this.#groups.get(key);
    if (!group) {
      group = [];
      this.#groups.set(key, group);
    }
    const parked: Parked<T> = { value, deadlineMs, state: 'parked' };
    group.push(parked);
    this.#size++;
    return () => {
      if (parked.state !== 'parked') return;
      parked.state = 'cancelled';
      this.#size--;
    };
  }

  /** Removes and returns every group whose key (and first value, which describes the group) passes `ready`. */
  release(ready: (key: K, first: T) => boolean): T[] {
    const out: T[] = [];
    for (const [key, group] of this.#groups) {
      const first = group[0];
      if (!first || !ready(key, first.value)) continue;
      this.#groups.delete(key);
      for (const parked of group) {
        if (parked.state !== 'parked') continue;
        parked.state = 'answered';
        this.#size--;
        out.push(parked.value);
      }
    }
    return out;
  }

  /** Removes and returns the values whose deadline has passed. */
  expire(nowMs: number): T[] {
    const out: T[] = [];
    for (const [key, group] of this.#groups) {
      let n = 0;
      while (n < group.length && (group[n]?.deadlineMs ?? Number.POSITIVE_INFINITY) <= nowMs) n++;
      if (n === 0) continue;
      for (const parked of group.splice(0, n)) {
        if (parked.state !== 'parked') continue;
        parked.state = 'answered';
        this.#size--;
        out.push(parked.value);
      }
      if (group.length === 0) this.#groups.delete(key);
    }
    return out;
  }

  drain(): T[] {
    return this.release(() => true);
  }
}
