import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { conversationsReport } from '../src/analytics/conversations-report.ts';
import { resolveFilters } from '../src/analytics/report-filters.ts';
import { chatOf } from '../src/conversations/chat-module.ts';
import { newId } from '../src/ids.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, eventually } from './helpers/chat-fixtures.ts';
import { DEMO_ADMIN, startTestServer, type TestServer } from './helpers/test-server.ts';

const HOURS = {
  timeZone: 'Europe/Berlin',
  weekly: [1, 2, 3, 4, 5].map((day) => ({ day, from: '09:00', to: '17:00' })),
  holidays: ['2026-01-06'],
};
/** Saturday 10 January 2026, 13:00 in Berlin (CET). */
const SATURDAY = Date.parse('2026-01-10T12:00:00Z');
/** Monday 12 January 2026, 09:00 in Berlin. */
const MONDAY_OPENING = Date.parse('2026-01-12T08:00:00Z');

describe('business hours: routing holds a closed skill’s queue until it opens', () => {
  let srv: TestServer;
  let admin: ApiClient;
  let sales: AgentChatClient;
  let skillId: string;
  let accountId: string;

  before(async () => {
    srv = await startTestServer({ demo: true });
    admin = new ApiClient(srv.node.app);
    await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password);
    skillId = srv.demo!.skillIds.sales;
    accountId = srv.demo!.accountId;
    sales = await connectAgent(srv, 'sales@demo.beckon.local');
  });
  after(async () => {
    await sales?.disconnect();
    await srv.close();
  });

  it('keeps hours per skill through the API and refuses bad ones with a 400', async () => {
    const res = await admin.patch(`/api/v1/skills/${skillId}`, { hours: HOURS });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.hours, HOURS);
    for (const [hours, field] of [
      [{ ...HOURS, timeZone: 'Mars/Olympus' }, /time zone/],
      [{ ...HOURS, weekly: [{ day: 1, from: '25:00', to: '17:00' }] }, /from/],
      [{ ...HOURS, weekly: [{ day: 7, from: '09:00', to: '17:00' }] }, /day/],
      [{ ...HOURS, holidays: ['2026-02-30'] }, /holidays/],
    ] as const) {
      const bad = await admin.patch(`/api/v1/skills/${skillId}`, { hours });
      assert.equal(bad.status, 400, JSON.stringify(hours));
      assert.match(bad.body.error.message, field);
    }
  });

  it('turns chats to the offline flow with the next opening, and releases held conversations at opening', async () => {
    const chat = chatOf(srv.node.ctx)!;
    let now = SATURDAY;
    chat.router.clock = () => now;
    chat.visitors.clock = () => now;
    try {
      const closed = await chat.visitors.availability(accountId, { skillId });
      assert.equal(closed.available, false, 'an agent is online, but the skill is closed');
      assert.equal(closed.opensAt, new Date(MONDAY_OPENING).toISOString());

      // An e-mail that arrived on Saturday waits in the queue, neither offered nor dropped.
      const { store } = srv.node.ctx;
      const mail = await store.conversations.create(
        {
          accountId,
          siteId: srv.demo!.siteId,
          visitorId: null,
          source: 'visitor',
          originExposureId: null,
          skillId,
          status: 'queued',
          channel: 'email',
          tokenHash: newId('tok'),
        },
        SATURDAY,
      );
      await chat.router.runNow(accountId);
      assert.equal(sales.offers.has(mail.id), false);
      assert.equal((await store.conversations.get(accountId, mail.id)).status, 'queued');

      now = MONDAY_OPENING - 1;
      await chat.router.runNow(accountId);
      assert.equal((await store.conversations.get(accountId, mail.id)).status, 'queued', 'a minute early');

      now = MONDAY_OPENING;
      assert.equal((await chat.visitors.availability(accountId, { skillId })).available, true);
      await chat.router.runNow(accountId);
      await eventually(() => sales.offers.has(mail.id), 3000, 'the offer at opening');
    } finally {
      chat.router.clock = Date.now;
      chat.visitors.clock = Date.now;
    }
  });

  it('reports first response in business hours beside the clock time', async () => {
    const { store } = srv.node.ctx;
    // Asked on Friday 16:55, answered on Monday 09:05: ten business minutes, not three days.
    const asked = Date.parse('2026-01-16T15:55:00Z');
    const c = await store.conversations.create(
      {
        accountId,
        siteId: srv.demo!.siteId,
        visitorId: 'v-weekend',
        source: 'visitor',
        originExposureId: null,
        skillId,
        status: 'queued',
        tokenHash: newId('tok'),
      },
      asked,
    );
    await store.db
      .updateTable('conversations')
      .set({
        status: 'closed',
        assigned_at: Date.parse('2026-01-19T08:04:00Z'),
        first_response_at: Date.parse('2026-01-19T08:05:00Z'),
        closed_at: Date.parse('2026-01-19T08:30:00Z'),
      })
      .where('id', '=', c.id)
      .execute();
    const f = await resolveFilters(store.db, accountId, { from: '2026-01-16', to: '2026-01-19', skillId });
    const report = await conversationsReport(store.db, f);
    assert.equal(
      report.total.avgFirstResponseSeconds,
      Date.parse('2026-01-19T08:05:00Z') / 1000 - asked / 1000,
    );
    assert.equal(report.total.avgBusinessFirstResponseSeconds, 600);
  });
});
