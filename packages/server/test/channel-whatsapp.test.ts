import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';
import { postWebhook, waMessageDelivery, waStatusDelivery } from './helpers/graph-api-server.ts';
import { startWhatsApp, WA } from './helpers/whatsapp-fixture.ts';

let numbers = 0;
const newNumber = () => `1555${String(Date.now()).slice(-5)}${String(++numbers).padStart(2, '0')}`;

describe('WhatsApp Cloud API connection', () => {
  let wa: Awaited<ReturnType<typeof startWhatsApp>>;
  let agent: AgentChatClient;

  before(async () => {
    wa = await startWhatsApp();
    const { userId } = await cookieFor(wa.srv, 'sales@demo.beckon.local');
    await wa.srv.node.ctx.store.users.update(wa.accountId, userId, { capacity: 20 });
    agent = await connectAgent(wa.srv, 'sales@demo.beckon.local');
  });
  after(async () => {
    await agent?.disconnect();
    await wa?.close();
  });

  const api = (path: string, init: RequestInit = {}, who = wa.admin) =>
    fetch(`${wa.srv.url}${path}`, {
      ...init,
      headers: {
        cookie: who.cookie,
        'x-csrf-token': who.csrf,
        'content-type': 'application/json',
        ...init.headers,
      },
    });

  /** A customer's message delivered through the webhook; answers the conversation it landed in. */
  const customerWrites = async (from: string, text: string, opts: { timestamp?: number } = {}) => {
    const d = waMessageDelivery(WA.phoneNumberId, from, text, opts);
    const res = await postWebhook(wa.hook, d.body, WA.appSecret);
    assert.equal(res.status, 200);
    const row = await wa.srv.node.ctx.store.db
      .selectFrom('channel_messages')
      .select('conversation_id')
      .where('external_id', '=', d.id)
      .executeTakeFirstOrThrow();
    return row.conversation_id;
  };

  const held = async (id: string) => {
    await eventually(() => agent.offers.get(id), 5000, 'the offer');
    await agent.accept(id);
  };

  it('answers the webhook URL and lists the connection without its secrets', async () => {
    assert.match(wa.created.id, /^chn_/);
    assert.ok(wa.created.webhookUrl.endsWith(`/hooks/whatsapp/${wa.created.id}`));
    const res = await api('/api/v1/channels');
    assert.equal(res.status, 200);
    const text = await res.text();
    for (const s of [WA.accessToken, WA.appSecret, WA.verifyToken])
      assert.ok(!text.includes(s), 'no secret is listed');
    const { items } = JSON.parse(text) as {
      items: { id: string; type: string; name: string; credentials: Record<string, boolean> }[];
    };
    const mine = items.find((c) => c.id === wa.created.id)!;
    assert.equal(mine.type, 'whatsapp');
    assert.equal(mine.name, 'Support line');
    assert.deepEqual(mine.credentials, {
      phoneNumberId: true,
      accessToken: true,
      appSecret: true,
      verifyToken: true,
    });
  });

  it('refuses bad connection bodies with a clear 400, and agents with 403', async () => {
    const missing = await api('/api/v1/channels', {
      method: 'POST',
      body: JSON.stringify({ type: 'whatsapp', phoneNumberId: '1', accessToken: 'x', verifyToken: 'v' }),
    });
    assert.equal(missing.status, 400);
    assert.ok(((await missing.json()) as { error: { message: string } }).error.message);
    const unknownType = await api('/api/v1/channels', {
      method: 'POST',
      body: JSON.stringify({ type: 'fax' }),
    });
    assert.equal(unknownType.status, 400);
    const wrongFields = await api('/api/v1/channels', {
      method: 'POST',
      body: JSON.stringify({
        type: 'messenger',
        phoneNumberId: '1',
        accessToken: 't',
        appSecret: 's',
        verifyToken: 'v',
      }),
    });
    assert.equal(wrongFields.status, 400, "another provider's fields do not make a Messenger connection");
    const agentSession = await cookieFor(wa.srv, 'sales@demo.beckon.local');
    assert.equal((await api('/api/v1/channels', {}, agentSession)).status, 403);
  });

  it("answers Meta's verification handshake only with the right verify token", async () => {
    const q = (mode: string, token: string) =>
      fetch(
        `${wa.hook}?hub.mode=${mode}&hub.verify_token=${encodeURIComponent(token)}&hub.challenge=1158201444`,
      );
    const good = await q('subscribe', WA.verifyToken);
    assert.equal(good.status, 200);
    assert.equal(await good.text(), '1158201444');
    assert.equal((await q('subscribe', 'wrong-token')).status, 403);
    assert.equal((await q('unsubscribe', WA.verifyToken)).status, 403);
    assert.equal(
      (await fetch(`${wa.srv.url}/hooks/whatsapp/chn_nosuchconnection?hub.mode=subscribe`)).status,
      404,
    );
  });

  it('stores a signed message once, as a WhatsApp conversation; forged and unsigned ones get 401 and store nothing', async () => {
    const from = newNumber();
    const d = waMessageDelivery(WA.phoneNumberId, from, 'Hi, is my order shipped?', {
      name: 'Sheena Nelson',
    });
    const forged = await postWebhook(wa.hook, d.body, 'not-the-app-secret');
    assert.equal(forged.status, 401);
    assert.equal(((await forged.json()) as { error: { code: string } }).error.code, 'unauthorized');
    assert.equal((await postWebhook(wa.hook, d.body, null)).status, 401);
    assert.equal((await postWebhook(wa.hook, d.body, null, 'sha256=zz')).status, 401);
    const nothing = await wa.srv.node.ctx.store.db
      .selectFrom('channel_messages')
      .select('conversation_id')
      .where('external_id', '=', d.id)
      .executeTakeFirst();
    assert.equal(nothing, undefined, 'nothing stored for a forged delivery');

    assert.equal((await postWebhook(wa.hook, d.body, WA.appSecret)).status, 200);
    assert.equal(
      (await postWebhook(wa.hook, d.body, WA.appSecret)).status,
      200,
      'a redelivery is acknowledged',
    );
    const list = await api('/api/v1/conversations');
    const { items } = (await list.json()) as {
      items: { id: string; channel: string; visitorName: string | null }[];
    };
    const mine = items.filter((c) => c.channel === 'whatsapp' && c.visitorName === 'Sheena Nelson');
    assert.equal(mine.length, 1);
    const lines = await wa.srv.node.ctx.store.messages.after(wa.accountId, mine[0]!.id, 0);
    assert.equal(lines.filter((m) => m.text === 'Hi, is my order shipped?').length, 1, 'stored once');
    const contact = await wa.srv.node.ctx.store.contacts.find(
      wa.accountId,
      (await wa.srv.node.ctx.store.conversations.get(wa.accountId, mine[0]!.id)).contactId!,
    );
    assert.equal(contact?.phone, `+${from}`);
  });

  it("the customer's next message joins the same conversation", async () => {
    const from = newNumber();
    const first = await customerWrites(from, 'First question');
    const second = await customerWrites(from, 'And a second one');
    assert.equal(second, first);
  });

  /** The customer's lines of a conversation, as its history shows them. */
  const customerLines = async (id: string) => {
    const res = await api(
      `/api/v1/conversations/${id}/messages`,
      {},
      await cookieFor(wa.srv, 'sales@demo.beckon.local'),
    );
    const body = (await res.json()) as { items: { senderKind: string; text: string }[] };
    return body.items.filter((m) => m.senderKind === 'visitor').map((m) => m.text);
  };

  it('a held conversation takes each next line once, in order, even when an old one is redelivered', async () => {
    const from = newNumber();
    const id = await customerWrites(from, 'Line 1');
    await held(id);
    const replay = waMessageDelivery(WA.phoneNumberId, from, 'Line 2');
    assert.equal((await postWebhook(wa.hook, replay.body, WA.appSecret)).status, 200);
    for (const n of [3, 4]) assert.equal(await customerWrites(from, `Line ${n}`), id);
    for (let i = 0; i < 3; i++)
      assert.equal(
        (await postWebhook(wa.hook, replay.body, WA.appSecret)).status,
        200,
        'a replay is acknowledged',
      );
    await eventually(() => agent.messages(id).filter((m) => m.senderKind === 'visitor').length >= 4, 5000);
    assert.deepEqual(await customerLines(id), ['Line 1', 'Line 2', 'Line 3', 'Line 4']);
  });

  it('a line after the agent closed or marked the conversation pending opens it again', async () => {
    const from = newNumber();
    const id = await customerWrites(from, 'Where is my parcel?');
    await held(id);
    assert.equal(await customerWrites(from, 'Order 1234'), id);
    // Pending (waiting on the customer): their next line makes it open again for the agent.
    const who = await cookieFor(wa.srv, 'sales@demo.beckon.local');
    const pending = await api(
      `/api/v1/conversations/${id}/state`,
      { method: 'POST', body: JSON.stringify({ state: 'pending' }) },
      who,
    );
    assert.equal(pending.status, 200);
    assert.equal(await customerWrites(from, 'Here is the photo'), id);
    await eventually(
      async () => (await wa.srv.node.ctx.store.conversations.get(wa.accountId, id)).state === 'open',
      5000,
      'open again',
    );
    // Closed: the next line reopens it into the queue, offered to the same agent.
    await agent.close(id);
    assert.equal(await customerWrites(from, 'One more thing'), id);
    const reopened = await wa.srv.node.ctx.store.conversations.get(wa.accountId, id);
    assert.notEqual(reopened.status, 'closed');
    assert.deepEqual(await customerLines(id), [
      'Where is my parcel?',
      'Order 1234',
      'Here is the photo',
      'One more thing',
    ]);
  });

  it("an agent's reply reaches WhatsApp with Meta's body; statuses move it to delivered, then read", async () => {
    const from = newNumber();
    const id = await customerWrites(from, 'Can you help me?');
    await held(id);
    const ack = await agent.send(id, 'Of course, what is your order number?');
    const sent = await eventually(() =>
      wa.graph.sent.find((s) => s.body === 'Of course, what is your order number?'),
    );
    assert.equal(sent.to, from);
    assert.equal(sent.phoneNumberId, WA.phoneNumberId);
    assert.equal(sent.raw.messaging_product, 'whatsapp');
    assert.equal(sent.raw.type, 'text');
    await eventually(() => agent.delivery(id, ack.seq)?.status === 'sent', 5000, 'sent');

    const status = (s: 'delivered' | 'read' | 'sent') =>
      postWebhook(wa.hook, waStatusDelivery(WA.phoneNumberId, sent.id, from, s), WA.appSecret);
    assert.equal((await status('delivered')).status, 200);
    await eventually(() => agent.delivery(id, ack.seq)?.status === 'delivered', 5000, 'delivered');
    assert.equal((await status('read')).status, 200);
    await eventually(() => agent.delivery(id, ack.seq)?.status === 'read', 5000, 'read');
    assert.equal((await status('delivered')).status, 200, 'a late status is acknowledged');
    assert.equal(
      (await wa.srv.node.ctx.store.outbox.get(wa.accountId, id, ack.seq)).status,
      'read',
      'and never moves it back',
    );
  });

  it("a failed status marks the line failed with WhatsApp's reason", async () => {
    const from = newNumber();
    const id = await customerWrites(from, 'Are you there?');
    await held(id);
    const ack = await agent.send(id, 'Yes, here');
    const sent = await eventually(() => wa.graph.sent.find((s) => s.body === 'Yes, here' && s.to === from));
    await eventually(() => agent.delivery(id, ack.seq)?.status === 'sent', 5000, 'sent');
    await postWebhook(wa.hook, waStatusDelivery(WA.phoneNumberId, sent.id, from, 'failed'), WA.appSecret);
    const failed = await eventually(() => {
      const d = agent.delivery(id, ack.seq);
      return d?.status === 'failed' ? d : null;
    });
    assert.match(failed.reason ?? '', /Message Undeliverable/);
  });

  it('a Graph API outage: the reply is retried and reaches the customer once', async () => {
    const from = newNumber();
    const id = await customerWrites(from, 'Hello?');
    await held(id);
    wa.graph.outage(2);
    const ack = await agent.send(id, 'Sorry for the wait');
    const row = await eventually(async () => {
      const r = await wa.srv.node.ctx.store.outbox.get(wa.accountId, id, ack.seq);
      return r.status === 'sent' ? r : null;
    });
    assert.equal(row.attempts, 3, 'two 500s, then through');
    assert.equal(wa.graph.sent.filter((s) => s.body === 'Sorry for the wait').length, 1);
    await eventually(() => agent.delivery(id, ack.seq)?.status === 'sent');
  });

  it("outside WhatsApp's 24-hour window a free-text reply fails, not retried, with the reason", async () => {
    const from = newNumber();
    const dayAgo = Math.floor(Date.now() / 1000) - 25 * 3600;
    const id = await customerWrites(from, 'Written yesterday', { timestamp: dayAgo });
    await held(id);
    const calls = wa.graph.calls.length;
    const ack = await agent.send(id, 'Late answer');
    const failed = await eventually(() => {
      const d = agent.delivery(id, ack.seq);
      return d?.status === 'failed' ? d : null;
    });
    assert.equal(failed.reason, "outside WhatsApp's 24-hour window: use a template");
    assert.equal(wa.graph.calls.length, calls, 'nothing was sent to WhatsApp');
    assert.equal((await wa.srv.node.ctx.store.outbox.get(wa.accountId, id, ack.seq)).attempts, 1);
  });

  it('unknown events and other fields are acknowledged and ignored', async () => {
    const other = {
      object: 'whatsapp_business_account',
      entry: [{ id: '1', changes: [{ field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } }] }],
    };
    assert.equal((await postWebhook(wa.hook, other, WA.appSecret)).status, 200);
    assert.equal((await postWebhook(wa.hook, { hello: 'world' }, WA.appSecret)).status, 200);
    const notJson = await fetch(wa.hook, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'x-hub-signature-256': 'sha256=00' },
      body: 'not json',
    });
    assert.equal(notJson.status, 401, 'the signature is checked before anything is read');
  });

  it("test connection answers the number's name, or the provider's reason; another account's id is 404", async () => {
    const test = (id: string, who = wa.admin) => api(`/api/v1/channels/${id}/test`, { method: 'POST' }, who);
    const good = await test(wa.created.id);
    assert.equal(good.status, 200);
    assert.deepEqual(await good.json(), { ok: true, identity: 'Beckon Test Shop (+1 555-078-3881)' });

    const bad = await api('/api/v1/channels', {
      method: 'POST',
      body: JSON.stringify({ type: 'whatsapp', ...WA, accessToken: 'expired', apiBaseUrl: wa.graph.url }),
    });
    const { id: badId } = (await bad.json()) as { id: string };
    const refused = await test(badId);
    assert.equal(refused.status, 200);
    const r = (await refused.json()) as { ok: boolean; reason: string };
    assert.equal(r.ok, false);
    assert.match(r.reason, /401.*Invalid OAuth access token/);
    await api(`/api/v1/channels/${badId}`, { method: 'DELETE' });

    const store = wa.srv.node.ctx.store;
    const other = await store.accounts.create('Other Co');
    const theirs = await store.channelConnections.create(other.id, {
      type: 'whatsapp',
      name: 'Theirs',
      config: { ...WA },
      apiBaseUrl: wa.graph.url,
      defaultSkillId: null,
    });
    const foreign = await test(theirs.id);
    assert.equal(foreign.status, 404);
    assert.equal(((await foreign.json()) as { error: { code: string } }).error.code, 'not_found');
    const agentSession = await cookieFor(wa.srv, 'sales@demo.beckon.local');
    assert.equal((await test(wa.created.id, agentSession)).status, 403);
  });

  it('a removed connection stops answering its webhook', async () => {
    const res = await api('/api/v1/channels', {
      method: 'POST',
      body: JSON.stringify({ type: 'whatsapp', ...WA, phoneNumberId: '999', apiBaseUrl: wa.graph.url }),
    });
    const { id } = (await res.json()) as { id: string };
    assert.equal((await api(`/api/v1/channels/${id}`, { method: 'DELETE' })).status, 204);
    assert.equal((await api(`/api/v1/channels/${id}`, { method: 'DELETE' })).status, 404);
    const d = waMessageDelivery('999', newNumber(), 'Anyone?');
    assert.equal((await postWebhook(`${wa.srv.url}/hooks/whatsapp/${id}`, d.body, WA.appSecret)).status, 404);
  });
});

/** POSTs from a chosen loopback address (Linux routes all of 127/8 to this host). */
function postFrom(
  localAddress: string,
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', localAddress, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('WhatsApp webhook flood', () => {
  it('one flooding address is rate-limited; deliveries from another still go through', async () => {
    const wa = await startWhatsApp({ BECKON_RATE_CHANNEL_HOOK: '1/5' });
    try {
      const body = JSON.stringify({ object: 'whatsapp_business_account', entry: [] });
      const { createHmac } = await import('node:crypto');
      const headers = {
        'content-type': 'application/json',
        'x-hub-signature-256': `sha256=${createHmac('sha256', WA.appSecret).update(body).digest('hex')}`,
      };
      const flood: number[] = [];
      for (let i = 0; i < 20; i++) flood.push(await postFrom('127.0.0.2', wa.hook, body, headers));
      assert.ok(flood.includes(429), 'the flood is limited');
      assert.equal(flood.filter((s) => s === 200).length >= 5, true, 'its burst went through');
      const d = waMessageDelivery(WA.phoneNumberId, '15550001111', 'From elsewhere');
      const raw = JSON.stringify(d.body);
      const sig = `sha256=${createHmac('sha256', WA.appSecret).update(raw).digest('hex')}`;
      const status = await postFrom('127.0.0.1', wa.hook, raw, {
        'content-type': 'application/json',
        'x-hub-signature-256': sig,
      });
      assert.equal(status, 200, 'another address is not affected');
    } finally {
      await wa.close();
    }
  });
});
