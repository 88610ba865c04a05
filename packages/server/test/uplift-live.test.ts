import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { inUpliftHoldout, isControl } from '@beckon/core';
import { predictUplift } from '@beckon/core/model/index';
import { cartAttr, pageView } from '@beckon/sdk/index';
import { UPLIFT_MIN_VISITORS } from '../src/scoring/uplift-data.ts';
import { contentCampaign, newTenant, visitor } from './engagement-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';
import { scoring } from './model-fixtures.ts';
import { kindVector, upliftHistory } from './uplift-fixtures.ts';

// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  process.env.BECKON_MODEL_BAND_REFRESH_MS = '0';
  process.env.BECKON_MODEL_SWEEP_MS = '0';
  process.env.BECKON_MODEL_SCHEDULE_CHECK_MS = '0';
});

const LAMP = [{ sku: 'LAMP', name: 'Oak lamp', price: 120, quantity: 1 }];

/** Visitor ids of the campaign's exposed arm, in or out of the uplift mode's holdout. */
function ids(campaignId: string, holdout: boolean, n: number, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < n; i++) {
    const id = `${prefix}-${i}`;
    if (!isControl(id, campaignId, 0.5) && inUpliftHoldout(id, campaignId, 0.2) === holdout) out.push(id);
  }
  return out;
}

const cartCondition = { field: 'page.section', op: 'contains', value: 'cart' } as const;

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`uplift learned per campaign from live data (${store})`, () => {
    let srv: TestServer;
    let t: Awaited<ReturnType<typeof newTenant>>;
    let campaignId: string;
    before(async () => {
      srv = await startTestServer({ store });
      t = await newTenant(srv);
      const created = await t.api.post(
        '/api/v1/campaigns',
        contentCampaign('Free shipping', cartCondition, {
          controlShare: 0.5,
          uplift: { mode: 'positive_only', holdout: 0.2 },
        }),
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.deepEqual(created.body.uplift, { mode: 'positive_only', holdout: 0.2 });
      campaignId = created.body.id;
    });
    after(() => srv.close());

    /** Whether a live visitor of one kind is engaged by the campaign (a product page, with or without a cart). */
    async function engagedLive(id: string, cart: boolean): Promise<boolean> {
      const origin = new URL(srv.url).origin;
      const c = await visitor(srv, t.site.siteKey, id, { sections: ['cart'] });
      const batch = [pageView(`${origin}/cart`, ['cart'])];
      await c.sendBatch(cart ? [...batch, cartAttr(120, LAMP)] : batch);
      await c.sendBatch([pageView(`${origin}/cart`, ['cart'])]);
      const shown = c.engages.some((e) => e.campaignId === campaignId);
      await c.close();
      return shown;
    }

    it('has no model and says why while the campaign has too few visitors', async () => {
      const [run] = await scoring(srv).upliftTrainer.trainAccount(t.accountId);
      assert.equal(run?.state, 'not_enough_data');
      assert.deepEqual([run?.treated, run?.control], [0, 0]);
      assert.match(run!.message, new RegExp(`needs ${UPLIFT_MIN_VISITORS} exposed`));
      assert.equal(scoring(srv).uplift.has(campaignId), false);
      const [browser] = ids(campaignId, false, 1, 'early-browse');
      assert.equal(await engagedLive(browser!, false), true, 'without a model the mode targets everyone');
      const report = await t.api.get(`/api/v1/reports/campaigns/${campaignId}/uplift`);
      assert.equal(report.status, 200, JSON.stringify(report.body));
      assert.equal(report.body.model.state, 'not_enough_data');
      assert.equal(report.body.model.targetsEveryone, true, 'the report says the mode targets everyone');
      assert.deepEqual(report.body.bands, []);
    });

    it('learns that the engagement helps cart holders and not browsers', async () => {
      await upliftHistory(srv, t.accountId, t.site.id, campaignId);
      const [run] = await scoring(srv).upliftTrainer.trainAccount(t.accountId);
      assert.equal(run?.state, 'trained', run?.message);
      assert.deepEqual([run?.treated, run?.control], [400, 400]);
      assert.deepEqual([run?.treatedConversions, run?.controlConversions], [90, 40]);
      const rt = scoring(srv).uplift;
      assert.equal(rt.has(campaignId), true);
      const [user] = rt.usedBy(t.accountId);
      assert.equal(user?.campaignId, campaignId, 'the positive-only mode reads predicted uplift');
      const helped = predictUplift(user!.model, Float64Array.from(kindVector(true, 1)));
      const unhelped = predictUplift(user!.model, Float64Array.from(kindVector(false, 1)));
      assert.ok(helped > 0.15, `cart holders: ${helped}`);
      assert.ok(unhelped < 0, `browsers: ${unhelped}`);
      assert.ok(helped > unhelped + 0.1);
    });

    it('reports lift by band of predicted uplift: the top bands gain, the bottom ones do not', async () => {
      const res = await t.api.get(`/api/v1/reports/campaigns/${campaignId}/uplift`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const r = res.body;
      assert.deepEqual(
        [r.mode, r.holdout, r.model.state, r.model.targetsEveryone],
        ['positive_only', 0.2, 'trained', false],
      );
      assert.ok(r.bands.length >= 2, 'visitors sharing a prediction stay in one band');
      const visitors = r.bands.reduce(
        (n: number, b: { exposed: { visitors: number } }) => n + b.exposed.visitors,
        0,
      );
      assert.equal(visitors, 400);
      const top = r.bands.at(-1);
      const bottom = r.bands[0];
      assert.ok(top.from > 0 && bottom.to < 0, `uplift ranges ${bottom.to} … ${top.from}`);
      assert.ok(top.absoluteLift.estimate > 0.2, `top band lift ${top.absoluteLift.estimate}`);
      assert.ok(top.absoluteLift.ci[0] > 0, 'its interval excludes zero');
      assert.ok(bottom.absoluteLift.estimate < 0, `bottom band lift ${bottom.absoluteLift.estimate}`);
      const csv = await t.api.get(`/api/v1/reports/campaigns/${campaignId}/uplift?format=csv`);
      assert.equal(csv.status, 200);
      const lines = String(csv.body).trim().split('\n');
      assert.equal(lines.length, 1 + r.bands.length);
      assert.match(lines[0]!, /^band,uplift_from,uplift_to,/);
    });

    it('engages only positive-uplift visitors outside its holdout, and everyone inside it', async () => {
      for (const id of ids(campaignId, false, 3, 'out-cart'))
        assert.equal(await engagedLive(id, true), true, id);
      for (const id of ids(campaignId, false, 3, 'out-browse'))
        assert.equal(await engagedLive(id, false), false, id);
      for (const id of ids(campaignId, true, 3, 'in-browse'))
        assert.equal(await engagedLive(id, false), true, id);
    });

    it('lets an `uplift` condition engage the helped kind only', async () => {
      const res = await t.api.patch(`/api/v1/campaigns/${campaignId}`, {
        targeting: { field: 'uplift', op: 'gte', value: 0.1 },
        uplift: { mode: 'off' },
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.uplift, undefined);
      await scoring(srv).uplift.refresh();
      assert.equal(
        scoring(srv).uplift.usedBy(t.accountId)[0]?.campaignId,
        campaignId,
        'the condition reads it',
      );
      for (const id of ids(campaignId, true, 2, 'f-cart'))
        assert.equal(await engagedLive(id, true), true, id);
      for (const id of ids(campaignId, true, 2, 'f-browse'))
        assert.equal(await engagedLive(id, false), false, id);
    });

    it('refuses bad uplift settings with the path', async () => {
      const bad = await t.api.patch(`/api/v1/campaigns/${campaignId}`, {
        uplift: { mode: 'positive_only', holdout: 2 },
      });
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(bad.body), /\/uplift\/holdout/);
      const noControl = await t.api.patch(`/api/v1/campaigns/${campaignId}`, {
        controlShare: 0,
        uplift: { mode: 'positive_only' },
      });
      assert.equal(noControl.status, 400);
      assert.match(JSON.stringify(noControl.body), /\/uplift\/mode/);
    });
  });
}
