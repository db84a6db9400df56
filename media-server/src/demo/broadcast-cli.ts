/**
 * `npm run demo:broadcast`: pushes the synthetic test stream to a Glint server's RTMP ingest.
 * Usage: npm run demo:broadcast -- [rtmp://HOST:PORT/live/STREAM_KEY]   (or set GLINT_DEMO_STREAM_KEY)
 */
import { loadConfig } from '../config.ts';
import { startDemoBroadcast } from './broadcaster.ts';

const config = loadConfig();
const url =
  process.argv[2] ??
  (config.demoStreamKey ? `rtmp://127.0.0.1:${config.rtmpPort}/live/${config.demoStreamKey}` : undefined);
if (!url) {
  process.stderr.write(
    'give the RTMP URL with the stream key that `npm start` printed, e.g.\n' +
      '  npm run demo:broadcast -- rtmp://127.0.0.1:1935/live/live_demo_XXXX\n' +
      'or set GLINT_DEMO_STREAM_KEY for both commands.\n',
  );
  process.exit(2);
}
process.stdout.write(`broadcasting testsrc2 + tone to ${url.replace(/[^/]+$/, '<stream key>')} (Ctrl-C stops)\n`);
const broadcast = startDemoBroadcast({
  url,
  onExit: (code, error) => {
    process.stderr.write(error ? `ffmpeg stopped: ${error.message}\n` : `ffmpeg exited (${code})\n`);
    process.exit(error ? 1 : 0);
  },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => broadcast.stop());
