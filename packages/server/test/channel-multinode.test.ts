import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { BeckonNode } from '../src/node.ts';
import { cookieFor, eventually } from './helpers/chat-fixtures.ts';
import { postWebhook, waMessageDelivery } from './helpers/graph-api-server.ts';
import { agentOn, type NodeCluster, startCluster } from './helpers/node-cluster.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { TEST_REDIS_URL as REDIS_URL, redisSkipReasonNow } from './helpers/redis.ts';
import type { TestServer } from './helpers/test-server.ts';
import { WA } from './helpers/whatsapp-fixture.ts';

// Asked as the file loads, without awaiting: see helpers/service-probe.ts.
const PG_SKIP = postgresSkipReasonNow();
const REDIS_SKIP = redisSkipReasonNow();

/**
 * WhatsApp deliveries reach node A while the agent works on node B (PostgreSQL + Redis): what the
 * agent does on B (pending, close) and what an admin does to the connection there decide what
 * node A does with the customer's next message, though A remembers the customer's thread.
 */
describe('a WhatsApp connection across two nodes (PostgreSQL + Redis)', () => {
  const skip = PG_SKIP ?? REDIS_SKIP;
  let cluster: NodeCluster | undefined;
  let a: BeckonNode;
  let b: BeckonNode;
  let agent: AgentChatClient;
  let accountId: string;
  let hook: string;
  let connectionId: string;
  before(async () => {
    if (skip) return;
    cluster = await startCluster(2, REDIS_URL);
    [a, b] = cluster.nodes as [BeckonNode, BeckonNode];
    accountId = cluster.demo.accountId;
    const conn = await a.ctx.store.channelConnections.create(accountId, {
      type: 'whatsapp',
      name: 'Support line',
      config: { ...WA },
      // Nothing is sent to WhatsApp in these tests.
      apiBaseUrl: 'http://127.0.0.1:9',
      defaultSkillId: cluster.demo.skillIds.sales,
    });
    connectionId = conn.id;
    hook = `${a.url}/hooks/whatsapp/${conn.id}`;
    agent = await agentOn(b, 'sales@demo.beckon.local');
  });
  after(async () => {
    await agent?.disconnect();
    await cluster?.close();
  });
  const test = (title: string, fn: () => Promise<void>) =>
    it(title, skip ? { skip } : { timeout: 120_000 }, fn);

  let numbers = 0;
  const newNumber = () => `1555${String(Date.now()).slice(-5)}${String(++numbers).padStart(2, '0')}`;

  /** The customer writes to node A; answers the conversation the line landed in. */
  const customerWrites = async (from: string, text: string) => {
    const d = waMessageDelivery(WA.phoneNumberId, from, text);
    assert.equal((await postWebhook(hook, d.body, WA.appSecret)).status, 200);
    const row = await a.ctx.store.db
      .selectFrom('channel_messages')
      .select('conversation_id')
      .where('external_id', '=', d.id)
      .executeTakeFirstOrThrow();
    return row.conversation_id;
  };
  const customerLines = async (id: string) =>
    (await b.ctx.store.messages.after(accountId, id, 0, { limit: 100 }))
      .filter((m) => m.senderKind === 'visitor')
      .map((m) => m.text);

  test("the agent on B gets every line sent to A once, in order; pending and close on B are heeded by A's next line", async () => {
    const from = newNumber();
    const id = await customerWrites(from, 'Hello from WhatsApp');
    await eventually(() => agent.offers.get(id), 10_000, 'the offer on node B');
    await agent.accept(id);
    for (const n of [1, 2, 3]) assert.equal(await customerWrites(from, `Line ${n}`), id);
    await eventually(
      () => agent.messages(id).filter((m) => m.senderKind === 'visitor').length >= 3,
      10_000,
      'the lines on node B',
    );

    const who = await cookieFor({ node: b } as TestServer, 'sales@demo.beckon.local');
    const pending = await fetch(`${b.url}/api/v1/conversations/${id}/state`, {
      method: 'POST',
      headers: { cookie: who.cookie, 'x-csrf-token': who.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({ state: 'pending' }),
    });
    assert.equal(pending.status, 200);
    assert.equal(await customerWrites(from, 'Here is my order number'), id);
    await eventually(
      async () => (await b.ctx.store.conversations.get(accountId, id)).state === 'open',
      5000,
      'open again after the customer wrote',
    );

    await agent.close(id);
    assert.equal(await customerWrites(from, 'One more thing'), id);
    const reopened = await b.ctx.store.conversations.get(accountId, id);
    assert.notEqual(reopened.status, 'closed', 'the line reopened the conversation');
    assert.deepEqual(await customerLines(id), [
      'Hello from WhatsApp',
      'Line 1',
      'Line 2',
      'Line 3',
      'Here is my order number',
      'One more thing',
    ]);
  });

  test('a replayed delivery is stored once, whichever node takes it', async () => {
    const from = newNumber();
    const d = waMessageDelivery(WA.phoneNumberId, from, 'Only once');
    const id = await customerWrites(from, 'First');
    await eventually(() => agent.offers.get(id), 10_000, 'the offer on node B');
    await agent.accept(id);
    for (const url of [hook, hook.replace(a.url, b.url), hook])
      assert.equal((await postWebhook(url, d.body, WA.appSecret)).status, 200);
    assert.deepEqual(await customerLines(id), ['First', 'Only once']);
  });

  test('a connection removed on node B stops answering on node A at once', async () => {
    assert.equal(await customerWrites(newNumber(), 'Before the removal').then(Boolean), true);
    await b.ctx.store.channelConnections.remove(accountId, connectionId);
    await eventually(
      async () => {
        const d = waMessageDelivery(WA.phoneNumberId, newNumber(), 'After the removal');
        return (await postWebhook(hook, d.body, WA.appSecret)).status === 404;
      },
      2000,
      'a 404 on node A',
    );
  });
});
