import type { Role } from '@beckon/protocol/api';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import { AppError, forbidden, unauthorized } from '../errors.ts';
import type { SessionOrigin } from '../store/auth-sessions-repo.ts';
import type { Store } from '../store/store.ts';

export const SESSION_COOKIE = 'beckon_session';

/** Who is calling: a signed-in console user, or an account API key. */
export interface AuthContext {
  accountId: string;
  role: Role;
  userId?: string;
  via: 'session' | 'api_key';
  csrfToken?: string;
  /** The session's public id (sessions list). */
  sessionRef?: string;
  /** Two-factor sign-in is on for this user. */
  totpEnabled?: boolean;
  /** The account requires two-factor sign-in. */
  totpRequired?: boolean;
  /** The user's e-mail, or the API key's name (the audit log names the actor by it). */
  label?: string;
  /** The API key's id. */
  keyId?: string;
  /** How the session signed in (`password`, `password+totp`, `oidc`…). */
  method?: string;
}

/** What a session whose user still has to set up the required two-factor sign-in may reach. */
const SETUP_ROUTES = /^\/api\/v1\/(me|me\/totp(\/.*)?|auth\/.*)$/;

/**
 * A session whose user must still set up the account's required two-factor sign-in. A single
 * sign-on session is not: the provider answers for the second factor.
 */
export const totpPending = (s: { totpRequired: boolean; totpEnabled: boolean; method: string }): boolean =>
  s.totpRequired && !s.totpEnabled && s.method !== 'oidc';

/** The 403 of a member who must set up two-factor sign-in before anything else. */
export const totpSetupRequired = (): AppError =>
  new AppError(403, 'totp_setup_required', 'this account requires two-factor sign-in: set it up first');

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Resolves the caller from the session cookie or a Bearer API key; enforces CSRF on cookie writes. */
export async function authenticate(store: Store, req: FastifyRequest): Promise<AuthContext> {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    const found = m ? await store.apiKeys.authenticate(m[1]!) : undefined;
    if (!found) throw new AppError(401, 'invalid_api_key', 'the API key is not valid');
    return {
      accountId: found.accountId,
      role: 'admin',
      via: 'api_key',
      keyId: found.keyId,
      label: found.name,
      method: 'api_key',
    };
  }
  const token = req.cookies[SESSION_COOKIE];
  if (!token) throw unauthorized();
  const session = await store.authSessions.find(token);
  if (!session) throw unauthorized('your session has expired; sign in again');
  const user = await store.users.get(session.accountId, session.userId).catch(() => undefined);
  if (!user) throw unauthorized();
  if (!SAFE_METHODS.has(req.method) && req.headers['x-csrf-token'] !== session.csrfToken) {
    throw new AppError(403, 'csrf', 'missing or wrong x-csrf-token header');
  }
  if (totpPending(session)) {
    const path = req.routeOptions.url ?? req.url.split('?')[0]!;
    if (!SETUP_ROUTES.test(path)) throw totpSetupRequired();
  }
  return {
    accountId: session.accountId,
    role: user.role,
    userId: user.id,
    via: 'session',
    csrfToken: session.csrfToken,
    sessionRef: session.ref,
    totpEnabled: session.totpEnabled,
    totpRequired: session.totpRequired && session.method !== 'oidc',
    label: user.email,
    method: session.method,
  };
}

type Hook = (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
const admitted = new WeakMap<Hook, readonly Role[]>();

/** An onRequest hook (before the body is even read) that admits only the given roles (and authenticates first). */
export function requireRole(store: Store, roles: readonly Role[]): Hook {
  const hook: Hook = async (req) => {
    req.auth ??= await authenticate(store, req);
    if (!roles.includes(req.auth.role)) throw forbidden(`this needs one of the roles: ${roles.join(', ')}`);
  };
  admitted.set(hook, roles);
  return hook;
}

/** The roles a `requireRole` hook admits, so the OpenAPI document can state each route's rule. */
export const rolesOf = (hook: unknown): readonly Role[] | undefined => admitted.get(hook as Hook);

export const ALL_ROLES: readonly Role[] = ['owner', 'admin', 'agent', 'analyst'];
export const ADMINS: readonly Role[] = ['owner', 'admin'];

/** The authenticated caller (routes behind `requireRole` always have one). */
export function authOf(req: FastifyRequest): AuthContext {
  if (!req.auth) throw unauthorized();
  return req.auth;
}

/**
 * Starts a console session for a user who proved who they are, and sets its cookie (httpOnly,
 * SameSite=Lax, Secure behind HTTPS). Answers the session's token and CSRF token.
 */
export async function startSession(
  store: Store,
  config: Config,
  req: FastifyRequest,
  reply: FastifyReply,
  who: { userId: string; accountId: string; method: NonNullable<SessionOrigin['method']> },
): Promise<{ token: string; csrfToken: string }> {
  const created = await store.authSessions.create(who.userId, who.accountId, config.sessionTtlMs, {
    userAgent: req.headers['user-agent'],
    ip: req.ip,
    method: who.method,
  });
  reply.setCookie(SESSION_COOKIE, created.token, {
    httpOnly: true,
    sameSite: 'lax',
    secure: config.secureCookies,
    path: '/',
    maxAge: Math.floor(config.sessionTtlMs / 1000),
  });
  return created;
}
