import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from './helpers/api-client.ts';
import { DEMO_ADMIN, DEMO_AGENT_PASSWORD, startTestServer, type TestServer } from './helpers/test-server.ts';

describe('console sign-in', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ demo: true });
  });
  after(() => srv.close());

  it('logs in with the demo owner, sets an httpOnly SameSite cookie, and /me answers', async () => {
    const api = new ApiClient(srv.node.app);
    const res = await api.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    assert.equal(res.status, 200);
    assert.equal(res.body.user.role, 'owner');
    assert.equal(res.body.account.name, 'Demo Store');
    const cookie = String(res.headers['set-cookie']);
    assert.match(cookie, /beckon_session=/);
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    const me = await api.get('/api/v1/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.user.email, DEMO_ADMIN.email);
    assert.equal(me.body.csrfToken, res.body.csrfToken);
  });

  it('refuses a wrong password with 401 and an unknown user the same way', async () => {
    const api = new ApiClient(srv.node.app);
    const wrong = await api.login(DEMO_ADMIN.email, 'not-the-password');
    assert.equal(wrong.status, 401);
    assert.equal(wrong.body.error.code, 'invalid_credentials');
    const unknown = await api.login('nobody@example.com', 'whatever-pw');
    assert.equal(unknown.status, 401);
    assert.deepEqual(unknown.body, wrong.body);
    assert.equal((await api.get('/api/v1/me')).status, 401);
  });

  it('refuses further tries for an e-mail from one address with 429 after repeated failures, even with the right password', async () => {
    const api = new ApiClient(srv.node.app);
    const email = 'support@demo.beckon.local';
    let now = Date.now();
    srv.node.ctx.loginLimiter.clock = () => now;
    for (let i = 0; i < 5; i++) {
      now += 31_000; // past the e-mail's growing delay (security-login-limits.test.ts tests it)
      assert.equal((await api.login(email, `bad-${i}`)).status, 401);
    }
    const limited = await api.login(email, DEMO_AGENT_PASSWORD);
    srv.node.ctx.loginLimiter.clock = Date.now;
    assert.equal(limited.status, 429);
    assert.equal(limited.body.error.code, 'too_many_attempts');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    // another account's user is not affected
    assert.equal((await api.login('sales@demo.beckon.local', DEMO_AGENT_PASSWORD)).status, 200);
  });

  it('requires the CSRF header on cookie-authenticated writes', async () => {
    const api = new ApiClient(srv.node.app);
    await api.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    const csrf = api.csrf;
    api.csrf = undefined;
    const res = await api.post('/api/v1/skills', { name: 'No CSRF' });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'csrf');
    api.csrf = 'wrong';
    assert.equal((await api.post('/api/v1/skills', { name: 'No CSRF' })).status, 403);
    api.csrf = csrf;
    assert.equal((await api.post('/api/v1/skills', { name: 'With CSRF' })).status, 201);
  });

  it('logs out: the cookie no longer works', async () => {
    const api = new ApiClient(srv.node.app);
    await api.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    const cookie = api.cookie;
    assert.equal((await api.post('/api/v1/auth/logout')).status, 204);
    api.cookie = cookie;
    assert.equal((await api.get('/api/v1/me')).status, 401);
  });

  it('answers the console’s session check without a 401: who is signed in, or nobody', async () => {
    const api = new ApiClient(srv.node.app);
    const anonymous = await api.get('/api/v1/auth/session');
    assert.equal(anonymous.status, 200);
    assert.deepEqual(anonymous.body, { session: null });
    const login = await api.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    const signedIn = await api.get('/api/v1/auth/session');
    assert.equal(signedIn.status, 200);
    assert.deepEqual(signedIn.body.session, (await api.get('/api/v1/me')).body);
    assert.equal(signedIn.body.session.csrfToken, login.body.csrfToken);
    // A session that has ended: nobody, and the browser drops the dead cookie.
    const ended = new ApiClient(srv.node.app);
    ended.cookie = 'beckon_session=ended-long-ago';
    const stale = await ended.get('/api/v1/auth/session');
    assert.deepEqual([stale.status, stale.body], [200, { session: null }]);
    assert.match(String(stale.headers['set-cookie']), /beckon_session=;/);
    assert.equal((await ended.get('/api/v1/me')).status, 401, 'GET /me still answers 401');
  });

  it('API keys authenticate server-to-server calls without CSRF and can be revoked', async () => {
    const admin = new ApiClient(srv.node.app);
    await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    const created = await admin.post('/api/v1/api-keys', { name: 'CRM sync' });
    assert.equal(created.status, 201);
    assert.match(created.body.key, /^bk_/);
    const listed = await admin.get('/api/v1/api-keys');
    assert.equal(JSON.stringify(listed.body).includes(created.body.key), false, 'the secret is never listed');
    const server = new ApiClient(srv.node.app);
    server.bearer = created.body.key;
    const sites = await server.get('/api/v1/sites');
    assert.equal(sites.status, 200);
    assert.equal(sites.body.items[0].name, 'Demo storefront');
    assert.equal((await server.post('/api/v1/skills', { name: 'From CRM' })).status, 201);
    assert.equal((await admin.delete(`/api/v1/api-keys/${created.body.id}`)).status, 204);
    const revoked = await server.get('/api/v1/sites');
    assert.equal(revoked.status, 401);
    assert.equal(revoked.body.error.code, 'invalid_api_key');
  });
});
