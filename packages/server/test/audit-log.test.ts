import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AUDIT_ACTIONS } from '../src/audit/audit-actions.ts';
import { mutatingRoutesOf } from '../src/audit/audit-hook.ts';
import { hashPassword } from '../src/auth/passwords.ts';
import { ApiClient } from './helpers/api-client.ts';
import { cookieFor } from './helpers/chat-fixtures.ts';
import { postgresSkipReason } from './helpers/postgres.ts';
import { DEMO_ADMIN, DEMO_AGENT_PASSWORD, startTestServer, type TestServer } from './helpers/test-server.ts';

/** A console session of `email` as a client that sends its cookie and CSRF token. */
async function sessionOf(srv: TestServer, email: string) {
  const s = await cookieFor(srv, email);
  const api = new ApiClient(srv.node.app);
  api.cookie = s.cookie;
  api.csrf = s.csrf;
  return { api, ...s };
}

describe('audit log', () => {
  let srv: TestServer;
  let owner: Awaited<ReturnType<typeof sessionOf>>;
  before(async () => {
    srv = await startTestServer({ demo: true, env: { BECKON_WEBHOOKS_ALLOW_PRIVATE: '1' } });
    let now = Date.now();
    srv.node.ctx.loginLimiter.clock = () => (now += 31_000);
    owner = await sessionOf(srv, DEMO_ADMIN.email);
  });
  after(() => srv.close());

  /** The newest entries of the owner's account, optionally filtered. */
  const entries = async (query = '') => {
    const res = await owner.api.get(`/api/v1/audit-log?limit=500${query}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.items as Array<Record<string, any>>;
  };

  it('names every mutating API route, so a new route cannot slip by unaudited', () => {
    const routes = mutatingRoutesOf(srv.node.app);
    assert.ok(routes.length > 40, `only ${routes.length} mutating routes seen`);
    const unnamed = routes.filter((r) => !AUDIT_ACTIONS[r]);
    assert.deepEqual(unnamed, [], `give these routes an entry in audit-actions.ts: ${unnamed.join(', ')}`);
  });

  it('records each kind of change with who, from where, the target and what changed', async () => {
    const demo = srv.demo!;
    /** [method, path, body, expected action, expected target type, target id or 'answer' (the created id)] */
    const cases: Array<[string, string | (() => string), unknown, string, string, string | (() => string)]> =
      [];
    let siteId = '';
    let skillId = '';
    let userId = '';
    let campaignId = '';
    let webhookId = '';
    let keyId = '';
    cases.push(
      [
        'POST',
        '/api/v1/sites',
        { name: 'Outlet', allowedOrigins: ['https://outlet.example'] },
        'site.created',
        'site',
        'answer',
      ],
      [
        'PATCH',
        () => `/api/v1/sites/${siteId}`,
        { name: 'Outlet store' },
        'site.updated',
        'site',
        () => siteId,
      ],
      ['POST', '/api/v1/skills', { name: 'Returns' }, 'skill.created', 'skill', 'answer'],
      [
        'PATCH',
        () => `/api/v1/skills/${skillId}`,
        { name: 'Returns desk' },
        'skill.updated',
        'skill',
        () => skillId,
      ],
      [
        'POST',
        '/api/v1/users',
        {
          email: 'new.agent@demo.beckon.local',
          name: 'New Agent',
          password: 'a-secret-pass-1',
          role: 'agent',
        },
        'user.created',
        'user',
        'answer',
      ],
      ['PATCH', () => `/api/v1/users/${userId}`, { role: 'analyst' }, 'user.updated', 'user', () => userId],
      [
        'POST',
        '/api/v1/campaigns',
        {
          name: 'Audit offer',
          status: 'paused',
          goal: { type: 'purchase' },
          targeting: { all: [{ field: 'page.section', op: 'contains', value: 'shoes' }] },
          priority: 10,
          engagement: {
            type: 'content',
            title: 'Hi',
            text: 'A deal',
            ctaLabel: 'Go',
            ctaUrl: 'https://shop.example/deal',
          },
        },
        'campaign.created',
        'campaign',
        'answer',
      ],
      [
        'PATCH',
        () => `/api/v1/campaigns/${campaignId}`,
        { priority: 20 },
        'campaign.updated',
        'campaign',
        () => campaignId,
      ],
      [
        'POST',
        '/api/v1/webhooks',
        { url: 'http://127.0.0.1:9/hook?token=abc', events: ['conversation.created'], description: 'CRM' },
        'webhook.created',
        'webhook',
        'answer',
      ],
      [
        'POST',
        () => `/api/v1/webhooks/${webhookId}/rotate`,
        {},
        'webhook.secret_rotated',
        'webhook',
        () => webhookId,
      ],
      [
        'PUT',
        '/api/v1/channels/settings',
        { items: [{ channel: 'email', weight: 1 }] },
        'channel.settings_changed',
        'channel_settings',
        '',
      ],
      [
        'POST',
        '/api/v1/canned-responses',
        { shortcut: 'audit-hello', title: 'Hello', text: 'Hello there' },
        'canned_response.created',
        'canned_response',
        'answer',
      ],
      [
        'PUT',
        '/api/v1/account/retention',
        { events: 30 },
        'retention.changed',
        'account',
        () => owner.accountId,
      ],
      ['POST', '/api/v1/api-keys', { name: 'CI deploys' }, 'api_key.created', 'api_key', 'answer'],
      ['DELETE', () => `/api/v1/api-keys/${keyId}`, undefined, 'api_key.revoked', 'api_key', () => keyId],
    );
    for (const [method, path, body, action, targetType, target] of cases) {
      const url = typeof path === 'function' ? path() : path;
      const res = await owner.api.request(method, url, body);
      assert.ok(res.status < 300, `${method} ${url}: ${res.status} ${JSON.stringify(res.body)}`);
      const [entry] = await entries(`&action=${action}`);
      assert.ok(entry, `no ${action} entry after ${method} ${url}`);
      const created = res.body?.id as string | undefined;
      if (action === 'site.created') siteId = created!;
      if (action === 'skill.created') skillId = created!;
      if (action === 'user.created') userId = created!;
      if (action === 'campaign.created') campaignId = created!;
      if (action === 'webhook.created') webhookId = created!;
      if (action === 'api_key.created') keyId = created!;
      const expectedId = target === 'answer' ? created : typeof target === 'function' ? target() : null;
      assert.equal(entry.targetType, targetType, action);
      if (expectedId) assert.equal(entry.targetId, expectedId, action);
      assert.equal(entry.actor.type, 'user');
      assert.equal(entry.actor.id, owner.userId);
      assert.equal(entry.actor.label, DEMO_ADMIN.email);
      assert.equal(entry.actor.role, 'owner');
      assert.equal(entry.ip, '127.0.0.1');
    }
    void demo;
    const [user] = await entries('&action=user.created');
    assert.equal(user!.details.email, 'new.agent@demo.beckon.local');
    assert.equal(user!.details.password, '[redacted]', 'a password is never written');
    const [role] = await entries('&action=user.updated');
    assert.deepEqual(role!.details, { role: 'analyst' });
    const [hook] = await entries('&action=webhook.created');
    assert.equal(hook!.details.url, 'http://127.0.0.1:9/…', 'a URL keeps only its origin');
    // nothing secret anywhere in the log
    const raw = JSON.stringify(await srv.node.ctx.store.db.selectFrom('audit_log').selectAll().execute());
    assert.ok(!raw.includes('a-secret-pass-1'));
    assert.ok(!raw.includes('token=abc'));
  });

  it('records sign-ins, failed sign-ins, session revocations and sign-outs', async () => {
    const email = 'support@demo.beckon.local';
    const client = new ApiClient(srv.node.app);
    assert.equal((await client.login(email, 'wrong-password')).status, 401);
    assert.equal((await client.login('nobody@nowhere.example', 'x')).status, 401);
    const signedIn = await client.login(email, DEMO_AGENT_PASSWORD);
    assert.equal(signedIn.status, 200);
    const failed = await entries('&action=auth.sign_in_failed');
    assert.equal(failed[0]!.actor.label, email);
    assert.equal(failed[0]!.details.reason, 'wrong_password');
    assert.ok(!JSON.stringify(failed).includes('wrong-password'), 'the tried password is not kept');
    assert.ok(
      !JSON.stringify(await entries()).includes('nobody@nowhere.example'),
      'an unknown e-mail has no account',
    );
    const [ok] = await entries('&action=auth.signed_in');
    assert.equal(ok!.actor.label, email);
    assert.equal(ok!.details.method, 'password');

    const sessions = await owner.api.get('/api/v1/sessions');
    const theirs = (sessions.body.items as Array<{ id: string; userEmail: string }>).find(
      (s) => s.userEmail === email,
    )!;
    assert.equal((await owner.api.delete(`/api/v1/sessions/${theirs.id}`)).status, 204);
    const [revoked] = await entries('&action=session.revoked');
    assert.equal(revoked!.targetId, theirs.id);

    const again = new ApiClient(srv.node.app);
    await again.login(email, DEMO_AGENT_PASSWORD);
    assert.equal((await again.post('/api/v1/auth/logout')).status, 204);
    const [out] = await entries('&action=auth.signed_out');
    assert.equal(out!.actor.label, email);
    assert.equal(out!.actor.role, 'agent');
  });

  it('records every write made with an API key, naming the key', async () => {
    const made = await owner.api.post('/api/v1/api-keys', { name: 'Shop sync' });
    const key = new ApiClient(srv.node.app);
    key.bearer = made.body.key;
    assert.equal((await key.post('/api/v1/skills', { name: 'Wholesale' })).status, 201);
    const [entry] = await entries('&action=skill.created');
    assert.equal(entry!.actor.type, 'api_key');
    assert.equal(entry!.actor.id, made.body.id);
    assert.equal(entry!.actor.label, 'Shop sync');
    assert.equal(entry!.actor.method, 'api_key');
    assert.ok(!JSON.stringify(await entries()).includes(made.body.key), 'the key itself is never written');
  });

  it('filters by actor, action, target type and time, and pages with a cursor', async () => {
    for (let i = 0; i < 5; i++) await owner.api.post('/api/v1/skills', { name: `Paged ${i}` });
    const first = await owner.api.get('/api/v1/audit-log?action=skill.created&limit=2');
    assert.equal(first.body.items.length, 2);
    const second = await owner.api.get(
      `/api/v1/audit-log?action=skill.created&limit=2&cursor=${first.body.nextCursor}`,
    );
    assert.equal(second.body.items.length, 2);
    const ids = [...first.body.items, ...second.body.items].map((e: { id: string }) => e.id);
    assert.equal(new Set(ids).size, 4, 'no entry twice across pages');
    assert.ok(first.body.items[0].at >= second.body.items[0].at, 'newest first');
    const byActor = await entries(`&actor=${encodeURIComponent(DEMO_ADMIN.email)}&targetType=skill`);
    assert.ok(
      byActor.length >= 5 &&
        byActor.every((e) => e.actor.label === DEMO_ADMIN.email && e.targetType === 'skill'),
    );
    const future = new Date(Date.now() + 3_600_000).toISOString();
    assert.equal((await entries(`&from=${encodeURIComponent(future)}`)).length, 0);
    const bad = await owner.api.get('/api/v1/audit-log?cursor=nonsense');
    assert.equal(bad.status, 400);
  });

  it('exports the filtered log as CSV', async () => {
    const res = await owner.api.request('GET', '/api/v1/audit-log/export.csv?action=skill.created');
    assert.equal(res.status, 200);
    assert.match(String(res.headers['content-type']), /^text\/csv/);
    const lines = String(res.body).trim().split('\r\n');
    assert.equal(
      lines[0],
      'time,action,actor_type,actor,actor_id,role,method,ip,user_agent,target_type,target_id,details',
    );
    assert.ok(lines.length >= 6);
    assert.ok(lines.slice(1).every((l) => l.split(',')[1] === 'skill.created'));
  });

  it('is for owners and admins of the account only', async () => {
    const agent = await sessionOf(srv, 'sales@demo.beckon.local');
    assert.equal((await agent.api.get('/api/v1/audit-log')).status, 403);
    assert.equal((await agent.api.request('GET', '/api/v1/audit-log/export.csv')).status, 403);
    assert.equal((await new ApiClient(srv.node.app).get('/api/v1/audit-log')).status, 401);
    const { store } = srv.node.ctx;
    const other = await store.accounts.create('Other shop');
    await store.users.create(other.id, {
      email: 'owner@other.example',
      name: 'Other owner',
      role: 'owner',
      passwordHash: await hashPassword('other-owner-pw'),
    });
    const stranger = await sessionOf(srv, 'owner@other.example');
    const theirs = await stranger.api.get('/api/v1/audit-log?limit=500');
    assert.equal(theirs.status, 200);
    assert.deepEqual(theirs.body.items, [], "another account's log is empty to them");
    const csv = await stranger.api.request('GET', '/api/v1/audit-log/export.csv');
    assert.equal(String(csv.body).trim().split('\r\n').length, 1);
  });
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`audit log on ${kind} is append-only`, () => {
    let srv: TestServer | undefined;
    let skip: string | null = null;
    before(async () => {
      skip = kind === 'postgres' ? await postgresSkipReason() : null;
      if (!skip) srv = await startTestServer({ demo: true, store: kind });
    });
    after(() => srv?.close());

    it('refuses to rewrite an entry', async (t) => {
      if (skip) return t.skip(skip);
      const owner = await sessionOf(srv!, DEMO_ADMIN.email);
      await owner.api.post('/api/v1/skills', { name: 'Kept as written' });
      const { db } = srv!.node.ctx.store;
      await assert.rejects(
        db.updateTable('audit_log').set({ action: 'nothing.happened' }).execute(),
        /append-only/,
      );
      const rows = await db.selectFrom('audit_log').select('action').execute();
      assert.ok(rows.some((r) => r.action === 'skill.created'));
    });
  });
}
