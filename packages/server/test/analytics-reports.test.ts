import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { analyticsOf } from '../src/analytics/analytics-runtime.ts';
import { type ReportScenario, seedReportScenario } from './analytics-scenario.ts';
import { ApiClient } from './helpers/api-client.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

// Independent reference formulas (textbook forms, not the code under test).
const Z95 = 1.959963984540054;
/** Normal upper tail via erfc (W. H. Press et al., Numerical Recipes, erfc Chebyshev fit, |ε| < 1.2e-7). */
function normalUpper(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? erfc / 2 : 1 - erfc / 2;
}
function wilson(x: number, n: number): [number, number] {
  const p = x / n;
  const d = 1 + (Z95 * Z95) / n;
  const c = (p + (Z95 * Z95) / (2 * n)) / d;
  const h = (Z95 * Math.sqrt((p * (1 - p)) / n + (Z95 * Z95) / (4 * n * n))) / d;
  return [c - h, c + h];
}
const close = (actual: number | null | undefined, expected: number, tol = 1e-9, what = '') =>
  assert.ok(
    actual != null && Math.abs(actual - expected) <= tol,
    `${what}: ${actual} ≠ ${expected} (±${tol})`,
  );

describe('analytics reports on constructed data', () => {
  let srv: TestServer;
  let admin: ApiClient;
  let s: ReportScenario;
  const q = (extra = '') => `from=${s.from}&to=${s.to}${extra}`;

  before(async () => {
    srv = await startTestServer({ demo: true });
    admin = new ApiClient(srv.node.app);
    await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    // The node's own ticks stop first: the scenario writes events out of time order, and a tick
    // between two of them would move the cursor past rows not yet written.
    const { job } = analyticsOf(srv.node.ctx);
    await job.stop();
    s = await seedReportScenario(srv.node.ctx.store, srv.demo!.accountId, srv.demo!.siteId);
    await job.catchUp();
  });
  after(() => srv.close());

  it('funnel: every stage, the groups and all conversions', async () => {
    const res = await admin.get(`/api/v1/reports/funnel?${q()}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const f = res.body;
    assert.deepEqual(
      f.stages.map((x: { stage: string; visitors: number }) => [x.stage, x.visitors]),
      [
        ['visitors', 1000],
        ['qualified', 650],
        ['exposed', 450],
        ['engaged', 150],
        ['conversation', 35],
        ['converted', 41],
      ],
    );
    assert.equal(f.stages[4].rateOf, 'visitors', 'chats however they started, not only engaged visitors');
    close(f.stages[4].rate, 35 / 1000, 1e-12, 'conversation / visitors');
    assert.equal(f.currency, 'USD', 'the currency the shop reports its orders in');
    close(f.stages[2].rate, 450 / 650, 1e-12, 'exposed / qualified');
    assert.equal(f.stages[5].rateOf, 'exposed');
    close(f.stages[5].rate, 41 / 450, 1e-12, 'converted / exposed');
    close(f.stages[5].rateFromTop, 41 / 1000, 1e-12, 'converted / visitors');
    assert.deepEqual(f.exposed, {
      visitors: 450,
      converted: 41,
      conversions: 41,
      conversionRate: 41 / 450,
      revenue: 2025,
      revenuePerVisitor: 4.5,
      sources: { tagOnly: 41, serverOnly: 0, both: 0 },
    });
    assert.deepEqual(f.control, {
      visitors: 200,
      converted: 10,
      conversions: 10,
      conversionRate: 0.05,
      revenue: 400,
      revenuePerVisitor: 2,
      sources: { tagOnly: 10, serverOnly: 0, both: 0 },
    });
    assert.equal(f.allConversions, 52);
    assert.equal(f.allRevenue, 2495);
  });

  it('funnel narrowed to a campaign, and to an agent', async () => {
    const byCampaign = (await admin.get(`/api/v1/reports/funnel?${q(`&campaignId=${s.invite}`)}`)).body;
    assert.deepEqual(
      byCampaign.stages.map((x: { visitors: number }) => x.visitors),
      [1000, 600, 400, 100, 30, 40],
    );
    assert.equal(byCampaign.exposed.revenue, 2000);
    assert.equal(byCampaign.likeForLike, null, 'one campaign needs no like-for-like summary');
    const byAgent = (await admin.get(`/api/v1/reports/funnel?${q(`&agentId=${s.salesAgent}`)}`)).body;
    assert.equal(byAgent.stages[4].visitors, 20, 'conversations with the sales agent');
    assert.equal(byAgent.stages[5].visitors, 20, 'conversions credited to chats with the sales agent');
  });

  it('funnel of all campaigns: each campaign against its own control group, not pooled groups', async () => {
    const { likeForLike } = (await admin.get(`/api/v1/reports/funnel?${q()}`)).body;
    // The invitation (400 engaged, 10 %; 200 held out, 5 %) is the only campaign with both groups:
    // the offer held nobody out.
    assert.deepEqual([likeForLike.campaigns, likeForLike.excluded], [1, 1]);
    close(likeForLike.exposedRate, 0.1, 1e-12, 'engaged rate');
    close(likeForLike.controlRate, 0.05, 1e-12, 'control rate');
    const half = 1.959963984540054 * Math.sqrt((0.1 * 0.9) / 400 + (0.05 * 0.95) / 200);
    close(likeForLike.difference.estimate, 0.05, 1e-12, 'difference');
    close(likeForLike.difference.ci[0], 0.05 - half, 1e-9, 'low');
    assert.equal(likeForLike.verdict, 'treatment_better');
  });

  it('lift of the invitation: rates, intervals and p-value match the textbook formulas', async () => {
    const res = await admin.get(`/api/v1/reports/campaigns/${s.invite}/lift?${q()}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const l = res.body.lift;
    assert.deepEqual(
      [l.exposed.visitors, l.exposed.converted, l.control.visitors, l.control.converted],
      [400, 40, 200, 10],
    );
    assert.equal(l.enoughData, true);
    // Absolute lift 0.10 − 0.05, Newcombe's hybrid score interval from the two Wilson intervals.
    const [l1, u1] = wilson(40, 400);
    const [l2, u2] = wilson(10, 200);
    close(l.absoluteLift.estimate, 0.05, 1e-12, 'absolute lift');
    close(l.absoluteLift.ci[0], 0.05 - Math.sqrt((0.1 - l1) ** 2 + (u2 - 0.05) ** 2), 1e-9, 'absolute low');
    close(l.absoluteLift.ci[1], 0.05 + Math.sqrt((u1 - 0.1) ** 2 + (0.05 - l2) ** 2), 1e-9, 'absolute high');
    // Relative lift 100 %, log risk-ratio interval.
    const se = Math.sqrt(1 / 40 - 1 / 400 + 1 / 10 - 1 / 200);
    close(l.relativeLift.estimate, 1, 1e-12, 'relative lift');
    close(l.relativeLift.ci[0], 2 * Math.exp(-Z95 * se) - 1, 1e-9, 'relative low');
    close(l.relativeLift.ci[1], 2 * Math.exp(Z95 * se) - 1, 1e-9, 'relative high');
    // Pooled two-proportion z test: z = 2.0889…, p ≈ 0.0367.
    const pooled = 50 / 600;
    const z = 0.05 / Math.sqrt(pooled * (1 - pooled) * (1 / 400 + 1 / 200));
    close(l.pValue, 2 * normalUpper(z), 1e-6, 'p-value');
    assert.equal(l.significant, true);
    assert.equal(l.verdict, 'treatment_better');
    // Revenue per visitor 5.00 vs 2.00; Welch's interval is centred on 3 with half-width t·SE.
    assert.equal(l.exposed.revenuePerVisitor, 5);
    assert.equal(l.control.revenuePerVisitor, 2);
    const varT = (40 * 45 ** 2 + 360 * 5 ** 2) / 399;
    const varC = (10 * 38 ** 2 + 190 * 2 ** 2) / 199;
    const seR = Math.sqrt(varT / 400 + varC / 200);
    close(l.revenue.difference.estimate, 3, 1e-9, 'revenue difference');
    const half = (l.revenue.difference.ci[1] - l.revenue.difference.ci[0]) / 2;
    close((l.revenue.difference.ci[0] + l.revenue.difference.ci[1]) / 2, 3, 1e-9, 'interval centre');
    assert.ok(half / seR > 1.96 && half / seR < 1.97, `t quantile ${half / seR}`);
    assert.equal(l.revenue.bootstrap.iterations, 2000);
    assert.equal(res.body.currency, 'USD', 'the revenue figures are in the shop’s currency');
  });

  it('lift says "not enough data yet" without a control group, and lists every campaign', async () => {
    const res = await admin.get(`/api/v1/reports/campaigns?${q()}`);
    assert.equal(res.status, 200);
    const offer = res.body.campaigns.find((c: { campaignId: string }) => c.campaignId === s.offer);
    assert.deepEqual([offer.exposed.visitors, offer.exposed.converted, offer.control.visitors], [50, 1, 0]);
    assert.equal(offer.enoughData, false);
    assert.equal(offer.verdict, 'not_enough_data');
    // Nobody held out: no lift, no interval, nothing a reader could take for a measured effect.
    assert.deepEqual(
      [
        offer.absoluteLift.estimate,
        offer.absoluteLift.ci,
        offer.relativeLift.ci,
        offer.revenue.difference.ci,
      ],
      [null, null, null, null],
    );
    const invite = res.body.campaigns.find((c: { campaignId: string }) => c.campaignId === s.invite);
    assert.equal(invite.verdict, 'treatment_better');
    assert.equal(invite.revenue.bootstrap, null, 'the list gives Welch only');
    assert.equal(res.body.currency, 'USD');
  });

  it('conversations: volume, service levels and CSAT per day and in total', async () => {
    const res = await admin.get(`/api/v1/reports/conversations?${q()}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const { total, days } = res.body;
    assert.deepEqual(total, {
      day: 'total',
      conversations: 35,
      answered: 30,
      missed: 2,
      abandoned: 3,
      transferred: 1,
      // a0's chat was first answered after 15 s; its transfer at 30 s changes neither figure.
      avgWaitSeconds: 29.5,
      maxWaitSeconds: 30,
      avgFirstResponseSeconds: 45,
      avgBusinessFirstResponseSeconds: 45,
      avgHandleSeconds: 600.5,
      csatResponses: 15,
      csatAverage: 65 / 15,
      csatSatisfied: 10 / 15,
    });
    const day = (i: number) => new Date(s.t0 + i * 86_400_000).toISOString().slice(0, 10);
    assert.deepEqual(
      days.map((d: { day: string; conversations: number; answered: number }) => [
        d.day,
        d.conversations,
        d.answered,
      ]),
      [[day(0), 30, 30], [day(1), 5, 0], ...[2, 3, 4, 5, 6, 7, 8, 9].map((i) => [day(i), 0, 0])],
      'every day of the period, quiet ones as zeros',
    );
    assert.equal(days[2].avgWaitSeconds, null);
    const support = (await admin.get(`/api/v1/reports/conversations?${q(`&agentId=${s.supportAgent}`)}`))
      .body;
    assert.equal(support.total.conversations, 11, 'their ten and the one they transferred');
    const invite = (await admin.get(`/api/v1/reports/conversations?${q(`&campaignId=${s.invite}`)}`)).body;
    assert.equal(invite.total.conversations, 30, 'only chats that came from the campaign');
  });

  it('agents: conversations, first response, handle time, concurrency and utilisation', async () => {
    const res = await admin.get(`/api/v1/reports/agents?${q()}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const byId = new Map(res.body.agents.map((a: { agentId: string }) => [a.agentId, a]));
    assert.deepEqual(byId.get(s.salesAgent), {
      agentId: s.salesAgent,
      name: 'Sales Agent',
      capacity: 3,
      conversations: 20,
      closed: 20,
      transferredAway: 0,
      missedOffers: 0,
      avgFirstResponseSeconds: 15,
      avgHandleSeconds: 600,
      busyHours: 100 / 60,
      avgConcurrency: 2,
      peakConcurrency: 2,
      utilisation: 2 / 3,
      csatResponses: 15,
      csatAverage: 65 / 15,
      macroRuns: 0,
      states: [], // no state log for these constructed chats
    });
    const support = byId.get(s.supportAgent) as Record<string, unknown>;
    assert.deepEqual(
      [
        support.conversations,
        support.avgConcurrency,
        support.peakConcurrency,
        support.utilisation,
        support.transferredAway,
        support.missedOffers,
      ],
      [11, 1, 1, 1 / 4, 1, 1],
    );
    assert.equal(support.avgFirstResponseSeconds, 15, 'the chat they transferred without a reply adds none');
    assert.equal(
      res.body.agents.some((a: { name: string }) => a.name === 'Demo Admin'),
      false,
      'owners without chats are left out',
    );
  });
});
