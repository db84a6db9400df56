import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { bareHost, isPrivateAddress, publicOnlyLookup } from './webhook-target.ts';

export interface WebhookPost {
  readonly url: string;
  readonly body: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly allowPrivateTargets: boolean;
  readonly signal: AbortSignal;
}

/** What came of one attempt: the status the receiver answered, or why there was none. */
export type WebhookPostResult = { readonly status: number } | { readonly error: string };

/**
 * One POST of a webhook body. node:http rather than fetch: its `lookup` hook lets a delivery refuse a name that
 * resolves to a private address at connect time. Redirects are not followed (a 3xx is a failed attempt), and the
 * response body is read and dropped, at most 64 KiB of it.
 */
export function postWebhook(post: WebhookPost): Promise<WebhookPostResult> {
  return new Promise((resolve) => {
    const url = new URL(post.url);
    if (!post.allowPrivateTargets && isPrivateAddress(bareHost(url.hostname))) {
      resolve({ error: 'the target is a private address' });
      return;
    }
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, {
      method: 'POST',
      headers: { ...post.headers, 'content-length': Buffer.byteLength(post.body) },
      signal: post.signal,
      ...(post.allowPrivateTargets ? {} : { lookup: publicOnlyLookup }),
    });
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${post.timeoutMs} ms`)), post.timeoutMs);
    timer.unref();
    const finish = (result: WebhookPostResult) => {
      clearTimeout(timer);
      resolve(result);
    };
    request.on('error', (error) => finish({ error: error.message }));
    request.on('response', (response) => {
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > 65_536) response.destroy();
      });
      response.on('close', () => finish({ status: response.statusCode ?? 0 }));
      response.on('error', () => finish({ status: response.statusCode ?? 0 }));
    });
    request.end(post.body);
  });
}
