import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Condition } from '@beckon/protocol';
import { cartAttr, exposureOutcome } from '@beckon/sdk/index';
import { contentCampaign, flush, newTenant, visitor } from './engagement-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

describe('an offer whose condition stopped holding is taken back', () => {
  let srv: TestServer;
  let t: Awaited<ReturnType<typeof newTenant>>;
  before(async () => {
    srv = await startTestServer();
    t = await newTenant(srv);
  });
  after(() => srv.close());

  const emptyCart: Condition = { all: [{ field: 'cart.items', op: 'lte', value: 0 }] };

  it('withdraws an empty-cart offer once the cart is filled, and lets the next campaign engage', async () => {
    const empty = await t.api.post(
      '/api/v1/campaigns',
      contentCampaign('Empty cart', emptyCart, { priority: 5 }),
    );
    assert.equal(empty.status, 201, JSON.stringify(empty.body));
    const full = await t.api.post(
      '/api/v1/campaigns',
      contentCampaign('Full cart', { all: [{ field: 'cart.items', op: 'gte', value: 1 }] }),
    );
    // The hello qualifies already (an empty cart); a later page view would end the offer's turn.
    const v = await visitor(srv, t.site.siteKey, 'fills-the-cart');
    const offer = await v.nextEngage();
    assert.equal(offer.campaignId, empty.body.id);
    assert.equal(offer.withdraw, undefined);
    await v.sendBatch([exposureOutcome(offer.exposureId, 'shown')]);

    await v.sendBatch([cartAttr(189, [{ sku: 'LAMP-OAK', name: 'Oak Desk Lamp', price: 189, quantity: 1 }])]);
    const back = await v.nextEngage();
    assert.equal(back.exposureId, offer.exposureId);
    assert.equal(back.withdraw, true);
    // The offer no longer holds anything back: the full-cart campaign engages now.
    const next = await v.nextEngage();
    assert.equal(next.campaignId, full.body.id);
    assert.equal(next.withdraw, undefined);
    await flush(srv);
    const row = await srv.node.ctx.store.exposures.get(t.accountId, offer.exposureId);
    assert.equal(row?.outcome, 'ignored');
    await v.close();
  });

  it('withdraws an invitation’s offline notice the same way, once its condition stops holding', async () => {
    const skill = await srv.node.ctx.store.skills.create(t.accountId, { name: 'Sales' });
    const created = await t.api.post('/api/v1/campaigns', {
      name: 'Basket help',
      status: 'active',
      goal: { type: 'purchase' },
      targeting: { all: [{ field: 'cart.items', op: 'lte', value: 0 }] },
      engagement: {
        type: 'chat_invitation',
        skillId: skill.id,
        message: 'Need a hand?',
        style: 'toaster',
        offline: 'offline_message',
      },
      priority: 9,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    // No agent is online: the invitation comes as its offline notice.
    const v = await visitor(srv, t.site.siteKey, 'asks-offline');
    const notice = await v.nextEngage();
    assert.equal(notice.campaignId, created.body.id);
    assert.equal(notice.engagement.type, 'offline_message');
    await v.sendBatch([exposureOutcome(notice.exposureId, 'shown')]);
    await v.sendBatch([cartAttr(20, [{ sku: 'MUG', name: 'Mug', price: 20, quantity: 1 }])]);
    const back = await v.nextEngage();
    assert.equal(back.exposureId, notice.exposureId);
    assert.equal(back.withdraw, true);
    await v.close();
    await t.api.patch(`/api/v1/campaigns/${created.body.id}`, { status: 'paused' });
  });

  it('leaves an offer whose condition still holds, and one the visitor already answered', async () => {
    const v = await visitor(srv, t.site.siteKey, 'keeps-browsing');
    const offer = await v.nextEngage();
    assert.equal(offer.engagement.type === 'content' && offer.engagement.title, 'Empty cart');
    // The cart reported again, still empty: nothing is taken back.
    await v.sendBatch([cartAttr(0, [])]);
    await assert.rejects(v.nextEngage(600), /no engage frame/);
    // Dismissed, then the cart fills: nothing to take back either.
    await v.sendBatch([exposureOutcome(offer.exposureId, 'dismissed')]);
    await v.sendBatch([cartAttr(48, [{ sku: 'MUG', name: 'Mugs', price: 48, quantity: 1 }])]);
    const next = await v.nextEngage();
    assert.notEqual(next.exposureId, offer.exposureId);
    assert.equal(next.withdraw, undefined);
    await v.close();
  });
});
