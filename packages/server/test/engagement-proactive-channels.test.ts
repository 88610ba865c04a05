import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isControl } from '@beckon/core';
import type { CampaignInput } from '@beckon/protocol';
import { pageView } from '@beckon/sdk/index';
import { OUTBOX_TEST_ENV } from './channel-contract.ts';
import { eventually, flush, metric, newTenant, runtime, visitor } from './engagement-fixtures.ts';
import {
  MEDIA_HEADER_TEMPLATES,
  postWebhook,
  SAMPLE_TEMPLATES,
  startGraphApi,
  waMessageDelivery,
} from './helpers/graph-api-server.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';
import { postSigned, smsFields, startTwilioApi, TWILIO } from './helpers/twilio-server.ts';

const WA = {
  phoneNumberId: '106540352242924',
  accessToken: 'EAAG-campaign-token',
  appSecret: 'campaign-app-secret',
  verifyToken: 'campaign-verify',
  wabaId: '102290129340400',
};
const SMS_TEXT = 'Your cart is waiting: 10% off today with code CART10. Reply STOP to opt out.';

describe('campaign messages over WhatsApp templates and SMS, to contacts who opted in', () => {
  let srv: TestServer;
  let graph: Awaited<ReturnType<typeof startGraphApi>>;
  let twilio: Awaited<ReturnType<typeof startTwilioApi>>;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let waConn = '';
  let smsConn = '';
  let smsHook = '';
  let waHook = '';
  let waCampaign = '';
  let smsCampaign = '';
  const store = () => srv.node.ctx.store;
  const origin = () => new URL(srv.url).origin;
  let n = 0;
  let phones = 0;
  const newPhone = () => `+1555${String(Date.now()).slice(-5)}${String(++phones).padStart(2, '0')}`;

  /** A visitor id on the given side of a campaign's control split. */
  const visitorIn = (campaignId: string, control: boolean) => {
    for (;;) {
      const id = `pc-${++n}`;
      if (isControl(id, campaignId, 0.5) === control) return id;
    }
  };
  /** A contact with a phone, linked to the visitor, opted in on the channels given. */
  const contactFor = async (
    visitorId: string,
    opts: { name?: string; optIn?: ('whatsapp' | 'sms')[]; attributes?: Record<string, unknown> } = {},
  ) => {
    const c = await store().contacts.resolve(t.accountId, { phone: newPhone(), name: opts.name ?? null });
    await store().contacts.linkVisitor(t.accountId, t.site.id, visitorId, c.id);
    if (opts.attributes) await store().contacts.addAttributes(t.accountId, c.id, opts.attributes);
    for (const channel of opts.optIn ?? [])
      await store().consents.record(t.accountId, c.id, { channel, source: 'api', detail: 'checkout form' });
    return c;
  };
  const visits = async (visitorId: string, section: string) => {
    const v = await visitor(srv, t.site.siteKey, visitorId, { url: `${origin()}/${section}` });
    await v.sendBatch([pageView(`${origin()}/${section}`, [section])]);
    return v;
  };
  const settled = async () => {
    await runtime(srv).proactive.idle();
    await flush(srv);
  };
  const exposureOf = async (visitorId: string, campaignId: string) =>
    (await store().exposures.forVisitor(t.accountId, t.site.id, visitorId)).find(
      (e) => e.campaignId === campaignId,
    );
  const conversationsOf = async (contactId: string) =>
    (await store().conversations.search(t.accountId, { contactId })).items;

  const campaign = (name: string, section: string, engagement: unknown): CampaignInput =>
    ({
      name,
      status: 'active',
      goal: { type: 'purchase' },
      targeting: { field: 'page.section', op: 'contains', value: section },
      frequency: { perVisitorPerDay: 1 },
      controlShare: 0.5,
      engagement,
    }) as CampaignInput;
  const waEngagement = () => ({
    type: 'message',
    subject: 'Order shipped',
    text: 'Your order has shipped.',
    channel: 'whatsapp',
    connectionId: waConn,
    template: {
      name: 'order_update',
      language: 'en_US',
      values: {
        header: { '1': { contact: 'attributes.order', fallback: 'update' } },
        body: {
          '1': { contact: 'name', fallback: 'there' },
          '2': { contact: 'attributes.order', fallback: 'from us' },
          '3': { text: 'this week' },
        },
      },
    },
  });

  before(async () => {
    graph = await startGraphApi({ ...WA, templates: [...SAMPLE_TEMPLATES, ...MEDIA_HEADER_TEMPLATES] });
    twilio = await startTwilioApi();
    srv = await startTestServer({ env: OUTBOX_TEST_ENV });
    t = await newTenant(srv);
    await t.api.post('/api/v1/skills', { name: 'Sales' });
    const wa = await t.api.post('/api/v1/channels', { type: 'whatsapp', ...WA, apiBaseUrl: graph.url });
    assert.equal(wa.status, 201, JSON.stringify(wa.body));
    waConn = wa.body.id;
    waHook = wa.body.webhookUrl;
    const sms = await t.api.post('/api/v1/channels', { type: 'sms', ...TWILIO, apiBaseUrl: twilio.url });
    assert.equal(sms.status, 201, JSON.stringify(sms.body));
    smsConn = sms.body.id;
    smsHook = sms.body.webhookUrl;

    const a = await t.api.post(
      '/api/v1/campaigns',
      campaign('Shipped on WhatsApp', 'orders', waEngagement()),
    );
    assert.equal(a.status, 201, JSON.stringify(a.body));
    waCampaign = a.body.id;
    const b = await t.api.post(
      '/api/v1/campaigns',
      campaign('Cart by SMS', 'cart', {
        type: 'message',
        subject: 'Cart reminder',
        text: SMS_TEXT,
        channel: 'sms',
        connectionId: smsConn,
      }),
    );
    assert.equal(b.status, 201, JSON.stringify(b.body));
    smsCampaign = b.body.id;
  });
  after(async () => {
    await srv?.close();
    await graph?.close();
    await twilio?.close();
  });

  it('refuses a WhatsApp or SMS message it could not send, naming the field', async () => {
    const bad = async (engagement: unknown) => {
      const r = await t.api.post('/api/v1/campaigns', {
        ...campaign('Bad', 'x', engagement),
        status: 'draft',
      });
      assert.equal(r.status, 400, JSON.stringify(engagement));
      assert.equal(r.body.error.code, 'invalid_campaign');
      return r.body.error.message as string;
    };
    const good = waEngagement();
    const { connectionId: _c, ...noConnection } = good;
    assert.match(await bad(noConnection), /\/engagement\/connectionId: required/);
    assert.match(await bad({ ...good, connectionId: smsConn }), /\/engagement\/connectionId/);
    assert.match(await bad({ ...good, template: undefined }), /\/engagement\/template: required/);
    const unbound = structuredClone(good);
    delete (unbound.template.values.body as Record<string, unknown>)['3'];
    assert.match(await bad(unbound), /\/engagement\/template\/values\/body\/3: bind this variable/);
    assert.match(
      await bad({ ...good, template: { name: 'spring_sale', language: 'en_US' } }),
      /REJECTED, not APPROVED/,
    );
    assert.match(
      await bad({ ...good, template: { name: 'gone', language: 'en_US' } }),
      /no template gone \(en_US\).*sync the templates/,
    );
    assert.match(
      await bad({
        ...good,
        template: { ...good.template, values: { body: { '1': { contact: 'password' } } } },
      }),
      /\/engagement\/template/,
    );
    assert.match(
      await bad({
        type: 'message',
        subject: 'S',
        text: 'x'.repeat(1601),
        channel: 'sms',
        connectionId: smsConn,
      }),
      /\/engagement\/text: at most 1600/,
    );
  });

  it('an opted-in contact gets the template, its variables bound to their name and attributes; the exposure is shown', async () => {
    const id = visitorIn(waCampaign, false);
    const contact = await contactFor(id, {
      name: 'Ana Souza',
      optIn: ['whatsapp'],
      attributes: { order: '#7788' },
    });
    const v = await visits(id, 'orders');
    const to = contact.phone!.slice(1);
    const sent = (await eventually(() => graph.sent.find((s) => s.to === to)))!;
    assert.deepEqual(sent.raw.template, {
      name: 'order_update',
      language: { code: 'en_US' },
      components: [
        { type: 'header', parameters: [{ type: 'text', text: '#7788' }] },
        {
          type: 'body',
          parameters: [
            { type: 'text', text: 'Ana Souza' },
            { type: 'text', text: '#7788' },
            { type: 'text', text: 'this week' },
          ],
        },
      ],
    });
    const [conv] = await conversationsOf(contact.id);
    assert.equal(conv!.channel, 'whatsapp');
    assert.equal(conv!.state, 'resolved', 'no agent queue fills with unanswered campaign messages');
    const lines = await store().messages.after(t.accountId, conv!.id, 0);
    assert.deepEqual(
      lines.map((m) => [m.senderKind, m.text]),
      [
        [
          'invitation',
          'Order #7788\n\nHi Ana Souza, your order #7788 has shipped and arrives this week.\n\nReply STOP to opt out',
        ],
      ],
    );
    await settled();
    assert.equal((await exposureOf(id, waCampaign))?.outcome, 'shown');
    assert.equal(await metric(srv, 'beckon_proactive_messages_total', { result: 'whatsapp' }), 1);

    // The customer answers on WhatsApp: the campaign's conversation reopens into the queue.
    const reply = waMessageDelivery(WA.phoneNumberId, to, 'Great, thanks!', { name: 'Ana Souza' });
    assert.equal((await postWebhook(waHook, reply.body, WA.appSecret)).status, 200);
    await eventually(async () => (await store().conversations.get(t.accountId, conv!.id)).state === 'open');
    assert.equal((await conversationsOf(contact.id)).length, 1, 'the answer joins the same conversation');
    await v.close();
  });

  it('a template with an image header goes with the campaign’s image link; without one the campaign is refused', async () => {
    const arrivals = (headerMedia?: { link: string }) =>
      campaign('New arrivals on WhatsApp', 'arrivals', {
        ...waEngagement(),
        template: {
          name: 'new_arrivals',
          language: 'en_US',
          values: { body: { '1': { contact: 'name', fallback: 'there' } } },
          ...(headerMedia ? { headerMedia } : {}),
        },
      });
    const refused = await t.api.post('/api/v1/campaigns', arrivals());
    assert.equal(refused.status, 400);
    assert.match(JSON.stringify(refused.body), /\/engagement\/template\/headerMedia/);
    const made = await t.api.post(
      '/api/v1/campaigns',
      arrivals({ link: 'https://cdn.example.com/spring.jpg' }),
    );
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const id = visitorIn(made.body.id, false);
    const contact = await contactFor(id, { name: 'Rui Costa', optIn: ['whatsapp'] });
    const v = await visits(id, 'arrivals');
    const sent = (await eventually(() => graph.sent.find((s) => s.to === contact.phone!.slice(1))))!;
    assert.deepEqual(sent.raw.template, {
      name: 'new_arrivals',
      language: { code: 'en_US' },
      components: [
        {
          type: 'header',
          parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/spring.jpg' } }],
        },
        { type: 'body', parameters: [{ type: 'text', text: 'Rui Costa' }] },
      ],
    });
    await v.close();
    await t.api.delete(`/api/v1/campaigns/${made.body.id}`);
  });

  it('a fallback fills a variable the contact has no value for', async () => {
    const id = visitorIn(waCampaign, false);
    const contact = await contactFor(id, { optIn: ['whatsapp'] });
    const v = await visits(id, 'orders');
    const sent = (await eventually(() => graph.sent.find((s) => s.to === contact.phone!.slice(1))))!;
    const body = (sent.raw.template as { components: { parameters: { text: string }[] }[] }).components[1]!;
    assert.deepEqual(
      body.parameters.map((p) => p.text),
      ['there', 'from us', 'this week'],
    );
    await v.close();
  });

  it('a contact who did not opt in gets nothing, and is counted as skipped', async () => {
    const id = visitorIn(waCampaign, false);
    const contact = await contactFor(id, { name: 'No Consent', optIn: ['sms'] });
    const before = await metric(srv, 'beckon_proactive_messages_total', { result: 'no_opt_in' });
    const v = await visits(id, 'orders');
    await eventually(async () => {
      await settled();
      return (await exposureOf(id, waCampaign))?.outcome === 'ignored';
    });
    assert.equal(await metric(srv, 'beckon_proactive_messages_total', { result: 'no_opt_in' }), before + 1);
    assert.deepEqual(await conversationsOf(contact.id), []);
    assert.ok(!graph.sent.some((s) => s.to === contact.phone!.slice(1)));
    await v.close();
  });

  it('the frequency cap counts campaign messages with broadcasts’, and a contact at it gets no campaign message', async () => {
    await store().sendingSettings.change(t.accountId, { cap_messages: 1, cap_days: 7 }, Date.now());
    try {
      // At the cap: a broadcast reached them today.
      const full = visitorIn(waCampaign, false);
      const capped = await contactFor(full, { optIn: ['whatsapp'] });
      const booked = await store().contactMessages.bookOne(t.accountId, {
        contactId: capped.id,
        kind: 'broadcast',
        ref: 'bc_earlier',
      });
      assert.equal(booked, true);
      const before = await metric(srv, 'beckon_proactive_messages_total', { result: 'frequency_cap' });
      const v1 = await visits(full, 'orders');
      await eventually(async () => {
        await settled();
        return (await exposureOf(full, waCampaign))?.outcome === 'ignored';
      });
      assert.equal(
        await metric(srv, 'beckon_proactive_messages_total', { result: 'frequency_cap' }),
        before + 1,
      );
      assert.deepEqual(await conversationsOf(capped.id), []);
      assert.ok(!graph.sent.some((s) => s.to === capped.phone!.slice(1)));
      await v1.close();

      // Under it: the campaign's message goes, and is what a broadcast now finds at the cap.
      const free = visitorIn(waCampaign, false);
      const reached = await contactFor(free, { optIn: ['whatsapp'] });
      const v2 = await visits(free, 'orders');
      await eventually(() => graph.sent.find((s) => s.to === reached.phone!.slice(1)));
      assert.equal(
        await store().contactMessages.bookOne(t.accountId, {
          contactId: reached.id,
          kind: 'broadcast',
          ref: 'bc_later',
        }),
        false,
      );
      await v2.close();
    } finally {
      await store().sendingSettings.change(t.accountId, { cap_messages: null, cap_days: null }, Date.now());
    }
  });

  it('a control visitor is held out: recorded, and nothing is sent', async () => {
    const id = visitorIn(waCampaign, true);
    const contact = await contactFor(id, { optIn: ['whatsapp'] });
    const v = await visits(id, 'orders');
    await eventually(async () => {
      await flush(srv);
      return (await exposureOf(id, waCampaign)) !== undefined;
    });
    await settled();
    const e = (await exposureOf(id, waCampaign))!;
    assert.equal(e.control, true);
    assert.equal(e.outcome, null);
    assert.deepEqual(await conversationsOf(contact.id), []);
    await v.close();
  });

  it('a text records the SMS opt-in on the contact; STOP withdraws it, START records it again', async () => {
    const from = newPhone();
    const text = async (body: string) =>
      assert.equal((await postSigned(smsHook, smsFields(from, body))).status, 200);
    await text('Hi, do you ship to Lisbon?');
    const contact = (await store().contacts.resolve(t.accountId, { phone: from }))!;
    const consents = () => store().consents.list(t.accountId, contact.id);
    assert.deepEqual(
      (await consents()).map((c) => [c.channel, c.source, c.detail]),
      [['sms', 'customer_message', null]],
    );
    await text('STOP');
    assert.deepEqual(await consents(), []);
    assert.equal(await store().contacts.smsOptedOut(t.accountId, contact.id), true);
    await text('START');
    assert.deepEqual(
      (await consents()).map((c) => [c.channel, c.source, c.detail]),
      [['sms', 'customer_message', 'texted START']],
    );
    assert.equal(await store().contacts.smsOptedOut(t.accountId, contact.id), false);
  });

  it('SMS: an opted-in contact gets the text through Twilio; one who texted STOP is skipped as opted out', async () => {
    const id = visitorIn(smsCampaign, false);
    const contact = await contactFor(id, { optIn: ['sms'] });
    const v = await visits(id, 'cart');
    const sent = (await eventually(() => twilio.sent.find((s) => s.To === contact.phone)))!;
    assert.equal(sent.Body, SMS_TEXT);
    assert.equal(sent.From, TWILIO.from);
    await settled();
    assert.equal((await exposureOf(id, smsCampaign))?.outcome, 'shown');
    const [conv] = await conversationsOf(contact.id);
    assert.equal(conv!.channel, 'sms');

    const stopped = visitorIn(smsCampaign, false);
    const other = await contactFor(stopped, { optIn: ['sms'] });
    await store().contacts.setSmsOptOut(t.accountId, other.id, true);
    const before = await metric(srv, 'beckon_proactive_messages_total', { result: 'opted_out' });
    const w = await visits(stopped, 'cart');
    await eventually(async () => {
      await settled();
      return (await exposureOf(stopped, smsCampaign))?.outcome === 'ignored';
    });
    assert.equal(await metric(srv, 'beckon_proactive_messages_total', { result: 'opted_out' }), before + 1);
    assert.ok(!twilio.sent.some((s) => s.To === other.phone));
    await v.close();
    await w.close();
  });
});
