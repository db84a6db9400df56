// node-media-server 4 in a process of its own: it is a process-wide singleton that forces its logger to debug,
// hooks SIGINT/SIGTERM/exit and calls process.exit(1) on a taken port. Config from argv[2] (JSON), nothing else.
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const NodeMediaServer = require('node-media-server');
const { bind, rtmpPort, httpPort, dataDir } = JSON.parse(process.argv[2] ?? '{}');

const nms = new NodeMediaServer(
  {
    bind,
    rtmp: { port: rtmpPort },
    http: { port: httpPort },
    store: { path: dataDir },
    webadmin: { enable: false },
    auth: { play: false, publish: false },
    notify: { url: '' },
  },
  `${dataDir}/config.json`,
);
nms.run();
// The parent holds our stdin: when it dies without stopping us (a killed test worker), stdin ends and so do we.
process.stdin.on('end', () => {
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
});
process.stdin.resume();
// Its store's own handler flushes and exits on SIGTERM; this one also stops the listeners first.
process.once('SIGTERM', () => {
  void nms.stop().finally(() => process.exit(0));
});
