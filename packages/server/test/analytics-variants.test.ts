import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { analyticsOf } from '../src/analytics/analytics-runtime.ts';
import { AnalyticsFixture, DAY, HOUR, ids, otherAccountOwner } from './analytics-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { DEMO_ADMIN, DEMO_AGENT_PASSWORD, startTestServer, type TestServer } from './helpers/test-server.ts';

// Asked before the SQLite suite runs: its synchronous work would stall the probe's connection.
const pgSkip = postgresSkipReasonNow();

const offer = {
  type: 'content',
  title: 'Free shipping',
  text: 'On every order today',
  ctaLabel: 'Shop',
  ctaUrl: 'https://shop.example/',
};
const body = (variants: object[] | undefined, extra: object = {}) => ({
  name: 'Shipping test',
  status: 'active',
  goal: { type: 'purchase' },
  targeting: { field: 'page.timeOnPage', op: 'gte', value: 5 },
  controlShare: 0.25,
  engagement: variants ? { ...offer, variants } : offer,
  ...extra,
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`variants report (${kind})`, () => {
    const skip = kind === 'postgres' ? pgSkip : null;
    let srv: TestServer;
    let admin: ApiClient;
    let agent: ApiClient;
    let other: ApiClient;
    let campaignId: string;
    let from: string;
    let to: string;
    let day0: number;

    before(async () => {
      if (skip) return;
      srv = await startTestServer({ demo: true, store: kind });
      const store = srv.node.ctx.store;
      admin = new ApiClient(srv.node.app);
      await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
      agent = new ApiClient(srv.node.app);
      await agent.login('sales@demo.beckon.local', DEMO_AGENT_PASSWORD);
      other = await otherAccountOwner(srv);

      // Three variants at first; C is removed after its first five days.
      const created = await admin.post(
        '/api/v1/campaigns',
        body(
          [
            { key: 'A', weight: 0.4 },
            { key: 'B', weight: 0.4, title: 'Free shipping and returns' },
            { key: 'C', weight: 0.2, text: 'Today only' },
          ],
          { minimalEffect: 0.01 },
        ),
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
      campaignId = created.body.id;
      const patched = await admin.patch(`/api/v1/campaigns/${campaignId}`, {
        engagement: {
          ...offer,
          variants: [
            { key: 'A', weight: 0.5 },
            { key: 'B', weight: 0.5, title: 'Free shipping and returns' },
          ],
        },
      });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));

      const { job } = analyticsOf(srv.node.ctx);
      await job.stop();
      const fx = new AnalyticsFixture(store, srv.demo!.accountId, srv.demo!.siteId);
      const first = new Date(Date.now() - 10 * DAY).toISOString().slice(0, 10);
      day0 = Date.parse(`${first}T00:00:00Z`);
      from = first;
      to = new Date(day0 + 9 * DAY).toISOString().slice(0, 10);
      // Ten days of 40 visitors a day in control, A and B (20 in C for five days); each arm's first
      // visitors buy for 50 an hour after: control 5 %, A 5 %, B 30 %, C 5 %.
      const arms = [
        { prefix: 'k', variant: undefined, perDay: 40, days: 10, buyers: 20 },
        { prefix: 'a', variant: 'A', perDay: 40, days: 10, buyers: 20 },
        { prefix: 'b', variant: 'B', perDay: 40, days: 10, buyers: 120 },
        { prefix: 'c', variant: 'C', perDay: 20, days: 5, buyers: 5 },
      ];
      for (const arm of arms) {
        const all = ids(arm.prefix, arm.perDay * arm.days);
        for (let d = 0; d < arm.days; d++) {
          const day = all.slice(d * arm.perDay, (d + 1) * arm.perDay);
          const at = day0 + d * DAY + 9 * HOUR;
          await fx.visit(day, at);
          await fx.expose(day, campaignId, at, arm.variant ? { variant: arm.variant } : { control: true });
        }
        // Buyers spread over the days: every k-th visitor of the arm buys.
        const step = Math.floor(all.length / arm.buyers);
        for (let i = 0; i < arm.buyers; i++) {
          const index = i * step;
          const at = day0 + Math.floor(index / arm.perDay) * DAY + 10 * HOUR;
          await fx.purchase(all[index]!, at, `o-${arm.prefix}${index}`, 50);
        }
      }
      // Ten of B's visitors see it again on the last day: more exposures, the same visitors.
      await fx.expose(ids('b', 10), campaignId, day0 + 9 * DAY + 11 * HOUR, { variant: 'B' });
      await job.catchUp();
    });
    after(async () => {
      if (!skip) await srv.close();
    });

    const url = (extra = '') =>
      `/api/v1/reports/campaigns/${campaignId}/variants?from=${from}&to=${to}${extra}`;

    it('counts each arm, control first and the removed variant marked', { skip: skip ?? false }, async () => {
      const res = await admin.get(url());
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const r = res.body;
      assert.equal(r.method, 'normal-mixture-confidence-sequence');
      assert.equal(r.minimalEffect, 0.01);
      assert.equal(r.hasVariants, true);
      assert.deepEqual(
        r.arms.map((a: Record<string, unknown>) => [
          a.key,
          a.removed,
          a.weight,
          a.visitors,
          a.exposures,
          a.converted,
          a.revenue,
        ]),
        [
          ['control', false, null, 400, 400, 20, 1000],
          ['A', false, 0.5, 400, 400, 20, 1000],
          ['B', false, 0.5, 400, 410, 120, 6000],
          ['C', true, null, 100, 100, 5, 250],
        ],
      );
      assert.equal(r.arms[2].conversionRate, 0.3);
    });

    it('compares each variant with control and with each other, with verdicts', {
      skip: skip ?? false,
    }, async () => {
      const r = (await admin.get(url())).body;
      const pairs = r.comparisons.map((c: { arm: string; against: string; verdict: string }) => [
        c.arm,
        c.against,
        c.verdict,
      ]);
      assert.deepEqual(pairs, [
        ['A', 'control', 'keep_running'],
        ['B', 'control', 'wins'],
        ['C', 'control', 'keep_running'],
        ['A', 'B', 'loses'],
        ['A', 'C', 'keep_running'],
        ['B', 'C', 'wins'],
      ]);
      const b = r.comparisons[1];
      assert.ok(Math.abs(b.difference - 0.25) < 1e-12);
      assert.ok(b.interval[0] > 0 && b.interval[1] > b.difference - 0.2);
      assert.ok(b.pValue < 0.05);
      assert.ok(Math.abs(b.relative.estimate - 5) < 1e-9);
      assert.equal(b.revenue.difference, 12.5);
      const a = r.comparisons[0];
      assert.equal(a.difference, 0);
      assert.ok(a.interval[0] < 0 && a.interval[1] > 0);
      assert.equal(a.pValue, 1);
    });

    it('gives each variant’s interval against control for every day, narrowing', {
      skip: skip ?? false,
    }, async () => {
      const r = (await admin.get(url())).body;
      const b = r.series.filter((d: { arm: string }) => d.arm === 'B');
      assert.equal(b.length, 10);
      assert.equal(b[0].date, from);
      assert.equal(b.at(-1).date, to);
      let previous: [number, number] | null = null;
      for (const d of b.filter((x: { enoughData: boolean }) => x.enoughData)) {
        if (previous) assert.ok(d.interval[0] >= previous[0] && d.interval[1] <= previous[1]);
        previous = d.interval;
      }
      assert.deepEqual(b.at(-1).interval, r.comparisons[1].interval);
      assert.equal(r.series.filter((d: { arm: string }) => d.arm === 'C').length, 10);
    });

    it('exports the arms and comparisons as CSV', { skip: skip ?? false }, async () => {
      const res = await admin.get(url('&format=csv'));
      assert.equal(res.status, 200);
      assert.match(String(res.headers['content-type']), /^text\/csv/);
      assert.match(String(res.headers['content-disposition']), new RegExp(`beckon-variants-${campaignId}-`));
      const lines = String(res.body).trim().split('\r\n');
      assert.match(lines[0]!, /^row,arm,against,removed,weight,visitors,exposures,converted/);
      assert.equal(lines.length, 1 + 4 + 6);
      assert.match(lines[3]!, /^arm,B,,false,0\.5,400,410,120,120,6000,0\.3,/);
      assert.match(lines.find((l) => l.startsWith('comparison,B,control'))!, /,wins,/);
    });

    it('is read by report readers of the account only', { skip: skip ?? false }, async () => {
      assert.equal((await other.get(url())).status, 404);
      assert.equal((await agent.get(url())).status, 403);
      assert.equal((await admin.get(`/api/v1/reports/campaigns/nope/variants`)).status, 404);
    });

    it('answers a campaign without variants with control alone', { skip: skip ?? false }, async () => {
      const plain = await admin.post('/api/v1/campaigns', body(undefined, { name: 'Plain' }));
      assert.equal(plain.status, 201);
      const r = (await admin.get(`/api/v1/reports/campaigns/${plain.body.id}/variants`)).body;
      assert.equal(r.hasVariants, false);
      assert.deepEqual(r.comparisons, []);
      assert.equal(r.arms.length, 1);
    });

    it('refuses bad variants with the path of the fault', { skip: skip ?? false }, async () => {
      const bad = async (variants: object[]) => {
        const res = await admin.post('/api/v1/campaigns', body(variants));
        assert.equal(res.status, 400);
        return res.body.error.message as string;
      };
      assert.match(
        await bad([
          { key: 'A', weight: 0.5 },
          { key: 'B', weight: 0.6 },
        ]),
        /\/engagement\/variants: weights must add up to 1/,
      );
      assert.match(
        await bad([
          { key: 'A', weight: 0.5 },
          { key: 'A', weight: 0.5 },
        ]),
        /\/engagement\/variants\/1\/key: duplicate key/,
      );
      assert.match(
        await bad([
          { key: 'A', weight: 0.5, skillId: 'sales' },
          { key: 'B', weight: 0.5 },
        ]),
        /\/engagement\/variants\/0\/skillId: unknown property/,
      );
      assert.match(await bad([{ key: 'A', weight: 1 }]), /\/engagement\/variants/);
    });
  });
}
