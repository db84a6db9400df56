import { silentLogger } from '@glint/media-core';
import { until } from '@glint/testkit';
import { describe, expect, it } from 'vitest';
import { type ChatBus, DEFAULT_ROOM_SETTINGS, type HistoryPage } from '../hub/chat-bus.ts';
import type { SequencedEvent, ServerFrame } from '../protocol/types.ts';
import type { Connection } from './connection.ts';
import { Room } from './room.ts';

/** A bus whose history reads the test answers by hand, and whose events the test delivers when it chooses. */
function scriptedBus() {
  let deliver: (event: SequencedEvent) => void = () => {};
  const reads: ((page: HistoryPage) => void)[] = [];
  const bus = {
    subscribe: async (_room: string, onEvent: (event: SequencedEvent) => void) => {
      deliver = onEvent;
      return async () => {};
    },
    settings: async () => DEFAULT_ROOM_SETTINGS,
    history: () => new Promise<HistoryPage>((resolve) => reads.push(resolve)),
  } as unknown as ChatBus;
  return { bus, reads, deliver: (event: SequencedEvent) => deliver(event) };
}

/** A member that records the frames (and the exact strings) it is sent. */
function member() {
  const texts: string[] = [];
  const connection = {
    open: true,
    send: (text: string) => texts.push(text),
    sendFrame: (frame: ServerFrame) => texts.push(JSON.stringify(frame)),
  };
  const frames = () => texts.map((t) => JSON.parse(t) as ServerFrame);
  const seqs = () =>
    frames().flatMap((f) =>
      f.type === 'joined' ? f.history.map((e) => e.seq) : f.type === 'events' ? f.events.map((e) => e.seq) : [],
    );
  return { connection: connection as unknown as Connection, texts, frames, seqs };
}

const cleared = (seq: number): SequencedEvent => ({ kind: 'cleared', by: 'mod', seq });

function room(bus: ChatBus): Room {
  return new Room('r', { bus, logger: silentLogger, nowMs: Date.now, batchMs: 100, historyLimit: 50 });
}

describe('Room', () => {
  it('gives joiners sharing one history read the events that arrived while it was in flight, once each', async () => {
    const { bus, reads, deliver } = scriptedBus();
    const r = room(bus);
    const a = member();
    const b = member();
    const joinA = r.join(a.connection, undefined);
    await until(() => reads.length === 1, { what: 'the history read' });
    deliver(cleared(1)); // after Redis answered the read (the page ends at 0), before the joiners have it
    const joinB = r.join(b.connection, undefined); // shares the read in flight; asked after seq 1 went by
    reads[0]?.({ events: [], gap: false, seq: 0 });
    await Promise.all([joinA, joinB]);
    expect(reads).toHaveLength(1);
    expect(a.seqs()).toEqual([1]);
    expect(b.seqs()).toEqual([1]);
    expect(a.texts[0]).toBe(b.texts[0]); // one joined frame, serialised once
    deliver(cleared(2));
    await until(() => a.seqs().length === 2 && b.seqs().length === 2, { what: 'the next event' });
    expect(a.seqs()).toEqual([1, 2]);
    expect(b.seqs()).toEqual([1, 2]);
    await r.close();
  });

  it('sends a quiet room’s event at once and a busy room’s in one frame, the same string to every member', async () => {
    const { bus, reads, deliver } = scriptedBus();
    const r = room(bus);
    const a = member();
    const b = member();
    const joins = [r.join(a.connection, undefined), r.join(b.connection, undefined)];
    await until(() => reads.length === 1, { what: 'the history read' });
    reads[0]?.({ events: [], gap: false, seq: 0 });
    await Promise.all(joins);
    deliver(cleared(1));
    expect(a.texts).toHaveLength(2); // joined, then the first event at once
    for (let seq = 2; seq <= 6; seq++) deliver(cleared(seq));
    expect(a.texts).toHaveLength(2); // held for the batch
    await until(() => a.texts.length === 3, { what: 'the batch' });
    expect(a.frames()[2]).toMatchObject({ type: 'events', events: [2, 3, 4, 5, 6].map((seq) => ({ seq })) });
    expect(b.texts[2]).toBe(a.texts[2]);
    deliver(cleared(6)); // a repeat (a bus catching up after a reconnect) is dropped
    deliver(cleared(7));
    await until(() => a.texts.length === 4, { what: 'the next batch' });
    expect(a.seqs()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await r.close();
  });

  it('sends a member who joined mid-batch only what its history did not hold', async () => {
    const { bus, reads, deliver } = scriptedBus();
    const r = room(bus);
    const a = member();
    const joinA = r.join(a.connection, undefined);
    await until(() => reads.length === 1, { what: 'the first read' });
    reads[0]?.({ events: [], gap: false, seq: 0 });
    await joinA;
    deliver(cleared(1)); // at once
    deliver(cleared(2)); // batched
    const b = member();
    const joinB = r.join(b.connection, 1);
    await until(() => reads.length === 2, { what: 'the second read' });
    deliver(cleared(3));
    reads[1]?.({ events: [cleared(2), cleared(3)], gap: false, seq: 3 });
    await joinB;
    deliver(cleared(4));
    await until(() => a.seqs().length === 4 && b.seqs().length === 3, { what: 'the batch' });
    expect(a.seqs()).toEqual([1, 2, 3, 4]);
    expect(b.seqs()).toEqual([2, 3, 4]);
    await r.close();
  });
});
