/**
 * The load generator's books: each message's number and send time travel in its text; every delivery is checked in
 * against them. Latency is receive − send on one clock (performance.timeOrigin + performance.now() in this process,
 * where both senders and receivers live). Pure: the caller passes the clock's readings.
 */
import { quantileSorted } from '../lib/stats.ts';

/** Short like a real chat line; the number and the send time first so a receiver reads them without JSON. */
export function messageText(messageNo: number, sendMs: number): string {
  return `${messageNo} ${sendMs.toFixed(3)} hello chat, good stream today`;
}

export function parseMessageText(text: string): { messageNo: number; sendMs: number } | null {
  const first = text.indexOf(' ');
  const second = text.indexOf(' ', first + 1);
  if (first <= 0 || second <= first) return null;
  const messageNo = Number(text.slice(0, first));
  const sendMs = Number(text.slice(first + 1, second));
  return Number.isInteger(messageNo) && Number.isFinite(sendMs) ? { messageNo, sendMs } : null;
}

export class DeliveryLedger {
  /** Per message: members it should reach (0 for a message sent outside the window), and deliveries so far. */
  readonly #expected: number[] = [];
  readonly #received: number[] = [];
  readonly #latenciesMs: number[] = [];
  #windowStartMs = Number.POSITIVE_INFINITY;
  #windowEndMs = Number.POSITIVE_INFINITY;
  #deliveriesInWindow = 0;
  #sentInWindow = 0;
  #unreadable = 0;

  /** Numbers the next message and notes who should get it; returns its text. */
  sent(sendMs: number, members: number): string {
    const messageNo = this.#expected.length;
    const inWindow = sendMs >= this.#windowStartMs && sendMs < this.#windowEndMs;
    if (inWindow) this.#sentInWindow++;
    this.#expected.push(inWindow ? members : 0);
    this.#received.push(0);
    return messageText(messageNo, sendMs);
  }

  delivered(text: string, nowMs: number): void {
    const parsed = parseMessageText(text);
    if (!parsed || parsed.messageNo >= this.#received.length) {
      this.#unreadable++;
      return;
    }
    this.#received[parsed.messageNo] = (this.#received[parsed.messageNo] ?? 0) + 1;
    if (nowMs >= this.#windowStartMs && nowMs < this.#windowEndMs) {
      this.#deliveriesInWindow++;
      this.#latenciesMs.push(nowMs - parsed.sendMs);
    }
  }

  openWindow(nowMs: number): void {
    this.#windowStartMs = nowMs;
  }

  closeWindow(nowMs: number): void {
    this.#windowEndMs = nowMs;
  }

  get deliveriesInWindow(): number {
    return this.#deliveriesInWindow;
  }

  /** Latencies recorded since `from` (an index into the list), for progress lines. */
  latenciesSince(from: number): number[] {
    return this.#latenciesMs.slice(from);
  }

  get latencyCount(): number {
    return this.#latenciesMs.length;
  }

  summary() {
    let expected = 0;
    let received = 0;
    let duplicates = 0;
    for (let i = 0; i < this.#expected.length; i++) {
      const want = this.#expected[i] ?? 0;
      if (want === 0) continue;
      const got = this.#received[i] ?? 0;
      expected += want;
      received += Math.min(got, want);
      duplicates += Math.max(0, got - want);
    }
    return {
      sent: this.#sentInWindow,
      deliveries: this.#deliveriesInWindow,
      latenciesMs: this.#latenciesMs,
      expected,
      received,
      duplicates,
      unreadable: this.#unreadable,
    };
  }
}

/** The 0th, 1st, … 100th percentiles of an ascending list. */
export function percentiles(sorted: readonly number[]): number[] {
  return Array.from({ length: 101 }, (_, q) => quantileSorted(sorted, q / 100));
}
