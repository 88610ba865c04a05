import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { hashPassword } from '../src/auth/passwords.ts';
import { ApiClient } from './helpers/api-client.ts';
import { DEMO_ADMIN, DEMO_AGENT_PASSWORD, startTestServer, type TestServer } from './helpers/test-server.ts';

describe('REST resources, roles and account isolation', () => {
  let srv: TestServer;
  let admin: ApiClient;
  let agent: ApiClient;
  let other: ApiClient;
  before(async () => {
    srv = await startTestServer({ demo: true });
    admin = new ApiClient(srv.node.app);
    await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    agent = new ApiClient(srv.node.app);
    await agent.login('sales@demo.beckon.local', DEMO_AGENT_PASSWORD);
    // A second account with its own owner.
    const { store } = srv.node.ctx;
    const acct = await store.accounts.create('Other Co');
    await store.users.create(acct.id, {
      email: 'owner@other.example',
      name: 'Other Owner',
      role: 'owner',
      passwordHash: await hashPassword('other-owner-pw'),
    });
    other = new ApiClient(srv.node.app);
    await other.login('owner@other.example', 'other-owner-pw');
  });
  after(() => srv.close());

  it('creates, renames and deletes a site whose snippet points at this server', async () => {
    const created = await admin.post('/api/v1/sites', {
      name: 'Blog',
      allowedOrigins: ['https://blog.example'],
    });
    assert.equal(created.status, 201);
    assert.ok(created.body.snippet.includes(`${srv.url}/t/${created.body.siteKey}.js`));
    assert.ok(created.body.snippet.includes('window.beckon = window.beckon || []'));
    const renamed = await admin.patch(`/api/v1/sites/${created.body.id}`, {
      name: 'Blog EU',
      allowedOrigins: ['https://blog.example', 'https://eu.blog.example'],
    });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.body.name, 'Blog EU');
    assert.deepEqual(renamed.body.allowedOrigins, ['https://blog.example', 'https://eu.blog.example']);
    assert.equal((await admin.delete(`/api/v1/sites/${created.body.id}`)).status, 204);
    assert.equal((await admin.get(`/api/v1/sites/${created.body.id}`)).status, 404);
  });

  it('manages skills and users with skills and capacity', async () => {
    const skill = await admin.post('/api/v1/skills', {
      name: 'Billing',
      maxWaitSeconds: 90,
      offerTimeoutSeconds: 20,
    });
    assert.equal(skill.status, 201);
    assert.equal((await admin.post('/api/v1/skills', { name: 'Billing' })).status, 409);
    const user = await admin.post('/api/v1/users', {
      email: 'new.agent@demo.example',
      name: 'New Agent',
      password: 'long-enough-pw',
      role: 'agent',
      skillIds: [skill.body.id],
      capacity: 5,
    });
    assert.equal(user.status, 201);
    assert.deepEqual(user.body.skillIds, [skill.body.id]);
    assert.equal(user.body.capacity, 5);
    assert.equal(JSON.stringify(user.body).includes('password'), false);
    const newcomer = new ApiClient(srv.node.app);
    assert.equal((await newcomer.login('new.agent@demo.example', 'long-enough-pw')).status, 200);
    const edited = await admin.patch(`/api/v1/users/${user.body.id}`, { capacity: 2, role: 'analyst' });
    assert.equal(edited.body.capacity, 2);
    assert.equal(edited.body.role, 'analyst');
    await admin.patch(`/api/v1/users/${user.body.id}`, { password: 'another-long-pw' });
    assert.equal((await newcomer.get('/api/v1/me')).status, 401, 'a password reset signs the user out');
    assert.equal((await admin.delete(`/api/v1/users/${user.body.id}`)).status, 204);
  });

  it('enforces roles: agents read but cannot manage, and may only change their own status', async () => {
    assert.equal((await agent.get('/api/v1/skills')).status, 200);
    assert.equal((await agent.post('/api/v1/sites', { name: 'Nope' })).status, 403);
    assert.equal((await agent.post('/api/v1/skills', { name: 'Nope' })).status, 403);
    assert.equal((await agent.get('/api/v1/api-keys')).status, 403);
    const me = (await agent.get('/api/v1/me')).body.user;
    const online = await agent.patch(`/api/v1/users/${me.id}`, { status: 'online' });
    assert.equal(online.status, 200);
    assert.equal(online.body.status, 'online');
    assert.equal((await agent.patch(`/api/v1/users/${me.id}`, { capacity: 40 })).status, 403);
    assert.equal((await agent.patch(`/api/v1/users/${me.id}`, { role: 'owner' })).status, 403);
    const owner = (await admin.get('/api/v1/me')).body.user;
    assert.equal((await agent.patch(`/api/v1/users/${owner.id}`, { status: 'away' })).status, 403);
  });

  it('keeps at least one owner and refuses self-removal', async () => {
    const owner = (await admin.get('/api/v1/me')).body.user;
    const demote = await admin.patch(`/api/v1/users/${owner.id}`, { role: 'admin' });
    assert.equal(demote.status, 400);
    assert.equal(demote.body.error.code, 'last_owner');
    assert.equal((await admin.delete(`/api/v1/users/${owner.id}`)).status, 400);
  });

  it("never shows one account's data to another: 404 by construction", async () => {
    const demoSite = (await admin.get('/api/v1/sites')).body.items[0];
    const demoSkill = (await admin.get('/api/v1/skills')).body.items[0];
    const demoUser = (await admin.get('/api/v1/users')).body.items[0];
    assert.deepEqual((await other.get('/api/v1/sites')).body.items, []);
    assert.equal((await other.get(`/api/v1/sites/${demoSite.id}`)).status, 404);
    assert.equal((await other.patch(`/api/v1/sites/${demoSite.id}`, { name: 'mine now' })).status, 404);
    assert.equal((await other.delete(`/api/v1/sites/${demoSite.id}`)).status, 404);
    assert.equal((await other.get(`/api/v1/skills/${demoSkill.id}`)).status, 404);
    assert.equal((await other.patch(`/api/v1/users/${demoUser.id}`, { name: 'x' })).status, 404);
    assert.equal((await other.delete(`/api/v1/users/${demoUser.id}`)).status, 404);
    // Another account's skill id cannot be attached.
    const res = await other.post('/api/v1/users', {
      email: 'x@other.example',
      name: 'X',
      password: 'long-enough-pw',
      role: 'agent',
      skillIds: [demoSkill.id],
    });
    assert.equal(res.status, 400);
    // Unknown fields such as accountId are refused, never used.
    assert.equal(
      (await other.post('/api/v1/sites', { name: 'x', accountId: srv.demo!.accountId })).status,
      400,
    );
    assert.equal((await admin.get(`/api/v1/sites/${demoSite.id}`)).body.name, demoSite.name);
  });
});
