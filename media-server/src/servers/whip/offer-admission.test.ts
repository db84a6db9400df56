import { describe, expect, it } from 'vitest';
import { OfferAdmission } from './offer-admission.ts';

describe('OfferAdmission', () => {
  it('lets a burst of offers through, then one per 1/rate seconds, with the wait in Retry-After', () => {
    let now = 0;
    const admission = new OfferAdmission({ offerBurst: 3, offersPerSecond: 2 }, () => now);
    for (let i = 0; i < 3; i++) expect(admission.takeOffer('198.51.100.1').ok).toBe(true);
    const refused = admission.takeOffer('198.51.100.1');
    expect(refused).toMatchObject({ ok: false, status: 429, code: 'OFFER_RATE_LIMITED', retryAfterSec: 1 });
    // Other addresses have buckets of their own.
    expect(admission.takeOffer('198.51.100.2').ok).toBe(true);
    now += 500;
    expect(admission.takeOffer('198.51.100.1').ok).toBe(true);
    expect(admission.takeOffer('198.51.100.1').ok).toBe(false);
    now += 10_000;
    for (let i = 0; i < 3; i++) expect(admission.takeOffer('198.51.100.1').ok).toBe(true);
  });

  it('remembers a bounded number of addresses, forgetting the least recently seen', () => {
    let now = 0;
    const admission = new OfferAdmission(
      { offerBurst: 1, offersPerSecond: 0.001, maxTrackedAddresses: 100 },
      () => now,
    );
    expect(admission.takeOffer('203.0.113.1').ok).toBe(true);
    for (let i = 0; i < 10_000; i++) admission.takeOffer(`10.${i >> 8}.${i & 0xff}.1`);
    expect(admission.trackedAddresses).toBe(100);
    now += 1;
    // Forgotten, so it starts again with a full bucket: the spray costs memory it can no longer grow.
    expect(admission.takeOffer('203.0.113.1').ok).toBe(true);
  });

  it('caps pending sessions per address (429) and in total (503); a lease releases once', () => {
    const admission = new OfferAdmission({ maxPending: 3, maxPendingPerAddress: 2 });
    const a1 = admission.lease('198.51.100.1');
    const a2 = admission.lease('198.51.100.1');
    expect(a1.ok && a2.ok).toBe(true);
    expect(admission.lease('198.51.100.1')).toMatchObject({
      ok: false,
      status: 429,
      code: 'TOO_MANY_PENDING_SESSIONS',
      retryAfterSec: 5,
    });
    const b1 = admission.lease('198.51.100.2');
    expect(b1.ok).toBe(true);
    expect(admission.lease('198.51.100.3')).toMatchObject({ ok: false, status: 503, code: 'SERVER_BUSY' });
    if (!a1.ok) throw new Error('unreachable');
    a1.lease.release();
    a1.lease.release();
    expect(admission.pending).toBe(2);
    expect(admission.lease('198.51.100.3').ok).toBe(true);
    expect(admission.lease('198.51.100.1').ok).toBe(false);
  });

  it('counts IPv6 clients per /64', () => {
    const admission = new OfferAdmission({ maxPendingPerAddress: 1 });
    expect(admission.lease('2001:db8:1:2::1').ok).toBe(true);
    expect(admission.lease('2001:db8:1:2::2').ok).toBe(false);
    expect(admission.lease('2001:db8:1:3::1').ok).toBe(true);
  });
});
