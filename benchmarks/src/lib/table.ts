export interface Table {
  readonly title: string;
  /** How the numbers were obtained, printed under the title. */
  readonly method: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (string | number)[])[];
  readonly notes?: readonly string[];
}

/** Prints an aligned text table to stdout: the first (label) column left-aligned, the figures right-aligned. */
export function printTable(table: Table): void {
  const cells = table.rows.map((row) => row.map((c) => (typeof c === 'number' ? formatNumber(c) : c)));
  const widths = table.columns.map((col, i) => Math.max(col.length, ...cells.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) =>
    row
      .map((c, i) => (i > 0 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [
    '',
    table.title,
    `method: ${table.method}`,
    '',
    line(table.columns),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map(line),
    ...(table.notes ?? []).map((n) => `note: ${n}`),
    '',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

/** Three significant digits, at most two decimals, thousands grouped. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : 2;
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
