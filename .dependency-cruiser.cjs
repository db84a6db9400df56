/**
 * Imports only ever point down. Run by `npm test` (`npm run check:deps`).
 *
 * Packages, top to bottom: e2e, benchmarks → testkit → media-server → chat → platform, llhls-packager → media-core.
 * player stands beside media-server (a client only); media-server mounts chat at /chat; e2e and benchmarks never import each other; production code never
 * imports the test kit or a package's test/ folder.
 *
 * media-server/src, top to bottom: main → app (sfu-engine) → servers → adapters → (sfu | transcode | stream | admission | audience | vod)
 * → protocols → limits. A folder may import any folder below it, never one above.
 */
const SRC = '^media-server/src/';
const folder = (name) => `${SRC}${name}(/|\\.ts$)`;
/** For each layer: nothing at or below it may import anything above it. */
function layerRules() {
  const rules = [];
  const order = [
    'main|sfu-edge-main',
    'app|config|process-guards|demo|sfu-engine|sfu-edge',
    'servers',
    'adapters',
    'sfu|transcode|stream|admission|audience|vod',
    'protocols',
    'limits',
  ];
  for (let i = 1; i < order.length; i++) {
    const upper = order.slice(0, i).join('|');
    const lower = order.slice(i).join('|');
    rules.push({
      name: `media-server-down-only-${i}`,
      comment: `media-server/src/{${order[i]}} and below must not import {${upper}}: imports only point down`,
      severity: 'error',
      from: { path: `${SRC}(${lower})(/|\\.ts$)`, pathNot: '\\.test\\.ts$' },
      to: { path: `${SRC}(${upper})(/|\\.ts$)` },
    });
  }
  return rules;
}

/** Peer folders on one layer do not import each other, except where the arrow is listed. */
const PEERS = ['sfu', 'transcode', 'stream', 'admission', 'audience', 'vod'];
// The transcoding ladder reads a channel's live stream and makes one live stream per rung.
const ALLOWED_PEER = new Set(['transcode>stream']);
function peerRules() {
  const rules = [];
  for (const from of PEERS) {
    const others = PEERS.filter((to) => to !== from && !ALLOWED_PEER.has(`${from}>${to}`));
    rules.push({
      name: `media-server-peer-${from}`,
      comment: `media-server/src/${from} must not import its peers (${others.join(', ')})`,
      severity: 'error',
      from: { path: folder(from), pathNot: '\\.test\\.ts$' },
      to: { path: `${SRC}(${others.join('|')})(/|\\.ts$)` },
    });
  }
  return rules;
}

const pkg = (name) => `^(${name})/`;
/** Tests may use the test kit; everything else in `from` must not import `forbidden`. */
const packageRule = (name, from, forbidden) => ({
  name,
  comment: `${from} must not import ${forbidden}`,
  severity: 'error',
  from: { path: pkg(from), pathNot: '\\.test\\.ts$' },
  to: { path: pkg(forbidden) },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'a cycle means two modules cannot be understood (or replaced) apart',
      severity: 'error',
      from: { path: '^(media-core|llhls-packager|platform|media-server|chat|player)/src/' },
      to: { circular: true },
    },
    packageRule(
      'media-core-is-the-bottom',
      'media-core',
      'llhls-packager|platform|media-server|chat|player|e2e|benchmarks|fuzz',
    ),
    packageRule(
      'packager-knows-no-server',
      'llhls-packager/src',
      'platform|media-server|chat|player|e2e|benchmarks|fuzz',
    ),
    packageRule(
      'platform-knows-no-media',
      'platform/src',
      'llhls-packager|media-server|chat|player|e2e|benchmarks|fuzz',
    ),
    packageRule('server-below-tests', 'media-server/src', 'e2e|benchmarks|fuzz'),
    packageRule(
      'edge-stands-alone',
      'edge/src',
      'media-core|llhls-packager|platform|media-server|chat|player|e2e|benchmarks|fuzz',
    ),
    packageRule('chat-beside-server', 'chat/src', 'media-server|llhls-packager|player|e2e|benchmarks|fuzz'),
    packageRule('player-is-a-client', 'player/src', 'media-server|llhls-packager|platform|chat|e2e|benchmarks|fuzz'),
    packageRule('testkit-below-suites', 'testkit', 'e2e|benchmarks|fuzz'),
    packageRule('benchmarks-do-not-import-e2e', 'benchmarks', 'e2e'),
    packageRule('e2e-does-not-import-benchmarks', 'e2e', 'benchmarks'),
    {
      name: 'no-test-helpers-in-production',
      comment: 'production code never imports the test kit or a test/ folder; tests live beside it or in test/',
      severity: 'error',
      from: {
        path: '^(media-core|llhls-packager|platform|media-server|chat|edge|player)/src/',
        pathNot: '\\.test\\.ts$',
      },
      to: { path: '^(testkit/|[a-z-]+/test/)' },
    },
    {
      name: 'no-reaching-into-another-package',
      comment: 'import a package by its name (its src/index.ts), never by a relative path into its folders',
      severity: 'error',
      from: { path: '^([a-z-]+)/' },
      to: { path: '^([a-z-]+)/', pathNot: '^$1/', dependencyTypes: ['local'] },
    },
    ...layerRules(),
    ...peerRules(),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/|\\.d\\.ts$|/results/|/corpus/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'default'] },
    combinedDependencies: false,
  },
};
