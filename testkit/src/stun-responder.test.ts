import { describe, expect, it } from 'vitest';
import { bindingResponse } from './stun-responder.ts';

describe('bindingResponse', () => {
  it('answers a Binding request with the XOR-mapped address (RFC 8489 §14.2)', () => {
    const request = Buffer.from('000100002112a442' + '0102030405060708090a0b0c', 'hex');
    const response = bindingResponse(request, '127.0.0.1', 54321);
    expect(response?.toString('hex')).toBe(
      // type, length 12, cookie, transaction id, XOR-MAPPED-ADDRESS (port ^ 0x2112, ip ^ cookie)
      `0101000c2112a4420102030405060708090a0b0c002000080001${(54321 ^ 0x2112).toString(16)}5e12a443`,
    );
  });

  it('ignores anything that is not a Binding request', () => {
    expect(bindingResponse(Buffer.from('hello world, not stun'), '127.0.0.1', 1)).toBeUndefined();
    expect(bindingResponse(Buffer.alloc(4), '127.0.0.1', 1)).toBeUndefined();
  });
});
