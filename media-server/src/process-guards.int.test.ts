import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const tsx = require.resolve('tsx/cli');
const guards = pathToFileURL(fileURLToPath(new URL('./process-guards.ts', import.meta.url))).href;
const pino = pathToFileURL(require.resolve('pino')).href;
const dir = mkdtempSync(join(tmpdir(), 'glint-guards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `body` in a fresh Node process with the guards installed and a real pino logger on stdout. */
function run(body: string): Promise<{ code: number | null; lines: Record<string, unknown>[]; stderr: string }> {
  const file = join(dir, `script-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(
    file,
    `import { pino } from '${pino}';
import { installProcessGuards } from '${guards}';
const log = pino();
installProcessGuards({ logger: log, beforeExit: () => log.info({}, 'children stopped') });
${body}
`,
  );
  const child = spawn(process.execPath, [tsx, file], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => {
    child.on('exit', (code) => {
      const lines = stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      resolve({ code, lines, stderr });
    });
  });
}

describe('process guards', () => {
  it('logs an unhandled rejection and keeps the process running', async () => {
    const { code, lines, stderr } = await run(`
Promise.reject(new Error('refusal write failed'));
setTimeout(() => { log.info({}, 'still serving'); }, 100);
`);
    expect(code, stderr).toBe(0);
    const rejection = lines.find((l) => l.msg === 'unhandled promise rejection (a bug); the server keeps running');
    expect(rejection?.level).toBe(50);
    expect((rejection?.err as { message?: string })?.message).toBe('refusal write failed');
    expect(lines.at(-1)?.msg).toBe('still serving');
  }, 20_000);

  it('logs an uncaught exception at fatal, runs the cleanup, and exits 1', async () => {
    const { code, lines, stderr } = await run(`
setTimeout(() => { throw new Error('handler blew up'); }, 10);
setTimeout(() => { log.info({}, 'should not run'); }, 2000);
`);
    expect(code, stderr).toBe(1);
    // Both lines, in either order: pino may flush the fatal line after the cleanup's own line on a busy machine.
    expect(lines.map((l) => l.msg).sort()).toEqual([
      'children stopped',
      'uncaught exception; exiting, the process state is unknown',
    ]);
    const fatal = lines.find((l) => l.level === 60);
    expect(fatal?.msg).toBe('uncaught exception; exiting, the process state is unknown');
    expect((fatal?.err as { message?: string })?.message).toBe('handler blew up');
  }, 20_000);
});
