import {
  AccountSecurity,
  AccountSecurityBody,
  PasswordConfirmBody,
  RecoveryCodes,
  type SessionInfo,
  SessionList,
  TotpCodeBody,
  TotpEnrolment,
  TotpStatus,
} from '@beckon/protocol/security-api';
import { Type } from 'typebox';
import { ALL_ROLES, type AuthContext, authOf, requireRole, SESSION_COOKIE } from '../../auth/auth-context.ts';
import { currentPasswordCheck } from '../../auth/current-password.ts';
import { SessionEnds } from '../../auth/session-ends.ts';
import {
  newRecoveryCodes,
  newTotpSecret,
  recoveryCodeHash,
  totpEnrolment,
  totpStep,
} from '../../auth/totp.ts';
import type { AppContext } from '../../context.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../../errors.ts';
import type { SessionRow } from '../../store/auth-sessions-repo.ts';
import { IdParams, NoContent, replies, security } from '../../web/responses.ts';
import type { App } from '../../web/types.ts';

const OWNERS = ['owner'] as const;
const RefParams = Type.Object({ ref: Type.String({ minLength: 1, maxLength: 64 }) });

/** A console user's own call: API keys have no user, no authenticator and no sessions. */
function userOf(auth: AuthContext): string {
  if (!auth.userId) throw new AppError(400, 'not_a_user', 'API keys have no user; use the console session');
  return auth.userId;
}

const sessionInfo = (row: SessionRow, currentRef: string | undefined): SessionInfo => ({
  id: row.ref,
  userId: row.userId,
  userName: row.userName,
  userEmail: row.userEmail,
  userAgent: row.userAgent,
  ip: row.ip,
  method: row.method,
  createdAt: new Date(row.createdAt).toISOString(),
  lastSeenAt: new Date(row.lastSeenAt).toISOString(),
  expiresAt: new Date(row.expiresAt).toISOString(),
  current: row.ref === currentRef,
});

/**
 * Two-factor sign-in (TOTP, RFC 6238) with recovery codes, the account's rule that requires it,
 * and sign-in sessions: one's own to list and end, and for owners everyone's.
 */
export function securityRoutes(app: App, ctx: AppContext): void {
  const { store, loginLimiter } = ctx;
  const members = { onRequest: requireRole(store, ALL_ROLES) };
  const owners = { onRequest: requireRole(store, OWNERS) };
  const checkPassword = currentPasswordCheck(store, loginLimiter);
  const ends = new SessionEnds(ctx);
  const tags = ['security'];

  const status = async (auth: AuthContext) => {
    const userId = userOf(auth);
    const [totp, required, left] = await Promise.all([
      store.twoFactor.totpOf(userId),
      store.twoFactor.required(auth.accountId),
      store.twoFactor.codesLeft(userId),
    ]);
    return { enabled: totp?.enabled === true, required, recoveryCodesLeft: left };
  };

  /** New recovery codes: stored as hashes, answered once in clear. */
  const freshCodes = () => {
    const codes = newRecoveryCodes();
    return { codes, hashes: codes.map(recoveryCodeHash) };
  };

  app.get(
    '/api/v1/me/totp',
    {
      ...members,
      schema: {
        tags,
        security,
        summary: 'Your two-factor sign-in: on or off, and recovery codes left',
        response: replies(200, TotpStatus),
      },
    },
    async (req) => status(authOf(req)),
  );

  app.post(
    '/api/v1/me/totp/setup',
    {
      ...members,
      schema: {
        tags,
        security,
        summary: 'Start setting up two-factor sign-in',
        description:
          'Makes a new secret and answers it with its `otpauth://` URL and QR code for an authenticator ' +
          'app. Nothing changes at sign-in until `POST /me/totp/enable` proves a code from it. 409 while ' +
          'two-factor sign-in is on.',
        response: replies(200, TotpEnrolment),
      },
    },
    async (req) => {
      const auth = authOf(req);
      const userId = userOf(auth);
      const user = await store.users.get(auth.accountId, userId);
      const account = await store.accounts.get(auth.accountId);
      const secret = newTotpSecret();
      if (!(await store.twoFactor.begin(auth.accountId, userId, secret)))
        throw conflict('two-factor sign-in is on already; turn it off first to set up another app');
      return { secret, ...totpEnrolment(secret, user.email, `Beckon (${account?.name ?? 'console'})`) };
    },
  );

  app.post(
    '/api/v1/me/totp/enable',
    {
      ...members,
      schema: {
        tags,
        security,
        summary: 'Turn two-factor sign-in on with a first code from the app',
        description:
          'Answers ten one-time recovery codes, shown this once. A wrong code answers 400 `invalid_totp` ' +
          'and counts as a failed sign-in. Ends your other sessions, which signed in without the second ' +
          'factor; this one stays.',
        body: TotpCodeBody,
        response: replies(200, RecoveryCodes),
      },
    },
    async (req) => {
      const auth = authOf(req);
      const userId = userOf(auth);
      const totp = await store.twoFactor.totpOf(userId);
      if (!totp) throw conflict('start the set-up first');
      if (totp.enabled) throw conflict('two-factor sign-in is on already');
      const user = await store.users.get(auth.accountId, userId);
      const step = totpStep(totp.secret, req.body.code, Date.now());
      if (step === null || !(await store.twoFactor.useStep(userId, step))) {
        loginLimiter.fail(req.ip, user.email);
        throw badRequest(
          'that code does not match; check the time on your phone and try again',
          'invalid_totp',
        );
      }
      const { codes, hashes } = freshCodes();
      await store.twoFactor.enable(userId, hashes);
      await ends.ofUser(userId, req.cookies[SESSION_COOKIE]);
      return { recoveryCodes: codes };
    },
  );

  app.post(
    '/api/v1/me/totp/recovery-codes',
    {
      ...members,
      schema: {
        tags,
        security,
        summary: 'Replace your recovery codes (the old ones stop working)',
        body: PasswordConfirmBody,
        response: replies(200, RecoveryCodes),
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      const userId = userOf(auth);
      const user = await store.users.get(auth.accountId, userId);
      await checkPassword(req, reply, user.email, req.body.password);
      if (!(await store.twoFactor.totpOf(userId))?.enabled) throw conflict('two-factor sign-in is off');
      const { codes, hashes } = freshCodes();
      await store.twoFactor.replaceCodes(userId, hashes);
      return { recoveryCodes: codes };
    },
  );

  app.post(
    '/api/v1/me/totp/disable',
    {
      ...members,
      schema: {
        tags,
        security,
        summary: 'Turn your two-factor sign-in off',
        description: 'Needs your current password. 409 `totp_required` when the account requires it.',
        body: PasswordConfirmBody,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      const userId = userOf(auth);
      const user = await store.users.get(auth.accountId, userId);
      await checkPassword(req, reply, user.email, req.body.password);
      if (await store.twoFactor.required(auth.accountId))
        throw new AppError(409, 'totp_required', 'this account requires two-factor sign-in of every member');
      await store.twoFactor.disable(userId);
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/users/:id/totp',
    {
      ...owners,
      schema: {
        tags,
        security,
        summary: "Reset a member's two-factor sign-in (a lost phone)",
        description:
          'Owners only. Ends all of the member’s sessions; they set it up again at their next sign-in.',
        params: IdParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      const target = await store.users.get(auth.accountId, req.params.id);
      if (target.id === auth.userId)
        throw badRequest('turn your own off in Settings › Security', 'self_reset');
      await store.twoFactor.disable(target.id);
      await ends.ofUser(target.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/account/security',
    {
      ...members,
      schema: {
        tags,
        security,
        summary: "The account's sign-in rules",
        response: replies(200, AccountSecurity),
      },
    },
    async (req) => ({ requireTotp: await store.twoFactor.required(authOf(req).accountId) }),
  );

  app.put(
    '/api/v1/account/security',
    {
      ...owners,
      schema: {
        tags,
        security,
        summary: "Change the account's sign-in rules (owners)",
        description:
          'With `requireTotp`, every member must set up two-factor sign-in: turning it on ends the ' +
          'password sessions of members who have not, and until they do, their new sessions reach only the ' +
          'set-up (403 `totp_setup_required` elsewhere). Single sign-on sessions stay. The owner turning ' +
          'it on must have it on already (409 `totp_not_enabled`).',
        body: AccountSecurityBody,
        response: replies(200, AccountSecurity),
      },
    },
    async (req) => {
      const auth = authOf(req);
      if (req.body.requireTotp && !(await store.twoFactor.totpOf(userOf(auth)))?.enabled)
        throw new AppError(409, 'totp_not_enabled', 'turn on two-factor sign-in for yourself first');
      const before = await store.twoFactor.required(auth.accountId);
      await store.twoFactor.setRequired(auth.accountId, req.body.requireTotp);
      if (req.body.requireTotp && !before) await ends.withoutTwoFactor(auth.accountId);
      return { requireTotp: req.body.requireTotp };
    },
  );

  app.get(
    '/api/v1/me/sessions',
    {
      ...members,
      schema: {
        tags,
        security,
        summary: 'Your sign-in sessions, the current one marked',
        response: replies(200, SessionList),
      },
    },
    async (req) => {
      const auth = authOf(req);
      const rows = await store.authSessions.list(auth.accountId, userOf(auth));
      return { items: rows.map((r) => sessionInfo(r, auth.sessionRef)) };
    },
  );

  app.delete(
    '/api/v1/me/sessions/:ref',
    {
      ...members,
      schema: {
        tags,
        security,
        summary: 'Sign one of your sessions out',
        params: RefParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      if (!(await ends.one(auth.accountId, req.params.ref, userOf(auth)))) throw notFound('session');
      return reply.code(204).send(null);
    },
  );

  app.delete(
    '/api/v1/me/sessions',
    {
      ...members,
      schema: { tags, security, summary: 'Sign out everywhere but here', response: replies(204, NoContent) },
    },
    async (req, reply) => {
      await ends.ofUser(userOf(authOf(req)), req.cookies[SESSION_COOKIE]);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/v1/sessions',
    {
      ...owners,
      schema: {
        tags,
        security,
        summary: "Every member's sign-in sessions (owners)",
        response: replies(200, SessionList),
      },
    },
    async (req) => {
      const auth = authOf(req);
      const rows = await store.authSessions.list(auth.accountId);
      return { items: rows.map((r) => sessionInfo(r, auth.sessionRef)) };
    },
  );

  app.delete(
    '/api/v1/sessions/:ref',
    {
      ...owners,
      schema: {
        tags,
        security,
        summary: "Sign a member's session out (owners)",
        params: RefParams,
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      const auth = authOf(req);
      if (auth.via !== 'session') throw forbidden();
      if (!(await ends.one(auth.accountId, req.params.ref))) throw notFound('session');
      return reply.code(204).send(null);
    },
  );
}
