/** RTMP URLs as encoders take them, and the client's one error class. */

export type RtmpClientErrorCode =
  | 'URL_INVALID'
  | 'CONNECT_FAILED'
  | 'CONNECT_REFUSED'
  | 'PUBLISH_REFUSED'
  | 'PROTOCOL'
  | 'CLOSED'
  | 'TIMEOUT';

export class RtmpClientError extends Error {
  override readonly name = 'RtmpClientError';
  constructor(
    readonly code: RtmpClientErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface RtmpUrl {
  readonly host: string;
  readonly port: number;
  readonly app: string;
  /** Secret: never log it. */
  readonly streamKey: string;
  /** The URL less its stream key. */
  readonly tcUrl: string;
}

/** rtmp://host[:port]/app[/…]/key: the key is the last path segment, the app everything before it. */
export function parseRtmpUrl(url: string): RtmpUrl {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RtmpClientError('URL_INVALID', 'not a URL; expected rtmp://host:port/app/key');
  }
  const segments = parsed.pathname.split('/').filter((s) => s !== '');
  const streamKey = segments.pop();
  if (parsed.protocol !== 'rtmp:' || streamKey === undefined || segments.length === 0) {
    throw new RtmpClientError('URL_INVALID', 'expected rtmp://host:port/app/key');
  }
  const app = segments.join('/');
  const port = parsed.port === '' ? 1935 : Number(parsed.port);
  return { host: parsed.hostname, port, app, streamKey, tcUrl: `rtmp://${parsed.host}/${app}` };
}
