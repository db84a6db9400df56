/** Test helper: WHIP/WHEP requests from a chosen loopback address (127.0.0.0/8 is all ours), as from other hosts. */
import { request } from 'node:http';

export interface SdpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

export function postSdp(
  url: string,
  body: string,
  options: { from?: string; headers?: Readonly<Record<string, string>> } = {},
): Promise<SdpAnswer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        localAddress: options.from ?? '127.0.0.1',
        headers: { 'Content-Type': 'application/sdp', ...options.headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
