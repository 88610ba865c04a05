import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isControl } from '@beckon/core';
import { exposureOutcome, pageView } from '@beckon/sdk/index';
import { CHAT_WITH_US, CHECKOUT_HESITATION, seedDemoCampaigns } from '../src/engagement/demo-campaigns.ts';
import { visitor } from './engagement-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent } from './helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  process.env.BECKON_CAPACITY_TTL_MS = '50';
  process.env.BECKON_CAPACITY_RETRY_MS = '200';
  process.env.BECKON_DEMO_HESITATION_SECONDS = '1';
});

interface CampaignView {
  id: string;
  name: string;
  priority: number;
  controlShare: number;
  engagement: { type: string; label?: string };
}

describe('the demo store’s chat button', () => {
  let srv: TestServer;
  let campaigns: CampaignView[];
  const named = (name: string) => campaigns.find((c) => c.name === name)!;
  before(async () => {
    srv = await startTestServer({ demo: true });
    const admin = new ApiClient(srv.node.app);
    await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    campaigns = (await admin.get('/api/v1/campaigns')).body.items;
  });
  after(() => srv.close());

  /** A shopper on the demo's checkout with a 120 € cart: what "Checkout hesitation" waits for. */
  const atCheckout = async (visitorId: string) => {
    const origin = new URL(srv.url).origin;
    const shopper = await visitor(srv, srv.demo!.siteKey, visitorId, { origin });
    await shopper.sendBatch([
      {
        type: 'attr',
        attrType: 'cart',
        value: { items: [{ sku: 'lamp', price: 120, quantity: 1 }], total: 120, currency: 'USD' },
        ts: Date.now(),
      },
      pageView(`${origin}/demo/checkout.html`, ['checkout']),
    ]);
    return shopper;
  };
  /** The first visitor id of the form `prefix-N` that falls in (or out of) the invitation's control group. */
  const visitorWho = (prefix: string, control: boolean) => {
    const hesitation = named(CHECKOUT_HESITATION);
    return Array.from({ length: 500 }, (_, i) => `${prefix}-${i}`).find(
      (id) => isControl(id, hesitation.id, hesitation.controlShare) === control,
    )!;
  };

  it('is a “Chat with us” button for every visitor, below the other campaigns and with no control group', () => {
    const button = named(CHAT_WITH_US);
    assert.deepEqual(button.engagement, {
      type: 'chat_button',
      skillId: srv.demo!.skillIds.sales,
      label: 'Chat with us',
      offline: 'none',
    });
    assert.equal(button.controlShare, 0);
    const others = campaigns.filter((c) => c !== button);
    assert.ok(others.length === 2 && others.every((c) => c.priority > button.priority));
  });

  it('reaches the invitation’s control group, on every page, while an agent can answer', async () => {
    const button = named(CHAT_WITH_US);
    const shopper = await atCheckout(visitorWho('control', true));
    // Nobody online: no button to press.
    await assert.rejects(shopper.nextEngage(1800), /no engage frame/);
    const sales = await connectAgent(srv, 'sales@demo.beckon.local');
    const first = await shopper.nextEngage(3000);
    assert.equal(first.campaignId, button.id, 'the invitation stays hidden for them; the button shows');
    assert.equal(first.engagement.type, 'chat_button');
    // The next page brings it again (each page loads the widget afresh).
    await shopper.sendBatch([pageView(`${srv.url}/demo/products.html`, ['product'])]);
    const again = await shopper.nextEngage(3000);
    assert.equal(again.campaignId, button.id);
    assert.notEqual(again.exposureId, first.exposureId);
    await shopper.close();
    await sales.disconnect();
  });

  it('leaves the invitation first when it qualifies, and comes after it is answered', async () => {
    const sales = await connectAgent(srv, 'sales@demo.beckon.local');
    await new Promise((r) => setTimeout(r, 150)); // the capacity cache sees the agent
    const shopper = await atCheckout(visitorWho('treated', false));
    const invitation = await shopper.nextEngage(5000);
    assert.equal(invitation.campaignId, named(CHECKOUT_HESITATION).id);
    assert.equal(invitation.engagement.type, 'chat_invitation');
    // While the invitation waits for an answer nothing else comes; then the button does.
    await assert.rejects(shopper.nextEngage(600), /no engage frame/);
    await shopper.sendBatch([exposureOutcome(invitation.exposureId, 'dismissed')]);
    const button = await shopper.nextEngage(3000);
    assert.equal(button.campaignId, named(CHAT_WITH_US).id);
    await shopper.close();
    await sales.disconnect();
  });

  it('comes to a demo seeded before it, once: a deleted button is not brought back', async () => {
    const { store } = srv.node.ctx;
    const account = await store.accounts.create('Older demo');
    const site = await store.sites.create(account.id, { name: 'Shop', allowedOrigins: [srv.url] });
    const sales = await store.skills.create(account.id, { name: 'Sales' });
    const demo = {
      accountId: account.id,
      siteId: site.id,
      siteKey: site.siteKey,
      skillIds: { sales: sales.id, support: sales.id },
      logins: [],
      created: false,
    };
    // The first release's campaigns were seeded, and the user deleted one of them since.
    await store.settings.set(`demo.campaigns.v1.${account.id}`, new Date().toISOString());
    const names = async () => (await store.campaigns.list(account.id)).map((c) => c.name).sort();
    await seedDemoCampaigns(store, demo);
    assert.deepEqual(await names(), [CHAT_WITH_US]);
    await seedDemoCampaigns(store, demo);
    assert.deepEqual(await names(), [CHAT_WITH_US], 'once');
    const [button] = await store.campaigns.list(account.id);
    await store.campaigns.delete(account.id, button!.id);
    await seedDemoCampaigns(store, demo);
    assert.deepEqual(await names(), []);
  });
});
