import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { expandCannedText } from '@beckon/protocol/canned-text';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { hashPassword } from '../src/auth/passwords.ts';
import { seedDemo } from '../src/demo/seed.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

describe('canned responses and the pre-chat topics', { timeout: 60_000 }, () => {
  let srv: TestServer;
  let admin: ApiClient;
  let agent: ApiClient;
  before(async () => {
    srv = await startTestServer({ demo: true });
    admin = new ApiClient(srv.node.app);
    await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    const s = await cookieFor(srv, 'sales@demo.beckon.local');
    agent = new ApiClient(srv.node.app);
    agent.cookie = s.cookie;
    agent.csrf = s.csrf;
  });
  after(async () => {
    await srv.close();
  });

  it('the Demo Store comes with useful canned responses; agents read them, and re-seeding adds none', async () => {
    const list = await agent.get('/api/v1/canned-responses');
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.items.map((c: { shortcut: string }) => c.shortcut),
      ['hello', 'returns', 'shipping'],
    );
    const hello = list.body.items[0];
    await admin.delete(`/api/v1/canned-responses/${hello.id}`);
    await seedDemo(srv.node.ctx.store, { publicUrl: srv.url, dataDir: srv.dataDir });
    const again = await agent.get('/api/v1/canned-responses');
    assert.deepEqual(
      again.body.items.map((c: { shortcut: string }) => c.shortcut),
      ['returns', 'shipping'],
      'a deleted demo reply stays deleted',
    );
    const restored = await admin.post('/api/v1/canned-responses', {
      shortcut: 'hello',
      title: hello.title,
      text: hello.text,
    });
    assert.equal(restored.status, 201);
  });

  it('owners and admins manage them: unique shortcuts, validated fields, 404 outside the account', async () => {
    const made = await admin.post('/api/v1/canned-responses', {
      shortcut: 'refund-status',
      title: 'Refund status',
      text: 'Hi {visitor.name}, your refund is on its way.',
    });
    assert.equal(made.status, 201);
    assert.match(made.body.id, /^canned_/);
    const dup = await admin.post('/api/v1/canned-responses', {
      shortcut: 'refund-status',
      title: 'x',
      text: 'y',
    });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.code, 'conflict');
    for (const bad of [
      { shortcut: 'Refund', title: 't', text: 'x' },
      { shortcut: '-refund', title: 't', text: 'x' },
      { shortcut: 'a'.repeat(33), title: 't', text: 'x' },
      { shortcut: 'ok', title: 't'.repeat(81), text: 'x' },
      { shortcut: 'ok', title: 't', text: 'x'.repeat(4001) },
      { shortcut: 'ok', title: 't', text: '' },
      { shortcut: 'ok', title: 't', text: 'x', extra: 1 },
    ]) {
      const res = await admin.post('/api/v1/canned-responses', bad);
      assert.equal(res.status, 400, JSON.stringify(bad).slice(0, 80));
      assert.equal(res.body.error.code, 'invalid_request');
    }
    const edited = await admin.patch(`/api/v1/canned-responses/${made.body.id}`, { title: 'Refunds' });
    assert.equal(edited.status, 200);
    assert.equal(edited.body.title, 'Refunds');
    assert.equal(edited.body.shortcut, 'refund-status');
    const clash = await admin.patch(`/api/v1/canned-responses/${made.body.id}`, { shortcut: 'hello' });
    assert.equal(clash.status, 409);
    assert.equal((await admin.patch(`/api/v1/canned-responses/${made.body.id}`, {})).status, 400);

    assert.equal(
      (await agent.post('/api/v1/canned-responses', { shortcut: 'x', title: 'x', text: 'x' })).status,
      403,
    );
    assert.equal((await agent.delete(`/api/v1/canned-responses/${made.body.id}`)).status, 403);
    const { store } = srv.node.ctx;
    await store.users.create(srv.demo!.accountId, {
      email: 'analyst@demo.beckon.local',
      name: 'Analyst',
      role: 'analyst',
      passwordHash: await hashPassword('analyst-pw-123'),
    });
    const analyst = new ApiClient(srv.node.app);
    await analyst.login('analyst@demo.beckon.local', 'analyst-pw-123');
    assert.equal((await analyst.get('/api/v1/canned-responses')).status, 403);
    assert.equal((await new ApiClient(srv.node.app).get('/api/v1/canned-responses')).status, 401);

    const acct = await store.accounts.create('Other Co');
    await store.users.create(acct.id, {
      email: 'owner@other.example',
      name: 'Other Owner',
      role: 'owner',
      passwordHash: await hashPassword('other-owner-pw'),
    });
    const outsider = new ApiClient(srv.node.app);
    await outsider.login('owner@other.example', 'other-owner-pw');
    assert.deepEqual((await outsider.get('/api/v1/canned-responses')).body.items, []);
    assert.equal(
      (await outsider.patch(`/api/v1/canned-responses/${made.body.id}`, { title: 'mine' })).status,
      404,
    );
    assert.equal((await outsider.delete(`/api/v1/canned-responses/${made.body.id}`)).status, 404);
    const same = await outsider.post('/api/v1/canned-responses', {
      shortcut: 'refund-status',
      title: 'a',
      text: 'b',
    });
    assert.equal(same.status, 201, 'shortcuts are unique per account, not across accounts');

    assert.equal((await admin.delete(`/api/v1/canned-responses/${made.body.id}`)).status, 204);
    assert.equal((await admin.delete(`/api/v1/canned-responses/${made.body.id}`)).status, 404);
  });

  it('an agent sends a canned reply expanded for this visitor; the visitor reads the final text', async () => {
    const sales: AgentChatClient = await connectAgent(srv, 'sales@demo.beckon.local');
    const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    try {
      const id = visitor.conversation.id;
      await eventually(() => sales.offers.has(id), 3000, 'offer');
      await sales.accept(id);
      const hello = (await agent.get('/api/v1/canned-responses')).body.items.find(
        (c: { shortcut: string }) => c.shortcut === 'hello',
      );
      const c = sales.conversations.get(id)!;
      const text = expandCannedText(hello.text, {
        visitor: { name: c.visitorName, email: c.visitorEmail },
        agent: { name: sales.profile.name },
      });
      assert.equal(text, 'Hi there, I am Sales from the Demo Store. How can I help you today?');
      const ack = await sales.send(id, text);
      const got = await visitor.waitForMessage((m) => m.seq === ack.seq);
      assert.equal(got.text, text);
    } finally {
      await visitor.close();
      await sales.disconnect();
    }
  });

  it('lists the skills as pre-chat topics with whether each can take a chat now', async () => {
    const site = { 'x-beckon-site-key': srv.demo!.siteKey, origin: srv.url };
    const anon = new ApiClient(srv.node.app);
    // The sales agent of the test before has disconnected; the server may still be letting go of
    // their socket on a busy machine, so the first answer is awaited until nobody is online.
    const before = await eventually(
      async () => {
        const r = await anon.request('GET', '/api/v1/chat/topics', undefined, site);
        return r.status !== 200 || r.body.topics.every((t: { available: boolean }) => !t.available)
          ? r
          : null;
      },
      5000,
      'the agent of the test before gone',
    );
    assert.equal(before.status, 200);
    assert.equal(before.headers['access-control-allow-origin'], srv.url);
    assert.deepEqual(before.body.topics, [
      { name: 'Sales', skillId: srv.demo!.skillIds.sales, available: false },
      { name: 'Support', skillId: srv.demo!.skillIds.support, available: false },
    ]);
    const sales = await connectAgent(srv, 'sales@demo.beckon.local');
    try {
      const now = await anon.request('GET', '/api/v1/chat/topics', undefined, site);
      const byName = Object.fromEntries(
        now.body.topics.map((t: { name: string; available: boolean }) => [t.name, t.available]),
      );
      assert.deepEqual(byName, { Sales: true, Support: false });
      const avail = await anon.request(
        'GET',
        `/api/v1/chat/availability?skillId=${srv.demo!.skillIds.sales}`,
        undefined,
        site,
      );
      assert.equal(avail.body.available, true, 'the same rule as availability');
    } finally {
      await sales.disconnect();
    }
    assert.equal((await anon.request('GET', '/api/v1/chat/topics')).status, 401);
    const foreign = await anon.request('GET', '/api/v1/chat/topics', undefined, {
      ...site,
      origin: 'https://evil.example',
    });
    assert.equal(foreign.status, 403);
  });
});
