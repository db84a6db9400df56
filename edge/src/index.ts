export {
  NGINX_SNIPPET_PATH,
  type Origin,
  parseOrigin,
  renderNginxSnippet,
  renderVcl,
  VCL_PATH,
} from './config-files.ts';
export type { EdgeCache, EdgeKind, EdgeOptions } from './edge-cache.ts';
export { EdgeStartError, EdgeToolMissingError, ensurePackages, freePort, onPath } from './edge-process.ts';
export { ensureNginx, startNginxEdge } from './nginx-edge.ts';
export { ensureVarnish, startVarnishEdge, varnishCounters } from './varnish-edge.ts';

import type { EdgeCache, EdgeKind, EdgeOptions } from './edge-cache.ts';
import { startNginxEdge } from './nginx-edge.ts';
import { startVarnishEdge } from './varnish-edge.ts';

/** Starts the chosen edge cache in front of `options.origin`. */
export function startEdge(kind: EdgeKind, options: EdgeOptions): Promise<EdgeCache> {
  return kind === 'nginx' ? startNginxEdge(options) : startVarnishEdge(options);
}
