import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from './helpers/api-client.ts';
import { startIdp, type Tamper } from './helpers/oidc-idp.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

const CLIENT = { clientId: 'beckon-console', clientSecret: 'a-long-client-secret-for-tests' };

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`single sign-on with OpenID Connect (${store})`, () => {
    let srv: TestServer;
    let idp: Awaited<ReturnType<typeof startIdp>>;
    let owner: ApiClient;
    before(async () => {
      [srv, idp] = await Promise.all([startTestServer({ demo: true, store }), startIdp(CLIENT)]);
      owner = new ApiClient(srv.node.app);
      await owner.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    });
    after(async () => {
      await srv?.close();
      await idp?.close();
    });

    const configure = (extra: Record<string, unknown> = {}) =>
      owner.request('PUT', '/api/v1/account/sso', {
        issuer: idp.issuer,
        ...CLIENT,
        domains: ['corp.example'],
        roleMap: { 'beckon-admins': 'admin', support: 'agent' },
        jit: true,
        ...extra,
      });

    /**
     * One sign-in as a browser makes it: start (which sets the state cookie), the provider's
     * redirect, and the callback with that cookie. Answers the callback's response.
     */
    const signIn = async (email: string, opts: { tamper?: Tamper; stateCookie?: string } = {}) => {
      idp.state.tamper = opts.tamper ?? null;
      const start = await srv.node.app.inject({
        method: 'POST',
        url: '/api/v1/auth/oidc/start',
        payload: { email },
      });
      assert.equal(start.statusCode, 200, start.body);
      const stateCookie = start.cookies.find((c) => c.name === 'beckon_oidc')!;
      const atProvider = await fetch(JSON.parse(start.body).authorizationUrl, { redirect: 'manual' });
      assert.equal(atProvider.status, 302);
      const back = new URL(atProvider.headers.get('location')!);
      assert.equal(back.pathname, '/api/v1/auth/oidc/callback');
      const res = await srv.node.app.inject({
        method: 'GET',
        url: `${back.pathname}${back.search}`,
        cookies: { beckon_oidc: opts.stateCookie ?? stateCookie.value },
      });
      const session = res.cookies.find((c) => c.name === 'beckon_session' && c.value);
      return { res, session, callback: `${back.pathname}${back.search}`, state: stateCookie.value };
    };
    const meWith = (session: { value: string }) =>
      srv.node.app.inject({ method: 'GET', url: '/api/v1/me', cookies: { beckon_session: session.value } });

    it('is set up by an owner, who gets the redirect URI to give the provider', async () => {
      // Not set up yet is a state, not a 404: the console reads it without an error.
      const none = await owner.get('/api/v1/account/sso');
      assert.equal(none.status, 200);
      assert.deepEqual(none.body, {
        configured: false,
        redirectUri: `${srv.url}/api/v1/auth/oidc/callback`,
      });
      const noSecret = await owner.request('PUT', '/api/v1/account/sso', {
        issuer: idp.issuer,
        clientId: CLIENT.clientId,
        domains: ['corp.example'],
      });
      assert.equal(noSecret.body.error.code, 'client_secret_required');
      const plainHttp = await configure({ issuer: 'http://idp.example.com' });
      assert.equal(plainHttp.body.error.code, 'invalid_issuer');
      const saved = await configure();
      assert.equal(saved.status, 200);
      assert.equal(saved.body.clientSecretSet, true);
      assert.equal(saved.body.clientSecret, undefined, 'the secret never comes back');
      assert.equal(saved.body.redirectUri, `${srv.url}/api/v1/auth/oidc/callback`);
      const read = await owner.get('/api/v1/account/sso');
      assert.equal(read.body.configured, true);
      assert.equal(read.body.issuer, idp.issuer);
      const probe = await owner.post('/api/v1/account/sso/test');
      assert.equal(probe.status, 200);
      assert.equal(probe.body.issuer, idp.issuer);
      const unknown = await srv.node.app.inject({
        method: 'POST',
        url: '/api/v1/auth/oidc/start',
        payload: { email: 'someone@elsewhere.example' },
      });
      assert.equal(unknown.statusCode, 404);
      assert.equal(JSON.parse(unknown.body).error.code, 'sso_not_configured');
    });

    it('signs a new person of the domain in with PKCE, creates them with the role of their groups, and links them', async () => {
      idp.state.user = { sub: 'idp-ann', email: 'ann@corp.example', name: 'Ann Lee', groups: ['support'] };
      const checked = idp.state.verifierChecked;
      const { res, session } = await signIn('ann@corp.example');
      assert.equal(res.statusCode, 303, res.body);
      assert.equal(res.headers.location, '/console/');
      assert.ok(session, 'a console session');
      assert.equal(idp.state.verifierChecked, checked + 1, 'the provider checked the PKCE verifier');
      const me = JSON.parse((await meWith(session!)).body);
      assert.equal(me.user.email, 'ann@corp.example');
      assert.equal(me.user.name, 'Ann Lee');
      assert.equal(me.user.role, 'agent');
      const mine = await srv.node.app.inject({
        method: 'GET',
        url: '/api/v1/me/sessions',
        cookies: { beckon_session: session!.value },
      });
      assert.equal(JSON.parse(mine.body).items[0].method, 'oidc');

      // Promoted at the provider: the next sign-in carries it; a changed e-mail still finds her by subject.
      idp.state.user = {
        sub: 'idp-ann',
        email: 'ann.lee@corp.example',
        groups: ['support', 'beckon-admins'],
      };
      const again = await signIn('ann@corp.example');
      assert.equal(again.res.statusCode, 303);
      const after = JSON.parse((await meWith(again.session!)).body);
      assert.equal(after.user.id, me.user.id, 'the same user');
      assert.equal(after.user.role, 'admin');
      assert.equal((await meWith(session!)).statusCode, 401, 'the session of the old role has ended');
    });

    it('refuses a wrong state, a replayed callback, an ID token with the wrong nonce, issuer, audience, signature or expiry, and UserInfo about another person', async () => {
      idp.state.user = { sub: 'idp-bob', email: 'bob@corp.example', groups: ['support'] };
      const wrongState = await signIn('bob@corp.example', { stateCookie: 'not-the-state' });
      assert.equal(wrongState.res.statusCode, 400);
      assert.match(wrongState.res.body, /state_mismatch/);
      assert.equal(wrongState.session, undefined);

      const ok = await signIn('bob@corp.example');
      assert.equal(ok.res.statusCode, 303);
      const replay = await srv.node.app.inject({
        method: 'GET',
        url: ok.callback,
        cookies: { beckon_oidc: ok.state },
      });
      assert.equal(replay.statusCode, 400, 'a state works once');

      idp.state.user = { sub: 'idp-cy', email: 'cy@corp.example', groups: ['support'] };
      for (const tamper of ['nonce', 'issuer', 'audience', 'signature', 'expired', 'userinfo_sub'] as const) {
        const { res, session } = await signIn('cy@corp.example', { tamper });
        assert.equal(res.statusCode, 401, `${tamper}: ${res.body}`);
        assert.match(res.body, /token_refused/);
        assert.equal(session, undefined, tamper);
      }
      const users = (await owner.get('/api/v1/users')).body.items as Array<{ email: string }>;
      assert.ok(!users.some((u) => u.email === 'cy@corp.example'), 'no user made from a refused token');
    });

    it('refuses people it cannot place: no role from their groups, an unverified e-mail, another account’s e-mail', async () => {
      idp.state.user = { sub: 'idp-dee', email: 'dee@corp.example', groups: ['marketing'] };
      const noRole = await signIn('dee@corp.example');
      assert.equal(noRole.res.statusCode, 403);
      assert.match(noRole.res.body, /no_role/);

      idp.state.user = {
        sub: 'idp-eve',
        email: 'eve@corp.example',
        groups: ['support'],
        email_verified: false,
      };
      const unverified = await signIn('eve@corp.example');
      assert.equal(unverified.res.statusCode, 401);

      // A provider of this account cannot sign in a user of another account, whatever e-mail it vouches for.
      const { store } = srv.node.ctx;
      const other = await store.accounts.create('Another shop');
      await store.users.create(other.id, {
        email: 'gus@another.example',
        name: 'Gus',
        role: 'owner',
        passwordHash: 'not-a-hash',
      });
      idp.state.user = { sub: 'idp-gus', email: 'gus@another.example', groups: ['beckon-admins'] };
      const taken = await signIn('fay@corp.example');
      assert.equal(taken.res.statusCode, 403);
      assert.match(taken.res.body, /other_account/);
      assert.equal(taken.session, undefined);
    });

    it('exempts single sign-on sessions from the two-factor rule: the provider answers for the second factor', async () => {
      await srv.node.ctx.store.twoFactor.setRequired(srv.demo!.accountId, true);
      try {
        idp.state.user = { sub: 'idp-ann', email: 'ann.lee@corp.example', groups: ['support'] };
        const { session } = await signIn('ann@corp.example');
        const list = await srv.node.app.inject({
          method: 'GET',
          url: '/api/v1/conversations',
          cookies: { beckon_session: session!.value },
        });
        assert.equal(list.statusCode, 200);
      } finally {
        await srv.node.ctx.store.twoFactor.setRequired(srv.demo!.accountId, false);
      }
    });
  });
}
