import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Webhook } from 'standardwebhooks';
import { analyticsOf } from '../src/analytics/analytics-runtime.ts';
import { hashPassword } from '../src/auth/passwords.ts';
import { AnalyticsFixture, campaignInput, MIN } from './analytics-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';
import { WebhookReceiver } from './helpers/webhook-receiver.ts';

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64');

/** A Shopify `orders/create` body as Shopify documents it (the fields Beckon reads, and a few it ignores). */
function shopifyOrder(id: number, total: string, visitorId?: string, createdAt = new Date().toISOString()) {
  return JSON.stringify({
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: `#${id}`,
    email: 'buyer@example.com',
    created_at: createdAt,
    currency: 'USD',
    total_price: total,
    subtotal_price: total,
    test: false,
    line_items: [{ id: 1, title: 'Mug', quantity: 1, price: total }],
    note_attributes: visitorId ? [{ name: 'beckon_visitor_id', value: visitorId }] : [],
  });
}

/** A WooCommerce order (REST API v3 shape) as its webhooks deliver it. */
function wooOrder(id: number, total: string, status: string, visitorId?: string) {
  return JSON.stringify({
    id,
    status,
    currency: 'EUR',
    total,
    customer_id: 0,
    date_created_gmt: new Date(Date.now() - MIN).toISOString().slice(0, 19),
    billing: { email: 'woo@example.com' },
    meta_data: visitorId ? [{ id: 9, key: 'beckon_visitor_id', value: visitorId }] : [],
  });
}

describe('server-side conversions: API, Shopify and WooCommerce, deduplicated with the tag', () => {
  let srv: TestServer;
  let api: ApiClient;
  let admin: ApiClient;
  let fx: AnalyticsFixture;
  let accountId: string;
  let siteId: string;
  let campaignId: string;
  let shopify: { id: string; url: string };
  let woo: { id: string; url: string; secret: string };
  const SHOP_SECRET = 'shpss_test_secret_0123456789';
  const at = Date.now() - 30 * MIN;

  const post = (url: string, body: string, headers: Record<string, string>) =>
    srv.node.app.inject({
      method: 'POST',
      url,
      payload: body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const hookPath = (u: string) => new URL(u).pathname;
  const count = async () =>
    Number(
      (
        await srv.node.ctx.store.db
          .selectFrom('conversions')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('account_id', '=', accountId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const lift = async () => {
    const res = await admin.get(`/api/v1/reports/campaigns/${campaignId}/lift`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.lift;
  };

  before(async () => {
    srv = await startTestServer({
      env: { BECKON_WEBHOOKS_ALLOW_PRIVATE: '1', BECKON_WEBHOOKS_POLL_MS: '50' },
    });
    const { store } = srv.node.ctx;
    const account = await store.accounts.create('Mug Shop');
    accountId = account.id;
    siteId = (await store.sites.create(accountId, { name: 'Shop', allowedOrigins: ['https://shop.example'] }))
      .id;
    await store.users.create(accountId, {
      email: 'owner@mugs.example',
      name: 'Owner',
      role: 'owner',
      passwordHash: await hashPassword('owner-pw-123'),
    });
    admin = new ApiClient(srv.node.app);
    assert.equal((await admin.login('owner@mugs.example', 'owner-pw-123')).status, 200);
    api = new ApiClient(srv.node.app);
    api.bearer = (await store.apiKeys.create(accountId, 'shop server')).key;
    campaignId = (await store.campaigns.create(accountId, campaignInput('Mug offer'))).id;
    fx = new AnalyticsFixture(store, accountId, siteId);
    await fx.visit(['v1', 'v2', 'v3', 'v4', 'v5'], at - MIN);
    await fx.expose(['v1', 'v2', 'v3', 'v4', 'v5'], campaignId, at);

    let res = await admin.post('/api/v1/commerce-receivers', {
      siteId,
      platform: 'shopify',
      secret: SHOP_SECRET,
    });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    shopify = { id: res.body.receiver.id, url: res.body.receiver.receiverUrl };
    assert.match(shopify.url, /\/hooks\/shopify\/crx_/);
    assert.equal(res.body.secret, null, 'the Shopify secret is the one entered, never echoed');
    res = await admin.post('/api/v1/commerce-receivers', { siteId, platform: 'woocommerce' });
    assert.equal(res.status, 201);
    assert.match(res.body.secret, /^wc_/, 'a WooCommerce secret is made and shown once');
    woo = { id: res.body.receiver.id, url: res.body.receiver.receiverUrl, secret: res.body.secret };
  });
  after(() => srv.close());

  it('counts an order seen by the tag and by Shopify once in lift, and says both saw it', async () => {
    await fx.purchase('v1', at + MIN, '1001', 40);
    await analyticsOf(srv.node.ctx).job.catchUp();
    const body = shopifyOrder(1001, '40.00', 'v1');
    const res = await post(hookPath(shopify.url), body, {
      'x-shopify-hmac-sha256': sign(SHOP_SECRET, body),
      'x-shopify-topic': 'orders/create',
    });
    assert.equal(res.statusCode, 200, res.body);
    const l = await lift();
    assert.equal(l.exposed.conversions, 1);
    assert.equal(l.exposed.revenue, 40);
    assert.deepEqual(l.exposed.sources, { tagOnly: 0, serverOnly: 0, both: 1 });

    // The buyer's contact page lists the order once, with both sources.
    const { store } = srv.node.ctx;
    const contact = await store.contacts.resolve(accountId, { email: 'buyer@example.com' });
    await store.contacts.linkVisitor(accountId, siteId, 'v1', contact.id);
    const profile = await admin.get(`/api/v1/contacts/${contact.id}`);
    assert.equal(profile.status, 200, JSON.stringify(profile.body));
    assert.deepEqual(
      profile.body.purchases.map((p: { orderId: string; sources: string[] }) => [p.orderId, p.sources]),
      [['1001', ['tag', 'shopify']]],
    );
  });

  it('counts an order Shopify reported first, then the tag saw, once too', async () => {
    const body = shopifyOrder(1002, '25.50', 'v2', new Date(at + 2 * MIN).toISOString());
    const res = await post(hookPath(shopify.url), body, { 'x-shopify-hmac-sha256': sign(SHOP_SECRET, body) });
    assert.equal(res.statusCode, 200, res.body);
    await fx.purchase('v2', at + 2 * MIN, '1002', 25.5);
    await analyticsOf(srv.node.ctx).job.catchUp();
    const l = await lift();
    assert.equal(l.exposed.conversions, 2);
    assert.equal(l.exposed.converted, 2);
    assert.equal(l.exposed.revenue, 65.5);
    assert.deepEqual(l.exposed.sources, { tagOnly: 0, serverOnly: 0, both: 2 });
    const list = await admin.get('/api/v1/conversions?source=shopify');
    assert.deepEqual(
      list.body.items.map((c: { orderId: string; sources: string[] }) => [c.orderId, c.sources]),
      [
        ['1002', ['tag', 'shopify']],
        ['1001', ['tag', 'shopify']],
      ],
    );
  });

  it('takes the same order id twice from the API and counts it once', async () => {
    const order = { orderId: 'A-1', value: 12.5, currency: 'usd', visitorId: 'v3' };
    const first = await api.post('/api/v1/conversions', order);
    assert.equal(first.status, 201, JSON.stringify(first.body));
    assert.equal(first.body.duplicate, false);
    assert.equal(first.body.conversion.attributed, true);
    assert.equal(first.body.conversion.currency, 'USD');
    assert.equal(
      first.body.conversion.campaignId,
      null,
      'the list names the credited campaign; this answer is the stored order',
    );
    const again = await api.post('/api/v1/conversions', order);
    assert.equal(again.status, 200);
    assert.equal(again.body.duplicate, true);
    assert.equal(again.body.conversion.id, first.body.conversion.id);
    const l = await lift();
    assert.equal(l.exposed.conversions, 3);
    assert.deepEqual(l.exposed.sources, { tagOnly: 0, serverOnly: 1, both: 2 });
    const listed = await admin.get('/api/v1/conversions?source=api');
    assert.equal(listed.body.items.length, 1);
    assert.equal(
      listed.body.items[0].campaignId,
      campaignId,
      'credited to the campaign that showed its offer',
    );
  });

  it('stores an order of an unknown visitor as unattributed, counted so, and ties it when the tag sees it', async () => {
    const res = await api.post('/api/v1/conversions', {
      orderId: 'A-2',
      value: 9,
      currency: 'USD',
      visitorId: 'nobody-known',
    });
    assert.equal(res.status, 201);
    assert.equal(res.body.conversion.attributed, false);
    const noVisitor = await api.post('/api/v1/conversions', { orderId: 'A-3', value: 5, currency: 'USD' });
    assert.equal(noVisitor.status, 201);
    assert.equal(noVisitor.body.conversion.attributed, false);
    const funnel = await admin.get('/api/v1/reports/funnel');
    assert.equal(funnel.body.unattributedConversions, 2);
    const unattributed = await admin.get('/api/v1/conversions?attributed=false');
    assert.deepEqual(unattributed.body.items.map((c: { orderId: string }) => c.orderId).sort(), [
      'A-2',
      'A-3',
    ]);

    // The tag saw the buyer of A-3 on the thank-you page: the order now belongs to that visit.
    await fx.purchase('v4', Date.now() - MIN, 'A-3', 5);
    await analyticsOf(srv.node.ctx).job.catchUp();
    const after = await admin.get('/api/v1/conversions?source=tag&attributed=true');
    const a3 = after.body.items.find((c: { orderId: string }) => c.orderId === 'A-3');
    assert.deepEqual([a3.visitorId, a3.sources, a3.campaignId], ['v4', ['tag', 'api'], campaignId]);
    assert.equal((await admin.get('/api/v1/reports/funnel')).body.unattributedConversions, 1);
  });

  it('refuses a bad currency, value or time with a 400 that names the field', async () => {
    const bad = async (body: Record<string, unknown>, field: RegExp) => {
      const res = await api.post('/api/v1/conversions', {
        orderId: 'B-1',
        value: 1,
        currency: 'USD',
        ...body,
      });
      assert.equal(res.status, 400, JSON.stringify(res.body));
      assert.match(res.body.error.message, field);
    };
    await bad({ currency: 'XYZ' }, /currency/);
    await bad({ currency: 'US' }, /currency/);
    await bad({ value: -1 }, /value/);
    await bad({ value: 'ten' }, /value/);
    await bad({ occurredAt: 'yesterday' }, /occurredAt/);
    await bad({ occurredAt: new Date(Date.now() + 86_400_000).toISOString() }, /future/);
    await bad({ siteId: 'site_of_someone_else' }, /site/);
    const unauth = await srv.node.app.inject({
      method: 'POST',
      url: '/api/v1/conversions',
      payload: { orderId: 'B-1', value: 1, currency: 'USD' },
      headers: { authorization: 'Bearer bk_not_a_key' },
    });
    assert.equal(unauth.statusCode, 401);
  });

  it('refuses forged or missing Shopify and WooCommerce signatures with 401 and stores nothing', async () => {
    const before = await count();
    const body = shopifyOrder(2001, '99.00', 'v5');
    const forged = [
      post(hookPath(shopify.url), body, { 'x-shopify-hmac-sha256': sign('not-the-secret', body) }),
      post(hookPath(shopify.url), body, {}),
      post(hookPath(shopify.url), body.replace('99.00', '9.00'), {
        'x-shopify-hmac-sha256': sign(SHOP_SECRET, body),
      }),
      post(hookPath(woo.url), wooOrder(3001, '10.00', 'processing'), {
        'x-wc-webhook-signature': sign('guess', 'x'),
      }),
      post(hookPath(woo.url), wooOrder(3001, '10.00', 'processing'), {}),
      // A Shopify signature does not open the WooCommerce receiver, nor the other way round.
      post(hookPath(woo.url), body, { 'x-shopify-hmac-sha256': sign(woo.secret, body) }),
    ];
    for (const res of await Promise.all(forged)) assert.equal(res.statusCode, 401, res.body);
    assert.equal(await count(), before, 'nothing stored');
    const receivers = await admin.get('/api/v1/commerce-receivers');
    assert.deepEqual(
      receivers.body.items.map((r: { platform: string; orders: number }) => [r.platform, r.orders]),
      [
        ['shopify', 2],
        ['woocommerce', 0],
      ],
    );
  });

  it("answers WooCommerce's ping, skips unpaid orders and records paid ones with the visitor from meta_data", async () => {
    const before = await count();
    const ping = await srv.node.app.inject({
      method: 'POST',
      url: hookPath(woo.url),
      payload: 'webhook_id=17',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(ping.statusCode, 200);
    const pending = wooOrder(3002, '15.00', 'pending', 'v5');
    let res = await post(hookPath(woo.url), pending, {
      'x-wc-webhook-signature': sign(woo.secret, pending),
      'x-wc-webhook-topic': 'order.created',
    });
    assert.equal(res.statusCode, 200);
    assert.equal(JSON.parse(res.body).skipped, 'status pending');
    assert.equal(await count(), before);
    const paid = wooOrder(3002, '15.00', 'processing', 'v5');
    res = await post(hookPath(woo.url), paid, {
      'x-wc-webhook-signature': sign(woo.secret, paid),
      'x-wc-webhook-topic': 'order.updated',
    });
    assert.equal(res.statusCode, 200, res.body);
    const stored = await admin.get('/api/v1/conversions?source=woocommerce');
    assert.equal(stored.body.items.length, 1);
    assert.deepEqual(
      [
        stored.body.items[0].orderId,
        stored.body.items[0].visitorId,
        stored.body.items[0].value,
        stored.body.items[0].currency,
      ],
      ['3002', 'v5', 15, 'EUR'],
    );
    // A retried delivery counts once.
    await post(hookPath(woo.url), paid, { 'x-wc-webhook-signature': sign(woo.secret, paid) });
    assert.equal(await count(), before + 1);
  });

  it('sends conversion.attributed, signed, to endpoints subscribed to it, naming the credited campaign', async () => {
    const rx = await WebhookReceiver.start();
    try {
      const made = await admin.post('/api/v1/webhooks', { url: rx.url, events: ['conversion.attributed'] });
      assert.equal(made.status, 201, JSON.stringify(made.body));
      const sent = await api.post('/api/v1/conversions', {
        orderId: 'HOOK-1',
        value: 30,
        currency: 'EUR',
        visitorId: 'v5',
      });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      const deadline = Date.now() + 10_000;
      while (rx.events('conversion.attributed').length === 0 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const [event] = rx.events('conversion.attributed');
      assert.ok(event, 'the endpoint got the event');
      const conversion = event.data.conversion as Record<string, unknown>;
      assert.equal(conversion.orderId, 'HOOK-1');
      assert.equal(conversion.visitorId, 'v5');
      assert.equal(conversion.source, 'api');
      assert.deepEqual(conversion.campaignIds, [campaignId]);
      const raw = rx.received.find((r) => r.body.includes('HOOK-1'))!;
      new Webhook(made.body.secret).verify(raw.body, raw.headers as Record<string, string>);
      // The same order again is a duplicate: no second event.
      await api.post('/api/v1/conversions', {
        orderId: 'HOOK-1',
        value: 30,
        currency: 'EUR',
        visitorId: 'v5',
      });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(rx.events('conversion.attributed').length, 1);
      await admin.delete(`/api/v1/webhooks/${made.body.id}`);
    } finally {
      await rx.close();
    }
  });

  it("keeps each account's orders and receivers to itself", async () => {
    const { store } = srv.node.ctx;
    const other = await store.accounts.create('Other');
    await store.sites.create(other.id, { name: 'Other shop', allowedOrigins: [] });
    const otherApi = new ApiClient(srv.node.app);
    otherApi.bearer = (await store.apiKeys.create(other.id, 'k')).key;
    const res = await otherApi.post('/api/v1/conversions', {
      orderId: 'A-1',
      value: 1,
      currency: 'USD',
      visitorId: 'v3',
    });
    assert.equal(res.status, 201, 'another account’s order A-1 is its own');
    assert.equal(res.body.conversion.attributed, false, "this account's visitor v3 is not theirs");
    assert.equal((await otherApi.get('/api/v1/conversions')).body.items.length, 1);
    assert.equal((await otherApi.delete(`/api/v1/commerce-receivers/${shopify.id}`)).status, 404);
  });
});
