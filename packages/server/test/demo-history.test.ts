import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { historyEnd, seedDemoHistory } from '../src/demo/demo-history.ts';
import { BROWSING_DEEPLY, CHAT_WITH_US, CHECKOUT_HESITATION } from '../src/engagement/demo-campaigns.ts';
import { ApiClient } from './helpers/api-client.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

const DAY_MS = 86_400_000;

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`the demo's past month (${store}): what a new user sees in the reports`, () => {
    let srv: TestServer;
    let admin: ApiClient;
    const now = Date.now();
    const day = (t: number) => new Date(t).toISOString().slice(0, 10);
    const period = `from=${day(now - 30 * DAY_MS)}&to=${day(now)}`;

    before(async () => {
      srv = await startTestServer({ demo: true, store });
      admin = new ApiClient(srv.node.app);
      await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    });
    after(() => srv?.close());

    it('adds a month of visits, exposures, chats and purchases once', async () => {
      const added = await seedDemoHistory(srv.node.ctx.store, srv.demo!, { sessions: 2000, now });
      assert.equal(added.modelSessions, 2000);
      assert.equal(added.visits, 2000);
      assert.ok(added.exposures > 1000, `${added.exposures} exposures`);
      assert.ok(added.conversations > 20, `${added.conversations} chats`);
      assert.ok(added.purchases > 50, `${added.purchases} purchases`);
      const again = await seedDemoHistory(srv.node.ctx.store, srv.demo!, { sessions: 2000, now });
      assert.deepEqual(again, { modelSessions: 0, visits: 0, exposures: 0, conversations: 0, purchases: 0 });

      const { db } = srv.node.ctx.store;
      const span = await db
        .selectFrom('visitor_sessions')
        .select((eb) => [eb.fn.min('started_at').as('first'), eb.fn.max('last_event_at').as('last')])
        .executeTakeFirstOrThrow();
      const end = historyEnd(now);
      assert.ok(Number(span.first) >= end - 29 * DAY_MS, 'within the four weeks before last midnight');
      assert.ok(Number(span.last) < end, 'over before today’s live figures start');
    });

    it('holds the control group out: its qualifications show nothing, shown ones have an answer', async () => {
      const { db } = srv.node.ctx.store;
      const rows = await db
        .selectFrom('exposures')
        .innerJoin('campaigns', 'campaigns.id', 'exposures.campaign_id')
        .select(['campaigns.name', 'exposures.control', 'exposures.outcome', 'exposures.shown_at'])
        .where('exposures.account_id', '=', srv.demo!.accountId)
        .execute();
      const of = (name: string) => rows.filter((r) => r.name === name);
      for (const name of [CHECKOUT_HESITATION, BROWSING_DEEPLY]) {
        const control = of(name).filter((r) => Number(r.control) === 1);
        assert.ok(control.length > 0, `${name} has a control group`);
        assert.ok(
          control.every((r) => r.outcome === null && r.shown_at === null),
          'control sees nothing',
        );
      }
      const share =
        of(BROWSING_DEEPLY).filter((r) => Number(r.control) === 1).length / of(BROWSING_DEEPLY).length;
      assert.ok(share > 0.1 && share < 0.3, `about 20 % held out, got ${share}`);
      const shown = rows.filter((r) => Number(r.control) === 0);
      assert.ok(shown.every((r) => r.shown_at !== null && r.outcome !== null));
      assert.ok(
        of(CHAT_WITH_US).every((r) => Number(r.control) === 0),
        'the chat button has no control group',
      );
      assert.ok(of(CHECKOUT_HESITATION).some((r) => r.outcome === 'accepted'));
      assert.ok(of(BROWSING_DEEPLY).some((r) => r.outcome === 'clicked'));
    });

    it('fills the funnel and the lift report, purchases attributed as live ones are', async () => {
      const funnel = await admin.get(`/api/v1/reports/funnel?${period}`);
      assert.equal(funnel.status, 200, JSON.stringify(funnel.body));
      const stages = new Map(
        (funnel.body.stages as Array<{ stage: string; visitors: number }>).map((s) => [s.stage, s.visitors]),
      );
      assert.ok(stages.get('visitors')! > 1000);
      assert.ok(stages.get('exposed')! > 0 && stages.get('engaged')! > 0 && stages.get('conversation')! > 0);
      assert.ok(stages.get('converted')! > 0);
      assert.equal(funnel.body.currency, 'USD');
      assert.ok(funnel.body.allConversions > 50);

      const lift = await admin.get(`/api/v1/reports/campaigns?${period}`);
      assert.equal(lift.status, 200, JSON.stringify(lift.body));
      const byName = new Map(
        (
          lift.body.campaigns as Array<{
            campaignName: string;
            exposed: { visitors: number };
            control: { visitors: number };
          }>
        ).map((c) => [c.campaignName, c]),
      );
      for (const name of [CHECKOUT_HESITATION, BROWSING_DEEPLY]) {
        const c = byName.get(name)!;
        assert.ok(c.exposed.visitors > 0 && c.control.visitors > 0, `${name}: both arms have visitors`);
      }
    });

    it('leaves closed chats with transcripts, ratings and agents behind', async () => {
      const report = await admin.get(`/api/v1/reports/conversations?${period}`);
      assert.equal(report.status, 200, JSON.stringify(report.body));
      const total = report.body.total;
      assert.ok(total.conversations > 20);
      assert.equal(total.answered, total.conversations);
      assert.ok(total.csatResponses > 0 && total.csatAverage >= 3);
      assert.ok(total.avgFirstResponseSeconds > 0);

      const agents = await admin.get(`/api/v1/reports/agents?${period}`);
      const busy = (agents.body.agents as Array<{ name: string; conversations: number }>).filter(
        (a) => a.conversations > 0,
      );
      assert.equal(busy.length, 3, 'the chats are shared out between the three who can answer Sales');

      const { db } = srv.node.ctx.store;
      const invited = await db
        .selectFrom('conversations')
        .select(['id', 'status', 'assigned_agent_id', 'origin_exposure_id'])
        .where('account_id', '=', srv.demo!.accountId)
        .where('source', '=', 'invitation')
        .executeTakeFirstOrThrow();
      assert.equal(invited.status, 'closed');
      assert.ok(invited.origin_exposure_id);
      const transcript = await admin.get(`/api/v1/conversations/${invited.id}/messages`);
      assert.equal(transcript.status, 200, JSON.stringify(transcript.body));
      const lines = transcript.body.items as Array<{ seq: number; senderKind: string; text: string }>;
      assert.equal(lines[0]!.senderKind, 'invitation', 'the invitation the visitor accepted comes first');
      assert.equal(lines[1]!.senderKind, 'visitor');
      assert.ok(lines.some((m) => m.senderKind === 'agent'));
      assert.deepEqual(
        lines.map((m) => m.seq),
        lines.map((_, i) => i + 1),
      );
    });
  });
}
