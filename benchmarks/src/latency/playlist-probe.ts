/**
 * How many complete segments an HLS playlist lists (a multivariant playlist: its first variant's); 0 while it cannot
 * be fetched. Players need some before they start: stock hls.js gives up on a live playlist with parts but no segment
 * yet (levelEmptyError), and ffmpeg quits on an empty one.
 */
export async function segmentsListed(url: string): Promise<number> {
  const count = async (target: string, depth: number): Promise<number> => {
    const response = await fetch(target).catch(() => undefined);
    if (response?.ok !== true) return 0;
    const text = await response.text().catch(() => '');
    const segments = (text.match(/^#EXTINF:/gm) ?? []).length;
    if (segments > 0 || depth > 0) return segments;
    const variant = text.split('\n').find((line) => line.trim() !== '' && !line.startsWith('#'));
    return variant === undefined ? 0 : count(new URL(variant.trim(), target).href, 1);
  };
  return count(url, 0);
}
