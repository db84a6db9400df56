/** The seconds a media playlist lists: the sum of its EXTINF durations (0 for a multivariant or empty one). Pure. */
export function playlistDurationSec(text: string): number {
  let total = 0;
  for (const match of text.matchAll(/^#EXTINF:\s*([0-9]+(?:\.[0-9]+)?)/gm)) total += Number(match[1]);
  return total;
}
