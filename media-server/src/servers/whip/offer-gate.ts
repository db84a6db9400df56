/**
 * The offer admission as the routes use it: refusals become HTTP 429/503 with Retry-After, and are logged within a
 * budget, so a flood of refusals does not become a flood of warnings.
 */
import type { FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { LogBudget } from '../../limits/log-budget.ts';
import { HttpRefusal } from './http-replies.ts';
import type { Admission, OfferAdmission, PendingLease } from './offer-admission.ts';

export interface OfferGate {
  /**
   * Takes one offer from the caller's bucket and checks the pending caps; throws the 429/503 refusal. Cheap: run it
   * before the body is read.
   */
  throttle(request: FastifyRequest): Promise<void>;
  /** A lease on one not-yet-connected session for the caller's address; throws the 429/503 refusal. */
  lease(request: FastifyRequest): PendingLease;
}

export function offerGate(admission: OfferAdmission, log: Logger | undefined, nowMs = Date.now): OfferGate {
  const budget = new LogBudget({
    perWindow: 10,
    windowMs: 10_000,
    nowMs,
    onSuppressed: (count, windowMs) => log?.warn({ count, windowMs }, 'WebRTC offer refusals logged at debug only'),
  });
  const refuse = (request: FastifyRequest, refusal: Exclude<Admission, { ok: true }>): HttpRefusal => {
    const fields = { code: refusal.code, ip: request.ip, url: request.url, pending: admission.pending };
    if (budget.take()) log?.warn(fields, 'WebRTC offer refused');
    else log?.debug(fields, 'WebRTC offer refused');
    return new HttpRefusal(refusal.status, refusal.code, refusal.message, {
      'Retry-After': String(refusal.retryAfterSec),
    });
  };
  return {
    throttle: async (request) => {
      const taken = admission.takeOffer(request.ip);
      if (!taken.ok) throw refuse(request, taken);
      // Full already: refuse before reading and parsing a body that could not be served.
      const room = admission.room(request.ip);
      if (!room.ok) throw refuse(request, room);
    },
    lease: (request) => {
      const leased = admission.lease(request.ip);
      if (!leased.ok) throw refuse(request, leased);
      return leased.lease;
    },
  };
}
