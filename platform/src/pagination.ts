/** Cursor pagination over time-ordered ids: fetch one more than asked to know whether another page exists. */
export interface PageRequest {
  readonly cursor?: string | undefined;
  readonly limit?: number | undefined;
}

export interface PageResult<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export const DEFAULT_PAGE_SIZE = 20;

export function pageSize(request: PageRequest): number {
  return Math.min(100, Math.max(1, request.limit ?? DEFAULT_PAGE_SIZE));
}

/** `rows` fetched with limit pageSize + 1, ordered by `cursorOf`; returns the page and the next cursor. */
export function toPage<R, T>(
  rows: readonly R[],
  request: PageRequest,
  cursorOf: (row: R) => string,
  map: (row: R) => T,
): PageResult<T> {
  const size = pageSize(request);
  const page = rows.slice(0, size);
  const last = page.at(-1);
  return { items: page.map(map), nextCursor: rows.length > size && last !== undefined ? cursorOf(last) : null };
}
