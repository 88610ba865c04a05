import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ChatRequestError } from '@beckon/sdk/frame-socket';
import { timeInStates } from '../src/analytics/agent-state-time.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually } from './helpers/chat-fixtures.ts';
import { DEMO_ADMIN, DEMO_AGENT_PASSWORD, startTestServer, type TestServer } from './helpers/test-server.ts';

const SALES = 'sales@demo.beckon.local';
const REASONS = '/api/v1/account/away-reasons';

describe('agent states: away reasons, the state log and time in each state in the agent report', () => {
  let srv: TestServer;
  let admin: ApiClient;
  let agent: ApiClient;
  let salesId: string;

  before(async () => {
    srv = await startTestServer({ demo: true });
    admin = new ApiClient(srv.node.app);
    assert.equal((await admin.login(DEMO_ADMIN.email, DEMO_ADMIN.password)).status, 200);
    agent = new ApiClient(srv.node.app);
    assert.equal((await agent.login(SALES, DEMO_AGENT_PASSWORD)).status, 200);
    salesId = (await cookieFor(srv, SALES)).userId;
  });
  after(() => srv?.close());

  it('starts every account with a default set of away reasons that agents can read', async () => {
    const res = await agent.get(REASONS);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.reasons, ['Break', 'Meeting', 'Training', 'Lunch']);
  });

  it('lets admins replace the reasons, refuses agents and bad lists with a clear 4xx, and audits the change', async () => {
    const put = (c: ApiClient, body: unknown) => c.request('PUT', REASONS, body);
    assert.equal((await put(agent, { reasons: ['Nap'] })).status, 403);
    const empty = await put(admin, { reasons: [] });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.error.code, 'no_away_reasons');
    const twice = await put(admin, { reasons: ['Lunch', 'lunch'] });
    assert.equal(twice.status, 400);
    assert.equal(twice.body.error.code, 'duplicate_away_reason');
    assert.equal((await put(admin, { reasons: ['x'.repeat(41)] })).status, 400);
    assert.equal((await put(admin, { reasons: 'Lunch' })).status, 400);
    const ok = await put(admin, { reasons: ['Break', 'Meeting', 'Training', 'Lunch', 'Coaching'] });
    assert.equal(ok.status, 200);
    assert.deepEqual((await agent.get(REASONS)).body.reasons.at(-1), 'Coaching');
    const audit = await admin.get('/api/v1/audit-log?action=away_reasons.changed');
    assert.equal(audit.status, 200);
    assert.ok(JSON.stringify(audit.body).includes('away_reasons.changed'), 'the change is in the audit log');
  });

  it('takes an away reason from the status switch, shows it to the team, and refuses one not on the list', async () => {
    const console1 = await connectAgent(srv, SALES);
    try {
      await assert.rejects(
        console1.setStatus('away', 'Fishing'),
        (e: unknown) => e instanceof ChatRequestError && e.code === 'unknown_away_reason',
      );
      await console1.setStatus('away', 'Lunch');
      const users = (await admin.get('/api/v1/users')).body.items as Array<{
        id: string;
        status: string;
        awayReason?: string;
      }>;
      const sales = users.find((u) => u.id === salesId)!;
      assert.equal(sales.status, 'away');
      assert.equal(sales.awayReason, 'Lunch');
      await console1.setStatus('online');
      const back = ((await admin.get('/api/v1/users')).body.items as typeof users).find(
        (u) => u.id === salesId,
      )!;
      assert.equal(back.status, 'online');
      assert.equal(back.awayReason, undefined, 'online clears the reason');
    } finally {
      await console1.disconnect();
    }
    // The console closed: the state log says offline from then on.
    const accountId = srv.demo!.accountId;
    const rows = await eventually(
      async () => {
        const r = await srv.node.ctx.store.agentStates.spans(accountId, 0, Date.now() + 1000);
        const mine = r.filter((x) => x.userId === salesId);
        return mine.at(-1)?.state === 'offline' ? mine : undefined;
      },
      5000,
      'the offline row',
    );
    assert.deepEqual(
      rows.map((r) => [r.state, r.reason]),
      [
        ['offline', null], // signed in, not yet online
        ['online', null],
        ['away', 'Lunch'],
        ['online', null],
        ['offline', null],
      ],
    );
  });

  it('adds up time in each state over the report range, per away reason, offline before the first row', async () => {
    const { store } = srv.node.ctx;
    const accountId = srv.demo!.accountId;
    const supportId = (await cookieFor(srv, 'support@demo.beckon.local')).userId;
    const day = Date.UTC(2026, 0, 5);
    const h = 3_600_000;
    // 09:00 online, 11:00 break, 11:15 online, 12:30 lunch, 13:30 online, 17:00 gone.
    const log: Array<[number, 'online' | 'away' | 'offline', string | null]> = [
      [9 * h, 'online', null],
      [11 * h, 'away', 'Break'],
      [11.25 * h, 'online', null],
      [12.5 * h, 'away', 'Lunch'],
      [13.5 * h, 'online', null],
      [17 * h, 'offline', null],
    ];
    for (const [at, state, reason] of log)
      await store.agentStates.record(accountId, supportId, state, reason, day + at);
    const res = await admin.get(
      `/api/v1/reports/agents?from=${new Date(day).toISOString()}&to=${new Date(day + 24 * h).toISOString()}`,
    );
    assert.equal(res.status, 200);
    const support = res.body.agents.find((a: { agentId: string }) => a.agentId === supportId);
    const hours = Object.fromEntries(
      support.states.map((s: { state: string; reason: string | null; seconds: number }) => [
        s.reason ? `${s.state}:${s.reason}` : s.state,
        s.seconds / 3600,
      ]),
    );
    assert.deepEqual(hours, { online: 2 + 1.25 + 3.5, 'away:Break': 0.25, 'away:Lunch': 1, offline: 9 + 7 });
    const csv = (
      await admin.get(
        `/api/v1/reports/agents?from=${new Date(day).toISOString()}&to=${new Date(day + 24 * h).toISOString()}&format=csv`,
      )
    ).body as string;
    const header = csv.split('\n')[0]!.split(',');
    const row = csv
      .split('\n')
      .find((l) => l.startsWith(supportId))!
      .split(',');
    assert.equal(row[header.indexOf('online_s')], String(6.75 * 3600));
    assert.equal(row[header.indexOf('away_s')], String(1.25 * 3600));
  });

  it('clips the state a range opens in to the range', () => {
    const rows = [
      { userId: 'u', state: 'away' as const, reason: 'Meeting', at: 0 },
      { userId: 'u', state: 'online' as const, reason: null, at: 5_000 },
    ];
    const t = timeInStates(rows, 2_000, 10_000).get('u')!;
    assert.deepEqual(t, [
      { state: 'online', reason: null, seconds: 5 },
      { state: 'away', reason: 'Meeting', seconds: 3 },
    ]);
  });
});
