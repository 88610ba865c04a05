import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { QueueEntry } from '@beckon/protocol/chat-api';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { channelsOf } from '../src/channels/channels-feature.ts';
import { userHashOf, verifyUserHash } from '../src/channels/identity.ts';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

describe('the channel inbox: contacts, threads, idempotency, reopening', () => {
  let srv: TestServer;
  let support: AgentChatClient;
  let accountId: string;
  const inbox = () => channelsOf(srv.node.ctx).inbox;
  const contacts = () => srv.node.ctx.store.contacts;
  before(async () => {
    srv = await startTestServer({ demo: true });
    accountId = srv.demo!.accountId;
    support = await connectAgent(srv, 'support@demo.beckon.local');
  });
  after(async () => {
    await support.disconnect();
    await srv.close();
  });

  it('a message from a new address starts a conversation with a new contact, offered to an agent', async () => {
    const r = await inbox().receive({
      channel: 'email',
      accountId,
      siteId: null,
      from: { email: ' Ana@Example.COM ', name: 'Ana Ruiz', address: 'email' },
      externalId: '<m1@example.com>',
      text: 'Where is my order?',
      topic: 'Order 1042',
    });
    assert.equal(r.duplicate, false);
    assert.equal(r.contact.email, 'ana@example.com');
    assert.equal(r.conversation.channel, 'email');
    assert.equal(r.conversation.contactId, r.contact.id);
    assert.equal(r.message.senderKind, 'visitor');
    // No visitor is "here" on an e-mail thread, yet it is offered: the customer is not expected to wait on a page.
    await eventually(
      () => support.offers.get(r.conversation.id),
      3000,
      'the offer of the e-mail conversation',
    );
    // The queue names the contact and the channel, so the inbox shows "Ana Ruiz" with an e-mail badge.
    const { cookie } = await cookieFor(srv, 'admin@demo.beckon.local');
    const queues = await srv.node.app.inject({ url: '/api/v1/queues', headers: { cookie } });
    const entry = (queues.json() as { items: QueueEntry[] }).items.find(
      (i) => i.conversationId === r.conversation.id,
    );
    assert.equal(entry?.contactId, r.contact.id);
    assert.equal(entry?.channel, 'email');
  });

  it('the same provider message twice is stored once', async () => {
    const msg = {
      channel: 'email' as const,
      accountId,
      siteId: null,
      from: { email: 'bo@example.com', address: 'email' as const },
      externalId: '<dup@example.com>',
      text: 'Hello twice',
    };
    const first = await inbox().receive(msg);
    const again = await inbox().receive(msg);
    assert.equal(again.duplicate, true);
    assert.equal(again.conversation.id, first.conversation.id);
    assert.equal(again.message.seq, first.message.seq);
    const lines = await srv.node.ctx.store.messages.after(accountId, first.conversation.id, 0);
    assert.equal(lines.filter((m) => m.text === 'Hello twice').length, 1);
  });

  it('a reply in a resolved thread reopens it into the queue, offered first to its last agent', async () => {
    const first = await inbox().receive({
      channel: 'email',
      accountId,
      siteId: null,
      from: { email: 'cy@example.com', address: 'email' },
      externalId: '<t1@example.com>',
      text: 'First question',
    });
    const id = first.conversation.id;
    await eventually(() => support.offers.get(id), 3000, 'the offer');
    await support.accept(id);
    await support.close(id);
    const reply = await inbox().receive({
      channel: 'email',
      accountId,
      siteId: null,
      from: { email: 'cy@example.com', address: 'email' },
      threadConversationId: id,
      externalId: '<t2@example.com>',
      text: 'One more thing',
    });
    assert.equal(reply.conversation.id, id);
    assert.ok(['queued', 'offered'].includes(reply.conversation.status), reply.conversation.status);
    await eventually(() => support.offers.get(id), 3000, 'the offer of the reopened conversation');
  });

  it('contacts: a typed e-mail never joins a verified contact; the address a message came from does', async () => {
    const verified = await contacts().resolve(accountId, {
      externalId: 'u-77',
      email: 'dee@example.com',
      name: 'Dee',
      verified: true,
    });
    assert.equal(verified.verified, true);
    const typed = await contacts().resolve(accountId, { email: 'DEE@example.com', name: 'Impostor' });
    assert.notEqual(typed.id, verified.id, 'a pre-chat e-mail is not proof of who someone is');
    const mailed = await contacts().resolve(accountId, { email: 'dee@example.com', address: 'email' });
    assert.equal(
      mailed.id,
      verified.id,
      'replies go to the address itself, so a mail from it joins its owner',
    );
    await assert.rejects(
      contacts().resolve(accountId, { externalId: 'u-88', email: 'dee@example.com', verified: true }),
      /another verified user/,
    );
    const again = await contacts().resolve(accountId, { externalId: 'u-77', verified: true, name: 'Dee R.' });
    assert.equal(again.id, verified.id);
    assert.equal(again.name, 'Dee R.');
    const found = await contacts().search(accountId, 'dee@');
    assert.ok(found.some((c) => c.id === verified.id));
  });

  it("identity hashes: only the site secret's HMAC of that user id verifies", () => {
    const secret = 'site-secret';
    const good = userHashOf(secret, 'u-1');
    assert.equal(verifyUserHash(secret, 'u-1', good), true);
    assert.equal(verifyUserHash(secret, 'u-1', good.toUpperCase()), true);
    assert.equal(verifyUserHash(secret, 'u-2', good), false, 'a hash for another user');
    assert.equal(verifyUserHash('other', 'u-1', good), false, 'a forged hash');
    assert.equal(verifyUserHash(secret, 'u-1', 'zz'), false);
    assert.equal(verifyUserHash(secret, 'u-1', undefined), false);
  });
});
