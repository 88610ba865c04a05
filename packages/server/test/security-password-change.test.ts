import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiClient } from './helpers/api-client.ts';
import { cookieFor } from './helpers/chat-fixtures.ts';
import { DEMO_ADMIN, DEMO_AGENT_PASSWORD, startTestServer, type TestServer } from './helpers/test-server.ts';

describe('changing a password', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ demo: true });
    // Each look at the sign-in limiter's clock is 31 s later: the sign-ins here are never slowed.
    let now = Date.now();
    srv.node.ctx.loginLimiter.clock = () => (now += 31_000);
  });
  after(() => srv.close());

  /** A console session of `email`, made in the store, as a client that sends its cookie and CSRF token. */
  const sessionOf = async (email: string) => {
    const s = await cookieFor(srv, email);
    const api = new ApiClient(srv.node.app);
    api.cookie = s.cookie;
    api.csrf = s.csrf;
    return { api, userId: s.userId };
  };

  it('asks for the current password, and ends every other session of the user but this one', async () => {
    const email = 'support@demo.beckon.local';
    const here = await sessionOf(email);
    const laptop = await sessionOf(email);
    const phone = await sessionOf(email);
    const path = `/api/v1/users/${here.userId}`;

    const missing = await here.api.patch(path, { password: 'a-new-password-1' });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.code, 'current_password_required');
    const wrong = await here.api.patch(path, { password: 'a-new-password-1', currentPassword: 'not-it' });
    assert.equal(wrong.status, 403);
    assert.equal(wrong.body.error.code, 'wrong_current_password');
    // neither changed anything: the old password still signs in, the other sessions still work
    assert.equal((await laptop.api.get('/api/v1/me')).status, 200);
    assert.equal((await new ApiClient(srv.node.app).login(email, DEMO_AGENT_PASSWORD)).status, 200);

    const changed = await here.api.patch(path, {
      password: 'a-new-password-1',
      currentPassword: DEMO_AGENT_PASSWORD,
    });
    assert.equal(changed.status, 200);
    assert.equal((await here.api.get('/api/v1/me')).status, 200, 'the session that changed it stays');
    assert.equal((await laptop.api.get('/api/v1/me')).status, 401);
    assert.equal((await phone.api.get('/api/v1/me')).status, 401);
    assert.equal((await new ApiClient(srv.node.app).login(email, DEMO_AGENT_PASSWORD)).status, 401);
    assert.equal((await new ApiClient(srv.node.app).login(email, 'a-new-password-1')).status, 200);
  });

  it('lets an owner reset another user without their password, ending all of their sessions', async () => {
    const owner = await sessionOf(DEMO_ADMIN.email);
    const agent = await sessionOf('sales@demo.beckon.local');
    const reset = await owner.api.patch(`/api/v1/users/${agent.userId}`, { password: 'reset-by-owner-1' });
    assert.equal(reset.status, 200);
    assert.equal((await agent.api.get('/api/v1/me')).status, 401);
    assert.equal((await owner.api.get('/api/v1/me')).status, 200);
    const back = await new ApiClient(srv.node.app).login('sales@demo.beckon.local', 'reset-by-owner-1');
    assert.equal(back.status, 200);
  });

  it('asks an owner for their own current password too', async () => {
    const owner = await sessionOf(DEMO_ADMIN.email);
    const res = await owner.api.patch(`/api/v1/users/${owner.userId}`, { password: 'owner-new-pass-1' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'current_password_required');
  });
});
