#!/usr/bin/env node
// Makes a fresh Debian machine ready for `npm start` / `npm test`: installs npm dependencies when missing and
// checks the system tools each command needs, installing them with apt-get when running as root.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const mode = process.argv[2] === 'test' ? 'test' : 'start';

/** command on PATH → Debian package that provides it */
const tools = {
  start: { ffmpeg: 'ffmpeg', ffprobe: 'ffmpeg' },
  test: { ffmpeg: 'ffmpeg', ffprobe: 'ffmpeg', chromium: 'chromium', 'redis-server': 'redis-server' },
}[mode];

function say(line) {
  process.stderr.write(`[preflight] ${line}\n`);
}

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function ensureNodeModules() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  const lock = join(root, 'package-lock.json');
  if (existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs)) return;
  say('installing npm dependencies…');
  const args = existsSync(lock) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  const run = spawnSync('npm', args, { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) {
    say(`npm ${args[0]} failed (exit ${run.status}); fix the error above and run again.`);
    process.exit(1);
  }
}

function ensureTools() {
  const missing = [
    ...new Set(
      Object.entries(tools)
        .filter(([cmd]) => !has(cmd))
        .map(([, pkg]) => pkg),
    ),
  ];
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !has('apt-get')) {
    say(`missing system packages: ${missing.join(', ')}.`);
    say(`install them first, e.g.: sudo apt-get install -y ${missing.join(' ')}`);
    process.exit(1);
  }
  say(`installing system packages with apt-get: ${missing.join(', ')}…`);
  try {
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch {
    say('apt-get install failed; trying once more after finishing any interrupted install and apt-get update…');
    // An install cut short (Ctrl-C during a first `npm start`) leaves dpkg half-configured until this runs.
    execFileSync('dpkg', ['--configure', '-a'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
}

ensureTools();
ensureNodeModules();
