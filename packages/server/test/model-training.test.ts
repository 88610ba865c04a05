import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pageView } from '@beckon/sdk/index';
import { hashPassword } from '../src/auth/passwords.ts';
import { newTenant, runtime, visitor } from './engagement-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { runCli } from './helpers/cli.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';
import { cartDrivenSessions, MODEL_TRAINING_TEST_ENV, scoring } from './model-fixtures.ts';

// Read by this file's servers as they start. Set in a hook: where several files share a process
// (scripts/test-group.mjs), each file has its own settings only while it runs.
before(() => {
  Object.assign(process.env, MODEL_TRAINING_TEST_ENV);
});

describe('training an account’s own model', () => {
  let srv: TestServer;
  before(async () => {
    // SQLite on purpose: the CLI below opens the same file the server uses.
    srv = await startTestServer({ store: 'sqlite' });
  });
  after(() => srv.close());

  it('refuses to train without enough labelled sessions, and refuses agents', async () => {
    const t = await newTenant(srv);
    const res = await t.api.post('/api/v1/model/train', {});
    assert.equal(res.status, 409);
    assert.equal(res.body.error.code, 'not_enough_data');
    assert.match(res.body.error.message, /300 finished sessions with 30 purchases; the account has 0 with 0/);
    const status = await t.api.get('/api/v1/model');
    assert.equal(status.status, 200);
    assert.equal(status.body.active.source, 'default');
    assert.ok(status.body.active.auroc >= 0.93, 'the shipped model’s cross-validated AUROC');
    assert.equal(status.body.active.features[0].feature, 'PageValues');
    assert.deepEqual(status.body.data, {
      sessions: 0,
      purchases: 0,
      minSessions: 300,
      minPurchases: 30,
      enough: false,
    });
    await srv.node.ctx.store.users.create(t.accountId, {
      email: 'agent@model.example',
      name: 'Agent',
      role: 'agent',
      passwordHash: await hashPassword('agent-password'),
      skillIds: [],
      status: 'online',
    });
    const agent = new ApiClient(srv.node.app);
    await agent.login('agent@model.example', 'agent-password');
    assert.equal((await agent.post('/api/v1/model/train', {})).status, 403);
    assert.equal((await agent.get('/api/v1/model')).status, 200);
  });

  it('keeps per-site feature settings, checked and scoped to the account', async () => {
    const t = await newTenant(srv);
    const other = await newTenant(srv);
    const path = `/api/v1/sites/${t.site.id}/model-settings`;
    const initial = (await t.api.get(path)).body;
    assert.equal(initial.effectiveKinds.checkout, 'product');
    assert.equal(initial.settings.unlabelled, 'informational');
    assert.equal(initial.effectiveSpecialDays.length, 4);
    const put = await t.api.request('PUT', path, {
      sectionKinds: { lookbook: 'product', blog: null },
      unlabelled: null,
      specialDays: [{ name: 'Summer sale', month: 7, day: 1 }],
    });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.effectiveKinds.lookbook, 'product');
    assert.equal(put.body.effectiveKinds.blog, undefined);
    assert.deepEqual(put.body.effectiveSpecialDays, [{ name: 'Summer sale', month: 7, day: 1 }]);
    assert.equal((await t.api.get(path)).body.settings.unlabelled, null);
    const bad = async (body: unknown) => (await t.api.request('PUT', path, body)).status;
    assert.equal(
      await bad({ sectionKinds: { x: 'checkout-ish' }, unlabelled: null, specialDays: null }),
      400,
    );
    assert.equal(
      await bad({ sectionKinds: {}, unlabelled: null, specialDays: [{ name: 'X', month: 2, day: 30 }] }),
      400,
    );
    assert.equal(await bad({ sectionKinds: {}, unlabelled: null }), 400);
    assert.equal((await other.api.get(path)).status, 404, 'another account’s site');
    assert.equal(
      (await other.api.request('PUT', path, { sectionKinds: {}, unlabelled: null, specialDays: null }))
        .status,
      404,
    );
  });

  it('trains in a worker thread, activates a better model and swaps it in without a restart', async () => {
    const t = await newTenant(srv);
    const purchases = await cartDrivenSessions(srv, t.accountId, t.site.id, 600);
    const before = await t.api.get('/api/v1/model');
    assert.deepEqual(
      [before.body.data.sessions, before.body.data.purchases, before.body.data.enough],
      [600, purchases, true],
    );
    // Never trained, with enough data: the schedule trains at its next check, not a day from now.
    const { everyHours, nextAt } = before.body.training;
    const checkMs = scoring(srv).config.scheduleCheckMs;
    assert.ok(everyHours > 0);
    assert.ok(Date.parse(nextAt) - Date.now() <= checkMs, `next training at ${nextAt}`);
    // The event loop keeps turning while the trees grow on their own thread.
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    const res = await t.api.post('/api/v1/model/train', { wait: true });
    clearInterval(ticker);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.outcome, 'activated', res.body.message);
    assert.ok(ticks > 3, `the server kept serving (${ticks} ticks)`);
    assert.ok(res.body.auroc > 0.8, `held-out AUROC ${res.body.auroc}`);
    assert.ok(
      res.body.baselineAuroc < 0.65,
      `the default model on the same sessions: ${res.body.baselineAuroc}`,
    );

    const status = (await t.api.get('/api/v1/model')).body;
    assert.equal(status.active.source, 'trained');
    assert.equal(status.active.id, res.body.id);
    assert.equal(status.active.sessions, 600);
    assert.equal(status.active.evaluatedSessions, 120, 'the latest 20 % held out');
    assert.equal(status.active.features[0].feature, 'CartValue');
    assert.equal(status.training.history[0].outcome, 'activated');

    // A visitor scored now is scored by the new model.
    const v = await visitor(srv, t.site.siteKey, 'after-training');
    await v.sendBatch([pageView(`${new URL(srv.url).origin}/`)]);
    const live = runtime(srv).tracker.findLive(t.accountId, 'after-training')!;
    assert.equal(scoring(srv).scorer.sessions.get(live.key)!.modelId, res.body.id);
    await v.close();
  });

  it('trains on a schedule, once per interval, only accounts with enough data', async () => {
    const t = await newTenant(srv);
    await cartDrivenSessions(srv, t.accountId, t.site.id, 400);
    const rt = scoring(srv);
    const runs = async () =>
      (await srv.node.ctx.store.models.history(t.accountId)).filter((r) => r.trigger === 'schedule').length;
    await rt.trainer.runSchedule(Date.now());
    assert.equal(await runs(), 1);
    await rt.trainer.runSchedule(Date.now() + 3_600_000);
    assert.equal(await runs(), 1, 'not again within 24 hours');
    await rt.trainer.runSchedule(Date.now() + 25 * 3_600_000);
    assert.equal(await runs(), 2);
  });

  it('trains from the command line, and keeps the current model when the new one is worse', async () => {
    const t = await newTenant(srv);
    await cartDrivenSessions(srv, t.accountId, t.site.id, 400);
    const env = { BECKON_DATA_DIR: srv.dataDir, DATABASE_URL: '', BECKON_MODEL_MIN_SESSIONS: '300' };
    const first = runCli(['model', 'train', '--account', t.accountId], env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /trained on 400 sessions \(\d+ purchases\): activated: held-out AUROC/);
    // The node notices a model activated elsewhere (here: by the CLI) when it polls.
    await scoring(srv).models.poll();
    const status = (await t.api.get('/api/v1/model')).body;
    assert.equal(status.active.source, 'trained');
    // Now the older sessions say the opposite of the recent ones: a model trained on them ranks the recent
    // (held-out) sessions backwards, so it is stored as rejected and the active model stays.
    const db = srv.node.ctx.store.db;
    const older = Array.from({ length: 320 }, (_, i) => `syn-${t.accountId}-${i}`);
    for (const id of older) {
      const r = await db
        .selectFrom('model_sessions')
        .select('purchased')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      await db
        .updateTable('model_sessions')
        .set({ purchased: 1 - Number(r.purchased) })
        .where('id', '=', id)
        .execute();
    }
    const again = await t.api.post('/api/v1/model/train', { wait: true });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.outcome, 'kept_current', again.body.message);
    assert.ok(again.body.auroc < again.body.baselineAuroc, again.body.message);
    const after = (await t.api.get('/api/v1/model')).body;
    assert.equal(after.active.id, status.active.id, 'the active model did not change');
    assert.equal(after.training.history[0].outcome, 'kept_current');
    assert.match(after.training.history[0].message, /^kept the trained model: held-out AUROC/);
    assert.equal(runCli(['model', 'train', '--account', 'acc_nope'], env).code, 2);
  });
});
