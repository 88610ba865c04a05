import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentChatClient } from '@beckon/sdk/agent-client';
import { ApiClient } from './helpers/api-client.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import { postgresSkipReason } from './helpers/postgres.ts';
import { startTestServer } from './helpers/test-server.ts';

const AGENTS = 50;
const CAPACITY = 8;
const CONVERSATIONS = 500;

/**
 * 50 agents, 500 conversations arriving at once. Agents accept every offer the router makes
 * and, at the same time, race each other to take waiting chats straight from the queue. No
 * conversation may ever be held by two agents, no capacity may be exceeded, none may be lost.
 */
async function burst(store: 'sqlite' | 'postgres') {
  // 500 chats from one test address at once: no per-address start limit here.
  // Warnings and errors, to say why a start was refused if one is.
  const problems: string[] = [];
  const srv = await startTestServer({
    demo: true,
    store,
    env: { BECKON_RATE_CHAT_START_ADDRESS: '0' },
    logs: { write: (line) => void problems.push(line) },
    logsLevel: 'warn',
  });
  const agents: AgentChatClient[] = [];
  try {
    const { store: s } = srv.node.ctx;
    const accountId = srv.demo!.accountId;
    const skillId = srv.demo!.skillIds.sales;
    // The demo's own people take no part.
    await s.db.updateTable('users').set({ capacity: 0 }).where('account_id', '=', accountId).execute();
    const users = [];
    for (let i = 0; i < AGENTS; i++) {
      users.push(
        await s.users.create(accountId, {
          email: `burst-${i}@demo.beckon.local`,
          name: `Burst ${i}`,
          role: 'agent',
          passwordHash: 'x',
          skillIds: [skillId],
          capacity: CAPACITY,
          status: 'online',
        }),
      );
    }
    const assignedTo = new Map<string, string[]>();
    let raceErrors = 0;
    for (const u of users) {
      const { token } = await s.authSessions.create(u.id, accountId, 3600_000);
      const a = await AgentChatClient.connect(srv.url, { cookie: `beckon_session=${token}` });
      a.frames.on((f) => {
        if (f.type === 'assigned')
          assignedTo.set(f.conversation.id, [...(assignedTo.get(f.conversation.id) ?? []), u.id]);
        if (f.type === 'offer') a.accept(f.conversation.id).catch(() => raceErrors++);
        if (f.type === 'queue') {
          // Grab two random waiting chats: the "many agents click the same chat" race.
          const waiting = f.items.filter((q) => q.status === 'queued');
          for (let k = 0; k < 2 && waiting.length > 0; k++) {
            const pick = waiting.splice(Math.floor(Math.random() * waiting.length), 1)[0]!;
            a.accept(pick.conversationId).catch(() => raceErrors++);
          }
        }
      });
      agents.push(a);
    }

    const t0 = Date.now();
    const api = new ApiClient(srv.node.app);
    const started = await Promise.all(
      Array.from({ length: CONVERSATIONS }, (_, i) =>
        api.request(
          'POST',
          '/api/v1/chat/conversations',
          { visitorId: `burst${i}`, skillId, text: `hello ${i}` },
          {
            'x-beckon-site-key': srv.demo!.siteKey,
          },
        ),
      ),
    );
    const refused = started.filter((r) => r.status !== 201);
    assert.deepEqual(
      refused.map((r) => `${r.status} ${JSON.stringify(r.body)}`),
      [],
      `every conversation started; the node logged:\n${problems.slice(0, 20).join('')}`,
    );
    assert.ok(
      started.every((r) => ['queued', 'offered', 'active'].includes(r.body.conversation.status)),
      'every chat waits for an agent (none went to the offline flow)',
    );

    const counts = async () => {
      const rows = await s.db
        .selectFrom('conversations')
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .where('account_id', '=', accountId)
        .groupBy('status')
        .execute();
      return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])) as Record<string, number>;
    };
    const loads = async () =>
      s.db
        .selectFrom('conversations')
        .select(['assigned_agent_id', (eb) => eb.fn.countAll<number>().as('n')])
        .where('account_id', '=', accountId)
        .where('status', '=', 'active')
        .groupBy('assigned_agent_id')
        .execute();

    // Phase 1: capacity fills up (400 slots for 500 chats).
    await eventually(
      async () => {
        const c = await counts();
        return c.active === AGENTS * CAPACITY && !c.offered;
      },
      60_000,
      'every slot filled',
    );
    const filledMs = Date.now() - t0;
    const c1 = await counts();
    assert.deepEqual(c1, { active: AGENTS * CAPACITY, queued: CONVERSATIONS - AGENTS * CAPACITY });
    for (const l of await loads())
      assert.ok(Number(l.n) <= CAPACITY, `agent ${l.assigned_agent_id} holds ${l.n}`);
    await eventually(() => assignedTo.size === AGENTS * CAPACITY, 5000, 'assigned frames');
    for (const [id, holders] of assignedTo)
      assert.equal(holders.length, 1, `${id} assigned to ${holders.join(', ')}`);

    // Phase 2: everyone closes what they hold; the rest of the queue drains into the freed slots.
    await Promise.all(
      agents.map(async (a) => {
        const mine = [...a.conversations.values()].filter(
          (c) => c.status === 'active' && c.assignedAgentId === a.profile.id,
        );
        for (const c of mine) await a.close(c.id, { disposition: 'done' });
      }),
    );
    await eventually(
      async () => {
        const c = await counts();
        return c.closed === AGENTS * CAPACITY && c.active === CONVERSATIONS - AGENTS * CAPACITY;
      },
      60_000,
      'queue drained',
    );
    for (const l of await loads()) assert.ok(Number(l.n) <= CAPACITY);
    await eventually(() => assignedTo.size === CONVERSATIONS, 5000, 'all assigned frames');
    for (const [id, holders] of assignedTo) assert.equal(holders.length, 1, `${id} assigned once`);
    // Each conversation's first message is there exactly once.
    const firsts = await s.db
      .selectFrom('messages')
      .select(['conversation_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('account_id', '=', accountId)
      .where('sender_kind', '=', 'visitor')
      .groupBy('conversation_id')
      .execute();
    assert.equal(firsts.length, CONVERSATIONS);
    assert.ok(firsts.every((r) => Number(r.n) === 1));
    return { raceErrors, filledMs, drainedMs: Date.now() - t0 };
  } finally {
    for (const a of agents) await a.disconnect();
    await srv.close();
  }
}

describe('conversations under concurrency: 50 agents, 500 chats at once', () => {
  it('SQLite: each chat assigned exactly once, capacities respected, none lost', {
    timeout: 180_000,
  }, async (t) => {
    const { raceErrors, filledMs, drainedMs } = await burst('sqlite');
    t.diagnostic(
      `400 slots filled in ${filledMs} ms, all 500 assigned in ${drainedMs} ms; ${raceErrors} lost races`,
    );
    assert.ok(raceErrors > 0, 'agents really raced for the same chats');
  });

  it('PostgreSQL: each chat assigned exactly once, capacities respected, none lost', {
    timeout: 180_000,
  }, async (t) => {
    const reason = await postgresSkipReason();
    if (reason) return t.skip(reason);
    const { raceErrors, filledMs, drainedMs } = await burst('postgres');
    t.diagnostic(
      `400 slots filled in ${filledMs} ms, all 500 assigned in ${drainedMs} ms; ${raceErrors} lost races`,
    );
    assert.ok(raceErrors > 0, 'agents really raced for the same chats');
  });
});
