import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, resolveLogFormat } from './create-logger.ts';

/** A destination that keeps the lines it is given (pino-pretty needs a real stream). */
function capture(): Writable & { lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return Object.assign(stream, { lines });
}

describe('resolveLogFormat', () => {
  it.each([
    ['auto', true, 'pretty'],
    ['auto', false, 'json'],
    ['json', true, 'json'],
    ['pretty', false, 'pretty'],
  ] as const)('%s with a terminal=%s writes %s', (format, tty, expected) => {
    expect(resolveLogFormat(format, tty)).toBe(expected);
  });
});

describe('createLogger', () => {
  it('writes one JSON object a line when not on a terminal', () => {
    const out = capture();
    createLogger({ logLevel: 'info', logFormat: 'auto' }, { stdoutIsTty: false, destination: out }).info(
      { channelId: 'demo' },
      'stream started',
    );
    expect(out.lines).toHaveLength(1);
    expect(JSON.parse(out.lines[0] ?? '')).toMatchObject({ msg: 'stream started', channelId: 'demo' });
  });

  it('writes a readable line for a person', () => {
    const out = capture();
    createLogger({ logLevel: 'info', logFormat: 'pretty' }, { destination: out }).info(
      { channelId: 'demo' },
      'stream started',
    );
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatch(/INFO.*stream started.*"channelId":"demo"/);
    expect(out.lines[0]?.startsWith('{')).toBe(false);
  });

  it.each(['json', 'pretty'] as const)('censors secret fields in %s', (logFormat) => {
    const out = capture();
    const log = createLogger({ logLevel: 'info', logFormat }, { destination: out });
    log.warn({ streamKey: 'live_demo_secret123456', request: { token: 'tok-abc' } }, 'refused');
    expect(out.lines.join('\n')).not.toMatch(/secret123456|tok-abc/);
    expect(out.lines.join('\n')).toContain('[redacted]');
  });
});
