/**
 * Viewers behind edge SFUs. An edge watches a channel as one WHEP viewer of the origin and reports, every few
 * seconds, how many viewers it serves from that session; the origin counts those viewers instead of the session.
 * Reports expire (an edge that stops reporting counts as the one viewer it is), and the number of sessions held is
 * bounded. Pure: the clock comes in.
 */

export const EDGE_REPORT_TTL_MS = 15_000;
/** At most this many edge sessions remembered (an edge per channel it relays). */
export const MAX_EDGE_SESSIONS = 4096;
/** One edge may say at most this many viewers per channel (a typo or a lie beyond it is refused). */
export const MAX_VIEWERS_PER_REPORT = 1_000_000;

interface Report {
  readonly channelId: string;
  readonly viewers: number;
  readonly atMs: number;
}

export class EdgeAudience {
  readonly #reports = new Map<string, Report>();

  /** Records an edge session's viewer count; false when it is out of range. */
  report(sessionId: string, channelId: string, viewers: number, nowMs: number): boolean {
    if (!Number.isInteger(viewers) || viewers < 0 || viewers > MAX_VIEWERS_PER_REPORT) return false;
    this.#reports.delete(sessionId);
    this.#reports.set(sessionId, { channelId, viewers, atMs: nowMs });
    if (this.#reports.size > MAX_EDGE_SESSIONS) this.#expire(nowMs);
    // Still full of fresh reports: the oldest goes (insertion order is report order).
    while (this.#reports.size > MAX_EDGE_SESSIONS) this.#reports.delete(this.#reports.keys().next().value ?? '');
    return true;
  }

  forget(sessionId: string): void {
    this.#reports.delete(sessionId);
  }

  /**
   * Viewers the channel's edge sessions stand for, beyond the sessions themselves: Σ (reported − 1) over the fresh
   * reports whose session `isLive` still (an edge with no viewer left lowers the count by its own session).
   */
  extraViewers(channelId: string, nowMs: number, isLive: (sessionId: string) => boolean): number {
    let extra = 0;
    for (const [sessionId, report] of this.#reports) {
      if (report.channelId !== channelId) continue;
      if (nowMs - report.atMs > EDGE_REPORT_TTL_MS || !isLive(sessionId)) continue;
      extra += report.viewers - 1;
    }
    return extra;
  }

  /** Edge sessions with a fresh report, per channel (for metrics). */
  edges(nowMs: number): Map<string, number> {
    const out = new Map<string, number>();
    for (const report of this.#reports.values()) {
      if (nowMs - report.atMs <= EDGE_REPORT_TTL_MS) out.set(report.channelId, (out.get(report.channelId) ?? 0) + 1);
    }
    return out;
  }

  #expire(nowMs: number): void {
    for (const [sessionId, report] of this.#reports) {
      if (nowMs - report.atMs > EDGE_REPORT_TTL_MS) this.#reports.delete(sessionId);
    }
  }
}
