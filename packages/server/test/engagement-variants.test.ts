import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Condition } from '@beckon/protocol';
import type { VisitorClient } from '@beckon/sdk/index';
import { contentCampaign, eventually, flush, newTenant, runtime, visitor } from './engagement-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

// Everyone with an empty cart qualifies on hello.
const anyone: Condition = { all: [{ field: 'cart.items', op: 'lte', value: 0 }] };
const TITLES: Record<string, string> = { A: 'Free shipping', B: 'Free returns', C: 'Ten percent off' };
/** The title of a delivered content offer. */
const title = (offer: { engagement: object }) => (offer.engagement as { title?: string }).title;
const variant = (key: string, weight: number) => ({
  key,
  weight,
  ...(key === 'A' ? {} : { title: TITLES[key] }),
});

describe('variants: each visitor gets and keeps one arm', () => {
  let srv: TestServer;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let campaignId: string;
  const base = contentCampaign(TITLES.A!, anyone, { priority: 10 });
  const withVariants = (...variants: object[]) => ({ ...base.engagement, variants });

  before(async () => {
    srv = await startTestServer();
    t = await newTenant(srv);
    const created = await t.api.post('/api/v1/campaigns', {
      ...base,
      engagement: withVariants(variant('A', 0.5), variant('B', 0.5)),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    campaignId = created.body.id;
    // A campaign every visitor qualifies for after ours: what a visitor gets when ours has nothing for them.
    await t.api.post('/api/v1/campaigns', contentCampaign('Fallback', anyone, { priority: 1 }));
  });
  after(() => srv.close());

  /** The arm recorded with the visitor's exposures to the campaign, newest first. */
  async function armsOf(visitorId: string): Promise<Array<string | null>> {
    await flush(srv);
    const rows = await srv.node.ctx.store.db
      .selectFrom('exposures')
      .select(['variant', 'created_at'])
      .where('visitor_id', '=', visitorId)
      .where('campaign_id', '=', campaignId)
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((r) => r.variant ?? null);
  }

  /** Disconnects the visitor and evicts them to the store. */
  async function leave(v: VisitorClient, visitorId: string) {
    await v.close();
    const rt = runtime(srv);
    await eventually(() => rt.tracker.peek(t.site.id, visitorId)?.channels.size === 0);
    await rt.tracker.sweep(Date.now(), 0);
    await flush(srv);
  }

  /** Drops the campaign memory from an evicted visitor's snapshot, as a node that died before writing it would. */
  async function forgetSnapshotArms(visitorId: string) {
    const db = srv.node.ctx.store.db;
    const row = await db
      .selectFrom('visitors')
      .select('state')
      .where('site_id', '=', t.site.id)
      .where('id', '=', visitorId)
      .executeTakeFirstOrThrow();
    assert.match(row.state, /"arm":"[AB]"/, 'the snapshot names the arm');
    const stored = JSON.parse(row.state);
    stored.snapshot.campaigns = [];
    await db
      .updateTable('visitors')
      .set({ state: JSON.stringify(stored) })
      .where('site_id', '=', t.site.id)
      .where('id', '=', visitorId)
      .execute();
  }

  const byArm = new Map<string, string>();

  it('delivers the variant’s fields merged into the engagement, records the arm, and splits by weight', async () => {
    for (let i = 0; i < 24; i++) {
      const id = `split-${i}`;
      const v = await visitor(srv, t.site.siteKey, id);
      const offer = await v.nextEngage();
      assert.equal(offer.campaignId, campaignId);
      const [arm] = await armsOf(id);
      assert.ok(arm === 'A' || arm === 'B', `arm ${arm}`);
      assert.equal(title(offer), TITLES[arm!]);
      assert.equal((offer.engagement as { ctaUrl?: string }).ctaUrl, 'https://shop.example/offer');
      assert.equal('variants' in offer.engagement, false, 'the tag gets one engagement');
      byArm.set(arm!, id);
      await leave(v, id);
    }
    assert.equal(byArm.size, 2, 'both variants were drawn');
  });

  it('keeps a returning visitor in their arm after the weights change, even when their snapshot lost it', async () => {
    const id = byArm.get('B')!;
    const moved = await t.api.patch(`/api/v1/campaigns/${campaignId}`, {
      engagement: withVariants(variant('A', 1), variant('B', 0)),
    });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    // Its exposures still name B: the node reads them back when it loads the visitor.
    await forgetSnapshotArms(id);
    const v = await visitor(srv, t.site.siteKey, id);
    const offer = await v.nextEngage();
    assert.equal(offer.campaignId, campaignId);
    assert.equal(title(offer), TITLES.B);
    assert.deepEqual((await armsOf(id)).slice(0, 2), ['B', 'B']);
    // A new visitor now lands in A only.
    const fresh = await visitor(srv, t.site.siteKey, 'after-the-change');
    assert.equal(title(await fresh.nextEngage()), TITLES.A);
    await leave(fresh, 'after-the-change');
    await leave(v, id);
  });

  it('gives a removed variant’s visitors nothing more from the campaign, and does not move them', async () => {
    const id = byArm.get('B')!;
    const removed = await t.api.patch(`/api/v1/campaigns/${campaignId}`, {
      engagement: withVariants(variant('A', 0.5), variant('C', 0.5)),
    });
    assert.equal(removed.status, 200);
    const v = await visitor(srv, t.site.siteKey, id);
    const offer = await v.nextEngage();
    assert.equal(title(offer), 'Fallback', 'the next campaign in line, not variant A or C');
    assert.deepEqual((await armsOf(id)).slice(0, 1), ['B']);
    await leave(v, id);
    // The removed variant's visitors stay in the report, marked.
    const report = (await t.api.get(`/api/v1/reports/campaigns/${campaignId}/variants`)).body;
    const b = report.arms.find((a: { key: string }) => a.key === 'B');
    assert.equal(b.removed, true);
    assert.ok(b.visitors >= 1);
  });
});
