import {
  type ConsoleLanguage,
  ConsoleLanguageBody,
  LoginBody,
  Me,
  ReadingLanguageBody,
  SessionCheck,
} from '@beckon/protocol/api';
import { isLanguageCode } from '../../assist/language-detector.ts';
import {
  ALL_ROLES,
  type AuthContext,
  authenticate,
  authOf,
  requireRole,
  SESSION_COOKIE,
  startSession,
} from '../../auth/auth-context.ts';
import { tooManyAttempts } from '../../auth/login-limiter.ts';
import { verifyPassword } from '../../auth/passwords.ts';
import { recoveryCodeHash, totpStep } from '../../auth/totp.ts';
import type { AppContext } from '../../context.ts';
import { AppError, badRequest } from '../../errors.ts';
import type { Store } from '../../store/store.ts';
import { NoContent, replies, security } from '../../web/responses.ts';
import { access } from '../../web/route-access.ts';
import type { App } from '../../web/types.ts';

/**
 * The second step of a sign-in whose password was right: nothing for a user without an
 * authenticator, else a code from it (good once) or an unused recovery code. A wrong or replayed
 * code calls `failed` (it counts like a wrong password) and answers 401; no code answers 401
 * `totp_required`, which the console takes as "ask for the code".
 */
async function secondFactor(
  store: Store,
  userId: string,
  body: { totpCode?: string; recoveryCode?: string },
  failed: () => void,
): Promise<'password' | 'password+totp' | 'password+recovery'> {
  const totp = await store.twoFactor.totpOf(userId);
  if (!totp?.enabled) return 'password';
  if (body.recoveryCode !== undefined) {
    if (await store.twoFactor.useCode(userId, recoveryCodeHash(body.recoveryCode)))
      return 'password+recovery';
    failed();
    throw new AppError(401, 'invalid_recovery_code', 'that recovery code is wrong or was used already');
  }
  if (body.totpCode === undefined)
    throw new AppError(401, 'totp_required', 'enter the code from your authenticator app');
  const step = totpStep(totp.secret, body.totpCode, Date.now());
  if (step !== null && (await store.twoFactor.useStep(userId, step))) return 'password+totp';
  failed();
  if (step !== null)
    throw new AppError(401, 'totp_replayed', 'that code was used already; wait for the next one');
  throw new AppError(401, 'invalid_totp', 'wrong code; check the time on your phone and try again');
}

/** Console sign-in and sign-out with an httpOnly session cookie, `GET /me`, and the console's session check. */
export function authRoutes(app: App, ctx: AppContext): void {
  const { store, loginLimiter, config, metrics, audit } = ctx;

  /** The signed-in user, their account and CSRF token. */
  const meOf = async (auth: AuthContext & { userId: string }) => {
    const [user, account, languages] = await Promise.all([
      store.users.get(auth.accountId, auth.userId),
      store.accounts.get(auth.accountId),
      store.users.languages(auth.accountId, auth.userId),
    ]);
    const enabled = auth.totpEnabled === true;
    const required = auth.totpRequired === true;
    return {
      user,
      account: account!,
      csrfToken: auth.csrfToken!,
      twoFactor: { enabled, required, setupRequired: required && !enabled },
      consoleLanguage: languages.console as ConsoleLanguage | null,
      readingLanguage: languages.reading,
    };
  };

  app.post(
    '/api/v1/auth/login',
    {
      schema: {
        ...access('public'),
        tags: ['auth'],
        summary: 'Sign in to the console',
        body: LoginBody,
        response: replies(200, Me),
      },
    },
    async (req, reply) => {
      const email = req.body.email.trim().toLowerCase();
      const wait = loginLimiter.retryAfter(req.ip, email);
      if (wait > 0) {
        metrics.loginFailures.inc({ reason: 'rate_limited' });
        reply.header('retry-after', String(wait));
        throw tooManyAttempts(wait);
      }
      const found = await store.users.findForLogin(email);
      const ok = await verifyPassword(found?.passwordHash, req.body.password);
      // Sign-ins to a known user are in their account's audit log; an unknown e-mail has no account.
      const signIn = (action: string, details: Record<string, string>) =>
        found
          ? audit.record(
              req,
              { action, targetType: 'user', targetId: found.user.id, details },
              {
                accountId: found.accountId,
                actor: { type: 'user', id: found.user.id, label: email, role: found.user.role },
              },
            )
          : Promise.resolve();
      if (!found || !ok) {
        loginLimiter.fail(req.ip, email);
        metrics.loginFailures.inc({ reason: 'invalid_credentials' });
        await signIn('auth.sign_in_failed', { reason: 'wrong_password' });
        throw new AppError(401, 'invalid_credentials', 'wrong e-mail or password');
      }
      let secondFailed = false;
      const method = await secondFactor(store, found.user.id, req.body, () => {
        loginLimiter.fail(req.ip, email);
        metrics.loginFailures.inc({ reason: 'invalid_second_factor' });
        secondFailed = true;
      }).catch(async (err: unknown) => {
        if (secondFailed) await signIn('auth.sign_in_failed', { reason: 'wrong_second_factor' });
        throw err;
      });
      loginLimiter.succeed(req.ip, email);
      await signIn('auth.signed_in', { method });
      const { token, csrfToken } = await startSession(store, config, req, reply, {
        userId: found.user.id,
        accountId: found.accountId,
        method,
      });
      const session = await store.authSessions.find(token);
      return meOf({
        accountId: found.accountId,
        userId: found.user.id,
        role: found.user.role,
        via: 'session',
        csrfToken,
        totpEnabled: session?.totpEnabled,
        totpRequired: session?.totpRequired,
      });
    },
  );

  app.post(
    '/api/v1/auth/logout',
    {
      schema: {
        ...access('public'),
        tags: ['auth'],
        summary: 'Sign out',
        security,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) {
        // CSRF check (a cross-site page must not sign people out); the audit log names the caller
        req.auth = await authenticate(store, req);
        await store.authSessions.delete(token);
      }
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/me',
    {
      schema: {
        ...access('signed-in'),
        tags: ['auth'],
        summary: 'The signed-in user, their account and CSRF token',
        security,
        response: replies(200, Me),
      },
    },
    async (req) => {
      const auth = await authenticate(store, req);
      if (!auth.userId)
        throw new AppError(400, 'not_a_user', 'API keys have no user; use the console session');
      return meOf({ ...auth, userId: auth.userId });
    },
  );

  app.put(
    '/api/v1/me/console-language',
    {
      onRequest: requireRole(store, ALL_ROLES),
      schema: {
        tags: ['auth'],
        summary: 'Choose the language the console speaks to me, on any browser (null: the browser’s)',
        security,
        body: ConsoleLanguageBody,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      if (!auth.userId)
        throw new AppError(400, 'not_a_user', 'API keys have no user; use the console session');
      await store.users.setConsoleLanguage(auth.accountId, auth.userId, req.body.language);
      return reply.code(204).send(null);
    },
  );

  app.put(
    '/api/v1/me/reading-language',
    {
      onRequest: requireRole(store, ALL_ROLES),
      schema: {
        tags: ['auth'],
        summary:
          'Choose the language I read customers in (live translation; an ISO 639-1 code, null: the console’s)',
        security,
        body: ReadingLanguageBody,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      if (!auth.userId)
        throw new AppError(400, 'not_a_user', 'API keys have no user; use the console session');
      const { language } = req.body;
      if (language !== null && !isLanguageCode(language))
        throw badRequest(`${language} is no language code we know (/body/language)`, 'unknown_language');
      await store.users.setReadingLanguage(auth.accountId, auth.userId, language);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/auth/session',
    {
      schema: {
        ...access('public'),
        tags: ['auth'],
        summary: 'Who is signed in to the console, if anyone',
        description:
          'What `GET /me` answers, or `session: null` where it answers 401 (no session cookie, or one ' +
          'that has ended, which is then cleared): the console asks this first, so opening it before ' +
          'signing in makes no failed request.',
        response: replies(200, SessionCheck),
      },
    },
    async (req, reply) => {
      const auth = await authenticate(store, req).catch((err: unknown) => {
        if (err instanceof AppError && err.status === 401) return undefined;
        throw err;
      });
      if (auth?.userId) return { session: await meOf({ ...auth, userId: auth.userId }) };
      if (!auth && req.cookies[SESSION_COOKIE]) reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return { session: null };
    },
  );
}
