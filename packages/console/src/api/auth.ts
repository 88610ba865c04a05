import { request } from './http.ts';
import type { Session } from './types.ts';

export function login(email: string, password: string): Promise<Session> {
  return request('POST', '/api/v1/auth/login', { body: { email, password }, expectUnauthorized: true });
}

export function logout(): Promise<void> {
  return request('POST', '/api/v1/auth/logout', { expectUnauthorized: true });
}

/** The current session, or null when nobody is signed in (a 200 either way: no 401 in the browser console). */
export async function fetchSession(): Promise<Session | null> {
  const { session } = await request<{ session: Session | null }>('GET', '/api/v1/auth/session');
  return session;
}
