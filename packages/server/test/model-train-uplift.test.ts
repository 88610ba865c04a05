// "Train now" retrains the purchase model and the uplift models of the campaigns that read predicted uplift.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { contentCampaign, eventually, newTenant } from './engagement-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';
import { cartDrivenSessions, MODEL_TRAINING_TEST_ENV, scoring } from './model-fixtures.ts';
import { upliftHistory } from './uplift-fixtures.ts';

// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  Object.assign(process.env, MODEL_TRAINING_TEST_ENV);
});

const pgSkip = postgresSkipReasonNow();
const cart = { field: 'page.section', op: 'contains', value: 'cart' } as const;

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`train now covers uplift (${store})`, () => {
    const skip = store === 'postgres' ? (pgSkip ?? false) : false;
    let srv: TestServer;
    let t: Awaited<ReturnType<typeof newTenant>>;
    let reader: string;
    let other: string;
    before(async () => {
      if (skip) return;
      srv = await startTestServer({ store });
      t = await newTenant(srv);
      await cartDrivenSessions(srv, t.accountId, t.site.id, 600);
      const mode = await t.api.post(
        '/api/v1/campaigns',
        contentCampaign('Free shipping', cart, {
          controlShare: 0.5,
          uplift: { mode: 'positive_only', holdout: 0.2 },
        }),
      );
      assert.equal(mode.status, 201, JSON.stringify(mode.body));
      reader = mode.body.id;
      // A campaign with a control group that reads no uplift: "train now" leaves it to the schedule.
      other = (
        await t.api.post('/api/v1/campaigns', contentCampaign('Gift wrap', cart, { controlShare: 0.5 }))
      ).body.id;
      await upliftHistory(srv, t.accountId, t.site.id, reader);
      await upliftHistory(srv, t.accountId, t.site.id, other, 200, 'o');
    });
    after(() => (skip ? undefined : srv.close()));

    const trainedAt = async (campaignId: string) => {
      const row = await srv.node.ctx.store.db
        .selectFrom('uplift_models')
        .select(['trained_at', 'state'])
        .where('campaign_id', '=', campaignId)
        .executeTakeFirst();
      return row ? { at: Number(row.trained_at), state: row.state } : null;
    };

    it('answers with the purchase model’s run and each uplift run, and the new uplift model scores at once', {
      skip,
    }, async () => {
      assert.equal(scoring(srv).uplift.has(reader), false);
      const res = await t.api.post('/api/v1/model/train', { wait: true });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.outcome, 'activated', res.body.message);
      assert.equal(res.body.uplift.length, 1, JSON.stringify(res.body.uplift));
      const [run] = res.body.uplift;
      assert.deepEqual([run.campaignId, run.state, run.treated, run.control], [reader, 'trained', 400, 400]);
      assert.ok(Date.parse(run.trainedAt) > Date.now() - 60_000);
      assert.equal(scoring(srv).uplift.has(reader), true);
      assert.equal(scoring(srv).uplift.usedBy(t.accountId)[0]?.campaignId, reader);
      assert.equal(await trainedAt(other), null, 'a campaign that reads no uplift is not trained');
    });

    it('without waiting, names the uplift campaigns it started and trains them behind', {
      skip,
    }, async () => {
      const before = (await trainedAt(reader))!.at;
      const res = await t.api.post('/api/v1/model/train', {});
      assert.equal(res.status, 202, JSON.stringify(res.body));
      assert.deepEqual(res.body.upliftCampaignIds, [reader]);
      const after = await eventually(async () => {
        const now = await trainedAt(reader);
        return now && now.at > before && scoring(srv).trainer.running.get(t.accountId) === undefined
          ? now
          : null;
      }, 60_000);
      assert.equal(after?.state, 'trained');
    });
  });
}
