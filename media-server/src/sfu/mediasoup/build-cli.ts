/**
 * `npm run sfu:build`: builds mediasoup's worker into the cache now, in the foreground, showing the build's output
 * (`GLINT_SFU_REBUILD=1` builds again over a finished one). Exit code 0 when the worker is ready.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MEDIASOUP_VERSION, mediasoupCacheDir, readyMediasoup } from './worker-cache.ts';

const dir = mediasoupCacheDir();
if (readyMediasoup(dir) && !process.env.GLINT_SFU_REBUILD) {
  process.stdout.write(`mediasoup ${MEDIASOUP_VERSION} worker is already built in ${dir}\n`);
  process.exit(0);
}
const script = fileURLToPath(new URL('../../../native/mediasoup-worker/build-into-cache.sh', import.meta.url));
process.stdout.write(`building mediasoup ${MEDIASOUP_VERSION}'s worker into ${dir} (about 3–10 minutes on 2 cores)\n`);
const child = spawn('sh', [script, dir, MEDIASOUP_VERSION], {
  stdio: 'inherit',
  env: { ...process.env, MEDIASOUP_WORKER_BIN: 'skip' },
});
child.on('exit', (code) => {
  if (code === 0 && readyMediasoup(dir)) {
    process.stdout.write('done: GLINT_SFU_ENGINE=mediasoup (or auto with GLINT_LADDER=source) serves WebRTC with it\n');
    process.exit(0);
  }
  process.stderr.write(
    code === 75 ? 'another build is under way; run this again when it ends\n' : `the build failed (exit ${code})\n`,
  );
  process.exit(code || 1);
});
