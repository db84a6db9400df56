/** Formatting shared by the playlist renderers (RFC 8216bis section 4.2 attribute lists). */

/** A decimal-floating-point value with up to `digits` decimals and no trailing noise. */
export function decimal(value: number, digits = 5): string {
  const fixed = value.toFixed(digits);
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '.0') : fixed;
}

export function quoted(value: string): string {
  if (/["\r\n]/.test(value)) throw new Error(`a quoted-string cannot hold quotes or line breaks: ${value}`);
  return `"${value}"`;
}

/** Joins attributes in the order given; undefined values are left out. */
export function attributes(list: ReadonlyArray<readonly [string, string | number | undefined]>): string {
  const out: string[] = [];
  for (const [name, value] of list) {
    if (value !== undefined) out.push(`${name}=${value}`);
  }
  return out.join(',');
}

export function dateTime(ms: number): string {
  return new Date(ms).toISOString();
}
