import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import type { VisitorChatClient } from '@beckon/sdk/chat-client';
import { chatOf } from '../src/conversations/chat-module.ts';
import type { UnseenReplies } from '../src/conversations/unseen-replies.ts';
import { newTenant } from './engagement-fixtures.ts';
import { connectAgent, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const MINUTE = 60_000;

describe('replies the customer has not seen are mailed to them once, after N minutes', () => {
  let srv: TestServer;
  let sales: AgentChatClient;
  let accountId: string;
  const mailed: UnseenReplies[] = [];
  const mailer = () => chatOf(srv.node.ctx)!.unseenReplies;
  before(async () => {
    srv = await startTestServer({ demo: true, env: { BECKON_UNSEEN_REPLY_MINUTES: '10' } });
    accountId = srv.demo!.accountId;
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
    mailer().notifier = async (n) => {
      mailed.push(n);
    };
  });
  after(async () => {
    await sales.disconnect();
    await srv.close();
  });

  /**
   * A sweep as at `at`. A sweep ahead of the clock walks lines up to the present millisecond, and
   * the next one starts after it; this returns once the clock has left that millisecond, so a line
   * the test writes next is not stamped inside what was walked already. (A node's own sweeps walk
   * up to ten minutes ago, long after those lines were committed.)
   */
  async function sweep(at: number): Promise<number> {
    const n = await mailer().sweep(at);
    const done = Date.now();
    while (Date.now() <= done) await new Promise((resolve) => setImmediate(resolve));
    return n;
  }

  /** A chat with the sales agent whose visitor is a contact with this e-mail. */
  async function chat(email: string, optOut = false): Promise<{ visitor: VisitorChatClient; id: string }> {
    const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales, text: 'Hello?' });
    const id = visitor.conversation.id;
    const { store } = srv.node.ctx;
    const contact = await store.contacts.resolve(accountId, { email });
    if (optOut)
      await store.db.updateTable('contacts').set({ email_opt_out: 1 }).where('id', '=', contact.id).execute();
    await store.conversations.setContact(accountId, id, contact.id);
    await eventually(() => sales.offers.get(id), 5000, 'the offer');
    await sales.accept(id);
    return { visitor, id };
  }

  it('mails unread agent lines once they are ten minutes old, once, with every unread line', async () => {
    const { visitor, id } = await chat('una@example.com');
    await visitor.close();
    await sales.send(id, 'We have it in blue.');
    await sales.send(id, 'Shall I reserve one?');
    const now = Date.now();
    assert.equal(await sweep(now + 5 * MINUTE), 0, 'not after five minutes');
    assert.equal(await sweep(now + 11 * MINUTE), 1);
    const n = mailed.find((m) => m.conversation.id === id)!;
    assert.equal(n.contact.email, 'una@example.com');
    assert.deepEqual(
      n.lines.map((m) => m.text),
      ['We have it in blue.', 'Shall I reserve one?'],
    );
    assert.equal(await sweep(now + 20 * MINUTE), 0, 'each line is mailed once');
    await sales.send(id, 'It is reserved until Friday.');
    assert.equal(await sweep(Date.now() + 11 * MINUTE), 1, 'a later line is news again');
    assert.deepEqual(
      mailed
        .filter((m) => m.conversation.id === id)
        .at(-1)!
        .lines.map((m) => m.text),
      ['It is reserved until Friday.'],
    );
    await sales.close(id);
  });

  it('mails nothing when the customer read it in time, opted out, or a send failed (tried again later)', async () => {
    const read = await chat('rea@example.com');
    await sales.send(read.id, 'Read this in the chat');
    const seen = await read.visitor.waitForMessage((m) => m.text === 'Read this in the chat');
    read.visitor.read(seen.seq);
    await eventually(
      async () => (await srv.node.ctx.store.conversations.get(accountId, read.id)).visitorReadSeq >= seen.seq,
      3000,
      'the read receipt',
    );
    const optedOut = await chat('out@example.com', true);
    await sales.send(optedOut.id, 'You asked for no e-mail');
    const before = mailed.length;
    assert.equal(await sweep(Date.now() + 11 * MINUTE), 0);
    assert.equal(mailed.length, before);

    const failing = await chat('fai@example.com');
    await failing.visitor.close();
    await sales.send(failing.id, 'The mail server is down');
    mailer().notifier = async () => {
      throw new Error('SMTP 421');
    };
    assert.equal(await sweep(Date.now() + 11 * MINUTE), 0);
    mailer().notifier = async (n) => {
      mailed.push(n);
    };
    assert.equal(await sweep(Date.now() + 11 * MINUTE), 1, 'tried again at the next sweep');
    for (const c of [read, optedOut, failing]) {
      await c.visitor.close();
      await sales.close(c.id);
    }
  });
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`on ${kind}: a reply that fell due is mailed however many others wait`, () => {
    let srv: TestServer;
    before(async () => {
      srv = await startTestServer({ store: kind, env: { BECKON_UNSEEN_REPLY_MINUTES: '10' } });
    });
    after(() => srv.close());

    it('mails the one due conversation among 300 whose replies are not due yet, within three sweeps', async () => {
      const { store } = srv.node.ctx;
      const t = await newTenant(srv);
      const contact = await store.contacts.resolve(t.accountId, { email: 'many@example.com' });
      let n = 0;
      const open = () =>
        store.conversations.create({
          accountId: t.accountId,
          siteId: t.site.id,
          visitorId: `v-${++n}`,
          source: 'visitor',
          skillId: null,
          status: 'offline',
          contactId: contact.id,
          tokenHash: `hash-${n}`,
        });
      // The account's own replies (an automation rule's): no agent has to hold the conversations.
      const agent = {
        kind: 'agent',
        agentId: 'agent-1',
        name: 'Ana',
        supervisor: false,
        automated: true,
      } as const;
      const line = (conversationId: string, text: string) => ({
        accountId: t.accountId,
        conversationId,
        sender: agent,
        echoId: `${conversationId}-1`,
        text,
      });
      const waiting = [];
      for (let i = 0; i < 300; i++) waiting.push(await open());
      const due = await open();
      const [shipped] = await store.messages.appendBatch([line(due.id, 'Your order has shipped.')]);
      assert.ok(shipped?.ok, JSON.stringify(shipped));
      const dueAt = Date.parse(shipped.message.createdAt);
      // Every other reply is written after it: at the sweeps' time none of them is ten minutes old.
      await eventually(() => Date.now() > dueAt, 1000, 'the clock to move on');
      await store.messages.appendBatch(waiting.map((c) => line(c.id, 'One moment, please.')));

      const mailed: UnseenReplies[] = [];
      const mailer = chatOf(srv.node.ctx)!.unseenReplies;
      mailer.notifier = async (m) => {
        mailed.push(m);
      };
      for (let sweeps = 0; sweeps < 3 && mailed.length === 0; sweeps++)
        await mailer.sweep(dueAt + 10 * MINUTE);
      assert.deepEqual(
        mailed.map((m) => [m.conversation.id, m.lines.map((l) => l.text)]),
        [[due.id, ['Your order has shipped.']]],
      );
      assert.equal(await mailer.sweep(dueAt + 10 * MINUTE), 0, 'mailed once');
    });
  });
}
