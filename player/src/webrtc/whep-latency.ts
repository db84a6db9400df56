/**
 * What a WebRTC viewer can measure of its own latency: the mean jitter-buffer delay of emitted video frames plus half
 * the round trip (seconds), or null before the first frame. Capture and encode time on the publisher are not seen.
 */
export async function whepLatencySec(pc: RTCPeerConnection): Promise<number | null> {
  let bufferSec: number | null = null;
  let rttSec = 0;
  (await pc.getStats()).forEach((r: Record<string, unknown>) => {
    const emitted = Number(r.jitterBufferEmittedCount ?? 0);
    if (r.type === 'inbound-rtp' && r.kind === 'video' && emitted > 0) {
      bufferSec = Number(r.jitterBufferDelay) / emitted;
    }
    if (r.type === 'candidate-pair' && r.nominated && r.currentRoundTripTime !== undefined) {
      rttSec = Number(r.currentRoundTripTime);
    }
  });
  return bufferSec === null ? null : bufferSec + rttSec / 2;
}
