/** Archive health for logs, metrics and the dashboard. */
export interface ArchiveStats {
  readonly queuedBytes: number;
  readonly writtenSegments: number;
  readonly writtenBytes: number;
  /** Segments not archived (queue full, write failed). */
  readonly skippedSegments: number;
  readonly failedWrites: number;
  /** The last write error (e.g. `ENOSPC: no space left on device`) and when, or null. */
  readonly lastError: { readonly message: string; readonly atMs: number } | null;
}
