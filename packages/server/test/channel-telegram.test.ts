import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { secretTokenOf } from '../src/channels/telegram/telegram-connector.ts';
import { BOT_TOKEN, startTelegram, tgUpdate } from './helpers/bot-api-server.ts';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';

describe('Telegram Bot API connection', () => {
  let tg: Awaited<ReturnType<typeof startTelegram>>;
  let agent: AgentChatClient;
  let users = 700_000_000;

  before(async () => {
    tg = await startTelegram();
    const { userId } = await cookieFor(tg.srv, 'sales@demo.beckon.local');
    await tg.srv.node.ctx.store.users.update(tg.accountId, userId, { capacity: 20 });
    agent = await connectAgent(tg.srv, 'sales@demo.beckon.local');
  });
  after(async () => {
    await agent?.disconnect();
    await tg?.close();
  });

  const conversationOf = async (externalSuffix: string) => {
    const row = await tg.srv.node.ctx.store.db
      .selectFrom('channel_messages')
      .select('conversation_id')
      .where('channel', '=', 'telegram')
      .where('external_id', 'like', `%:${externalSuffix}`)
      .executeTakeFirst();
    return row?.conversation_id;
  };

  it('sets the webhook with a secret when the bot is connected', async () => {
    assert.equal(tg.bot.webhooks.length, 1);
    assert.equal(tg.bot.webhooks[0]!.url, tg.created.webhookUrl);
    assert.match(tg.secret(), /^[A-Za-z0-9_-]{20,256}$/);
    assert.deepEqual(tg.bot.webhooks[0]!.allowed_updates, ['message', 'callback_query']);
  });

  it('a bot connected before button taps gets its webhook set again once, on its next delivery', async () => {
    const store = tg.srv.node.ctx.store;
    // A connection as it was stored before surveys: its webhook asked Telegram for messages only.
    const old = await store.channelConnections.create(tg.accountId, {
      type: 'telegram',
      name: 'Old bot',
      config: { botToken: BOT_TOKEN },
      apiBaseUrl: tg.bot.url,
      defaultSkillId: null,
    });
    const hook = `${tg.srv.url}/hooks/telegram/${old.id}`;
    const post = (body: unknown) =>
      fetch(hook, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-telegram-bot-api-secret-token': secretTokenOf(old),
        },
        body: JSON.stringify(body),
      });
    const setFor = () => tg.bot.webhooks.filter((w) => w.url === hook);
    assert.equal(setFor().length, 0);
    const user = ++users;
    assert.equal((await post(tgUpdate(user, 'Hello from before', 1))).status, 200);
    const set = await eventually(() => setFor()[0], 5000, 'setWebhook again');
    assert.deepEqual(set.allowed_updates, ['message', 'callback_query']);
    assert.equal(set.secret_token, secretTokenOf(old), 'the secret stays the same');
    await eventually(
      async () => (await store.channelConnections.find(tg.accountId, old.id))?.config.webhookUpdates,
      5000,
      'remembered',
    );
    // Remembered: later deliveries do not set it again.
    assert.equal((await post(tgUpdate(user, 'And again', 2))).status, 200);
    await eventually(() => conversationOf(`${user}:2`), 5000, 'the second message');
    assert.equal(setFor().length, 1);
    // The mark is no credential: the console does not list it.
    const res = await fetch(`${tg.srv.url}/api/v1/channels`, { headers: { cookie: tg.admin.cookie } });
    const { items } = (await res.json()) as { items: { id: string; credentials: Record<string, boolean> }[] };
    assert.deepEqual(items.find((c) => c.id === old.id)?.credentials, { botToken: true });
    await store.channelConnections.remove(tg.accountId, old.id);
  });

  it('refuses a bot token Telegram does not know, keeping nothing', async () => {
    const res = await fetch(`${tg.srv.url}/api/v1/channels`, {
      method: 'POST',
      headers: { cookie: tg.admin.cookie, 'x-csrf-token': tg.admin.csrf, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'telegram',
        botToken: '42:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
        apiBaseUrl: tg.bot.url,
      }),
    });
    assert.equal(res.status, 400);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'provider_refused');
    assert.match(body.error.message, /Unauthorized/);
    assert.equal((await tg.srv.node.ctx.store.channelConnections.list(tg.accountId)).length, 1);
  });

  it('a message with the secret header is stored once; a wrong or missing secret gets 401 and stores nothing', async () => {
    const user = ++users;
    const update = tgUpdate(user, 'Hello bot', 1, 'Grace');
    assert.equal((await tg.post(update, 'wrong')).status, 401);
    assert.equal((await tg.post(update, null)).status, 401);
    assert.equal(await conversationOf(`${user}:1`), undefined);
    assert.equal((await tg.post(update)).status, 200);
    assert.equal((await tg.post(update)).status, 200, 'a redelivery is acknowledged');
    const id = (await conversationOf(`${user}:1`))!;
    const lines = await tg.srv.node.ctx.store.messages.after(tg.accountId, id, 0);
    assert.equal(lines.filter((m) => m.text === 'Hello bot').length, 1);
    const conversation = await tg.srv.node.ctx.store.conversations.get(tg.accountId, id);
    assert.equal(conversation.channel, 'telegram');
    const contact = await tg.srv.node.ctx.store.contacts.get(tg.accountId, conversation.contactId!);
    assert.equal(contact.name, 'Grace');

    // The same Telegram user writes again: same contact, same conversation.
    assert.equal((await tg.post(tgUpdate(user, 'Still there?', 2, 'Grace'))).status, 200);
    assert.equal(await conversationOf(`${user}:2`), id);
  });

  it("an agent's reply is a sendMessage to the customer's chat", async () => {
    const user = ++users;
    await tg.post(tgUpdate(user, 'Need help', 1));
    const id = (await conversationOf(`${user}:1`))!;
    await eventually(() => agent.offers.get(id), 5000, 'the offer');
    await agent.accept(id);
    const ack = await agent.send(id, 'How can I help?');
    const sent = await eventually(() => tg.bot.sent.find((s) => s.chat_id === user));
    assert.equal(sent.text, 'How can I help?');
    await eventually(() => agent.delivery(id, ack.seq)?.status === 'sent');
    const row = await tg.srv.node.ctx.store.outbox.get(tg.accountId, id, ack.seq);
    assert.equal(row.provider_id, `${user}:${sent.message_id}`);
  });

  it("test connection answers the bot's username, or Telegram's reason", async () => {
    const test = (id: string) =>
      fetch(`${tg.srv.url}/api/v1/channels/${id}/test`, {
        method: 'POST',
        headers: { cookie: tg.admin.cookie, 'x-csrf-token': tg.admin.csrf },
      });
    const good = await test(tg.created.id);
    assert.equal(good.status, 200);
    assert.deepEqual(await good.json(), { ok: true, identity: '@beckon_help_bot' });

    // The token was revoked in @BotFather after the bot was connected.
    const store = tg.srv.node.ctx.store;
    const revoked = await store.channelConnections.create(tg.accountId, {
      type: 'telegram',
      name: 'Old bot',
      config: { botToken: '42:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      apiBaseUrl: tg.bot.url,
      defaultSkillId: null,
    });
    const r = (await (await test(revoked.id)).json()) as { ok: boolean; reason: string };
    assert.equal(r.ok, false);
    assert.match(r.reason, /Unauthorized/);
    await store.channelConnections.remove(tg.accountId, revoked.id);
  });

  it('other updates are acknowledged and ignored', async () => {
    assert.equal((await tg.post({ update_id: 1, edited_message: { message_id: 1, text: 'x' } })).status, 200);
    const group = tgUpdate(++users, 'in a group', 1);
    group.message.chat.type = 'group';
    assert.equal((await tg.post(group)).status, 200);
    assert.equal(await conversationOf(`${users}:1`), undefined);
  });
});
