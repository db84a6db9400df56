import { refusalFrom, SignalingError } from './signaling-error.ts';

export interface PostOfferOptions {
  /** WHIP's stream key, sent as `Authorization: Bearer <token>` (RFC 9725 §4.2); WHEP needs none. */
  readonly token?: string | undefined;
}

export interface OfferReply {
  readonly answer: string;
  /** The session resource: `Location` as the server sent it (relative, from Glint) and resolved against the endpoint. */
  readonly resource: SessionResource;
}

export interface SessionResource {
  readonly location: string | null;
  readonly url: string | null;
}

/** POSTs an SDP offer to a WHIP or WHEP endpoint; anything but 201 Created throws a SignalingError. */
export async function postOffer(url: string, offer: string, options: PostOfferOptions = {}): Promise<OfferReply> {
  const endpoint = new URL(url, globalThis.location?.href).href;
  const headers: Record<string, string> = { 'Content-Type': 'application/sdp' };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let res: Response;
  try {
    res = await fetch(endpoint, { method: 'POST', headers, body: offer });
  } catch (error) {
    throw new SignalingError(endpoint, null, undefined, (error as Error).message, { cause: error });
  }
  if (res.status !== 201) throw await refusalFrom(endpoint, res);
  const location = res.headers.get('Location');
  return { answer: await res.text(), resource: { location, url: location ? new URL(location, endpoint).href : null } };
}
