/** What the load generator holds per WHEP viewer, whichever client plays it, and the one WHEP POST they share. */
import type { SeqCounter } from './seq-counter.ts';

export interface WhepViewer {
  /** Every RTP packet the viewer received, by sequence number. */
  readonly counter: SeqCounter;
  close(): Promise<void>;
}

/** A busy SFU answers within seconds; past this the step fails instead of waiting out the load generator's RPC. */
const ANSWER_TIMEOUT_MS = 30_000;

/** POSTs a complete (non-trickle) offer to a WHEP endpoint; returns the answer, or throws naming the status. */
export async function postWhepOffer(whepUrl: string, sdp: string): Promise<string> {
  const res = await fetch(whepUrl, {
    method: 'POST',
    headers: { 'Content-Type': 'application/sdp' },
    body: sdp,
    signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
  });
  const body = await res.text();
  if (res.status !== 201) throw new Error(`WHEP answered ${res.status}: ${body.slice(0, 200)}`);
  return body;
}
