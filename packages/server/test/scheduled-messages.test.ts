import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { scheduledSenderOf } from '../src/collab/collab-feature.ts';
import { ScheduledSender } from '../src/collab/scheduled-sender.ts';
import { chatOf } from '../src/conversations/chat-module.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const pgSkip = postgresSkipReasonNow();

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`send later (${store})`, {
    skip: store === 'postgres' ? (pgSkip ?? false) : false,
    timeout: 60_000,
  }, () => {
    let srv: TestServer;
    let anon: ApiClient;
    let sales: ApiClient;
    let admin: ApiClient;
    const site = () => ({ 'x-beckon-site-key': srv.demo!.siteKey });
    const signedIn = async (email: string) => {
      const s = await cookieFor(srv, email);
      const api = new ApiClient(srv.node.app);
      api.cookie = s.cookie;
      api.csrf = s.csrf;
      return api;
    };
    /** A conversation from the offline form, taken by the sales agent: its token writes as the customer. */
    const open: string[] = [];
    const taken = async (text = 'Please call me') => {
      // The agent's earlier conversations end first: their capacity stays free for this one.
      for (const old of open.splice(0)) await admin.post(`/api/v1/conversations/${old}/close`, {});
      const res = await anon.request(
        'POST',
        '/api/v1/chat/offline',
        { name: 'Kim', email: 'kim@example.com', message: text, topic: 'Sales' },
        site(),
      );
      assert.equal(res.status, 201);
      const id = res.body.conversationId as string;
      assert.equal((await sales.post(`/api/v1/conversations/${id}/accept`)).status, 200);
      open.push(id);
      return { id, customer: { 'x-beckon-chat-token': res.body.token as string } };
    };
    const lines = async (id: string) =>
      (await admin.get(`/api/v1/conversations/${id}`)).body.messages as {
        seq: number;
        text: string;
        senderKind: string;
        senderName: string | null;
      }[];
    const at = (ms: number) => new Date(Date.now() + ms).toISOString();
    /** The customer writes a line through their chat token. */
    const customerSays = async (customer: Record<string, string>, echoId: string, text: string) => {
      const wrote = await anon.request('POST', '/api/v1/chat/messages', { echoId, text }, customer);
      assert.equal(wrote.status, 201);
    };

    before(async () => {
      srv = await startTestServer({ demo: true, store });
      anon = new ApiClient(srv.node.app);
      sales = await signedIn('sales@demo.beckon.local');
      admin = await signedIn('admin@demo.beckon.local');
    });
    after(() => srv?.close());

    it('a reply scheduled by an agent who then signs out is sent at its time, once, in their name', async () => {
      const { id } = await taken();
      const author = await signedIn('sales@demo.beckon.local');
      const made = await author.post(`/api/v1/conversations/${id}/scheduled-messages`, {
        text: 'Following up as promised',
        sendAt: at(1500),
      });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      assert.equal(made.body.status, 'queued');
      const listed = await author.get(`/api/v1/conversations/${id}/scheduled-messages`);
      assert.deepEqual(
        listed.body.items.map((m: { id: string }) => m.id),
        [made.body.id],
      );
      assert.equal((await author.post('/api/v1/auth/logout')).status, 204);
      assert.equal((await author.get(`/api/v1/conversations/${id}/scheduled-messages`)).status, 401);
      const sent = await eventually(
        async () => (await lines(id)).find((m) => m.text === 'Following up as promised'),
        10_000,
        'the scheduled reply',
      );
      assert.equal(sent.senderKind, 'agent');
      assert.equal(sent.senderName, 'Sales Agent');
      const settled = await eventually(async () => {
        const m = (await admin.get(`/api/v1/conversations/${id}/scheduled-messages`)).body.items[0];
        return m.status === 'sent' ? m : undefined;
      });
      assert.equal(settled.sentSeq, sent.seq);
      // A sent message can no longer be edited or cancelled.
      const late = await admin.delete(`/api/v1/conversations/${id}/scheduled-messages/${made.body.id}`);
      assert.equal(late.status, 409);
      assert.equal(late.body.error.code, 'not_scheduled');
    });

    it('two nodes sweeping at the same moment store the line once', async () => {
      const { id } = await taken();
      const made = await sales.post(`/api/v1/conversations/${id}/scheduled-messages`, {
        text: 'Only once',
        sendAt: at(3_600_000),
      });
      assert.equal(made.status, 201);
      const chat = chatOf(srv.node.ctx)!;
      const quiet = srv.node.ctx.logger;
      const a = scheduledSenderOf(srv.node.ctx)!;
      const b = new ScheduledSender(srv.node.ctx.store, chat.writer, quiet);
      const later = Date.now() + 3_700_000;
      const [x, y] = await Promise.all([a.sweep(later), b.sweep(later)]);
      assert.equal(x + y, 1);
      assert.equal((await lines(id)).filter((m) => m.text === 'Only once').length, 1);
    });

    it('past times are refused; notes remind the team; edits and cancels while it waits', async () => {
      const { id } = await taken();
      const past = await sales.post(`/api/v1/conversations/${id}/scheduled-messages`, {
        text: 'Too late',
        sendAt: at(-60_000),
      });
      assert.equal(past.status, 400);
      assert.equal(past.body.error.code, 'send_at_in_past');
      assert.match(past.body.error.message, /in the past/);
      const bad = await sales.post(`/api/v1/conversations/${id}/scheduled-messages`, {
        text: '',
        sendAt: at(60_000),
      });
      assert.equal(bad.status, 400);
      const note = await sales.post(`/api/v1/conversations/${id}/scheduled-messages`, {
        text: 'Check the refund went through',
        sendAt: at(3_600_000),
        note: true,
      });
      assert.equal(note.status, 201);
      const edited = await sales.patch(`/api/v1/conversations/${id}/scheduled-messages/${note.body.id}`, {
        text: 'Check the refund arrived',
      });
      assert.equal(edited.status, 200);
      assert.equal(edited.body.text, 'Check the refund arrived');
      const pastEdit = await sales.patch(`/api/v1/conversations/${id}/scheduled-messages/${note.body.id}`, {
        sendAt: at(-1000),
      });
      assert.equal(pastEdit.status, 400);
      await scheduledSenderOf(srv.node.ctx)!.sweep(Date.now() + 3_700_000);
      const reminder = (await lines(id)).find((m) => m.text === 'Check the refund arrived');
      assert.equal(reminder?.senderKind, 'note', 'a reminder is an internal note');
      const gone = await sales.post(`/api/v1/conversations/${id}/scheduled-messages`, {
        text: 'Never mind',
        sendAt: at(3_600_000),
      });
      const cancelled = await sales.delete(`/api/v1/conversations/${id}/scheduled-messages/${gone.body.id}`);
      assert.equal(cancelled.status, 204);
      await scheduledSenderOf(srv.node.ctx)!.sweep(Date.now() + 3_700_000);
      assert.equal(
        (await lines(id)).some((m) => m.text === 'Never mind'),
        false,
      );
      const item = (await sales.get(`/api/v1/conversations/${id}/scheduled-messages`)).body.items.find(
        (m: { id: string }) => m.id === gone.body.id,
      );
      assert.equal(item.status, 'cancelled');
    });

    it('a customer reply before then cancels a message that asked for it, and only that one', async () => {
      const { id, customer } = await taken();
      const asked = await sales.post(`/api/v1/conversations/${id}/scheduled-messages`, {
        text: 'Did that help?',
        sendAt: at(3_600_000),
        cancelOnReply: true,
      });
      const kept = await sales.post(`/api/v1/conversations/${id}/scheduled-messages`, {
        text: 'Your order ships today',
        sendAt: at(3_600_000),
      });
      await customerSays(customer, 'c1', 'Yes thanks');
      const items = await eventually(async () => {
        const r = (await sales.get(`/api/v1/conversations/${id}/scheduled-messages`)).body.items;
        return r.find(
          (m: { id: string; status: string }) => m.id === asked.body.id && m.status === 'cancelled',
        )
          ? r
          : undefined;
      });
      const byId = new Map(items.map((m: { id: string }) => [m.id, m]));
      assert.equal((byId.get(asked.body.id) as { reason: string }).reason, 'the customer replied first');
      assert.equal((byId.get(kept.body.id) as { status: string }).status, 'queued');
    });

    /**
     * A console that opens after a message of `id` was scheduled (so the only word it can get is the
     * one `act` causes) is told, then reads the list once, as the console does: the message's status.
     */
    const statusWhenTold = async (id: string, messageId: string, act: () => Promise<void>) => {
      const agent = await connectAgent(srv, 'sales@demo.beckon.local');
      try {
        await eventually(() => agent.conversations.has(id), 10_000);
        const told = agent.next('scheduled_changed', (f) => f.conversationId === id, 10_000);
        await act();
        await told;
        const items = (await sales.get(`/api/v1/conversations/${id}/scheduled-messages`)).body.items as {
          id: string;
          status: string;
        }[];
        return items.find((m) => m.id === messageId)?.status;
      } finally {
        await agent.disconnect();
      }
    };

    it('the console that follows the chat is told once a reply cancelled a message, and then finds it cancelled', async () => {
      const { id, customer } = await taken();
      const asked = await sales.post(`/api/v1/conversations/${id}/scheduled-messages`, {
        text: 'Did the code work?',
        sendAt: at(3_600_000),
        cancelOnReply: true,
      });
      assert.equal(asked.status, 201);
      const status = await statusWhenTold(id, asked.body.id, () =>
        customerSays(customer, 'c-told', 'It worked'),
      );
      assert.equal(status, 'cancelled');
    });

    it('the console that follows the chat is told once a scheduled reply was sent, and then finds it sent', async () => {
      const { id } = await taken();
      const made = await sales.post(`/api/v1/conversations/${id}/scheduled-messages`, {
        text: 'Checking in',
        sendAt: at(3_600_000),
      });
      assert.equal(made.status, 201);
      const status = await statusWhenTold(id, made.body.id, async () => {
        assert.equal(await scheduledSenderOf(srv.node.ctx)!.sweep(Date.now() + 3_601_000), 1);
      });
      assert.equal(status, 'sent');
    });

    it('the lines of many conversations are looked up together: only the messages that asked are cancelled', async () => {
      const one = await taken('First');
      const asked = await sales.post(`/api/v1/conversations/${one.id}/scheduled-messages`, {
        text: 'Still there?',
        sendAt: at(3_600_000),
        cancelOnReply: true,
      });
      const two = await taken('Second');
      const kept = await sales.post(`/api/v1/conversations/${two.id}/scheduled-messages`, {
        text: 'Your refund is on its way',
        sendAt: at(3_600_000),
      });
      // More conversations than one read takes (64), in a list that is not a power of two.
      const others = Array.from({ length: 69 }, (_, i) => `conv_none_${i}`);
      const ids = [...others.slice(0, 40), two.id, one.id, ...others.slice(40)];
      const cancelled = await srv.node.ctx.store.scheduledMessages.cancelOnReply(srv.demo!.accountId, ids);
      assert.deepEqual(
        cancelled.map((m) => m.id),
        [asked.body.id],
      );
      const items = (await sales.get(`/api/v1/conversations/${two.id}/scheduled-messages`)).body.items;
      assert.equal(items.find((m: { id: string }) => m.id === kept.body.id).status, 'queued');
      // Another account's conversation ids find nothing of this one.
      assert.deepEqual(await srv.node.ctx.store.scheduledMessages.cancelOnReply('acc_other', [one.id]), []);
    });

    it('another agent cannot change it; another account does not see the conversation', async () => {
      const { id } = await taken();
      const made = await sales.post(`/api/v1/conversations/${id}/scheduled-messages`, {
        text: 'Mine',
        sendAt: at(3_600_000),
      });
      const support = await signedIn('support@demo.beckon.local');
      const denied = await support.delete(`/api/v1/conversations/${id}/scheduled-messages/${made.body.id}`);
      assert.ok([403, 404].includes(denied.status), String(denied.status));
      const supervisor = await admin.delete(`/api/v1/conversations/${id}/scheduled-messages/${made.body.id}`);
      assert.equal(supervisor.status, 204, 'a supervisor may cancel it');
      const unknown = await sales.delete(`/api/v1/conversations/${id}/scheduled-messages/sched_nope`);
      assert.equal(unknown.status, 404);
    });
  });
}
