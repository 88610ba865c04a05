import type { Role } from '@beckon/protocol/api';
import {
  SsoProbe,
  SsoSettings,
  SsoSettingsBody,
  SsoStart,
  SsoStartBody,
  SsoState,
} from '@beckon/protocol/security-api';
import type { FastifyReply } from 'fastify';
import { authOf, requireRole, startSession } from '../../auth/auth-context.ts';
import { issuerProblem, OidcClient, roleForGroups, type SsoClaims } from '../../auth/oidc.ts';
import { hashPassword } from '../../auth/passwords.ts';
import { SessionEnds } from '../../auth/session-ends.ts';
import type { AppContext } from '../../context.ts';
import { checkConfiguredUrl } from '../../egress/configured-url.ts';
import { AppError, badRequest, conflict, notFound } from '../../errors.ts';
import { randomToken } from '../../ids.ts';
import type { SsoConfig } from '../../store/sso-repo.ts';
import { NoContent, replies, security } from '../../web/responses.ts';
import { access } from '../../web/route-access.ts';
import type { App } from '../../web/types.ts';

/** Holds the `state` of a sign-in at the provider, so the callback comes back to the browser that left. */
const STATE_COOKIE = 'beckon_oidc';
const CALLBACK_PATH = '/api/v1/auth/oidc/callback';
const OWNERS: readonly Role[] = ['owner'];

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Single sign-on with OpenID Connect: owners set up their provider; people of its e-mail domains
 * sign in there and come back with a console session. Roles follow the provider's groups.
 */
export function ssoRoutes(app: App, ctx: AppContext): void {
  const { store, config, logger } = ctx;
  const log = logger.child({ component: 'sso' });
  const redirectUri = () => `${config.publicUrl}${CALLBACK_PATH}`;
  const client = new OidcClient(redirectUri, ctx.egress);
  const ends = new SessionEnds(ctx);
  const owners = { onRequest: requireRole(store, OWNERS) };
  const tags = ['security'];

  const settingsOf = (c: SsoConfig) => ({
    configured: true as const,
    issuer: c.issuer,
    clientId: c.clientId,
    clientSecretSet: c.clientSecret.length > 0,
    domains: c.domains,
    groupsClaim: c.groupsClaim,
    roleMap: c.roleMap,
    defaultRole: c.defaultRole,
    jit: c.jit,
    enabled: c.enabled,
    redirectUri: redirectUri(),
  });

  app.get(
    '/api/v1/account/sso',
    {
      ...owners,
      schema: {
        tags,
        security,
        summary: 'The account’s single sign-on provider (owners)',
        description:
          'Not set up yet is a state, not an error: `configured` is false and `redirectUri` says what ' +
          'to give the provider.',
        response: replies(200, SsoState),
      },
    },
    async (req) => {
      const sso = await store.sso.config(authOf(req).accountId);
      if (!sso) return { configured: false as const, redirectUri: redirectUri() };
      return settingsOf(sso);
    },
  );

  app.put(
    '/api/v1/account/sso',
    {
      ...owners,
      schema: {
        tags,
        security,
        summary: 'Set up single sign-on with an OpenID Connect provider (owners)',
        description:
          'The provider must offer discovery at `{issuer}/.well-known/openid-configuration`, and the ' +
          'client must allow `redirectUri` (answered here). An e-mail domain signs in to one account ' +
          'only (409 when another has it).',
        body: SsoSettingsBody,
        response: replies(200, SsoSettings),
      },
    },
    async (req) => {
      const { accountId } = authOf(req);
      const b = req.body;
      const problem = issuerProblem(b.issuer);
      if (problem) throw badRequest(problem, 'invalid_issuer');
      await checkConfiguredUrl(ctx.egress, b.issuer, '/issuer');
      const old = await store.sso.config(accountId);
      const clientSecret = b.clientSecret ?? old?.clientSecret;
      if (!clientSecret) throw badRequest('the client secret is required', 'client_secret_required');
      const taken = await store.sso.domainTaken(accountId, b.domains);
      if (taken) throw conflict(`${taken} signs in to another account already`);
      const saved = await store.sso.save(accountId, {
        issuer: b.issuer.replace(/\/+$/, ''),
        clientId: b.clientId,
        clientSecret,
        domains: b.domains,
        groupsClaim: b.groupsClaim ?? 'groups',
        roleMap: b.roleMap ?? {},
        defaultRole: b.defaultRole ?? null,
        jit: b.jit ?? false,
        enabled: b.enabled ?? true,
      });
      return settingsOf(saved);
    },
  );

  app.delete(
    '/api/v1/account/sso',
    {
      ...owners,
      schema: {
        tags,
        security,
        summary: 'Remove single sign-on (owners)',
        response: replies(204, NoContent),
      },
    },
    async (req, reply) => {
      if (!(await store.sso.remove(authOf(req).accountId))) throw notFound('single sign-on set-up');
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/account/sso/test',
    {
      ...owners,
      schema: {
        tags,
        security,
        summary: 'Read the provider’s discovery document now (owners)',
        description: 'Answers the issuer and authorization endpoint, or 502 `sso_provider` with the reason.',
        response: replies(200, SsoProbe),
      },
    },
    async (req) => {
      const sso = await store.sso.config(authOf(req).accountId);
      if (!sso) throw notFound('single sign-on set-up');
      try {
        return await client.probe(sso);
      } catch (err) {
        throw new AppError(
          502,
          'sso_provider',
          `the provider did not answer as expected: ${(err as Error).message}`,
        );
      }
    },
  );

  app.post(
    '/api/v1/auth/oidc/start',
    {
      schema: {
        ...access('public'),
        tags: ['auth'],
        summary: 'Start a single sign-on (OpenID Connect) for a work e-mail',
        description:
          'Finds the provider of the e-mail (its user’s account, or a domain an account serves) and ' +
          'answers where to send the browser. A cookie keeps the sign-in’s `state` until the callback. ' +
          '404 `sso_not_configured` when no provider serves the e-mail.',
        body: SsoStartBody,
        response: replies(200, SsoStart),
      },
    },
    async (req, reply) => {
      const email = req.body.email.trim().toLowerCase();
      const domain = email.split('@')[1] ?? '';
      const user = await store.users.findForLogin(email);
      const sso = user ? await store.sso.config(user.accountId) : await store.sso.forDomain(domain);
      // A domain's provider starts for anyone of it: who has a user shows only at the callback.
      if (!sso?.enabled)
        throw new AppError(404, 'sso_not_configured', 'single sign-on is not set up for this e-mail');
      let started: Awaited<ReturnType<OidcClient['start']>>;
      try {
        started = await client.start(sso, email);
      } catch (err) {
        log.warn({ err, accountId: sso.accountId }, 'provider discovery failed');
        throw new AppError(
          502,
          'sso_provider',
          'the sign-in provider cannot be reached; try again or use your password',
        );
      }
      await store.sso.begin(sso.accountId, started.state, started.nonce, started.codeVerifier);
      reply.setCookie(STATE_COOKIE, started.state, {
        httpOnly: true,
        sameSite: 'lax',
        secure: config.secureCookies,
        path: CALLBACK_PATH,
        maxAge: 600,
      });
      return { authorizationUrl: started.url };
    },
  );

  /** A failed callback: a short page that says why and leads back to the sign-in. */
  const refuse = (reply: FastifyReply, status: number, code: string, message: string) => {
    log.info({ code, message }, 'single sign-on refused');
    reply.clearCookie(STATE_COOKIE, { path: CALLBACK_PATH });
    return reply
      .code(status)
      .type('text/html; charset=utf-8')
      .send(
        `<!doctype html><meta charset="utf-8"><title>Sign-in failed · Beckon</title>` +
          `<body style="font:16px system-ui;max-width:32rem;margin:15vh auto;padding:0 1rem">` +
          `<h1 style="font-size:1.4rem">Single sign-on failed</h1><p data-code="${code}">${escapeHtml(message)}</p>` +
          `<p><a href="/console/">Back to sign-in</a></p></body>`,
      );
  };

  app.get(
    CALLBACK_PATH,
    {
      schema: {
        ...access('public'),
        tags: ['auth'],
        summary:
          'Where the OpenID Connect provider sends the browser back (signs in and redirects to the console)',
      },
    },
    async (req, reply) => {
      const query = req.url.slice(req.url.indexOf('?') + 1);
      const params = new URLSearchParams(query);
      if (params.get('error'))
        return refuse(
          reply,
          400,
          'provider_error',
          `the provider said: ${params.get('error_description') ?? params.get('error')}`,
        );
      const state = params.get('state') ?? '';
      if (!state || state !== req.cookies[STATE_COOKIE])
        return refuse(
          reply,
          400,
          'state_mismatch',
          'this sign-in did not start in this browser, or it took too long; start again',
        );
      const pending = await store.sso.take(state);
      const sso = pending && (await store.sso.config(pending.accountId));
      if (!pending || !sso?.enabled)
        return refuse(reply, 400, 'state_unknown', 'this sign-in has expired; start again');
      let claims: SsoClaims;
      try {
        claims = await client.finish(sso, query, {
          state,
          nonce: pending.nonce,
          codeVerifier: pending.codeVerifier,
        });
      } catch (err) {
        return refuse(
          reply,
          401,
          'token_refused',
          `the provider's answer did not check out: ${(err as Error).message}`,
        );
      }
      const result = await signInUser(sso, claims);
      const actor = {
        type: 'user' as const,
        id: 'userId' in result ? result.userId : null,
        label: claims.email,
        method: 'oidc',
      };
      if ('refused' in result) {
        await ctx.audit.record(
          req,
          {
            action: 'auth.sign_in_failed',
            targetType: 'user',
            details: { reason: result.code, method: 'oidc' },
          },
          { accountId: sso.accountId, actor },
        );
        return refuse(reply, 403, result.code, result.refused);
      }
      await ctx.audit.record(
        req,
        {
          action: 'auth.signed_in',
          targetType: 'user',
          targetId: result.userId,
          details: { method: 'oidc' },
        },
        { accountId: sso.accountId, actor },
      );
      reply.clearCookie(STATE_COOKIE, { path: CALLBACK_PATH });
      await startSession(store, config, req, reply, {
        userId: result.userId,
        accountId: sso.accountId,
        method: 'oidc',
      });
      return reply.redirect('/console/', 303);
    },
  );

  /**
   * The user the provider vouched for: linked before by subject, else matched by e-mail in this
   * account (then linked), else created when the account allows it. Their role follows their groups.
   */
  async function signInUser(
    sso: SsoConfig,
    claims: SsoClaims,
  ): Promise<{ userId: string } | { refused: string; code: string }> {
    const mapped = roleForGroups(sso.roleMap, claims.groups);
    const linked = await store.sso.userOf(claims.issuer, claims.subject);
    let userId = linked?.accountId === sso.accountId ? linked.userId : undefined;
    if (!userId) {
      const byEmail = await store.users.findForLogin(claims.email);
      if (byEmail && byEmail.accountId !== sso.accountId)
        return { code: 'other_account', refused: 'this e-mail belongs to another Beckon account' };
      userId = byEmail?.user.id;
    }
    if (!userId) {
      const domain = claims.email.split('@')[1] ?? '';
      if (!sso.jit || !sso.domains.includes(domain))
        return {
          code: 'no_user',
          refused: 'there is no Beckon user for this e-mail; ask an owner to add you',
        };
      const role = mapped ?? sso.defaultRole;
      if (!role)
        return { code: 'no_role', refused: 'none of your groups gives you a role in Beckon; ask an owner' };
      const user = await store.users.create(sso.accountId, {
        email: claims.email,
        name: claims.name,
        role,
        // Nobody knows this password: the user signs in through the provider.
        passwordHash: await hashPassword(randomToken(40)),
      });
      log.info({ accountId: sso.accountId, userId: user.id, role }, 'user created at first single sign-on');
      userId = user.id;
    } else if (mapped) {
      const user = await store.users.get(sso.accountId, userId);
      const lastOwner =
        user.role === 'owner' &&
        mapped !== 'owner' &&
        (await store.users.countByRole(sso.accountId, 'owner')) <= 1;
      if (user.role !== mapped && !lastOwner) {
        await store.users.update(sso.accountId, userId, { role: mapped });
        // As when an owner changes the role: the consoles open under the old one sign in again.
        await ends.ofUser(userId);
      }
    }
    await store.sso.link(sso.accountId, claims.issuer, claims.subject, userId);
    return { userId };
  }
}
