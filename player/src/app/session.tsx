import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, api } from './api.ts';

/** GET /api/me. */
export interface Me {
  readonly user: { readonly id: string; readonly login: string; readonly displayName: string };
  readonly channel: {
    readonly name: string;
    readonly title: string;
    readonly category: string;
    readonly language: string;
  } | null;
}

export type SessionState =
  | { readonly status: 'loading' }
  | { readonly status: 'anonymous' }
  | { readonly status: 'signed-in'; readonly me: Me }
  /** The API could not be reached: pages show a retry. */
  | { readonly status: 'unreachable'; readonly message: string };

interface SessionValue {
  readonly session: SessionState;
  /** Reads /api/me again (after sign-in, sign-up, or a retry). */
  readonly refresh: () => Promise<void>;
  readonly signOut: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

/** Who is signed in, for every page: the session cookie is HttpOnly, so the app asks /api/me. */
export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ status: 'loading' });
  const refresh = useCallback(async () => {
    try {
      setSession({ status: 'signed-in', me: await api<Me>('/api/me') });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setSession({ status: 'anonymous' });
      else setSession({ status: 'unreachable', message: error instanceof Error ? error.message : String(error) });
    }
  }, []);
  const signOut = useCallback(async () => {
    await api('/api/auth/logout', { method: 'POST' }).catch(() => undefined);
    setSession({ status: 'anonymous' });
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const value = useMemo(() => ({ session, refresh, signOut }), [session, refresh, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in user's data, or null. */
export function useMe(): Me | null {
  const { session } = useSession();
  return session.status === 'signed-in' ? session.me : null;
}
