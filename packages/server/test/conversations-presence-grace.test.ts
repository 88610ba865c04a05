import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { MemoryBus } from '../src/bus/memory-bus.ts';
import { AgentPresence } from '../src/conversations/agent-presence.ts';
import { chatOf } from '../src/conversations/chat-module.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const GRACE_MS = 1500;
const SALES = 'sales@demo.beckon.local';

describe('agent presence: a grace period before a closed console counts as gone', { timeout: 30_000 }, () => {
  let srv: TestServer;
  before(async () => {
    srv = await startTestServer({ demo: true, env: { BECKON_AGENT_PRESENCE_GRACE_MS: String(GRACE_MS) } });
  });
  after(() => srv.close());

  it('never shows an agent whose console reconnects within the grace as absent; chats meanwhile are not sent offline', async () => {
    const { userId, accountId } = await cookieFor(srv, SALES);
    const { presence } = chatOf(srv.node.ctx)!;
    const first = await connectAgent(srv, SALES);
    // What routing sees, every few milliseconds, from before the close until after the grace.
    const seen: boolean[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        seen.push((await presence.connected(accountId)).has(userId));
        await sleep(5);
      }
    })();
    await first.disconnect();
    // A chat started while the console is reloading waits for the agent instead of going offline.
    const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    assert.notEqual(visitor.conversation.status, 'offline');
    await sleep(300);
    const second = await connectAgent(srv, SALES, false);
    try {
      // The reloaded console gets the chat offered meanwhile (in its inbox or as an offer).
      await eventually(
        () => second.offers.has(visitor.conversation.id),
        5000,
        'the offer on the new console',
      );
      await sleep(GRACE_MS + 300);
      watching = false;
      await watcher;
      assert.ok(seen.length > 50, `watched ${seen.length} times`);
      assert.equal(seen.filter((present) => !present).length, 0, 'never absent');
    } finally {
      watching = false;
      await visitor.close();
      await second.disconnect();
    }
  });

  it('counts an agent who does not come back as gone after the grace: their offer returns to the queue', async () => {
    const { userId, accountId } = await cookieFor(srv, SALES);
    const { presence } = chatOf(srv.node.ctx)!;
    const { store } = srv.node.ctx;
    // The first case's console is gone for good by now.
    await eventually(
      async () => !(await presence.connected(accountId)).has(userId),
      GRACE_MS * 3,
      'clean start',
    );
    const agent = await connectAgent(srv, SALES);
    const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
    try {
      await eventually(() => agent.offers.has(visitor.conversation.id), 5000, 'offer');
      await agent.disconnect();
      const closed = Date.now();
      await sleep(GRACE_MS / 2);
      assert.ok((await presence.connected(accountId)).has(userId), 'still present within the grace');
      assert.equal((await store.conversations.get(accountId, visitor.conversation.id)).status, 'offered');
      await eventually(async () => !(await presence.connected(accountId)).has(userId), GRACE_MS * 2, 'gone');
      assert.ok(Date.now() - closed >= GRACE_MS - 50, 'not before the grace ran out');
      await eventually(
        async () => (await store.conversations.get(accountId, visitor.conversation.id)).status === 'queued',
        3000,
        'the offer withdrawn after the grace',
      );
      // Nobody of the skill is connected now: a new chat goes to the offline flow.
      const later = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales });
      assert.equal(later.conversation.status, 'offline');
      await later.close();
    } finally {
      await visitor.close();
    }
  });
});

describe('agent presence when its node stops', { timeout: 10_000 }, () => {
  it('ends a grace wait that starts after the stop at once: shutdown does not outlast the lingering mark', async () => {
    const presence = new AgentPresence(new MemoryBus(), pino({ level: 'silent' }), 60_000);
    await presence.add('acct', 'agent-1');
    // The console closes as the node stops: its release is still on the bus when `stop` runs.
    const removed = presence.remove('acct', 'agent-1');
    presence.stop();
    // Undecided (the agent is moving to another node), and answered now rather than after a minute.
    assert.equal(await removed, undefined);
  });
});
