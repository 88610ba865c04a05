import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';
import { IG_ACCOUNT, PAGE, startMessenger } from './helpers/messenger-fixture.ts';
import { customerMessage } from './helpers/messenger-graph-server.ts';
import { PNG } from './helpers/sample-files.ts';

const DAY = 24 * 3600_000;

for (const type of ['messenger', 'instagram'] as const) {
  const platform = type === 'messenger' ? 'Messenger' : 'Instagram';

  describe(`${platform} connection (Graph API)`, () => {
    let m: Awaited<ReturnType<typeof startMessenger>>;
    let agent: AgentChatClient;
    let ids = 0;
    const psid = () =>
      `${type === 'messenger' ? '3' : '6'}${String(Date.now()).slice(-9)}${String(++ids).padStart(4, '0')}`;

    before(async () => {
      m = await startMessenger(type);
      const { userId } = await cookieFor(m.srv, 'sales@demo.beckon.local');
      await m.srv.node.ctx.store.users.update(m.accountId, userId, { capacity: 30 });
      agent = await connectAgent(m.srv, 'sales@demo.beckon.local');
    });
    after(async () => {
      await agent?.disconnect();
      await m?.close();
    });

    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${m.srv.url}${path}`, {
        ...init,
        headers: {
          cookie: m.admin.cookie,
          'x-csrf-token': m.admin.csrf,
          'content-type': 'application/json',
          ...init.headers,
        },
      });
    const lines = async (id: string) =>
      (await m.srv.node.ctx.store.messages.after(m.accountId, id, 0)).filter(
        (l) => l.senderKind === 'visitor',
      );
    /** A customer writes; answers the conversation it landed in, held by the agent. */
    const held = async (from: string, text: string, timestamp?: number) => {
      const c = customerMessage(from, { text }, timestamp ? { timestamp } : {});
      assert.equal((await m.post(c.event)).status, 200);
      const id = (await m.conversationOf(c.mid))!;
      await eventually(() => agent.offers.get(id), 5000, 'the offer');
      await agent.accept(id);
      return id;
    };

    it('answers the webhook URL and lists the connection without its secrets', async () => {
      assert.ok(m.created.webhookUrl.endsWith(`/hooks/${type}/${m.created.id}`));
      const text = await (await api('/api/v1/channels')).text();
      for (const s of [PAGE.pageAccessToken, PAGE.appSecret, PAGE.verifyToken]) assert.ok(!text.includes(s));
      const mine = (
        JSON.parse(text) as { items: { id: string; type: string; credentials: object }[] }
      ).items.find((c) => c.id === m.created.id)!;
      assert.equal(mine.type, type);
      assert.deepEqual(Object.keys(mine.credentials).sort(), [
        'appSecret',
        ...(type === 'instagram' ? ['instagramAccountId'] : []),
        'pageAccessToken',
        'pageId',
        'verifyToken',
      ]);
    });

    it('refuses a body without its credentials with a 400 naming the field', async () => {
      const res = await api('/api/v1/channels', {
        method: 'POST',
        body: JSON.stringify({ type, pageId: PAGE.pageId, appSecret: 's', verifyToken: 'v' }),
      });
      assert.equal(res.status, 400);
      assert.match(
        ((await res.json()) as { error: { message: string } }).error.message,
        /pageAccessToken|instagramAccountId/,
      );
    });

    it("answers Meta's verification handshake only with the right verify token", async () => {
      const q = (mode: string, token: string) =>
        fetch(
          `${m.hook}?hub.mode=${mode}&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=8827361`,
        );
      const good = await q('subscribe', PAGE.verifyToken);
      assert.equal(good.status, 200);
      assert.equal(await good.text(), '8827361');
      assert.equal((await q('subscribe', 'wrong')).status, 403);
      assert.equal((await fetch(`${m.hook}?hub.mode=subscribe&hub.challenge=1`)).status, 403);
    });

    it('a forged or missing signature gets 401 and stores nothing; a good one is stored once, however often redelivered', async () => {
      const from = psid();
      const c = customerMessage(from, { text: 'Do you ship to Lyon?' });
      assert.equal((await m.post(c.event, 'not-the-app-secret')).status, 401);
      assert.equal((await m.post(c.event, null)).status, 401);
      assert.equal(await m.conversationOf(c.mid), undefined);
      for (let i = 0; i < 3; i++) assert.equal((await m.post(c.event)).status, 200);
      const id = (await m.conversationOf(c.mid))!;
      assert.deepEqual(
        (await lines(id)).map((l) => l.text),
        ['Do you ship to Lyon?'],
      );
      const listed = await fetch(`${m.srv.url}/api/v1/conversations?channel=${type}`, {
        headers: { cookie: m.admin.cookie },
      });
      const { items } = (await listed.json()) as { items: { id: string; channel: string }[] };
      assert.equal(items.find((x) => x.id === id)?.channel, type);
    });

    it("names the contact from the platform's profile, asked once, and keeps one contact per page-scoped id", async () => {
      const from = psid();
      m.graph.profile(
        from,
        type === 'messenger'
          ? { first_name: 'Peter', last_name: 'Chang' }
          : { name: 'Peter Chang', username: 'pchang' },
      );
      const first = customerMessage(from, { text: 'Hi' });
      await m.post(first.event);
      const second = customerMessage(from, { text: 'Anyone there?' });
      await m.post(second.event);
      const id = (await m.conversationOf(first.mid))!;
      assert.equal(await m.conversationOf(second.mid), id, 'the second message joins the same conversation');
      const conversation = await m.srv.node.ctx.store.conversations.get(m.accountId, id);
      const contact = await m.srv.node.ctx.store.contacts.get(m.accountId, conversation.contactId!);
      assert.equal(contact.name, 'Peter Chang');
      assert.equal(m.graph.profileReads.filter((p) => p === from).length, 1, 'the profile is read once');
    });

    it('quick replies and postbacks reach the agent as lines; echoes and unknown events are acknowledged and stored nowhere', async () => {
      const from = psid();
      const q = customerMessage(from, { text: 'Red', quick_reply: { payload: 'COLOR_RED' } });
      await m.post(q.event);
      const id = (await m.conversationOf(q.mid))!;
      const pb = {
        sender: { id: from },
        timestamp: Date.now(),
        postback: { mid: `m_pb${ids}`, title: 'Talk to a person', payload: 'HUMAN' },
      };
      assert.equal((await m.post(pb)).status, 200);
      const echo = {
        sender: { id: m.ownId },
        recipient: { id: from },
        timestamp: Date.now(),
        message: { mid: `m_echo${ids}`, is_echo: true, app_id: 1, text: 'from the page' },
      };
      assert.equal((await m.post(echo)).status, 200);
      assert.equal(
        (
          await m.post({
            sender: { id: from },
            timestamp: Date.now(),
            reaction: { mid: q.mid, action: 'react', emoji: '❤' },
          })
        ).status,
        200,
      );
      const other = await fetch(m.hook, { method: 'POST' });
      assert.equal(other.status, 401, 'an unsigned empty body is refused');
      assert.deepEqual(
        (await lines(id)).map((l) => l.text),
        ['Red\n[Quick reply: COLOR_RED]', '[The customer tapped "Talk to a person" (HUMAN)]'],
      );
      assert.equal(await m.conversationOf(`m_echo${ids}`), undefined);
    });

    it('inside 24 hours a reply is a RESPONSE; after, a HUMAN_AGENT tag for 7 days; beyond, refused with the reason', async () => {
      const recent = psid();
      const a = await held(recent, 'Quick question');
      const ack = await agent.send(a, 'Sure, ask away');
      const sent = await eventually(() => m.graph.sent.find((s) => s.recipient === recent));
      assert.equal(sent.messagingType, 'RESPONSE');
      assert.equal(sent.tag, undefined);
      assert.equal(sent.text, 'Sure, ask away');
      await eventually(() => agent.delivery(a, ack.seq)?.status === 'sent');

      const older = psid();
      const b = await held(older, 'Asked three days ago', Date.now() - 3 * DAY);
      await agent.send(b, 'Sorry for the wait');
      const tagged = await eventually(() => m.graph.sent.find((s) => s.recipient === older));
      assert.equal(tagged.messagingType, 'MESSAGE_TAG');
      assert.equal(tagged.tag, 'HUMAN_AGENT');

      const stale = psid();
      const c = await held(stale, 'Asked last month', Date.now() - 8 * DAY);
      const late = await agent.send(c, 'Are you still there?');
      const failed = await eventually(() => {
        const d = agent.delivery(c, late.seq);
        return d?.status === 'failed' ? d : null;
      });
      assert.match(failed.reason ?? '', new RegExp(`outside ${platform}'s 7-day window`));
      assert.equal(
        m.graph.sent.filter((s) => s.recipient === stale).length,
        0,
        'nothing reached the platform',
      );
    });

    it("delivery and read reports move the agent's lines forward", async () => {
      const from = psid();
      const id = await held(from, 'Tracking number?');
      const one = await agent.send(id, 'It is FR123');
      const two = await agent.send(id, 'Anything else?');
      await eventually(() => agent.delivery(id, two.seq)?.status === 'sent');
      const [s1, s2] = m.graph.sent.filter((s) => s.recipient === from);
      assert.equal(
        (
          await m.post({
            sender: { id: from },
            timestamp: Date.now(),
            delivery: { mids: [s1!.id], watermark: 0 },
          })
        ).status,
        200,
      );
      await eventually(() => agent.delivery(id, one.seq)?.status === 'delivered', 5000, 'delivered by id');
      assert.equal(agent.delivery(id, two.seq)?.status, 'sent');
      const read = type === 'messenger' ? { watermark: Date.now() + 1000 } : { mid: s2!.id };
      assert.equal((await m.post({ sender: { id: from }, timestamp: Date.now(), read })).status, 200);
      await eventually(() => agent.delivery(id, two.seq)?.status === 'read', 5000, 'read');
      if (type === 'messenger')
        assert.equal(agent.delivery(id, one.seq)?.status, 'read', 'the watermark covers both');
    });

    it("an agent's file goes out by a URL the platform can fetch", async () => {
      const from = psid();
      const id = await held(from, 'Can I see a photo?');
      const file = await agent.upload(id, { bytes: PNG, name: 'swatch.png', contentType: 'image/png' });
      await agent.send(id, 'Here it is', { attachments: [file] });
      const parts = await eventually(() => {
        const p = m.graph.sent.filter((s) => s.recipient === from);
        return p.length >= 2 ? p : null;
      });
      assert.equal(parts[0]!.text, 'Here it is');
      assert.equal(parts[1]!.attachment?.type, 'image');
      const fetched = await fetch(parts[1]!.attachment!.url);
      assert.equal(fetched.status, 200, 'the URL works without a session, as Meta fetches it');
      assert.deepEqual(Buffer.from(await fetched.arrayBuffer()), PNG);
    });

    it('a last line "Quick replies: A | B" becomes buttons under the message, and a tap comes back as a line', async () => {
      const from = psid();
      const id = await held(from, 'Which size?');
      await agent.send(id, 'We have it in two sizes.\nQuick replies: Small | Medium | Medium');
      const sent = await eventually(() => m.graph.sent.find((s) => s.recipient === from));
      assert.equal(sent.text, 'We have it in two sizes.');
      assert.deepEqual(sent.quickReplies, ['Small', 'Medium']);
      const tap = customerMessage(from, { text: 'Medium', quick_reply: { payload: 'Medium' } });
      await m.post(tap.event);
      assert.equal(await m.conversationOf(tap.mid), id);
      assert.equal((await lines(id)).at(-1)?.text, 'Medium');
    });

    it('signed events of the wrong shape are acknowledged and store nothing', async () => {
      const before = await m.srv.node.ctx.store.db
        .selectFrom('channel_messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const odd = [
        { sender: { id: 42 }, message: { mid: 'm_num', text: 'x' } },
        { sender: { id: '../etc' }, message: { mid: 'm_path', text: 'x' } },
        { sender: { id: '123' }, message: { mid: { x: 1 }, text: 'x' } },
        { sender: { id: '123' }, delivery: { mids: 'm_1', watermark: 'soon' } },
        { sender: { id: '123' }, message: { mid: 'm_att', attachments: 'none' } },
      ];
      for (const e of odd) assert.equal((await m.post(e)).status, 200);
      const raw = JSON.stringify({ object: type === 'messenger' ? 'page' : 'instagram', entry: 'no' });
      const { createHmac } = await import('node:crypto');
      const sig = `sha256=${createHmac('sha256', PAGE.appSecret).update(raw).digest('hex')}`;
      const res = await fetch(m.hook, { method: 'POST', headers: { 'x-hub-signature-256': sig }, body: raw });
      assert.equal(res.status, 200);
      const after = await m.srv.node.ctx.store.db
        .selectFrom('channel_messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      // Only the message with a real id and an attachments field that is not a list is a message.
      assert.equal(Number(after.n) - Number(before.n), 1);
      assert.equal((await lines((await m.conversationOf('m_att'))!)).at(-1)?.text, '[An empty message]');
    });

    it('a line sent as several messages is retried from the part that failed: nothing arrives twice', async () => {
      const from = psid();
      const id = await held(from, 'Send me the invoice please');
      const file = await agent.upload(id, { bytes: PNG, name: 'invoice.png', contentType: 'image/png' });
      m.graph.refuseOnce((body) => body.includes('"attachment"'));
      const ack = await agent.send(id, 'Here is your invoice', { attachments: [file] });
      await eventually(() => agent.delivery(id, ack.seq)?.status === 'sent', 8000, 'sent after a retry');
      const parts = m.graph.sent.filter((s) => s.recipient === from);
      assert.deepEqual(
        parts.map((p) => (p.text ? 'text' : p.attachment?.type)),
        ['text', 'image'],
      );
      const row = await m.srv.node.ctx.store.outbox.get(m.accountId, id, ack.seq);
      assert.equal(row.attempts, 2);
      assert.equal(row.provider_id, parts[0]!.id);
    });

    it('test connection reads the page with the token, or says why not', async () => {
      const test = (id: string) => api(`/api/v1/channels/${id}/test`, { method: 'POST', body: '{}' });
      const good = (await (await test(m.created.id)).json()) as { ok: boolean; identity?: string };
      assert.deepEqual(good, {
        ok: true,
        identity: type === 'messenger' ? 'Demo Store' : `@${IG_ACCOUNT.username} (Demo Store)`,
      });
      const revoked = await m.srv.node.ctx.store.channelConnections.create(m.accountId, {
        type,
        name: 'Old page',
        config: {
          ...PAGE,
          pageAccessToken: 'expired',
          ...(type === 'instagram' ? { instagramAccountId: IG_ACCOUNT.id } : {}),
        },
        apiBaseUrl: m.graph.url,
        defaultSkillId: null,
      });
      const bad = (await (await test(revoked.id)).json()) as { ok: boolean; reason?: string };
      assert.equal(bad.ok, false);
      assert.match(bad.reason ?? '', /Invalid OAuth access token/);
      await m.srv.node.ctx.store.channelConnections.remove(m.accountId, revoked.id);
    });
  });
}
