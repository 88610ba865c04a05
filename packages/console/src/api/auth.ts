import { request } from './http.ts';
import type { Session } from './types.ts';

/** The second step of a sign-in with two-factor on: a code from the app, or a recovery code. */
export interface SecondFactor {
  totpCode?: string;
  recoveryCode?: string;
}

export function login(email: string, password: string, second: SecondFactor = {}): Promise<Session> {
  return request('POST', '/api/v1/auth/login', {
    body: { email, password, ...second },
    expectUnauthorized: true,
  });
}

export function logout(): Promise<void> {
  return request('POST', '/api/v1/auth/logout', { expectUnauthorized: true });
}

/** The current session, or null when nobody is signed in (a 200 either way: no 401 in the browser console). */
export async function fetchSession(): Promise<Session | null> {
  const { session } = await request<{ session: Session | null }>('GET', '/api/v1/auth/session');
  return session;
}

/** Remembers the console's language for the signed-in user, on any browser they sign in from. */
export function saveConsoleLanguage(language: 'en' | 'de' | 'es'): Promise<void> {
  return request('PUT', '/api/v1/me/console-language', { body: { language } });
}

/** The language the signed-in agent reads customers in (live translation); null follows the console's. */
export function saveReadingLanguage(language: string | null): Promise<void> {
  return request('PUT', '/api/v1/me/reading-language', { body: { language } });
}
