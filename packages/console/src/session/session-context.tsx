/** Who is logged in: loaded once from GET /auth/session, set by login, cleared by logout or any 401. */
import { createContext, type ReactNode, use, useCallback, useEffect, useMemo, useState } from 'react';
import { login as apiLogin, logout as apiLogout, fetchSession, type SecondFactor } from '../api/auth.ts';
import { setCsrfToken, setUnauthorizedHandler } from '../api/http.ts';
import type { Role, Session } from '../api/types.ts';
import { useLanguage } from '../i18n/language-context.tsx';

type SessionState =
  | { status: 'loading' }
  | { status: 'error'; error: unknown }
  | { status: 'anonymous'; expired: boolean }
  | { status: 'authenticated'; session: Session };

interface SessionApi {
  state: SessionState;
  login(email: string, password: string, second?: SecondFactor): Promise<void>;
  logout(): Promise<void>;
  retry(): void;
  /** Reads the session again (after a change to it, such as two-factor set up). */
  refresh(): Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const { switchTo } = useLanguage();

  const apply = useCallback((next: SessionState) => {
    setCsrfToken(next.status === 'authenticated' ? next.session.csrfToken : null);
    setState(next);
  }, []);

  /** Signs in to the console in the user's own language (fetched before the first page shows). */
  const enter = useCallback(
    async (session: Session) => {
      if (session.consoleLanguage) await switchTo(session.consoleLanguage).catch(() => undefined);
      apply({ status: 'authenticated', session });
    },
    [apply, switchTo],
  );

  const load = useCallback(() => {
    fetchSession().then(
      (session) => (session ? enter(session) : apply({ status: 'anonymous', expired: false })),
      (error: unknown) => apply({ status: 'error', error }),
    );
  }, [apply, enter]);

  useEffect(load, [load]);

  useEffect(() => {
    setUnauthorizedHandler(() => apply({ status: 'anonymous', expired: true }));
    return () => setUnauthorizedHandler(null);
  }, [apply]);

  const api = useMemo<SessionApi>(
    () => ({
      state,
      async login(email, password, second) {
        await enter(await apiLogin(email, password, second));
      },
      async refresh() {
        const session = await fetchSession();
        if (session) await enter(session);
        else apply({ status: 'anonymous', expired: true });
      },
      async logout() {
        try {
          await apiLogout();
        } finally {
          apply({ status: 'anonymous', expired: false });
        }
      },
      retry() {
        setState({ status: 'loading' });
        load();
      },
    }),
    [state, apply, load, enter],
  );

  return <SessionContext value={api}>{children}</SessionContext>;
}

export function useSessionApi(): SessionApi {
  const api = use(SessionContext);
  if (!api) throw new Error('useSessionApi outside SessionProvider');
  return api;
}

/** The logged-in session; only for components rendered inside the authenticated app. */
export function useSession(): Session {
  const { state } = useSessionApi();
  if (state.status !== 'authenticated') throw new Error('useSession without a session');
  return state.session;
}

/** Owners and admins manage sites, skills, the team and API keys; agents and analysts only read. */
export function canManage(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}

/** Owners, admins and analysts read reports; agents do not (the server answers them 403). */
export function canReadReports(role: Role): boolean {
  return role !== 'agent';
}
