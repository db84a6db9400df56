import { describe, expect, it } from 'vitest';
import { DeliveryLedger, messageText, parseMessageText, percentiles } from './delivery-ledger.ts';

describe('message text', () => {
  it('carries the number and the send time, read back without JSON', () => {
    expect(parseMessageText(messageText(42, 1_700_000_000_123.25))).toEqual({
      messageNo: 42,
      sendMs: 1_700_000_000_123.25,
    });
  });

  it('refuses text that is not ours', () => {
    expect(parseMessageText('hello')).toBeNull();
    expect(parseMessageText('x 1 y')).toBeNull();
    expect(parseMessageText(' 1 2')).toBeNull();
  });
});

describe('DeliveryLedger', () => {
  it('counts deliveries and latency inside the window only, and the window’s messages against their members', () => {
    const ledger = new DeliveryLedger();
    const early = ledger.sent(900, 3);
    ledger.openWindow(1000);
    const a = ledger.sent(1000, 3);
    const b = ledger.sent(1500, 2);
    ledger.delivered(early, 1001);
    for (const t of [1010, 1020, 1030]) ledger.delivered(a, t);
    ledger.delivered(b, 1510);
    ledger.closeWindow(2000);
    ledger.delivered(b, 2100);
    ledger.sent(2000, 5);
    const books = ledger.summary();
    expect(books.sent).toBe(2);
    expect(books.deliveries).toBe(5);
    expect(books.latenciesMs).toEqual([101, 10, 20, 30, 10]);
    expect(books.expected).toBe(5);
    expect(books.received).toBe(5);
    expect(books.duplicates).toBe(0);
  });

  it('tells a missing delivery and a duplicate apart', () => {
    const ledger = new DeliveryLedger();
    ledger.openWindow(0);
    const a = ledger.sent(10, 2);
    const b = ledger.sent(20, 2);
    ledger.delivered(a, 11);
    ledger.delivered(b, 21);
    ledger.delivered(b, 22);
    ledger.delivered(b, 23);
    ledger.delivered('not ours', 24);
    const books = ledger.summary();
    expect(books).toMatchObject({ expected: 4, received: 3, duplicates: 1, unreadable: 1 });
  });
});

describe('percentiles', () => {
  it('gives 101 points from the minimum to the maximum', () => {
    const points = percentiles([1, 2, 3, 4, 5]);
    expect(points).toHaveLength(101);
    expect(points[0]).toBe(1);
    expect(points[50]).toBe(3);
    expect(points[100]).toBe(5);
  });
});
