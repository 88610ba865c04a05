import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SlaTargets } from '@beckon/protocol/sla-api';
import type { Wallboard } from '@beckon/protocol/wallboard-api';
import { wallboard } from '../src/analytics/wallboard.ts';
import { newId } from '../src/ids.ts';
import type { Store } from '../src/store/store.ts';
import { ApiClient } from './helpers/api-client.ts';
import { cookieFor } from './helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const MIN = 60_000;
/** Noon: every conversation below but one asked "today" (UTC). */
const NOW = Date.parse('2026-10-05T12:00:00Z');
const TARGETS: SlaTargets = {
  normal: { firstResponseSeconds: 15 * 60, resolutionSeconds: null },
  urgent: { firstResponseSeconds: 5 * 60, resolutionSeconds: null },
};

describe('wallboard: per-skill queue and service level, per-agent state and load', () => {
  let srv: TestServer;
  let store: Store;
  let accountId: string;
  let agentId: string;

  const as = async (email: string) => {
    const client = new ApiClient(srv.node.app);
    Object.assign(client, await cookieFor(srv, email));
    return client;
  };
  const conversation = async (
    skillId: string,
    startedAt: number,
    over: { priority?: number; firstResponseAt?: number; closedAt?: number; agent?: string } = {},
  ) => {
    const c = await store.conversations.create(
      {
        accountId,
        siteId: null,
        visitorId: null,
        source: 'api',
        skillId,
        status: 'queued',
        channel: 'web',
        priority: over.priority ?? 0,
        visitorName: 'Ada',
        tokenHash: newId('tok'),
      },
      startedAt,
    );
    await store.db
      .updateTable('conversations')
      .set({
        first_response_at: over.firstResponseAt ?? null,
        closed_at: over.closedAt ?? null,
        closed_by: over.closedAt ? 'visitor' : null,
        status: over.closedAt ? 'closed' : over.agent ? 'active' : 'queued',
        assigned_agent_id: over.agent ?? null,
        assigned_at: over.agent ? (over.firstResponseAt ?? startedAt) : null,
      })
      .where('id', '=', c.id)
      .execute();
  };

  before(async () => {
    srv = await startTestServer({ demo: true, store: 'sqlite', env: { BECKON_SLA: '0' } });
    store = srv.node.ctx.store;
    accountId = srv.demo!.accountId;
    agentId = (await store.users.findForLogin('sales@demo.beckon.local'))!.user.id;
  });
  after(async () => {
    await srv?.close();
  });

  it('computes waiting, longest wait, SLA share, abandoned and agent figures from a hand-built day', async () => {
    const admin = await as('admin@demo.beckon.local');
    const timed = await admin.post('/api/v1/skills', { name: 'Wallboard timed', sla: TARGETS });
    assert.equal(timed.status, 201, JSON.stringify(timed.body));
    const plain = await admin.post('/api/v1/skills', { name: 'Wallboard plain' });
    assert.equal(plain.status, 201, JSON.stringify(plain.body));
    const s = timed.body.id as string;
    const p = plain.body.id as string;

    await conversation(s, NOW - 20 * MIN); // waiting, past its 15-minute target: already missed
    await conversation(s, NOW - 3 * MIN, { priority: 10 }); // waiting, urgent, within 5 minutes
    await conversation(s, NOW - 60 * MIN, { firstResponseAt: NOW - 55 * MIN, agent: agentId }); // met, held now
    await conversation(s, NOW - 90 * MIN, {
      firstResponseAt: NOW - 60 * MIN,
      closedAt: NOW - 50 * MIN,
      agent: agentId,
    }); // answered late: missed
    await conversation(s, NOW - 100 * MIN, { closedAt: NOW - 80 * MIN }); // abandoned after 20 min: missed
    await conversation(s, NOW - 24 * 60 * MIN, {
      firstResponseAt: NOW - 24 * 60 * MIN + MIN,
      closedAt: NOW - 23 * 60 * MIN,
      agent: agentId,
    }); // yesterday: not today's figures
    await conversation(p, NOW - 40 * MIN); // waiting in a skill without targets
    await conversation(p, NOW - 30 * MIN, { closedAt: NOW - 29 * MIN }); // abandoned

    await store.agentStates.record(accountId, agentId, 'away', 'Lunch', NOW - 5 * MIN);
    await store.db
      .updateTable('users')
      .set({ status: 'away', away_reason: 'Lunch', capacity: 4 })
      .where('id', '=', agentId)
      .execute();

    const board: Wallboard = await wallboard(srv.node.ctx, accountId, 'UTC', NOW);
    const timedRow = board.skills.find((x) => x.skillId === s)!;
    assert.deepEqual(
      { ...timedRow, longestWaitSeconds: Math.round(timedRow.longestWaitSeconds) },
      {
        skillId: s,
        name: 'Wallboard timed',
        waiting: 2,
        longestWaitSeconds: 20 * 60,
        hasTargets: true,
        waitingOverTarget: 1,
        answeredWithinSla: 1,
        slaDecided: 4,
        slaShare: 1 / 4,
        abandonedToday: 1,
      },
    );
    const plainRow = board.skills.find((x) => x.skillId === p)!;
    assert.equal(plainRow.waiting, 1);
    assert.equal(Math.round(plainRow.longestWaitSeconds), 40 * 60);
    assert.equal(plainRow.hasTargets, false);
    assert.equal(plainRow.slaShare, null);
    assert.equal(plainRow.answeredWithinSla, null);
    assert.equal(plainRow.abandonedToday, 1);

    const agent = board.agents.find((a) => a.id === agentId)!;
    assert.equal(agent.state, 'away');
    assert.equal(agent.awayReason, 'Lunch');
    assert.equal(agent.secondsInState, 300);
    assert.equal(agent.chats, 1);
    assert.equal(agent.calls, 0);
    assert.equal(agent.capacity, 4);
    assert.equal(agent.load, 0.25);
    assert.equal(agent.connected, false);
  });

  it('keeps time in state across a reload or a new sign-in in the same state; a long absence starts it anew', async () => {
    const supportId = (await store.users.findForLogin('support@demo.beckon.local'))!.user.id;
    const T = NOW + 24 * 60 * MIN;
    await store.db.updateTable('users').set({ status: 'online' }).where('id', '=', supportId).execute();
    // Online for an hour; the console closed a minute for a sign-out and sign-in, still online.
    for (const [at, state] of [
      [T - 60 * MIN, 'online'],
      [T - 10 * MIN, 'offline'],
      [T - 9 * MIN, 'online'],
    ] as const)
      await store.agentStates.record(accountId, supportId, state, null, at);
    const row = async (at: number) =>
      (await wallboard(srv.node.ctx, accountId, 'UTC', at)).agents.find((a) => a.id === supportId)!;
    assert.equal((await row(T)).secondsInState, 60 * 60, 'the sign-in did not change the state');
    // Gone for two hours, then back online: that is a new stretch online.
    await store.agentStates.record(accountId, supportId, 'offline', null, T + MIN);
    await store.agentStates.record(accountId, supportId, 'online', null, T + 121 * MIN);
    assert.equal((await row(T + 122 * MIN)).secondsInState, 60);
  });

  it('is for owners and admins: agents get 403, a bad time zone 400', async () => {
    const admin = await as('admin@demo.beckon.local');
    const ok = await admin.get('/api/v1/wallboard?tz=Europe/Berlin');
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.ok(Array.isArray(ok.body.skills) && Array.isArray(ok.body.agents));
    assert.equal((await admin.get('/api/v1/wallboard?tz=Mars/Olympus')).status, 400);
    assert.equal((await admin.get('/api/v1/wallboard?colour=red')).status, 400);
    const agent = await as('sales@demo.beckon.local');
    assert.equal((await agent.get('/api/v1/wallboard')).status, 403);
  });
});
