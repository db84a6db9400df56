/** How long a client waits for ICE gathering before sending what it has (host candidates come in milliseconds). */
export const DEFAULT_ICE_GATHERING_TIMEOUT_MS = 2000;

/**
 * Resolves when ICE gathering is complete, or after `timeoutMs`: WHIP and WHEP here are non-trickle, so the offer
 * goes out once, with every candidate in it.
 */
export function iceGatheringComplete(
  pc: RTCPeerConnection,
  timeoutMs = DEFAULT_ICE_GATHERING_TIMEOUT_MS,
): Promise<void> {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const timer = setTimeout(done, timeoutMs);
    pc.addEventListener('icegatheringstatechange', onChange);
    function onChange(): void {
      if (pc.iceGatheringState === 'complete') done();
    }
    function done(): void {
      clearTimeout(timer);
      pc.removeEventListener('icegatheringstatechange', onChange);
      resolve();
    }
  });
}

/** Sets the local description (an offer, or the answer to a remote offer already set) and waits for gathering. */
export async function completeLocalDescription(
  pc: RTCPeerConnection,
  timeoutMs = DEFAULT_ICE_GATHERING_TIMEOUT_MS,
): Promise<string> {
  await pc.setLocalDescription();
  await iceGatheringComplete(pc, timeoutMs);
  return pc.localDescription?.sdp ?? '';
}
