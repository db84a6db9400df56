import { Socket } from 'node:dgram';

/** Polls `check` until it returns something other than undefined/false, or fails after the deadline. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Open UDP sockets in this process (werift opens one per ICE component). */
export function udpSocketCount(): number {
  return udpSockets().length;
}

/** Local addresses of the open UDP sockets, for failure messages. */
export function udpSockets(): string[] {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles
    .filter((h): h is Socket => h instanceof Socket)
    .map((s) => {
      try {
        const a = s.address();
        return `${a.address}:${a.port}`;
      } catch {
        return 'closing';
      }
    });
}
