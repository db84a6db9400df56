/**
 * Rules for text a person typed into chat. JSON can carry what UTF-8 cannot (a lone surrogate such as "\ud800")
 * and what no chat line needs (control characters: they reorder, hide or break lines in other clients' views), so
 * both are refused outright, with no exception for tab or newline. Lengths are in code points, so an emoji counts
 * once, as a person would count it.
 */

/** C0 controls, DEL, C1 controls, and any surrogate code unit that is not half of a pair. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is this pattern's job.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export type TextProblem = 'control' | 'surrogate';

/** Why this text cannot be chat text, or null when it can. */
export function textProblem(text: string): TextProblem | null {
  const match = FORBIDDEN.exec(text);
  if (match === null) return null;
  const unit = match[0].charCodeAt(0);
  return unit >= 0xd800 && unit <= 0xdfff ? 'surrogate' : 'control';
}

/** Length in code points (an astral character, two UTF-16 units, counts once). */
export function codePointLength(text: string): number {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one code point: skip the low half.
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    length++;
  }
  return length;
}

/** A sentence for a text problem, naming the field. */
export function describeTextProblem(field: string, problem: TextProblem): string {
  return problem === 'control'
    ? `${field} contains a control character (tab, newline and the like are not allowed in chat)`
    : `${field} contains a lone surrogate (\\ud800–\\udfff not in a pair), which is not text`;
}
