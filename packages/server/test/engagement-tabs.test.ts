import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { customEvent, exposureOutcome, pageView } from '@beckon/sdk/index';
import { newTenant, visitor } from './engagement-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

// A shopper with two tabs of one store is one visitor: targeting decides on the page they opened
// last, so what it shows belongs in that tab, whatever the other tab says in the meantime.
describe('a visitor with two tabs', () => {
  let srv: TestServer;
  let t: Awaited<ReturnType<typeof newTenant>>;
  before(async () => {
    srv = await startTestServer();
    t = await newTenant(srv);
  });
  after(() => srv.close());

  it('gets an engagement in the tab showing the page it was decided on, not the tab that spoke last', async () => {
    const created = await t.api.post('/api/v1/campaigns', {
      name: 'Cart offer',
      status: 'active',
      goal: { type: 'purchase' },
      targeting: {
        all: [
          { field: 'page.url', op: 'contains', value: '/cart' },
          { field: 'page.timeOnPage', op: 'gte', value: 1 },
        ],
      },
      engagement: {
        type: 'content',
        title: 'Free delivery',
        text: 'Free delivery on this order.',
        ctaLabel: 'Check out',
        ctaUrl: 'https://shop.example/checkout',
      },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const origin = new URL(srv.url).origin;
    const home = await visitor(srv, t.site.siteKey, 'two-tabs', { url: `${origin}/` });
    await home.sendBatch([pageView(`${origin}/`)]);
    const cart = await visitor(srv, t.site.siteKey, 'two-tabs', { url: `${origin}/cart` });
    await cart.sendBatch([pageView(`${origin}/cart`)]);
    // The first tab speaks after the cart page was opened: an outcome and an event of its own.
    await home.sendBatch([exposureOutcome('exp_elsewhere', 'shown'), customEvent('scrolled')]);

    const offer = await cart.nextEngage(5000);
    assert.equal(offer.campaignId, created.body.id);
    await assert.rejects(home.nextEngage(300), /no engage frame/, 'nothing in the tab behind');

    // Once the cart tab is closed, the next engagement goes to the tab that is left.
    await cart.close();
    await home.sendBatch([pageView(`${origin}/cart`)]);
    const again = await home.nextEngage(5000);
    assert.equal(again.campaignId, created.body.id);
    assert.notEqual(again.exposureId, offer.exposureId);
    await home.close();
  });
});
