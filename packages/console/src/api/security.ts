/** Two-factor sign-in, the account's sign-in rule, and sign-in sessions. */
import { request } from './http.ts';
import type { Role } from './types.ts';

export interface TotpStatus {
  enabled: boolean;
  required: boolean;
  recoveryCodesLeft: number;
}

export interface TotpEnrolment {
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

export interface SessionInfo {
  id: string;
  userId: string;
  userName: string;
  userEmail: string;
  userAgent: string | null;
  ip: string | null;
  method: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  current: boolean;
}

export const fetchTotp = () => request<TotpStatus>('GET', '/api/v1/me/totp');
export const startTotpSetup = () => request<TotpEnrolment>('POST', '/api/v1/me/totp/setup', { body: {} });
export const enableTotp = (code: string) =>
  request<{ recoveryCodes: string[] }>('POST', '/api/v1/me/totp/enable', { body: { code } });
export const newRecoveryCodes = (password: string) =>
  request<{ recoveryCodes: string[] }>('POST', '/api/v1/me/totp/recovery-codes', { body: { password } });
export const disableTotp = (password: string) =>
  request<void>('POST', '/api/v1/me/totp/disable', { body: { password } });
export const resetMemberTotp = (userId: string) =>
  request<void>('DELETE', `/api/v1/users/${encodeURIComponent(userId)}/totp`);

export const fetchAccountSecurity = () =>
  request<{ requireTotp: boolean }>('GET', '/api/v1/account/security');
export const setRequireTotp = (requireTotp: boolean) =>
  request<{ requireTotp: boolean }>('PUT', '/api/v1/account/security', { body: { requireTotp } });

export const listMySessions = () =>
  request<{ items: SessionInfo[] }>('GET', '/api/v1/me/sessions').then((r) => r.items);
export const listAllSessions = () =>
  request<{ items: SessionInfo[] }>('GET', '/api/v1/sessions').then((r) => r.items);
export const endMySession = (id: string) =>
  request<void>('DELETE', `/api/v1/me/sessions/${encodeURIComponent(id)}`);
export const endOtherSessions = () => request<void>('DELETE', '/api/v1/me/sessions');
export const endAnySession = (id: string) =>
  request<void>('DELETE', `/api/v1/sessions/${encodeURIComponent(id)}`);

export interface SsoSettings {
  configured: true;
  issuer: string;
  clientId: string;
  clientSecretSet: boolean;
  domains: string[];
  groupsClaim: string;
  roleMap: Record<string, Role>;
  defaultRole: Role | null;
  jit: boolean;
  enabled: boolean;
  redirectUri: string;
}

/** The account's single sign-on: its settings, or not set up yet (with the URI the provider needs). */
export type SsoState = SsoSettings | { configured: false; redirectUri: string };

export type SsoSettingsInput = Omit<SsoSettings, 'configured' | 'clientSecretSet' | 'redirectUri'> & {
  clientSecret?: string;
};

export const fetchSso = () => request<SsoState>('GET', '/api/v1/account/sso');
export const saveSso = (input: SsoSettingsInput) =>
  request<SsoSettings>('PUT', '/api/v1/account/sso', { body: input });
export const removeSso = () => request<void>('DELETE', '/api/v1/account/sso');
export const testSso = () =>
  request<{ issuer: string; authorizationEndpoint: string }>('POST', '/api/v1/account/sso/test', {
    body: {},
  });
/** Where to send the browser to sign in through the provider of `email`. */
export const startSso = (email: string) =>
  request<{ authorizationUrl: string }>('POST', '/api/v1/auth/oidc/start', {
    body: { email },
    expectUnauthorized: true,
  });
