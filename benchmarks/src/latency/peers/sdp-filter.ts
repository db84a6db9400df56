/**
 * Keeps only the payload types a bare relay forwards untouched: H.264 Constrained Baseline (42e01f) in packetization
 * mode 1 for video, Opus for audio. werift matches codecs by name only, so without this a Chromium offer listing
 * several H.264 profiles could be answered with one the other side did not offer.
 */

/** The SDP with each audio/video m-section limited to the payload types `keep` accepts (m-line and attributes). */
export function filterOfferCodecs(sdp: string): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(eol);
  const out: string[] = [];
  let section: string[] = [];
  const flush = () => {
    out.push(...filterSection(section));
    section = [];
  };
  for (const line of lines) {
    if (line.startsWith('m=')) flush();
    section.push(line);
  }
  flush();
  return out.join(eol);
}

function filterSection(lines: string[]): string[] {
  const m = /^m=(audio|video) (\d+) (\S+) (.*)$/.exec(lines[0] ?? '');
  if (!m) return lines;
  const kind = m[1] as 'audio' | 'video';
  const rtpmap = new Map<string, string>();
  const fmtp = new Map<string, string>();
  for (const line of lines) {
    const map = /^a=rtpmap:(\d+) (.*)$/.exec(line);
    if (map?.[1] && map[2]) rtpmap.set(map[1], map[2].toLowerCase());
    const params = /^a=fmtp:(\d+) (.*)$/.exec(line);
    if (params?.[1] && params[2]) fmtp.set(params[1], params[2].toLowerCase());
  }
  const keep = (pt: string) => {
    const codec = rtpmap.get(pt) ?? '';
    if (kind === 'audio') return codec.startsWith('opus/');
    const params = fmtp.get(pt) ?? '';
    return (
      codec.startsWith('h264/') && params.includes('packetization-mode=1') && params.includes('profile-level-id=42e01f')
    );
  };
  const kept = (m[4] ?? '').split(' ').filter(keep);
  // Nothing we forward: leave the section as it is and let negotiation reject it.
  if (kept.length === 0) return lines;
  const keptSet = new Set(kept);
  return [
    `m=${kind} ${m[2]} ${m[3]} ${kept.join(' ')}`,
    ...lines.slice(1).filter((line) => {
      const pt = /^a=(?:rtpmap|fmtp|rtcp-fb):(\d+) /.exec(line)?.[1];
      return pt === undefined || keptSet.has(pt);
    }),
  ];
}
