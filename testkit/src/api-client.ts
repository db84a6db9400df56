/** One JSON call to Glint's REST API over real HTTP, as a browser or an API client makes it. */
import { request as httpRequest } from 'node:http';

export interface ApiCallOptions {
  readonly method?: string;
  /** Sent as JSON with Content-Type: application/json. */
  readonly json?: unknown;
  /** Sent as is, with the given headers (bad JSON, other content types). */
  readonly rawBody?: string;
  /** Sent as "Authorization: Bearer <token>". */
  readonly bearer?: string;
  /** Sent as the Cookie header. */
  readonly cookie?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Connect from this local address (e.g. 127.0.0.2), to be another client address to the server. */
  readonly localAddress?: string;
}

export interface ApiAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever fields they assert on.
  readonly body: any;
}

export async function callApi(url: string, options: ApiCallOptions = {}): Promise<ApiAnswer> {
  const headers: Record<string, string> = { ...options.headers };
  let body: string | undefined = options.rawBody;
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.json);
  }
  if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  const method = options.method ?? (body === undefined ? 'GET' : 'POST');
  if (options.localAddress !== undefined) return viaHttp(url, method, headers, body, options.localAddress);
  const response = await fetch(url, { method, headers, ...(body === undefined ? {} : { body }) });
  return answer(response.status, response.headers, await response.text());
}

/** fetch cannot pick its local address; node:http can. */
function viaHttp(
  url: string,
  method: string,
  headers: Record<string, string>,
  body: string | undefined,
  localAddress: string,
): Promise<ApiAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const h = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) h.append(name, v);
        }
        resolve(answer(res.statusCode ?? 0, h, Buffer.concat(chunks).toString()));
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

function answer(status: number, headers: Headers, text: string): ApiAnswer {
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status, headers, text, body };
}
