import { spawnSync } from 'node:child_process';
import { ensureNginx, ensureVarnish } from '@glint/edge';

/** The versions of the caches measured, installed first when missing (as root). */
export function printEnvironment(): { varnish: string; nginx: string } {
  ensureVarnish();
  ensureNginx();
  // Both print their version on stderr or stdout, depending on the program.
  const version = (command: string, args: string[], pattern: RegExp) => {
    const run = spawnSync(command, args, { encoding: 'utf8' });
    return pattern.exec(`${run.stdout}${run.stderr}`)?.[1] ?? '?';
  };
  const varnish = version('varnishd', ['-V'], /varnish-([\d.]+)/);
  const nginx = version('nginx', ['-v'], /nginx\/([\d.]+)/);
  process.stderr.write(`edge caches: Varnish ${varnish}, nginx ${nginx}\n`);
  return { varnish, nginx };
}
