import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChannelSettings } from '@beckon/protocol/channels-api';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { ChannelRegistry } from '../src/channels/channel.ts';
import { channelsOf } from '../src/channels/channels-feature.ts';
import { OutboxDispatcher } from '../src/channels/outbox-dispatcher.ts';
import { chatOf } from '../src/conversations/chat-module.ts';
import { FlakyChannel, OUTBOX_TEST_ENV } from './channel-contract.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

describe('channels: per-channel weights and default skills, and the outbox written with the line', () => {
  let srv: TestServer;
  let accountId: string;
  let sales: AgentChatClient;
  let salesId: string;
  const api = async (method: string, path: string, email: string, body?: unknown) => {
    const { cookie, csrf } = await cookieFor(srv, email);
    const res = await fetch(`${srv.url}${path}`, {
      method,
      headers: {
        cookie,
        'x-csrf-token': csrf,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> };
  };
  const admin = (method: string, path: string, body?: unknown) =>
    api(method, path, 'admin@demo.beckon.local', body);
  const email = (text: string, topic?: string) =>
    channelsOf(srv.node.ctx).inbox.receive({
      channel: 'email',
      accountId,
      siteId: null,
      from: { email: `c${Math.random().toString(36).slice(2)}@example.com`, address: 'email' },
      externalId: `<${Math.random().toString(36).slice(2)}@example.com>`,
      text,
      ...(topic ? { topic } : {}),
    });

  before(async () => {
    srv = await startTestServer({ demo: true, env: OUTBOX_TEST_ENV });
    accountId = srv.demo!.accountId;
    salesId = (await cookieFor(srv, 'sales@demo.beckon.local')).userId;
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
  });
  after(async () => {
    await sales.disconnect();
    await srv.close();
  });

  it('lists every channel with its default weight; only owners and admins see or change them', async () => {
    const r = await admin('GET', '/api/v1/channels/settings');
    assert.equal(r.status, 200);
    const weights = Object.fromEntries(
      (r.body as unknown as ChannelSettings).items.map((s) => [s.channel, s.weight]),
    );
    assert.deepEqual(
      { web: weights.web, app: weights.app, email: weights.email, sms: weights.sms },
      { web: 1, app: 0.5, email: 0.25, sms: 1 },
    );
    assert.equal((await api('GET', '/api/v1/channels/settings', 'sales@demo.beckon.local')).status, 403);
    const put = await api('PUT', '/api/v1/channels/settings', 'sales@demo.beckon.local', {
      items: [{ channel: 'email', weight: 1 }],
    });
    assert.equal(put.status, 403);
  });

  it('refuses bad settings with the path of the fault', async () => {
    const foreign = await admin('PUT', '/api/v1/channels/settings', {
      items: [{ channel: 'email', defaultSkillId: 'skill_not_mine' }],
    });
    assert.equal(foreign.status, 400);
    assert.deepEqual(foreign.body.error, {
      code: 'unknown_skill',
      message: 'items/0/defaultSkillId: unknown skill id',
    });
    for (const items of [
      [{ channel: 'email', weight: 11 }],
      [{ channel: 'fax', weight: 1 }],
      [{ channel: 'email', weight: -1 }],
      [],
    ]) {
      const r = await admin('PUT', '/api/v1/channels/settings', { items });
      assert.equal(r.status, 400, JSON.stringify(items));
      assert.equal(typeof (r.body.error as { code?: string }).code, 'string');
    }
    const twice = await admin('PUT', '/api/v1/channels/settings', {
      items: [
        { channel: 'sms', weight: 1 },
        { channel: 'sms', weight: 2 },
      ],
    });
    assert.equal(twice.status, 400);
  });

  it('an agent with capacity 1 holding an e-mail thread still gets a web chat offer', async () => {
    await srv.node.ctx.store.users.update(accountId, salesId, { capacity: 1 });
    const thread = await email('Any news on my refund?', 'sales');
    await eventually(() => sales.offers.get(thread.conversation.id), 5000, 'the e-mail offer');
    await sales.accept(thread.conversation.id);
    const load = async () =>
      (await srv.node.ctx.store.routing.agents(accountId)).find((a) => a.id === salesId)!.load;
    assert.equal(await load(), 0.25, 'an e-mail thread weighs a quarter of a live chat');
    const visitor = await startVisitor(srv, { text: 'Can someone help me now?' });
    await eventually(() => sales.offers.get(visitor.conversation.id), 5000, 'the web chat offer');
    await sales.accept(visitor.conversation.id);
    assert.equal(await load(), 1.25);
    // Weighed like a live chat, the same thread would fill the agent: the load says so exactly.
    await admin('PUT', '/api/v1/channels/settings', { items: [{ channel: 'email', weight: 1 }] });
    assert.equal(await load(), 2);
    await admin('PUT', '/api/v1/channels/settings', { items: [{ channel: 'email', weight: 0.25 }] });
    await sales.close(visitor.conversation.id);
    await sales.close(thread.conversation.id);
    await visitor.close();
    await srv.node.ctx.store.users.update(accountId, salesId, { capacity: 10 });
  });

  it('only agent lines of non-web conversations enter the outbox, in the transaction that stores them', async () => {
    const { store } = srv.node.ctx;
    const thread = await email('Outbox check', 'sales');
    const id = thread.conversation.id;
    await eventually(() => sales.offers.get(id), 5000, 'the offer');
    await sales.accept(id);
    const dispatcher = channelsOf(srv.node.ctx).outbox;
    // The node stops sending; what it commits meanwhile waits in the store.
    await dispatcher.stop();
    const line = await sales.send(id, 'A reply by e-mail');
    await sales.send(id, 'Only for colleagues', { note: true });
    await chatOf(srv.node.ctx)!.announcer.line(accountId, id, 'A system line');
    const rows = await store.db.selectFrom('outbox').selectAll().where('conversation_id', '=', id).execute();
    assert.deepEqual(
      rows.map((r) => [r.seq, r.status, r.idempotency_key]),
      [[line.seq, 'queued', `${id}:${line.seq}`]],
    );

    const visitor = await startVisitor(srv, { text: 'Web here' });
    await eventually(() => sales.offers.get(visitor.conversation.id), 5000, 'the web offer');
    await sales.accept(visitor.conversation.id);
    await sales.send(visitor.conversation.id, 'Web reply');
    const webRows = await store.db
      .selectFrom('outbox')
      .select('id')
      .where('conversation_id', '=', visitor.conversation.id)
      .execute();
    assert.equal(webRows.length, 0, 'web chat lines cost no outbox row');

    // A refused line (not assigned to this agent) is stored nowhere, in the outbox neither.
    const [refused] = await store.messages.appendBatch([
      {
        accountId,
        conversationId: id,
        sender: { kind: 'agent', agentId: 'someone-else', name: 'X', supervisor: false },
        echoId: 'refused-1',
        text: 'Not mine to send',
      },
    ]);
    assert.equal(refused?.ok, false);
    assert.equal(
      (await store.db.selectFrom('outbox').select('id').where('conversation_id', '=', id).execute()).length,
      1,
    );

    // What was committed is sent by whichever dispatcher runs next (a restarted node's).
    const registry = new ChannelRegistry();
    const email2 = new FlakyChannel('email', channelsOf(srv.node.ctx).registry.get('web')!, async () => 0);
    registry.register(email2);
    const restarted = new OutboxDispatcher(
      store,
      registry,
      chatOf(srv.node.ctx)!.events,
      srv.node.ctx.logger,
      srv.node.ctx.config.outbox,
    );
    restarted.start();
    await eventually(async () => (await store.outbox.get(accountId, id, line.seq)).status === 'delivered');
    await restarted.stop();
    assert.deepEqual(
      email2.calls.map((c) => c.key),
      [`${id}:${line.seq}`],
    );
    dispatcher.start();
    await sales.close(visitor.conversation.id);
    await sales.close(id);
    await visitor.close();
  });
  it("a new e-mail thread joins the channel's default skill unless its topic names one", async () => {
    const skills = await srv.node.ctx.store.skills.list(accountId);
    const support = skills.find((s) => s.name === 'Support')!;
    const salesSkill = skills.find((s) => s.name === 'Sales')!;
    const put = await admin('PUT', '/api/v1/channels/settings', {
      items: [{ channel: 'email', defaultSkillId: support.id }],
    });
    assert.equal(put.status, 200);
    const saved = (put.body as unknown as ChannelSettings).items.find((s) => s.channel === 'email')!;
    assert.deepEqual(saved, {
      channel: 'email',
      defaultSkillId: support.id,
      weight: 0.25,
      csatSurvey: false,
      csatTemplate: null,
    });
    assert.equal((await email('My parcel is late')).conversation.skillId, support.id);
    assert.equal((await email('A quote, please', 'sales')).conversation.skillId, salesSkill.id);
    // Web chat keeps choosing as before.
    const visitor = await startVisitor(srv, { text: 'Hello' });
    assert.equal(visitor.conversation.skillId, salesSkill.id);
    await visitor.close();
    await admin('PUT', '/api/v1/channels/settings', { items: [{ channel: 'email', defaultSkillId: null }] });
  });
});
