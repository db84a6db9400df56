import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, errorText } from '../../api.ts';

export type Resource<T> =
  | { readonly status: 'loading' }
  | { readonly status: 'ok'; readonly data: T }
  | { readonly status: 'error'; readonly message: string; readonly unreachable: boolean };

/** Whether an API error means Glint is not answering (network, 5xx): the page offers a retry, not a field error. */
export function isUnreachable(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 0 || error.status >= 500);
}

/**
 * One GET of the API, loaded when the path is set, with `reload` (after a change, or a retry) and `replace` (the
 * answer of a change that returns the new value). A reload keeps the shown data until the answer comes.
 */
export function useResource<T>(path: string) {
  const [resource, setResource] = useState<Resource<T>>({ status: 'loading' });
  const current = useRef(path);
  current.current = path;

  const reload = useCallback(async () => {
    const asked = path;
    try {
      const data = await api<T>(asked);
      if (current.current === asked) setResource({ status: 'ok', data });
    } catch (error) {
      if (current.current === asked) {
        setResource({ status: 'error', message: errorText(error), unreachable: isUnreachable(error) });
      }
    }
  }, [path]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const replace = useCallback((data: T) => setResource({ status: 'ok', data }), []);
  return { resource, reload, replace };
}
