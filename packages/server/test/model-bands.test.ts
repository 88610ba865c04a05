import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { analyticsOf } from '../src/analytics/analytics-runtime.ts';
import { AnalyticsFixture, DAY, HOUR, ids } from './analytics-fixtures.ts';
import { contentCampaign, newTenant } from './engagement-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';
import { scoring } from './model-fixtures.ts';

// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  process.env.BECKON_MODEL_BAND_REFRESH_MS = '0';
  process.env.BECKON_MODEL_SWEEP_MS = '0';
});

/** Five score bands of 100 exposed and 100 control visitors, with these converted in each arm. */
const BANDS = [
  { lo: 0.0, exposed: 5, control: 5 }, // no lift
  { lo: 0.2, exposed: 8, control: 6 },
  { lo: 0.4, exposed: 2, control: 3 }, // 5 conversions in all: not enough data
  { lo: 0.6, exposed: 12, control: 8 },
  { lo: 0.8, exposed: 30, control: 10 }, // +20 points
];

describe('lift by score band', () => {
  let srv: TestServer;
  let t: Awaited<ReturnType<typeof newTenant>>;
  let campaignId: string;
  before(async () => {
    srv = await startTestServer();
    t = await newTenant(srv);
    const created = await t.api.post(
      '/api/v1/campaigns',
      contentCampaign(
        'Free shipping',
        { field: 'page.section', op: 'contains', value: 'cart' },
        {
          controlShare: 0.5,
          scoreBands: 'positive_lift',
        },
      ),
    );
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.scoreBands, 'positive_lift');
    campaignId = created.body.id;
    const { store } = srv.node.ctx;
    const f = new AnalyticsFixture(store, t.accountId, t.site.id);
    const at = Date.now() - DAY;
    for (const [b, band] of BANDS.entries()) {
      for (const arm of ['exposed', 'control'] as const) {
        const visitors = ids(`b${b}${arm}-`, 100);
        await f.visit(visitors, at);
        const exposures = await f.expose(visitors, campaignId, at, { control: arm === 'control' });
        for (const [i, id] of exposures.entries()) {
          // Scores spread through the band; a later exposure of the same visitor does not move them.
          await store.db
            .updateTable('exposures')
            .set({ score: band.lo + (i + 0.5) / 1000 })
            .where('id', '=', id)
            .execute();
        }
        for (const v of visitors.slice(0, band[arm])) await f.purchase(v, at + HOUR, `o-${v}`, 40);
      }
    }
    // Qualified before the model scored anyone: counted apart.
    await f.expose(['unscored-1'], campaignId, at);
    await analyticsOf(srv.node.ctx).job.catchUp();
  });
  after(() => srv.close());

  it('splits exposed vs control by score quintile with rates, lift, intervals and the not-enough-data rule', async () => {
    const res = await t.api.get(`/api/v1/reports/campaigns/${campaignId}/bands`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const r = res.body;
    assert.equal(r.kind, 'quintile', 'the smaller arm (500) is under 10 × 100 visitors');
    assert.equal(r.scoreBands, 'positive_lift');
    assert.deepEqual(r.unscored, { exposed: 1, control: 0 });
    assert.equal(r.bands.length, 5);
    for (const [i, band] of BANDS.entries()) {
      const got = r.bands[i];
      assert.deepEqual(
        [got.exposed.visitors, got.exposed.converted, got.control.visitors, got.control.converted],
        [100, band.exposed, 100, band.control],
        `band ${i + 1}`,
      );
      assert.ok(Math.abs(got.absoluteLift.estimate - (band.exposed - band.control) / 100) < 1e-12);
    }
    const top = r.bands[4];
    assert.equal(top.exposed.revenuePerVisitor, (30 * 40) / 100);
    assert.equal(r.currency, 'USD', 'revenue per visitor is in the shop’s currency');
    // Pooled two-proportion z test: z = 0.2 / sqrt(0.2 · 0.8 · 2 / 100); p = erfc(z / √2).
    assert.ok(Math.abs(top.pValue - 0.00040695201744496) < 1e-9);
    assert.equal(top.verdict, 'treatment_better');
    assert.ok(top.absoluteLift.ci[0] > 0 && top.absoluteLift.ci[1] < 0.35);
    assert.deepEqual(
      r.bands.map((b: { status: string }) => b.status),
      ['excluded', 'targeted', 'learning', 'targeted', 'targeted'],
    );
    assert.equal(r.bands[2].verdict, 'not_enough_data');
  });

  it('lets positive-lift targeting through only in the bands the report admits', async () => {
    const gates = scoring(srv).bands;
    assert.equal(gates.admits(campaignId, 0.05), true, 'before the report is computed, everyone');
    await gates.refresh();
    assert.equal(gates.admits(campaignId, 0.05), false, 'no lift among likely non-buyers');
    assert.equal(gates.admits(campaignId, 0.25), true);
    assert.equal(gates.admits(campaignId, 0.45), true, 'still learning');
    assert.equal(gates.admits(campaignId, 0.95), true);
    assert.equal(gates.admits(campaignId, undefined), true, 'unscored visitors are not held back');
    assert.equal(gates.admits('another-campaign', 0.05), true);
  });

  it('names no currency before the account’s first purchase', async () => {
    const fresh = await newTenant(srv);
    const created = await fresh.api.post(
      '/api/v1/campaigns',
      contentCampaign('Nothing sold yet', { field: 'page.section', op: 'contains', value: 'cart' }),
    );
    const res = await fresh.api.get(`/api/v1/reports/campaigns/${created.body.id}/bands`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual([res.body.kind, res.body.currency], ['none', null]);
  });

  it('refuses other accounts and unknown campaigns', async () => {
    const other = await newTenant(srv);
    assert.equal((await other.api.get(`/api/v1/reports/campaigns/${campaignId}/bands`)).status, 404);
    assert.equal((await t.api.get('/api/v1/reports/campaigns/nope/bands')).status, 404);
    assert.equal((await t.api.get(`/api/v1/reports/campaigns/${campaignId}/bands?from=x`)).status, 400);
  });
});
