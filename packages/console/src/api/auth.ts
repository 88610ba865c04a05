import { request } from './http.ts';
import type { Session } from './types.ts';

export function login(email: string, password: string): Promise<Session> {
  return request('POST', '/api/v1/auth/login', { body: { email, password }, expectUnauthorized: true });
}

export function logout(): Promise<void> {
  return request('POST', '/api/v1/auth/logout', { expectUnauthorized: true });
}

/** The current session, or an ApiError with status 401 when there is none. */
export function fetchMe(): Promise<Session> {
  return request('GET', '/api/v1/me', { expectUnauthorized: true });
}
