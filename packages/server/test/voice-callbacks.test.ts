import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChatErrorFrame } from '@beckon/protocol/chat-protocol';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { CallRequests } from '@beckon/sdk/call-requests';
import { chatOf } from '../src/conversations/chat-module.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

// Asked as the file loads, without awaiting: see helpers/service-probe.ts.
const PG_SKIP = postgresSkipReasonNow();

const HOUR = 3_600_000;

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`callbacks (${store})`, () => {
    const skip = store === 'postgres' ? PG_SKIP : null;
    let srv: TestServer;
    let sales: AgentChatClient;
    let support: AgentChatClient;
    const api = async (email: string) => {
      const a = new ApiClient(srv.node.app);
      const s = await cookieFor(srv, email);
      a.cookie = s.cookie;
      a.csrf = s.csrf;
      return a;
    };
    before(async () => {
      if (skip) return;
      srv = await startTestServer({ demo: true, store });
      sales = await connectAgent(srv, 'sales@demo.beckon.local');
      support = await connectAgent(srv, 'support@demo.beckon.local', false);
    });
    after(async () => {
      if (skip) return;
      await sales?.disconnect();
      await support?.disconnect();
      await srv.close();
    });

    it('confirms a callback in the language the visitor chats in, with the day and hours written its way', {
      skip: skip ?? false,
    }, async () => {
      const visitor = await startVisitor(srv, {
        skillId: srv.demo!.skillIds.sales,
        name: 'Lena',
        language: 'de',
      });
      const chatId = visitor.conversation.id;
      await eventually(() => sales.offers.has(chatId), 3000, 'the chat offered');
      await sales.decline(chatId);
      const soon = Date.now() + 2 * HOUR;
      const from = new Date(soon - (soon % HOUR) + HOUR);
      const to = new Date(from.getTime() + HOUR);
      await new CallRequests(visitor.frames as never).request({
        type: 'callback_request',
        phone: '+49 30 1234567',
        windowStart: from.toISOString(),
        windowEnd: to.toISOString(),
      });
      const day = new Intl.DateTimeFormat('de', { dateStyle: 'medium', timeZone: 'UTC' }).format(from);
      const clock = (d: Date) =>
        new Intl.DateTimeFormat('de', { timeStyle: 'short', timeZone: 'UTC' }).format(d);
      await visitor.waitForMessage(
        (m) =>
          m.text ===
          `Rückruf erbeten an +49 30 1234567, am ${day} zwischen ${clock(from)} und ${clock(to)} UTC.`,
      );
      await visitor.close();
      // Out of the next test's way: its ticks count the callbacks that fall due.
      const { db } = srv.node.ctx.store;
      await db.deleteFrom('callbacks').where('phone', '=', '+49 30 1234567').execute();
    });

    it('is scheduled, offered at its time like a conversation, rescheduled, and closed with an outcome', {
      skip: skip ?? false,
    }, async () => {
      const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales, name: 'Hedy' });
      const chatId = visitor.conversation.id;
      await eventually(() => sales.offers.has(chatId), 3000, 'the chat offered');
      await sales.decline(chatId);
      const v = new CallRequests(visitor.frames as never);
      const start = Date.now() + HOUR;
      // Bad input: a window that ends before it starts, a phone that is no number.
      await assert.rejects(
        v.request({
          type: 'callback_request',
          phone: '+44 20 7946 0958',
          windowStart: new Date(start).toISOString(),
          windowEnd: new Date(start - 1).toISOString(),
        }),
        { code: 'bad_window' },
      );
      const badPhone = visitor.frames.next<ChatErrorFrame>((f) => f.type === 'error');
      v.send({
        type: 'callback_request',
        phone: 'call me',
        windowStart: new Date(start).toISOString(),
        windowEnd: new Date(start + HOUR).toISOString(),
      });
      assert.match((await badPhone).message, /phone/);
      await v.request({
        type: 'callback_request',
        phone: '+44 20 7946 0958',
        windowStart: new Date(start).toISOString(),
        windowEnd: new Date(start + HOUR).toISOString(),
        topic: 'Delivery to Scotland',
      });
      await visitor.waitForMessage((m) => m.text.startsWith('Callback requested to +44 20 7946 0958'));
      const callbacks = chatOf(srv.node.ctx)!.callbacks;
      // Not before its time (the clock is the tick's argument).
      assert.equal(await callbacks.tick(start - 1000), 0);
      assert.equal(await callbacks.tick(start + 1000), 1);
      const taskId = await eventually(
        () => [...sales.offers.keys()].find((id) => id !== chatId),
        3000,
        'the callback offered',
      );
      const offered = sales.offers.get(taskId)!;
      assert.equal(offered.channel, 'voice');
      assert.equal(offered.topic, 'Callback: Delivery to Scotland');
      await sales.accept(taskId);
      await sales.waitForMessage(
        taskId,
        (m) =>
          m.text ===
          'Call back +44 20 7946 0958 (' +
            new Date(start).toISOString().slice(11, 16) +
            '–' +
            new Date(start + HOUR).toISOString().slice(11, 16) +
            ' UTC). Topic: Delivery to Scotland.',
      );
      const salesApi = await api('sales@demo.beckon.local');
      const cb = await salesApi.get(`/api/v1/conversations/${taskId}/callback`);
      assert.equal(cb.status, 200, JSON.stringify(cb.body));
      assert.equal(cb.body.phone, '+44 20 7946 0958');
      // Someone who does not hold it cannot record its outcome.
      const supportApi = await api('support@demo.beckon.local');
      assert.equal(
        (await supportApi.post(`/api/v1/callbacks/${cb.body.id}/outcome`, { outcome: 'reached' })).status,
        403,
      );
      // No answer yet: rescheduled for tomorrow; the conversation closes with that disposition.
      assert.equal(
        (await salesApi.post(`/api/v1/callbacks/${cb.body.id}/outcome`, { outcome: 'rescheduled' })).status,
        400,
      );
      const tomorrow = Date.now() + 24 * HOUR;
      const again = await salesApi.post(`/api/v1/callbacks/${cb.body.id}/outcome`, {
        outcome: 'rescheduled',
        rescheduleAt: new Date(tomorrow).toISOString(),
      });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.status, 'scheduled');
      const closed = await srv.node.ctx.store.conversations.get(srv.demo!.accountId, taskId);
      assert.equal(closed.status, 'closed');
      assert.equal(closed.disposition, 'callback_rescheduled');
      assert.equal(await callbacks.tick(tomorrow - 1000), 0);
      assert.equal(await callbacks.tick(tomorrow + 1000), 1);
      const second = await eventually(
        () => [...sales.offers.keys()].find((id) => id !== chatId && id !== taskId),
        3000,
        'offered again',
      );
      await sales.accept(second);
      const done = await salesApi.post(`/api/v1/callbacks/${cb.body.id}/outcome`, { outcome: 'reached' });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.deepEqual([done.body.status, done.body.outcome, done.body.attempts], ['done', 'reached', 2]);
      assert.equal(
        (await salesApi.post(`/api/v1/callbacks/${cb.body.id}/outcome`, { outcome: 'reached' })).status,
        409,
      );
      // Both tries are in the history as conversations on the voice channel.
      const history = await salesApi.get('/api/v1/conversations?channel=voice');
      assert.deepEqual(history.body.items.map((c: { id: string }) => c.id).sort(), [taskId, second].sort());
      await visitor.close();
    });
  });
}
