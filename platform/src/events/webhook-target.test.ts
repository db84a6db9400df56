import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, isPrivateAddress, publicOnlyLookup } from './webhook-target.ts';

describe('webhook targets', () => {
  it('keeps http and https URLs as they will be called, without a fragment', () => {
    expect(checkWebhookUrl('https://example.com/hook?a=1#frag', false)).toBe('https://example.com/hook?a=1');
    expect(checkWebhookUrl('http://example.com:8080/', false)).toBe('http://example.com:8080/');
  });

  it('refuses other schemes, credentials, non-URLs and over-long URLs with BAD_WEBHOOK_URL', () => {
    for (const url of [
      'ftp://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'https://user@example.com/',
      'https://user:pw@example.com/',
      'example.com/hook',
      `https://example.com/${'a'.repeat(2030)}`,
    ]) {
      expect(() => checkWebhookUrl(url, true), url).toThrow(expect.objectContaining({ code: 'BAD_WEBHOOK_URL' }));
    }
  });

  it('refuses loopback, private and link-local targets unless allowed', () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://10.1.2.3/',
      'http://192.168.0.1/',
      'http://172.20.0.1/',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/',
      'http://[fd00::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://0.0.0.0/',
      'http://localhost:8080/',
      'http://2130706433/',
    ]) {
      expect(() => checkWebhookUrl(url, false), url).toThrow(expect.objectContaining({ code: 'BAD_WEBHOOK_URL' }));
      expect(checkWebhookUrl(url, true)).toMatch(/^http:/);
    }
    expect(isPrivateAddress('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('2001:4860:4860::8888')).toBe(false);
    expect(isPrivateAddress('example.com')).toBe(false);
  });

  it('refuses at connect time a name that resolves to a private address', async () => {
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      publicOnlyLookup('localhost', {}, (err) => resolve(err)),
    );
    expect(error).toMatchObject({ code: 'EPRIVATE' });
  });
});
