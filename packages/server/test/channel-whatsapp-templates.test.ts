import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';
import {
  orderUpdateBody,
  postWebhook,
  waMessageDelivery,
  waStatusDelivery,
} from './helpers/graph-api-server.ts';
import { startWhatsApp, WA } from './helpers/whatsapp-fixture.ts';

const WABA = '102290129340398';
let numbers = 0;
const newNumber = () => `1444${String(Date.now()).slice(-5)}${String(++numbers).padStart(2, '0')}`;

interface Template {
  name: string;
  status: string;
  unsupported: string | null;
  variables: { header: string[]; body: string[] };
  parameterFormat: string;
}

describe('WhatsApp message templates', () => {
  let wa: Awaited<ReturnType<typeof startWhatsApp>>;
  let agent: AgentChatClient;
  let sales: Awaited<ReturnType<typeof cookieFor>>;
  let echo = 0;

  before(async () => {
    // Two templates a page: the sync has to follow Meta's paging.
    wa = await startWhatsApp({}, { wabaId: WABA, pageSize: 2 });
    sales = await cookieFor(wa.srv, 'sales@demo.beckon.local');
    await wa.srv.node.ctx.store.users.update(wa.accountId, sales.userId, { capacity: 30 });
    agent = await connectAgent(wa.srv, 'sales@demo.beckon.local');
  });
  after(async () => {
    await agent?.disconnect();
    await wa?.close();
  });

  const api = (...args: Parameters<typeof wa.api>) => wa.api(...args);

  /** A customer's message through the webhook, `hoursAgo` old; answers the conversation, offered and taken. */
  const conversationFrom = async (from: string, hoursAgo: number) => {
    const d = waMessageDelivery(WA.phoneNumberId, from, 'Any news on my order?', {
      timestamp: Math.floor(Date.now() / 1000) - hoursAgo * 3600,
      name: 'Pablo Morales',
    });
    assert.equal((await postWebhook(wa.hook, d.body, WA.appSecret)).status, 200);
    const row = await wa.srv.node.ctx.store.db
      .selectFrom('channel_messages')
      .select('conversation_id')
      .where('external_id', '=', d.id)
      .executeTakeFirstOrThrow();
    const id = row.conversation_id;
    await eventually(() => agent.offers.get(id), 5000, 'the offer');
    await agent.accept(id);
    return id;
  };

  const sendTemplate = (id: string, body: Record<string, unknown>) =>
    api(
      `/api/v1/conversations/${id}/messages/template`,
      {
        method: 'POST',
        body: JSON.stringify({ echoId: `tpl-${++echo}`, ...body }),
      },
      sales,
    );

  const orderUpdate = {
    name: 'order_update',
    language: 'en_US',
    values: { header: { '1': '#4821' }, body: { '1': 'Pablo', '2': '#4821', '3': 'on Friday' } },
  };

  it('reads every template of the account when the connection is made, following the pages', async () => {
    const res = await api(`/api/v1/channels/${wa.created.id}/templates`);
    assert.equal(res.status, 200);
    const list = (await res.json()) as { items: Template[]; syncedAt: string | null };
    assert.ok(list.syncedAt);
    assert.deepEqual(list.items.map((t) => `${t.name}:${t.status}`).sort(), [
      'follow_up:APPROVED',
      'order_update:APPROVED',
      'receipt_pdf:APPROVED',
      'spring_sale:REJECTED',
    ]);
    const order = list.items.find((t) => t.name === 'order_update')!;
    assert.deepEqual(order.variables, { header: ['1'], body: ['1', '2', '3'] });
    const named = list.items.find((t) => t.name === 'follow_up')!;
    assert.equal(named.parameterFormat, 'named');
    assert.deepEqual(named.variables.body, ['first_name']);
    const receipt = list.items.find((t) => t.name === 'receipt_pdf') as Template & {
      header: { format: string };
    };
    assert.equal(receipt.unsupported, null, 'a document header is sent with its file');
    assert.equal(receipt.header.format, 'DOCUMENT', 'the sync keeps the header format');
  });

  it('Sync reads a template approved since; agents may list but not sync; a bad id is 404', async () => {
    wa.graph.templates.push({
      name: 'back_in_stock',
      language: 'pt_BR',
      status: 'APPROVED',
      category: 'MARKETING',
      components: [{ type: 'BODY', text: 'Olá {{1}}, voltou ao estoque!' }],
    });
    const agentSession = sales;
    const sync = (who = wa.admin) =>
      api(`/api/v1/channels/${wa.created.id}/templates/sync`, { method: 'POST' }, who);
    assert.equal((await sync(agentSession)).status, 403);
    const res = await sync();
    assert.equal(res.status, 200);
    const { items } = (await res.json()) as { items: Template[] };
    assert.equal(items.length, 5);
    assert.ok(items.some((t) => t.name === 'back_in_stock'));
    assert.equal((await api(`/api/v1/channels/${wa.created.id}/templates`, {}, agentSession)).status, 200);
    assert.equal((await api('/api/v1/channels/chn_nosuchone/templates')).status, 404);
  });

  it('Sync says why when Meta refuses, or when the connection has no Business Account id', async () => {
    const make = async (extra: Record<string, string>) => {
      const r = await api('/api/v1/channels', {
        method: 'POST',
        body: JSON.stringify({ type: 'whatsapp', ...WA, apiBaseUrl: wa.graph.url, ...extra }),
      });
      assert.equal(r.status, 201);
      return ((await r.json()) as { id: string }).id;
    };
    const old = await make({});
    const noWaba = await api(`/api/v1/channels/${old}/templates/sync`, { method: 'POST' });
    assert.equal(noWaba.status, 409);
    assert.equal(((await noWaba.json()) as { error: { code: string } }).error.code, 'waba_id_missing');
    // The id given with a sync is kept: the old connection lists its templates from then on.
    const added = await api(`/api/v1/channels/${old}/templates/sync`, {
      method: 'POST',
      body: JSON.stringify({ wabaId: WABA }),
    });
    assert.equal(added.status, 200);
    assert.equal(((await added.json()) as { items: unknown[] }).items.length, 5);
    const listed = (await (await api('/api/v1/channels')).json()) as {
      items: { id: string; credentials: Record<string, boolean> }[];
    };
    assert.equal(listed.items.find((c) => c.id === old)?.credentials.wabaId, true);
    const bad = await api(`/api/v1/channels/${old}/templates/sync`, {
      method: 'POST',
      body: JSON.stringify({ wabaId: 'not digits' }),
    });
    assert.equal(bad.status, 400);
    const wrong = await make({ wabaId: '999' });
    const refused = await api(`/api/v1/channels/${wrong}/templates/sync`, { method: 'POST' });
    assert.equal(refused.status, 502);
    assert.match(((await refused.json()) as { error: { message: string } }).error.message, /does not exist/);
    for (const id of [old, wrong]) await api(`/api/v1/channels/${id}`, { method: 'DELETE' });
  });

  it('outside the window: free text fails, the approved templates are offered, and one is sent with its variables', async () => {
    const from = newNumber();
    const id = await conversationFrom(from, 30);
    const w = (await (await api(`/api/v1/conversations/${id}/whatsapp`)).json()) as {
      windowClosesAt: string | null;
      channelId: string;
      templates: Template[];
    };
    assert.equal(w.windowClosesAt, null, 'the window is closed');
    assert.equal(w.channelId, wa.created.id);
    assert.ok(w.templates.every((t) => t.status === 'APPROVED'));
    assert.ok(!w.templates.some((t) => t.name === 'spring_sale'), 'a rejected template is not offered');

    const text = await agent.send(id, 'Free text, too late');
    const failed = await eventually(() => {
      const d = agent.delivery(id, text.seq);
      return d?.status === 'failed' ? d : null;
    });
    assert.equal(failed.reason, "outside WhatsApp's 24-hour window: use a template");

    const sentBefore = wa.graph.sent.length;
    const res = await sendTemplate(id, orderUpdate);
    assert.equal(res.status, 201, await res.clone().text());
    const { message } = (await res.json()) as { message: { seq: number; text: string } };
    assert.equal(
      message.text,
      'Order #4821\n\nHi Pablo, your order #4821 has shipped and arrives on Friday.\n\nReply STOP to opt out',
      'the line reads as what the customer gets',
    );
    await eventually(() => agent.delivery(id, message.seq)?.status === 'sent');
    const got = wa.graph.sent.slice(sentBefore).find((s) => s.to === from)!;
    assert.deepEqual(got.raw, orderUpdateBody(from, '#4821', ['Pablo', '#4821', 'on Friday']));
    // The agent's history reads the same text.
    const history = (await (await api(`/api/v1/conversations/${id}/messages`)).json()) as {
      items: { seq: number; text: string }[];
    };
    assert.equal(history.items.find((m) => m.seq === message.seq)?.text, message.text);
  });

  it('sends named parameters by name', async () => {
    const from = newNumber();
    const id = await conversationFrom(from, 48);
    const res = await sendTemplate(id, {
      name: 'follow_up',
      language: 'en_US',
      values: { body: { first_name: 'Pablo' } },
    });
    assert.equal(res.status, 201, await res.clone().text());
    await eventually(() => wa.graph.sent.find((s) => s.to === from));
    const got = wa.graph.sent.find((s) => s.to === from)!;
    assert.deepEqual((got.raw.template as { components: unknown }).components, [
      { type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'Pablo' }] },
    ]);
  });

  it('refuses a template it cannot send with a clear 4xx, and stores nothing', async () => {
    const id = await conversationFrom(newNumber(), 26);
    const before = (await wa.srv.node.ctx.store.conversations.find(wa.accountId, id))!.lastSeq;
    const cases: [Record<string, unknown>, number, string][] = [
      [{ ...orderUpdate, values: { body: { '1': 'Pablo' } } }, 400, 'template_variable_missing'],
      [{ name: 'spring_sale', language: 'en_US' }, 409, 'template_not_approved'],
      [{ name: 'receipt_pdf', language: 'en_US' }, 400, 'template_header_missing'],
      [{ name: 'no_such_template', language: 'en_US' }, 404, 'template_not_found'],
      [
        { ...orderUpdate, values: { ...orderUpdate.values, header: { '1': 'two\nlines' } } },
        400,
        'invalid_template_value',
      ],
      [{ ...orderUpdate, values: { body: { '1': 'x'.repeat(1025) } } }, 400, 'invalid_request'],
    ];
    for (const [body, status, code] of cases) {
      const res = await sendTemplate(id, body);
      assert.equal(res.status, status, JSON.stringify(body));
      const err = ((await res.json()) as { error: { code: string; message: string } }).error;
      if (code !== 'invalid_request') assert.equal(err.code, code);
      assert.ok(err.message);
    }
    assert.equal((await wa.srv.node.ctx.store.conversations.find(wa.accountId, id))!.lastSeq, before);
    const web = await api('/api/v1/conversations/conv_nosuchone/messages/template', {
      method: 'POST',
      body: JSON.stringify({ echoId: 'x1', ...orderUpdate }),
    });
    assert.equal(web.status, 404);
  });

  it("a template deleted at Meta since the sync fails with Meta's 132001, and a re-engagement status shows 131047", async () => {
    const from = newNumber();
    const id = await conversationFrom(from, 27);
    const at = wa.graph.templates.findIndex((t) => t.name === 'follow_up');
    const [removed] = wa.graph.templates.splice(at, 1);
    try {
      const res = await sendTemplate(id, {
        name: 'follow_up',
        language: 'en_US',
        values: { body: { first_name: 'P' } },
      });
      const { message } = (await res.json()) as { message: { seq: number } };
      const failed = await eventually(() => {
        const d = agent.delivery(id, message.seq);
        return d?.status === 'failed' ? d : null;
      });
      assert.match(failed.reason ?? '', /132001|does not exist/);
    } finally {
      wa.graph.templates.splice(at, 0, removed!);
    }
    // Meta reports a free-text message it took but could not deliver outside the window as 131047.
    const ok = await sendTemplate(id, orderUpdate);
    const { message } = (await ok.json()) as { message: { seq: number } };
    await eventually(() => agent.delivery(id, message.seq)?.status === 'sent');
    const sent = wa.graph.sent.filter((s) => s.to === from).at(-1)!;
    const status = waStatusDelivery(WA.phoneNumberId, sent.id, from, 'failed', {
      code: 131047,
      title: 'Re-engagement message',
      details:
        'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
    });
    assert.equal((await postWebhook(wa.hook, status, WA.appSecret)).status, 200);
    const failed = await eventually(() => {
      const d = agent.delivery(id, message.seq);
      return d?.status === 'failed' ? d : null;
    });
    assert.match(failed.reason ?? '', /131047.*more than 24 hours/);
  });

  it('inside the window the header knows when it closes, and free text goes out', async () => {
    const id = await conversationFrom(newNumber(), 2);
    const w = (await (await api(`/api/v1/conversations/${id}/whatsapp`)).json()) as {
      windowClosesAt: string | null;
    };
    const closes = Date.parse(w.windowClosesAt ?? '');
    const expected = Date.now() + 22 * 3600_000;
    assert.ok(Math.abs(closes - expected) < 10 * 60_000, `closes in about 22 hours: ${w.windowClosesAt}`);
    const ack = await agent.send(id, 'Yes, it ships today');
    await eventually(() => agent.delivery(id, ack.seq)?.status === 'sent');
  });

  it('a customer who writes first is recorded as opted in to WhatsApp, on the contact', async () => {
    const id = await conversationFrom(newNumber(), 1);
    const conv = (await wa.srv.node.ctx.store.conversations.find(wa.accountId, id))!;
    const res = await api(`/api/v1/contacts/${conv.contactId}/consents`);
    assert.equal(res.status, 200);
    const c = (await res.json()) as { items: { channel: string; source: string; detail: string | null }[] };
    assert.deepEqual(
      c.items.map((i) => [i.channel, i.source, i.detail]),
      [['whatsapp', 'customer_message', null]],
    );

    // Merged into another contact, the opt-in stays with the merged contact; undone, it goes back.
    const store = wa.srv.node.ctx.store;
    const other = await store.contacts.resolve(wa.accountId, { email: `keep-${Date.now()}@example.com` });
    const merge = await api(`/api/v1/contacts/${other.id}/merge`, {
      method: 'POST',
      body: JSON.stringify({ contactId: conv.contactId }),
    });
    assert.equal(merge.status, 201, await merge.clone().text());
    const merged = (await (await api(`/api/v1/contacts/${other.id}/consents`)).json()) as typeof c;
    assert.deepEqual(
      merged.items.map((i) => i.channel),
      ['whatsapp'],
    );
    assert.equal(await store.consents.has(wa.accountId, other.id, 'whatsapp'), true);
    const { id: mergeId } = (await merge.json()) as { id: string };
    assert.equal((await api(`/api/v1/contacts/merges/${mergeId}/undo`, { method: 'POST' })).status, 200);
    assert.equal(await store.consents.has(wa.accountId, other.id, 'whatsapp'), false);
    assert.equal(await store.consents.has(wa.accountId, conv.contactId!, 'whatsapp'), true);

    // Admins record and withdraw through the API; agents only read; another account's id is 404.
    const put = await api(`/api/v1/contacts/${other.id}/consents/sms`, {
      method: 'PUT',
      body: JSON.stringify({ detail: 'In-store sign-up sheet' }),
    });
    assert.equal(put.status, 200);
    const recorded = (await put.json()) as typeof c;
    assert.deepEqual(
      recorded.items.map((i) => [i.channel, i.source, i.detail]),
      [['sms', 'console', 'In-store sign-up sheet']],
    );
    assert.equal(
      (await api(`/api/v1/contacts/${other.id}/consents/sms`, { method: 'PUT', body: '{}' }, sales)).status,
      403,
    );
    assert.equal(
      (await api(`/api/v1/contacts/${other.id}/consents/fax`, { method: 'PUT', body: '{}' })).status,
      400,
    );
    assert.equal((await api('/api/v1/contacts/ct_nosuchone/consents')).status, 404);
    const gone = await api(`/api/v1/contacts/${other.id}/consents/sms`, { method: 'DELETE' });
    assert.deepEqual(((await gone.json()) as typeof c).items, []);
  });
});
