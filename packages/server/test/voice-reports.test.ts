import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CallRequests } from '@beckon/sdk/call-requests';
import { seedCallScenario } from './call-report-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

const DAY1 = Date.parse('2026-03-02T10:00:00Z');
const DAY2 = Date.parse('2026-03-03T09:00:00Z');
const PERIOD = 'from=2026-03-02&to=2026-03-03';
// Asked before the SQLite suite starts: its synchronous work would stall the probe's connection.
const pgSkip = postgresSkipReasonNow();

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`call reports (${store})`, () => {
    const skip = store === 'postgres' ? pgSkip : null;
    let srv: TestServer;
    let admin: ApiClient;
    let sales: string;
    let support: string;
    before(async () => {
      if (skip) return;
      srv = await startTestServer({ demo: true, store });
      admin = new ApiClient(srv.node.app);
      await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
      // The rescheduled callback is due in a year, so it is still scheduled when the report is read
      // (due on DAY1, the server's dispatcher could queue it first).
      ({ sales, support } = await seedCallScenario(srv, DAY1, DAY2, Date.now() + 365 * 86_400_000));
      // Voicemails left on two phone numbers: two for Sales (one each day), one for Support.
      const { accountId, skillIds } = srv.demo!;
      const vm = (number: string, skillId: string, at: number) =>
        srv.node.ctx.store.phone.addVoicemail(
          accountId,
          { conversationId: `cv_${at}`, numberId: `pn_${number}`, number, skillId, ms: 4000 },
          at,
        );
      await vm('+4930100001', skillIds.sales, DAY1 + 60_000);
      await vm('+4930100001', skillIds.sales, DAY2 + 60_000);
      await vm('+4930100002', skillIds.support, DAY2 + 120_000);
      // Outside the period: not counted.
      await vm('+4930100002', skillIds.support, DAY2 + 3 * 86_400_000);
    });
    after(async () => {
      if (skip) return;
      await srv.close();
    });

    it('counts offered, answered, abandoned, wait, talk, hold and transfers in total, per skill, agent and day', {
      skip: skip ?? false,
    }, async () => {
      const res = await admin.get(`/api/v1/reports/calls?${PERIOD}`);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const r = res.body;
      assert.deepEqual(r.total, {
        offered: 6,
        answered: 3,
        abandoned: 2,
        missed: 1,
        answerRate: 0.5,
        avgWaitSeconds: 44 / 3,
        p90WaitSeconds: 30,
        avgTalkSeconds: 310 / 3,
        totalTalkSeconds: 310,
        holdSeconds: 20,
        transfers: 1,
        voicemails: 3,
      });
      const row = (list: Array<Record<string, unknown>>, key: string, value: unknown) =>
        list.find((x) => x[key] === value);
      assert.deepEqual(row(r.skills, 'name', 'Sales'), {
        skillId: srv.demo!.skillIds.sales,
        name: 'Sales',
        offered: 4,
        answered: 2,
        abandoned: 2,
        missed: 1,
        answerRate: 0.5,
        avgWaitSeconds: 20,
        p90WaitSeconds: 30,
        avgTalkSeconds: 90,
        totalTalkSeconds: 180,
        holdSeconds: 20,
        transfers: 0,
        voicemails: 2,
      });
      assert.equal(r.skills[0].name, 'Sales', 'the busiest skill first');
      const sup = row(r.skills, 'name', 'Support')!;
      assert.equal(sup.offered, 2);
      assert.equal(sup.answered, 1);
      assert.equal(sup.abandoned, 0, 'a declined invitation is not abandoned');
      assert.equal(sup.transfers, 1);
      assert.equal(sup.voicemails, 1);
      // Per agent: the transferred call counts for both agents, each with their own wait and talk.
      assert.deepEqual(row(r.agents, 'agentId', sales), {
        agentId: sales,
        name: 'Sales Agent',
        offered: 4,
        answered: 2,
        abandoned: 1,
        missed: 1,
        answerRate: 0.5,
        avgWaitSeconds: 7,
        p90WaitSeconds: 10,
        avgTalkSeconds: 90,
        totalTalkSeconds: 180,
        holdSeconds: 20,
        transfers: 1,
        voicemails: 0,
      });
      assert.deepEqual(row(r.agents, 'agentId', support), {
        agentId: support,
        name: 'Support Agent',
        offered: 2,
        answered: 2,
        abandoned: 0,
        missed: 0,
        answerRate: 1,
        avgWaitSeconds: 20,
        p90WaitSeconds: 30,
        avgTalkSeconds: 60,
        totalTalkSeconds: 120,
        holdSeconds: 0,
        transfers: 0,
        voicemails: 0,
      });
      assert.deepEqual(
        r.days.map((d: { day: string; offered: number; answered: number; voicemails: number }) => [
          d.day,
          d.offered,
          d.answered,
          d.voicemails,
        ]),
        [
          ['2026-03-02', 4, 2, 1],
          ['2026-03-03', 2, 1, 2],
        ],
      );
      assert.deepEqual(r.numbers, [
        { number: '+4930100001', voicemails: 2 },
        { number: '+4930100002', voicemails: 1 },
      ]);
      assert.deepEqual(r.callbacks, {
        requested: 3,
        scheduled: 1,
        queued: 0,
        reached: 1,
        noAnswer: 1,
        wrongNumber: 0,
        rescheduled: 2,
      });
    });

    it('narrows by skill, agent, site and channel', { skip: skip ?? false }, async () => {
      const bySkill = (
        await admin.get(`/api/v1/reports/calls?${PERIOD}&skillId=${srv.demo!.skillIds.support}`)
      ).body;
      assert.equal(bySkill.total.offered, 2);
      assert.equal(bySkill.total.voicemails, 1);
      assert.deepEqual(bySkill.numbers, [{ number: '+4930100002', voicemails: 1 }]);
      assert.deepEqual(
        bySkill.skills.map((s: { name: string }) => s.name),
        ['Support'],
      );
      const byAgent = (await admin.get(`/api/v1/reports/calls?${PERIOD}&agentId=${support}`)).body;
      assert.equal(byAgent.total.offered, 2, 'the calls Support had a part in');
      assert.equal(byAgent.total.voicemails, 0, 'a voicemail reached no agent');
      assert.deepEqual(
        byAgent.agents.map((a: { agentId: string }) => a.agentId),
        [support],
      );
      const web = (await admin.get(`/api/v1/reports/calls?${PERIOD}&channel=web`)).body;
      assert.equal(web.total.offered, 6);
      assert.equal(web.channel, 'web');
      assert.equal(web.total.voicemails, 0, 'voicemails are on the voice channel');
      const voice = (await admin.get(`/api/v1/reports/calls?${PERIOD}&channel=voice`)).body;
      assert.equal(voice.total.voicemails, 3);
      const email = (await admin.get(`/api/v1/reports/calls?${PERIOD}&channel=email`)).body;
      assert.equal(email.total.offered, 0);
      assert.equal(email.total.answerRate, null, 'no rate without calls');
      assert.deepEqual(email.agents, []);
      assert.equal(email.callbacks.requested, 0, 'callbacks asked for on another channel');
      const otherSite = (await admin.get(`/api/v1/reports/calls?${PERIOD}&siteId=site_elsewhere`)).body;
      assert.equal(otherSite.total.offered, 0);
      assert.equal(otherSite.callbacks.requested, 0);
      assert.equal(otherSite.total.voicemails, 0, 'a voicemail has no site');
    });

    it('exports the figures as CSV', { skip: skip ?? false }, async () => {
      const res = await admin.get(`/api/v1/reports/calls?${PERIOD}&format=csv`);
      assert.equal(res.status, 200);
      const lines = String(res.body).trim().split('\r\n');
      assert.equal(
        lines[0],
        'group,key,name,offered,answered,abandoned,missed,answer_rate,avg_wait_s,p90_wait_s,avg_talk_s,total_talk_s,hold_s,transfers,voicemails,callbacks',
      );
      assert.equal(lines[1], 'total,total,All calls,6,3,2,1,0.5,14.7,30,103.3,310,20,1,3,');
      assert.ok(lines.includes('callbacks,reached,Reached,,,,,,,,,,,,,1'));
      assert.ok(lines.includes('day,2026-03-03,2026-03-03,2,1,0,0,0.5,4,4,130,130,0,1,2,'), lines.join('\n'));
      // A leading + is quoted so a spreadsheet reads the number as text.
      assert.ok(lines.includes("number,'+4930100001,'+4930100001,,,,,,,,,,,,2,"), lines.join('\n'));
    });

    it('refuses bad filters and readers who are not analysts', { skip: skip ?? false }, async () => {
      for (const q of ['channel=Web!', 'from=2026-03-05&to=2026-03-01', 'tz=Mars/Olympus', 'colour=red']) {
        const res = await admin.get(`/api/v1/reports/calls?${q}`);
        assert.equal(res.status, 400, q);
        assert.ok(res.body.error?.message, q);
      }
      const agent = new ApiClient(srv.node.app);
      const s = await cookieFor(srv, 'sales@demo.beckon.local');
      agent.cookie = s.cookie;
      agent.csrf = s.csrf;
      assert.equal((await agent.get(`/api/v1/reports/calls?${PERIOD}`)).status, 403);
    });

    it('a live call that rang one agent and was answered by another counts for both', {
      skip: skip ?? false,
    }, async () => {
      const a = await connectAgent(srv, 'sales@demo.beckon.local');
      const b = await connectAgent(srv, 'support@demo.beckon.local', false);
      try {
        const visitor = await startVisitor(srv, { skillId: srv.demo!.skillIds.sales, name: 'Grace' });
        const id = visitor.conversation.id;
        await eventually(() => a.offers.has(id), 3000, 'offer');
        await a.accept(id);
        await b.setStatus('online');
        const v = new CallRequests(visitor.frames as never);
        const ca = new CallRequests(a.frames as never);
        const cb = new CallRequests(b.frames as never);
        const ringsA = ca.nextCall((c) => c.state === 'ringing' && c.ringingAgentId === sales);
        const ringsB = cb.nextCall((c) => c.state === 'ringing' && c.ringingAgentId === support);
        await v.start();
        const call = await ringsA;
        await ca.decline(call.id);
        await ringsB;
        const active = v.nextCall((c) => c.state === 'active');
        await cb.accept(call.id);
        await active;
        const ended = cb.nextCall((c) => c.state === 'ended');
        await cb.hangup(call.id);
        await ended;
        await visitor.close();
        const today = new Date().toISOString().slice(0, 10);
        const r = (await admin.get(`/api/v1/reports/calls?from=${today}&to=${today}`)).body;
        assert.equal(r.total.offered, 1);
        assert.equal(r.total.answered, 1);
        assert.equal(r.total.missed, 1, 'the ring Sales declined');
        const agent = (id: string) => r.agents.find((x: { agentId: string }) => x.agentId === id);
        assert.deepEqual([agent(sales).offered, agent(sales).answered, agent(sales).missed], [1, 0, 1]);
        assert.deepEqual([agent(support).offered, agent(support).answered], [1, 1]);
        assert.ok(agent(support).totalTalkSeconds >= 0);
      } finally {
        await a.disconnect();
        await b.disconnect();
      }
    });
  });
}
