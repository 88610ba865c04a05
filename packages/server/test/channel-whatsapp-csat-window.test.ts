import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';
import {
  type GraphTemplate,
  postWebhook,
  SAMPLE_TEMPLATES,
  waMessageDelivery,
} from './helpers/graph-api-server.ts';
import { startWhatsApp, WA } from './helpers/whatsapp-fixture.ts';

const WABA = '102290129340398';
let numbers = 0;
const newNumber = () => `1445${String(Date.now()).slice(-5)}${String(++numbers).padStart(2, '0')}`;

/** A rating template as a business would have it approved: a question and five quick replies. */
const SERVICE_RATING: GraphTemplate = {
  id: '594425479261700',
  name: 'service_rating',
  language: 'en_US',
  status: 'APPROVED',
  category: 'UTILITY',
  components: [
    { type: 'BODY', text: 'Thanks for talking to us. How would you rate the help you got?' },
    {
      type: 'BUTTONS',
      buttons: ['5 · Excellent', '4 · Good', '3 · Okay', '2 · Poor', '1 · Very poor'].map((text) => ({
        type: 'QUICK_REPLY',
        text,
      })),
    },
  ],
};

/**
 * A WhatsApp conversation resolved more than 24 hours after the customer's last message: Meta
 * refuses a free-form survey then. It goes out as the approved template an admin chose, and the
 * tap on its quick reply rates the conversation; without a usable template agents read why no
 * survey went out.
 */
describe('WhatsApp satisfaction survey outside the 24-hour window', () => {
  let wa: Awaited<ReturnType<typeof startWhatsApp>>;
  let agent: AgentChatClient;

  before(async () => {
    wa = await startWhatsApp({}, { wabaId: WABA, templates: [...SAMPLE_TEMPLATES, SERVICE_RATING] });
    const sales = await cookieFor(wa.srv, 'sales@demo.beckon.local');
    await wa.srv.node.ctx.store.users.update(wa.accountId, sales.userId, { capacity: 30 });
    agent = await connectAgent(wa.srv, 'sales@demo.beckon.local');
    await eventually(
      async () =>
        (await wa.srv.node.ctx.store.whatsappTemplates.list(wa.accountId, wa.created.id)).length > 0,
      10_000,
      'the templates read at connection',
    );
  });
  after(async () => {
    await agent?.disconnect();
    await wa?.close();
  });

  const store = () => wa.srv.node.ctx.store;
  const settings = (items: unknown[]) =>
    wa.api('/api/v1/channels/settings', { method: 'PUT', body: JSON.stringify({ items }) });

  /** A customer's message 25 hours old, taken by the agent and resolved at once (no reply: the window is shut). */
  const resolvedLate = async (from: string) => {
    const d = waMessageDelivery(WA.phoneNumberId, from, 'Did my refund go through?', {
      timestamp: Math.floor(Date.now() / 1000) - 25 * 3600,
    });
    assert.equal((await postWebhook(wa.hook, d.body, WA.appSecret)).status, 200);
    const { conversation_id: id } = await store()
      .db.selectFrom('channel_messages')
      .select('conversation_id')
      .where('external_id', '=', d.id)
      .executeTakeFirstOrThrow();
    await eventually(() => agent.offers.get(id), 5000, 'the offer');
    await agent.accept(id);
    await agent.close(id);
    return id;
  };
  const lines = (id: string) => store().messages.after(wa.accountId, id, 0);
  /** The note agents read on a conversation that got no survey. */
  const noteOf = (id: string) =>
    eventually(
      async () =>
        (await lines(id)).find((m) => m.senderKind === 'system' && /satisfaction survey/.test(m.text)),
      5000,
      'the note',
    );

  it('without a template: no survey reaches the customer, and agents read why', async () => {
    assert.equal((await settings([{ channel: 'whatsapp', csatSurvey: true }])).status, 200);
    const from = newNumber();
    const id = await resolvedLate(from);
    const note = await noteOf(id);
    assert.match(note.text, /more than 24 hours old/);
    assert.match(note.text, /Choose a survey template in Settings → Channels/);
    assert.equal(await store().csatSurveys.find(wa.accountId, id), undefined);
    assert.ok(!wa.graph.sent.some((s) => s.to === from));
  });

  it('only WhatsApp takes a survey template; the setting is kept and shown', async () => {
    const bad = await settings([{ channel: 'telegram', csatTemplate: { name: 'x', language: 'en' } }]);
    assert.equal(bad.status, 400);
    assert.equal(
      ((await bad.json()) as { error: { code: string } }).error.code,
      'survey_template_not_supported',
    );
    const put = await settings([
      { channel: 'whatsapp', csatTemplate: { name: 'service_rating', language: 'en_US' } },
    ]);
    assert.equal(put.status, 200, await put.clone().text());
    const got = (await (await wa.api('/api/v1/channels/settings')).json()) as {
      items: { channel: string; csatSurvey: boolean; csatTemplate: unknown }[];
    };
    const row = got.items.find((i) => i.channel === 'whatsapp')!;
    assert.equal(row.csatSurvey, true, 'the survey stays on');
    assert.deepEqual(row.csatTemplate, { name: 'service_rating', language: 'en_US' });
    assert.equal(got.items.find((i) => i.channel === 'sms')?.csatTemplate, null);
  });

  it('with a template: the survey is that template, and a tap on its quick reply rates the conversation', async () => {
    const from = newNumber();
    const id = await resolvedLate(from);
    const sent = await eventually(
      () => wa.graph.sent.find((s) => s.to === from && s.raw.type === 'template'),
      5000,
      'the survey template',
    );
    const template = sent.raw.template as {
      name: string;
      language: { code: string };
      components: { type: string; sub_type: string; index: string; parameters: { payload: string }[] }[];
    };
    assert.equal(template.name, 'service_rating');
    assert.equal(template.language.code, 'en_US');
    assert.deepEqual(
      template.components.map((c) => [c.type, c.sub_type, c.index, c.parameters[0]!.payload]),
      [
        ['button', 'quick_reply', '0', 'csat:5'],
        ['button', 'quick_reply', '1', 'csat:4'],
        ['button', 'quick_reply', '2', 'csat:3'],
        ['button', 'quick_reply', '3', 'csat:2'],
        ['button', 'quick_reply', '4', 'csat:1'],
      ],
    );
    const line = (await lines(id)).at(-1)!;
    assert.equal(line.senderKind, 'invitation');
    assert.match(line.text, /How would you rate the help you got/);
    // The customer taps "4 · Good": Meta sends a `button` message with the payload we set.
    const tap = waMessageDelivery(WA.phoneNumberId, from, '');
    const message = tap.body.entry[0]!.changes[0]!.value.messages[0]! as Record<string, unknown>;
    delete message.text;
    message.type = 'button';
    message.button = { text: '4 · Good', payload: 'csat:4' };
    message.context = { from: '15550783881', id: sent.id };
    assert.equal((await postWebhook(wa.hook, tap.body, WA.appSecret)).status, 200);
    await eventually(async () => (await store().conversations.get(wa.accountId, id)).csatScore === 4);
    assert.equal((await store().conversations.get(wa.accountId, id)).status, 'closed');
  });

  it('a chosen template this number does not list: agents read which one and why', async () => {
    const put = await settings([
      { channel: 'whatsapp', csatTemplate: { name: 'gone_rating', language: 'en_US' } },
    ]);
    assert.equal(put.status, 200);
    const from = newNumber();
    const id = await resolvedLate(from);
    const note = await noteOf(id);
    assert.match(note.text, /gone_rating \(en_US\) is not listed for this number/);
    assert.ok(!wa.graph.sent.some((s) => s.to === from));
  });
});
