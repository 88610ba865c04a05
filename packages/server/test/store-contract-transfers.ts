import assert from 'node:assert/strict';
import { agentsReport } from '../src/analytics/agents-report.ts';
import { conversationsReport } from '../src/analytics/conversations-report.ts';
import type { ReportFilters } from '../src/analytics/report-filters.ts';
import type { Sender } from '../src/store/messages-repo.ts';
import type { Store } from '../src/store/store.ts';

type Test = (title: string, fn: () => Promise<void>) => void;

const SEC = 1000;
const DAY = 86_400_000;
let n = 0;
const uniq = () => `${Date.now().toString(36)}t${(n++).toString(36)}`;

/**
 * Store contract cases for transfers (SQLite and PostgreSQL): a transfer keeps when the chat was
 * first answered, every agent who held it keeps their share, and the reports read both.
 */
export function transfersContract(test: Test, store: () => Store): void {
  const t0 = Date.UTC(2024, 4, 14, 12, 0, 0);

  async function setup() {
    const s = store();
    const account = await s.accounts.create(`Transfers ${uniq()}`);
    const site = await s.sites.create(account.id, { name: 'Shop' });
    const sales = await s.skills.create(account.id, { name: 'Sales' });
    const support = await s.skills.create(account.id, { name: 'Support' });
    const agent = async (name: string, skillId: string) =>
      s.users.create(account.id, {
        email: `${name.toLowerCase()}-${uniq()}@x.io`,
        name,
        role: 'agent',
        passwordHash: 'h',
        skillIds: [skillId],
        capacity: 2,
        status: 'online',
      });
    const a = await agent('Sales', sales.id);
    const b = await agent('Support', support.id);
    const c = await s.conversations.create(
      {
        accountId: account.id,
        siteId: site.id,
        visitorId: `v${uniq()}`,
        source: 'button',
        skillId: sales.id,
        status: 'queued',
        tokenHash: `hash-${uniq()}`,
      },
      t0,
    );
    const say = async (sender: Sender, text: string, at: number) => {
      const [r] = await s.messages.appendBatch(
        [{ accountId: account.id, conversationId: c.id, sender, echoId: null, text }],
        at,
      );
      assert.equal(r?.ok, true, text);
    };
    const as = (u: { id: string; name: string }): Sender => ({
      kind: 'agent',
      agentId: u.id,
      name: u.name,
      supervisor: false,
    });
    const filters: ReportFilters = {
      accountId: account.id,
      from: t0 - DAY,
      to: t0 + DAY,
      tz: 'UTC',
      siteIds: [site.id],
    };
    const reports = async () => {
      const conversations = (await conversationsReport(s.db, filters)).total;
      const agents = (await agentsReport(s.db, filters, t0 + DAY)).agents;
      const byId = (id: string) => agents.find((x) => x.agentId === id)!;
      return { conversations, a: byId(a.id), b: byId(b.id) };
    };
    const holds = async () =>
      (
        await s.db
          .selectFrom('conversation_assignments')
          .select(['seq', 'agent_id', 'assigned_at', 'ended_at', 'end_reason'])
          .where('conversation_id', '=', c.id)
          .orderBy('seq')
          .execute()
      ).map((h) => [Number(h.seq), h.agent_id, Number(h.assigned_at), Number(h.ended_at), h.end_reason]);
    return { s, account, sales, support, a, b, c, say, as, filters, reports, holds };
  }

  test('transfer to an agent: wait, duration, each agent’s chats and first response, the transfer', async () => {
    const { s, account, sales, a, b, c, say, as, filters, reports, holds } = await setup();
    await say({ kind: 'visitor' }, 'Is the lamp in stock?', t0 + 2 * SEC);
    const accepted = await s.assignment.accept(
      account.id,
      c.id,
      { agentId: a.id, supervisor: false, skillIds: [sales.id] },
      t0 + 10 * SEC,
    );
    assert.equal(accepted.ok, true);
    await say(as(a), 'Let me check', t0 + 23 * SEC);
    await s.assignment.transfer(
      account.id,
      c.id,
      { agentId: a.id, supervisor: false },
      { agentId: b.id },
      t0 + 125 * SEC,
    );
    await say(as(b), 'It is, shipping today', t0 + 140 * SEC);
    await s.assignment.close(account.id, c.id, { agentId: b.id, supervisor: false }, {}, t0 + 359 * SEC);

    const stored = await s.conversations.get(account.id, c.id);
    assert.deepEqual(
      [stored.enqueuedAt, stored.assignedAt, stored.firstResponseAt, stored.closedAt, stored.assignedAgentId],
      [
        new Date(t0).toISOString(),
        new Date(t0 + 10 * SEC).toISOString(),
        new Date(t0 + 23 * SEC).toISOString(),
        new Date(t0 + 359 * SEC).toISOString(),
        b.id,
      ],
      'the transfer keeps when the chat was first answered',
    );
    assert.deepEqual(await holds(), [
      [1, a.id, t0 + 10 * SEC, t0 + 125 * SEC, 'transferred'],
      [2, b.id, t0 + 125 * SEC, t0 + 359 * SEC, 'closed'],
    ]);

    const r = await reports();
    assert.deepEqual(
      [
        r.conversations.conversations,
        r.conversations.answered,
        r.conversations.transferred,
        r.conversations.avgWaitSeconds,
        r.conversations.maxWaitSeconds,
        r.conversations.avgFirstResponseSeconds,
        r.conversations.avgHandleSeconds,
      ],
      [1, 1, 1, 10, 10, 23, 349],
      'waited 10 s, answered 23 s after the request, 5 min 49 s from answer to close',
    );
    const share = (x: typeof r.a) => [
      x.conversations,
      x.closed,
      x.transferredAway,
      x.avgFirstResponseSeconds,
      x.avgHandleSeconds,
    ];
    assert.deepEqual(share(r.a), [1, 0, 1, 13, 115], 'Sales: replied 13 s after taking it, held it 115 s');
    assert.deepEqual(share(r.b), [1, 1, 0, 15, 234], 'Support: replied 15 s after the transfer');
    const bySales = await conversationsReport(s.db, { ...filters, agentId: a.id });
    assert.equal(bySales.total.conversations, 1, 'the chat Sales transferred is still one of theirs');
    // History: filtered by either agent, the chat is there — not only under the last one who held it.
    for (const agent of [a, b]) {
      const found = await s.conversations.search(account.id, { agentId: agent.id });
      assert.deepEqual(
        found.items.map((x) => x.id),
        [c.id],
        agent.name,
      );
    }
  });

  test('transfer to a skill: the next agent’s first response counts from when they took it', async () => {
    const { s, account, sales, support, a, b, c, say, as, reports, holds } = await setup();
    const taken = await s.assignment.accept(
      account.id,
      c.id,
      { agentId: a.id, supervisor: false, skillIds: [sales.id] },
      t0 + 5 * SEC,
    );
    assert.equal(taken.ok, true);
    await say(as(a), 'Hi! Passing you to support', t0 + 8 * SEC);
    await s.assignment.transfer(
      account.id,
      c.id,
      { agentId: a.id, supervisor: false },
      { skillId: support.id },
      t0 + 60 * SEC,
    );
    const back = await s.assignment.accept(
      account.id,
      c.id,
      { agentId: b.id, supervisor: false, skillIds: [support.id] },
      t0 + 90 * SEC,
    );
    assert.equal(back.ok && back.conversation.assignedAt, new Date(t0 + 5 * SEC).toISOString());
    await say(as(b), 'Support here', t0 + 100 * SEC);
    await s.assignment.close(account.id, c.id, 'visitor', {}, t0 + 200 * SEC);
    assert.deepEqual(await holds(), [
      [1, a.id, t0 + 5 * SEC, t0 + 60 * SEC, 'transferred'],
      [2, b.id, t0 + 90 * SEC, t0 + 200 * SEC, 'closed'],
    ]);
    const r = await reports();
    assert.deepEqual(
      [r.conversations.transferred, r.conversations.avgWaitSeconds, r.conversations.avgHandleSeconds],
      [1, 5, 195],
    );
    assert.deepEqual(
      [r.a.conversations, r.a.avgFirstResponseSeconds, r.b.conversations, r.b.avgFirstResponseSeconds],
      [1, 3, 1, 10],
    );
  });

  test('migration: chats transferred before the history was kept get it back, never a negative first response', async () => {
    const s = store();
    const agentTransfer = await setup();
    const skillTransfer = await setup();
    await s.migrate('0010-conversation-message-totals');
    try {
      // As the store used to keep them: `assigned_at` overwritten by the transfer.
      const legacy = async (
        x: typeof agentTransfer,
        row: { assignedAt: number; firstResponseAt: number; closedAt: number; holder: string },
        replies: Array<[string, number]>,
      ) => {
        await s.db
          .updateTable('conversations')
          .set({
            status: 'closed',
            assigned_agent_id: row.holder,
            assigned_at: row.assignedAt,
            first_response_at: row.firstResponseAt,
            closed_at: row.closedAt,
            closed_by: row.holder,
          })
          .where('id', '=', x.c.id)
          .execute();
        let seq = 0;
        for (const [agentId, at] of replies) {
          await s.db
            .insertInto('messages')
            .values({
              conversation_id: x.c.id,
              seq: ++seq,
              account_id: x.account.id,
              sender_kind: 'agent',
              sender_id: agentId,
              sender_name: null,
              echo_id: null,
              body: 'reply',
              attachments: null,
              created_at: at,
            })
            .execute();
        }
      };
      // Sales → Support at 125 s.
      await legacy(
        agentTransfer,
        {
          assignedAt: t0 + 125 * SEC,
          firstResponseAt: t0 + 23 * SEC,
          closedAt: t0 + 359 * SEC,
          holder: agentTransfer.b.id,
        },
        [
          [agentTransfer.a.id, t0 + 23 * SEC],
          [agentTransfer.b.id, t0 + 140 * SEC],
        ],
      );
      // Sales took it at 5 s, sent it to the Support queue at 60 s; Support took it at 90 s.
      await legacy(
        skillTransfer,
        {
          assignedAt: t0 + 90 * SEC,
          firstResponseAt: t0 + 8 * SEC,
          closedAt: t0 + 200 * SEC,
          holder: skillTransfer.b.id,
        },
        [
          [skillTransfer.a.id, t0 + 8 * SEC],
          [skillTransfer.b.id, t0 + 100 * SEC],
        ],
      );
      await s.db
        .insertInto('conversation_passes')
        .values({
          conversation_id: skillTransfer.c.id,
          agent_id: skillTransfer.a.id,
          account_id: skillTransfer.account.id,
          reason: 'transferred',
          created_at: t0 + 60 * SEC,
        })
        .execute();
    } finally {
      await s.migrate();
    }

    // The earliest moment someone is known to have held it: Sales' reply.
    assert.equal(
      (await s.conversations.get(agentTransfer.account.id, agentTransfer.c.id)).assignedAt,
      new Date(t0 + 23 * SEC).toISOString(),
    );
    assert.deepEqual(await agentTransfer.holds(), [
      [1, agentTransfer.a.id, t0 + 23 * SEC, t0 + 125 * SEC, 'transferred'],
      [2, agentTransfer.b.id, t0 + 125 * SEC, t0 + 359 * SEC, 'closed'],
    ]);
    const r = await agentTransfer.reports();
    assert.deepEqual(
      [r.conversations.transferred, r.a.conversations, r.b.conversations, r.b.avgFirstResponseSeconds],
      [1, 1, 1, 15],
    );
    assert.ok((r.a.avgFirstResponseSeconds ?? 0) >= 0);

    assert.deepEqual(await skillTransfer.holds(), [
      [1, skillTransfer.a.id, t0 + 8 * SEC, t0 + 60 * SEC, 'transferred'],
      [2, skillTransfer.b.id, t0 + 90 * SEC, t0 + 200 * SEC, 'closed'],
    ]);
    const q = await skillTransfer.reports();
    assert.deepEqual(
      [q.conversations.transferred, q.conversations.avgWaitSeconds, q.b.avgFirstResponseSeconds],
      [1, 8, 10],
    );
  });
}
