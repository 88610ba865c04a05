import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from './helpers/api-client.ts';
import { CookieJar } from './helpers/cookie-jar.ts';
import { type ProviderUser, startOidcProvider } from './helpers/oidc-provider.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

const CLIENT = { clientId: 'beckon', clientSecret: 'a-client-secret-of-some-length' };

/**
 * Single sign-on against the real `oidc-provider` package, through Beckon's own HTTP routes and
 * the provider's sign-in pages, as a browser walks them: once in the package's default
 * configuration (the ID token carries only `sub`; e-mail, name and groups come from UserInfo) and
 * once with the claims in the ID token.
 */
describe('single sign-on against a standard OpenID Connect provider', () => {
  let srv: TestServer;
  let owner: ApiClient;
  before(async () => {
    srv = await startTestServer({ demo: true });
    owner = new ApiClient(srv.node.app);
    await owner.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
  });
  after(() => srv?.close());

  /**
   * Starts at Beckon, follows every redirect with the cookies each side set, and signs in at the
   * provider's pages as `login` (then consents) whenever they ask. Answers the jar and the last response.
   */
  async function signIn(email: string, login: string) {
    const jar = new CookieJar();
    const start = await jar.fetch(`${srv.url}/api/v1/auth/oidc/start`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email }),
    });
    assert.equal(start.status, 200);
    let url = ((await start.json()) as { authorizationUrl: string }).authorizationUrl;
    for (let hop = 0; hop < 12; hop++) {
      const res = await jar.fetch(url);
      const location = res.headers.get('location');
      if (location) {
        url = new URL(location, url).href;
        continue;
      }
      const prompt = /name="prompt" value="(\w+)"/.exec(res.status === 200 ? await res.text() : '')?.[1];
      if (!prompt) return { jar, res, url };
      const form = new URLSearchParams({ prompt, login, password: 'anything' });
      const submitted = await jar.fetch(url, { method: 'POST', body: form });
      url = new URL(submitted.headers.get('location') ?? '', url).href;
    }
    throw new Error('the sign-in went round in circles');
  }

  for (const claimsInIdToken of [false, true]) {
    const where = claimsInIdToken ? 'the ID token' : 'UserInfo, the default';
    describe(`with the person's claims in ${where}`, () => {
      const tag = claimsInIdToken ? 'idt' : 'ui';
      const users: Record<string, ProviderUser> = {
        [`rita-${tag}`]: { email: `rita.${tag}@corp.example`, name: 'Rita Moreno', groups: ['support'] },
        [`lead-${tag}`]: {
          email: `lead.${tag}@corp.example`,
          name: 'Lea Dunn',
          groups: ['staff', 'beckon-admins'],
        },
      };
      let idp: Awaited<ReturnType<typeof startOidcProvider>>;
      before(async () => {
        idp = await startOidcProvider({
          ...CLIENT,
          redirectUri: `${srv.url}/api/v1/auth/oidc/callback`,
          users,
          claimsInIdToken,
        });
        const saved = await owner.request('PUT', '/api/v1/account/sso', {
          issuer: idp.issuer,
          ...CLIENT,
          domains: ['corp.example'],
          roleMap: { 'beckon-admins': 'admin', support: 'agent' },
          jit: true,
        });
        assert.equal(saved.status, 200, JSON.stringify(saved.body));
      });
      after(() => idp?.close());

      it('creates each person at their first sign-in with the role of their groups', async () => {
        for (const [login, person] of Object.entries(users)) {
          const { jar, res, url } = await signIn(person.email, login);
          assert.equal(res.status, 200, `${url}: ${res.status}`);
          assert.equal(url, `${srv.url}/console/`, 'lands in the console');
          const me = await jar.fetch(`${srv.url}/api/v1/me`);
          assert.equal(me.status, 200);
          const { user } = (await me.json()) as { user: { email: string; name: string; role: string } };
          assert.equal(user.email, person.email);
          assert.equal(user.name, person.name);
          assert.equal(user.role, person.groups.includes('beckon-admins') ? 'admin' : 'agent');
        }
        const userinfo = idp.requested.filter((p) => p === '/me').length;
        assert.equal(
          userinfo,
          claimsInIdToken ? 0 : 2,
          'UserInfo is asked only when the ID token lacks claims',
        );
        const listed = (await owner.get('/api/v1/users')).body.items as Array<{ email: string }>;
        for (const person of Object.values(users)) assert.ok(listed.some((u) => u.email === person.email));
      });
    });
  }
});
