import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { shopifyDelivery, wooDelivery } from '../src/commerce/shop-orders.ts';
import { newTenant } from './engagement-fixtures.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { broadcastTestEnv } from './helpers/store-node.ts';
import { tagPurchase } from './helpers/tag-purchase.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const pgSkip = postgresSkipReasonNow();

describe('the phone number of a shop order', () => {
  it('is read from Shopify (order, customer, billing) and WooCommerce (billing)', () => {
    const shopify = (extra: Record<string, unknown>) =>
      shopifyDelivery(
        { id: 1, total_price: '10.00', currency: 'EUR', created_at: '2026-01-01T00:00:00Z', ...extra },
        'orders/create',
      );
    const phoneOf = (d: ReturnType<typeof shopifyDelivery>) => ('order' in d ? d.order.phone : 'none');
    assert.equal(phoneOf(shopify({ phone: '+4915112345678' })), '+4915112345678');
    assert.equal(phoneOf(shopify({ customer: { phone: '+15551234567' } })), '+15551234567');
    assert.equal(phoneOf(shopify({ billing_address: { phone: '+447700900123' } })), '+447700900123');
    assert.equal(phoneOf(shopify({})), undefined);
    const woo = wooDelivery(
      {
        id: 2,
        status: 'processing',
        total: '5.00',
        currency: 'EUR',
        date_created_gmt: '2026-01-01T00:00:00',
        billing: { email: 'w@example.com', phone: '+34 612 345 678' },
      },
      'order.created',
    );
    assert.equal('order' in woo && woo.order.phone, '+34 612 345 678');
  });
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`broadcast conversions of merged contacts and by phone (${kind})`, {
    skip: kind === 'postgres' ? (pgSkip ?? false) : false,
    timeout: 60_000,
  }, () => {
    let srv: TestServer;
    let sink: SmtpSink;
    let t: Awaited<ReturnType<typeof newTenant>>;
    const store = () => srv.node.ctx.store;
    let orders = 0;

    before(async () => {
      sink = await startSmtpSink();
      srv = await startTestServer({ store: kind, env: broadcastTestEnv(sink.url) });
      t = await newTenant(srv);
    });
    after(async () => {
      await srv?.close();
      await sink?.close();
    });

    /** Contacts by name; those in `members` make up a segment, which a broadcast (no holdout) is sent to. */
    const sendTo = async (
      batch: string,
      people: Record<string, { email?: string; phone?: string }>,
      members: string[],
    ) => {
      const ids: Record<string, string> = {};
      for (const [name, keys] of Object.entries(people)) {
        const c = await store().contacts.resolve(t.accountId, { name, ...keys });
        ids[name] = c.id;
        if (members.includes(name)) await store().contacts.addAttributes(t.accountId, c.id, { batch });
      }
      const seg = await t.api.post('/api/v1/segments', {
        name: batch,
        filter: { field: 'attribute.batch', op: 'equals', value: batch },
      });
      assert.equal(seg.body.count, members.length, JSON.stringify(seg.body));
      const r = await t.api.post('/api/v1/broadcasts', {
        name: batch,
        segmentId: seg.body.id,
        channels: ['email'],
        content: { email: { subject: 'Hello', text: 'Hello {{name|there}}.' } },
        holdoutPercent: 0,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const id = r.body.id as string;
      await eventually(
        async () => (await t.api.get(`/api/v1/broadcasts/${id}`)).body.status === 'sent',
        15_000,
        'sent',
      );
      const send = async () => (await t.api.get(`/api/v1/broadcasts/${id}`)).body.lift.send;
      return { ids, send };
    };
    const order = async (who: Record<string, string>, value: number) => {
      const r = await t.api.post('/api/v1/conversions', {
        orderId: `o-${kind}-${++orders}`,
        value,
        currency: 'EUR',
        ...who,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.conversion;
    };
    const tagBought = (contactId: string, value: number) =>
      tagPurchase(store(), {
        accountId: t.accountId,
        siteId: t.site.id,
        contactId,
        orderId: `tag-${kind}-${++orders}`,
        value,
        ts: Date.now(),
      });

    it('counts what a contact merged into the recipient bought, before and after the merge', async () => {
      const { ids, send } = await sendTo(
        `kept-${kind}`,
        { Kim: { email: `kim-${kind}@example.com` }, Kimberly: { email: `kimberly-${kind}@example.com` } },
        ['Kim'],
      );
      // The other record of the same person buys, once in the shop and once on the site.
      await order({ email: `kimberly-${kind}@example.com` }, 30);
      await tagBought(ids.Kimberly!, 12);
      let s = await send();
      assert.deepEqual([s.contacts, s.converted, s.conversions, s.revenue], [1, 0, 0, 0]);
      const merged = await t.api.post(`/api/v1/contacts/${ids.Kim}/merge`, { contactId: ids.Kimberly });
      assert.equal(merged.status, 201, JSON.stringify(merged.body));
      s = await send();
      assert.deepEqual([s.converted, s.conversions, s.revenue], [1, 2, 42]);
      // An order naming the merged-away address after the merge is the kept contact's.
      await order({ email: `kimberly-${kind}@example.com` }, 8);
      s = await send();
      assert.deepEqual([s.converted, s.conversions, s.revenue], [1, 3, 50]);
      assert.equal(s.revenuePerContact, 50);
    });

    it('follows a recipient merged into another contact after the send, and a chain of merges', async () => {
      const { ids, send } = await sendTo(
        `chain-${kind}`,
        {
          Ray: { email: `ray-${kind}@example.com` },
          Raymond: { email: `raymond-${kind}@example.com` },
          Rai: { email: `rai-${kind}@example.com` },
        },
        ['Ray'],
      );
      // Rai is merged into Ray (the recipient), then Ray into Raymond: one person, three records.
      const merge = async (kept: string, gone: string) =>
        assert.equal(
          (await t.api.post(`/api/v1/contacts/${ids[kept]}/merge`, { contactId: ids[gone] })).status,
          201,
        );
      await order({ email: `rai-${kind}@example.com` }, 5);
      await merge('Ray', 'Rai');
      await merge('Raymond', 'Ray');
      await order({ email: `raymond-${kind}@example.com` }, 20);
      await order({ email: `rai-${kind}@example.com` }, 1);
      const s = await send();
      assert.deepEqual([s.contacts, s.converted, s.conversions, s.revenue], [1, 1, 3, 26]);
    });

    it('matches an order to the contact with its phone number, written in any usual way', async () => {
      const { send } = await sendTo(
        `phone-${kind}`,
        {
          Pia: { email: `pia-${kind}@example.com`, phone: '+4915112345678' },
          Paul: { email: `paul-${kind}@example.com`, phone: '+4915187654321' },
        },
        ['Pia'],
      );
      const c = await order({ phone: '+49 151 1234-5678' }, 19.5);
      assert.equal(c.attributed, false, 'no visit is known, yet the contact is');
      await order({ phone: '+4915100000000' }, 100);
      await order({ phone: '0049 151 8765 4321' }, 7);
      const s = await send();
      assert.deepEqual([s.converted, s.conversions, s.revenue], [1, 1, 19.5]);
      const bad = await t.api.post('/api/v1/conversions', {
        orderId: `bad-${kind}`,
        value: 1,
        currency: 'EUR',
        phone: 'x'.repeat(40),
      });
      assert.equal(bad.status, 400);
    });
  });
}
