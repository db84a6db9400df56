/**
 * The shipped edge configs, filled in for one origin and one listening address. Pure: text in, text out, so what
 * operators read in edge/varnish and edge/nginx is exactly what `npm run edge` runs.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const VCL_PATH = fileURLToPath(new URL('../varnish/glint-edge.vcl', import.meta.url));
export const NGINX_SNIPPET_PATH = fileURLToPath(new URL('../nginx/glint-edge.conf', import.meta.url));

export interface Origin {
  readonly host: string;
  readonly port: number;
}

/** `http://host:port` (no path) → host and port; anything else is refused with a sentence saying why. */
export function parseOrigin(url: string): Origin {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`--origin must be a URL such as http://127.0.0.1:8080, got "${url}"`);
  }
  if (parsed.protocol !== 'http:')
    throw new TypeError(`the origin must be plain http:// (the edge is its client), got ${url}`);
  if (parsed.pathname !== '/' || parsed.search) throw new TypeError(`the origin is a host and port only, got ${url}`);
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return { host, port: Number(parsed.port || 80) };
}

function replaceOnce(text: string, pattern: RegExp, replacement: string, what: string): string {
  if (!pattern.test(text)) throw new Error(`the shipped config has no ${what} line to fill in`);
  return text.replace(pattern, replacement);
}

/** The VCL with its backend pointing at `origin`. */
export function renderVcl(origin: Origin, vcl = readFileSync(VCL_PATH, 'utf8')): string {
  const withHost = replaceOnce(vcl, /(backend origin \{\s*\.host = )"[^"]*";/, `$1"${origin.host}";`, 'backend host');
  return replaceOnce(withHost, /(\n\s*\.port = )"[^"]*";/, `$1"${origin.port}";`, 'backend port');
}

/** The nginx snippet with its origin, listening address and cache folder filled in. */
export function renderNginxSnippet(
  options: { origin: Origin; listenHost: string; listenPort: number; cacheDir: string },
  snippet = readFileSync(NGINX_SNIPPET_PATH, 'utf8'),
): string {
  const origin = options.origin.host.includes(':') ? `[${options.origin.host}]` : options.origin.host;
  let text = replaceOnce(
    snippet,
    /proxy_cache_path \S+ (.*); # cache_path/,
    `proxy_cache_path ${options.cacheDir} $1;`,
    'cache_path',
  );
  text = replaceOnce(text, /server \S+; # origin/, `server ${origin}:${options.origin.port};`, 'origin');
  return replaceOnce(
    text,
    /listen \S+ (.*); # listen/,
    `listen ${options.listenHost}:${options.listenPort} $1;`,
    'listen',
  );
}
