/**
 * A status line on stderr for long runs. On a terminal it is rewritten in place; in a log (not a TTY) it prints at
 * most one line every few seconds so the log stays readable.
 */
export interface Progress {
  update(text: string): void;
  done(text?: string): void;
}

const LOG_INTERVAL_MS = 3000;

export function progress(label: string): Progress {
  const tty = process.stderr.isTTY === true;
  let lastLogMs = 0;
  let last = '';
  const write = (text: string, final: boolean) => {
    last = text;
    const line = `[${label}] ${text}`;
    if (tty) {
      process.stderr.write(`\r\x1b[K${line}${final ? '\n' : ''}`);
      return;
    }
    const now = Date.now();
    if (final || now - lastLogMs >= LOG_INTERVAL_MS) {
      lastLogMs = now;
      process.stderr.write(`${line}\n`);
    }
  };
  return {
    update: (text) => write(text, false),
    done: (text) => write(text ?? last, true),
  };
}
