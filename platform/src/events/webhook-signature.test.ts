import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhookBody, verifyWebhookSignature } from './webhook-signature.ts';

const secret = 'whsec_test';
const body = '{"id":"e1","type":"stream.online"}';

describe('webhook signatures', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 as an independent HMAC computes it', () => {
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(signWebhookBody(secret, body, 1_700_000_000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies within the tolerance, either side of the receiver clock', () => {
    const header = signWebhookBody(secret, body, 1000);
    expect(verifyWebhookSignature(secret, header, body, 1000)).toBe(true);
    expect(verifyWebhookSignature(secret, header, body, 1300)).toBe(true);
    expect(verifyWebhookSignature(secret, header, body, 700)).toBe(true);
  });

  it('refuses an old timestamp (a replay), another body, another secret, and malformed headers', () => {
    const header = signWebhookBody(secret, body, 1000);
    expect(verifyWebhookSignature(secret, header, body, 1301)).toBe(false);
    expect(verifyWebhookSignature(secret, header, `${body} `, 1000)).toBe(false);
    expect(verifyWebhookSignature('whsec_other', header, body, 1000)).toBe(false);
    expect(verifyWebhookSignature(secret, header.replace('t=1000', 't=1001'), body, 1000)).toBe(false);
    for (const bad of [undefined, '', 't=1000', 'v1=00', `t=x,${header.split(',')[1]}`, 'x'.repeat(2000)]) {
      expect(verifyWebhookSignature(secret, bad, body, 1000)).toBe(false);
    }
  });

  it('accepts any of several v1 values (secret rotation)', () => {
    const header = signWebhookBody(secret, body, 1000);
    const other = signWebhookBody('whsec_old', body, 1000).split(',')[1];
    expect(verifyWebhookSignature(secret, `${header},${other}`, body, 1000)).toBe(true);
    expect(verifyWebhookSignature('whsec_old', `${header},${other}`, body, 1000)).toBe(true);
  });
});
