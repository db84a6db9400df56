/** What a WebRTC test checks after closing peers: werift opens one UDP socket per ICE component. */
import { Socket } from 'node:dgram';

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
