import { ensureAppBuild } from '@glint/player/build';

/** Builds the web app once, before any test starts a server that serves it (servers then find it fresh). */
export default async function setup(): Promise<void> {
  await ensureAppBuild({ log: (line) => process.stderr.write(`[vitest] ${line}\n`) });
}
