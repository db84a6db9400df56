/**
 * How many complete segments an HLS stream lists: a media playlist's own, or for a multivariant playlist the fewest of
 * its first variant's and its audio rendition's; 0 while one cannot be fetched. Players need some before they start:
 * stock hls.js gives up on a live playlist with parts but no segment yet (levelEmptyError), ffmpeg quits on an empty
 * one, and ffmpeg 5.1 crashes (SIGSEGV) when the video lists a segment and the audio none yet (an audio segment ends
 * up to a part after the video's).
 */
export async function segmentsListed(url: string): Promise<number> {
  const text = await fetchText(url);
  if (text === undefined) return 0;
  if (!text.includes('#EXT-X-STREAM-INF')) return countSegments(text);
  const variant = text.split('\n').find((line) => line.trim() !== '' && !line.startsWith('#'));
  const audio = /#EXT-X-MEDIA:TYPE=AUDIO[^\n]*URI="([^"]+)"/.exec(text)?.[1];
  const media = [variant?.trim(), audio].filter((uri): uri is string => uri !== undefined);
  if (media.length === 0) return 0;
  const counts = await Promise.all(
    media.map(async (uri) => countSegments((await fetchText(new URL(uri, url).href)) ?? '')),
  );
  return Math.min(...counts);
}

async function fetchText(url: string): Promise<string | undefined> {
  const response = await fetch(url).catch(() => undefined);
  if (response?.ok !== true) return undefined;
  return response.text().catch(() => undefined);
}

function countSegments(text: string): number {
  return (text.match(/^#EXTINF:/gm) ?? []).length;
}
