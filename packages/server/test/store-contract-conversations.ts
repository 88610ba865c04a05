import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { NewConversation } from '../src/store/conversations-repo.ts';
import type { AppendItem, Sender } from '../src/store/messages-repo.ts';
import type { Store } from '../src/store/store.ts';

type Test = (title: string, fn: () => Promise<void>) => void;

let n = 0;
const uniq = () => `${Date.now().toString(36)}${(n++).toString(36)}`;

/** Store contract cases for conversations, messages and atomic assignment (SQLite and PostgreSQL). */
export function conversationsContract(test: Test, store: () => Store): void {
  async function setup(agents = 2, capacity = 2) {
    const s = store();
    const account = await s.accounts.create(`Chat ${uniq()}`);
    const site = await s.sites.create(account.id, { name: 'Shop' });
    const skill = await s.skills.create(account.id, { name: 'Sales' });
    const other = await s.skills.create(account.id, { name: 'Support' });
    const users = [];
    for (let i = 0; i < agents; i++) {
      users.push(
        await s.users.create(account.id, {
          email: `a${i}-${uniq()}@x.io`,
          name: `Agent ${i}`,
          role: 'agent',
          passwordHash: 'h',
          skillIds: [skill.id],
          capacity,
          status: 'online',
        }),
      );
    }
    const start = (
      over: { skillId?: string; visitorName?: string } & Pick<NewConversation, 'invitation'> = {},
    ) =>
      s.conversations.create({
        accountId: account.id,
        siteId: site.id,
        visitorId: `v${uniq()}`,
        source: 'button',
        skillId: over.skillId ?? skill.id,
        status: 'queued',
        visitorName: over.visitorName ?? null,
        tokenHash: `hash-${uniq()}`,
        ...(over.invitation ? { invitation: over.invitation } : {}),
      });
    return { s, account, site, skill, other, users, start };
  }
  const agentSender = (u: { id: string; name: string }, supervisor = false): Sender => ({
    kind: 'agent',
    agentId: u.id,
    name: u.name,
    supervisor,
  });
  const actor = (u: { id: string }, skillIds: string[], supervisor = false) => ({
    agentId: u.id,
    supervisor,
    skillIds,
  });

  test('conversations: created queued, found by token hash, invisible to other accounts', async () => {
    const { s, account, start } = await setup(0);
    const c = await start({ visitorName: 'Ada' });
    assert.equal(c.status, 'queued');
    assert.equal(c.lastSeq, 0);
    const row = await s.db
      .selectFrom('conversations')
      .select('visitor_token_hash')
      .where('id', '=', c.id)
      .executeTakeFirstOrThrow();
    assert.equal((await s.conversations.findByTokenHash(row.visitor_token_hash))?.conversation.id, c.id);
    assert.equal(await s.conversations.findByTokenHash('nope'), undefined);
    const stranger = await s.accounts.create('Stranger');
    await assert.rejects(s.conversations.get(stranger.id, c.id), { status: 404 });
    assert.equal((await s.conversations.get(account.id, c.id)).visitorName, 'Ada');
  });

  test('conversations: an accepted invitation is stored as the first message, before anything sent', async () => {
    const { s, account, start } = await setup(0);
    const c = await start({ invitation: { text: 'Hi! Any questions about the lamp?', from: 'Sales Agent' } });
    assert.equal(c.lastSeq, 1);
    const sent = await s.messages.appendBatch([
      { accountId: account.id, conversationId: c.id, sender: { kind: 'visitor' }, echoId: 'e1', text: 'Yes' },
    ]);
    assert.ok(sent[0]!.ok && sent[0]!.message.seq === 2);
    const all = await s.messages.after(account.id, c.id, 0, { visitorView: true });
    assert.deepEqual(
      all.map((m) => [m.seq, m.senderKind, m.senderName, m.senderId, m.text]),
      [
        [1, 'invitation', 'Sales Agent', null, 'Hi! Any questions about the lamp?'],
        [2, 'visitor', null, null, 'Yes'],
      ],
    );
    const stored = await s.conversations.get(account.id, c.id);
    assert.equal(stored.lastSeq, 2);
    assert.equal(stored.firstResponseAt, null, 'the invitation is not an agent’s answer');
    const unnamed = await start({ invitation: { text: 'Need a hand?', from: null } });
    const [first] = await s.messages.after(account.id, unnamed.id, 0);
    assert.deepEqual([first?.seq, first?.senderName, first?.text], [1, null, 'Need a hand?']);
  });

  test('messages: sequence numbers per conversation across one batch, retries return the original', async () => {
    const { s, account, start } = await setup(0);
    const a = await start();
    const b = await start();
    const v: Sender = { kind: 'visitor' };
    const item = (conversationId: string, echoId: string | null, text: string): AppendItem => ({
      accountId: account.id,
      conversationId,
      sender: v,
      echoId,
      text,
    });
    const r1 = await s.messages.appendBatch([
      item(a.id, 'e1', 'a1'),
      item(b.id, 'e1', 'b1'),
      item(a.id, 'e2', 'a2'),
      item(a.id, 'e1', 'a1 again in the same batch'),
    ]);
    assert.deepEqual(
      r1.map((r) =>
        r.ok ? [r.message.conversationId === a.id ? 'a' : 'b', r.message.seq, r.duplicate] : r.error.code,
      ),
      [
        ['a', 1, false],
        ['b', 1, false],
        ['a', 2, false],
        ['a', 1, true],
      ],
    );
    const r2 = await s.messages.appendBatch([
      item(a.id, 'e2', 'retry'),
      item(a.id, null, 'no echo'),
      item(a.id, null, 'no echo'),
    ]);
    assert.ok(
      r2[0]!.ok && r2[0]!.duplicate && r2[0]!.message.text === 'a2',
      'the retry returns the original',
    );
    assert.deepEqual(
      r2.slice(1).map((r) => r.ok && r.message.seq),
      [3, 4],
    );
    const all = await s.messages.after(account.id, a.id, 0);
    assert.deepEqual(
      all.map((m) => [m.seq, m.text]),
      [
        [1, 'a1'],
        [2, 'a2'],
        [3, 'no echo'],
        [4, 'no echo'],
      ],
    );
    assert.deepEqual(
      (await s.messages.after(account.id, a.id, 2)).map((m) => m.seq),
      [3, 4],
    );
    assert.equal((await s.conversations.get(account.id, a.id)).lastSeq, 4);
    const stranger = await s.accounts.create('Stranger');
    const [foreign] = await s.messages.appendBatch([{ ...item(a.id, 'x', 'hi'), accountId: stranger.id }]);
    assert.equal(foreign!.ok, false);
    assert.equal((await s.messages.after(stranger.id, a.id, 0)).length, 0);
  });

  test('messages: a batch of any size stores each line once and in order, and its retries get the originals', async () => {
    // Batch statements come in runs of rows (a power of two each on SQLite): sizes across the runs'
    // bounds (256 rows written, 128 retries probed, 256 conversations read at once) must lose,
    // repeat or reorder nothing.
    const { s, account, start } = await setup(0);
    const v: Sender = { kind: 'visitor' };
    let echo = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 600, size: 'max' }),
        fc.array(fc.record({ line: fc.nat(), retry: fc.boolean() }), { maxLength: 300, size: 'max' }),
        async (conversations, first, second) => {
          const convs: string[] = [];
          for (let i = 0; i < conversations; i++) convs.push((await start()).id);
          /** What each conversation should hold, in order: its lines' echo ids and texts. */
          const model = new Map<string, { echoId: string; text: string }[]>(convs.map((c) => [c, []]));
          const line = (c: string) => {
            const echoId = `e${echo++}`;
            return { accountId: account.id, conversationId: c, sender: v, echoId, text: `t ${echoId}` };
          };
          const batch1: AppendItem[] = first.map((x) => line(convs[x % convs.length]!));
          const r1 = await s.messages.appendBatch(batch1);
          batch1.forEach((item, i) => {
            const lines = model.get(item.conversationId)!;
            lines.push({ echoId: item.echoId!, text: item.text });
            const r = r1[i]!;
            assert.ok(r.ok && !r.duplicate && r.message.seq === lines.length && r.message.text === item.text);
          });
          // Retries of the first batch's lines (each probed: its client had seen nothing), among new lines.
          const batch2: AppendItem[] = second.map(({ line: x, retry }) =>
            retry ? { ...batch1[x % batch1.length]!, afterSeq: 0 } : line(convs[x % convs.length]!),
          );
          const r2 = await s.messages.appendBatch(batch2);
          batch2.forEach((item, i) => {
            const lines = model.get(item.conversationId)!;
            const r = r2[i]!;
            assert.ok(r.ok);
            const known = lines.findIndex((l) => l.echoId === item.echoId);
            if (known >= 0) {
              assert.ok(r.duplicate, 'a retry is answered with the original');
              assert.deepEqual([r.message.seq, r.message.text], [known + 1, lines[known]!.text]);
            } else {
              lines.push({ echoId: item.echoId!, text: item.text });
              assert.deepEqual([r.duplicate, r.message.seq], [false, lines.length]);
            }
          });
          for (const [c, lines] of model) {
            const stored = await s.messages.after(account.id, c, 0);
            assert.deepEqual(
              stored.map((m) => [m.seq, m.echoId, m.text]),
              lines.map((l, i) => [i + 1, l.echoId, l.text]),
            );
          }
        },
      ),
      // A failure shrinks by sending again; a minute of it finds a short enough counterexample.
      { numRuns: 8, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true },
    );
  });

  test("invitations: a broadcast's page of any size starts each conversation once, with its invitation and its outbox row", async () => {
    // Its inserts come in runs of rows (a power of two each on SQLite): page sizes across the runs'
    // bounds (64 conversations, 128 outbox rows) must lose, repeat or mix up nothing.
    const { s, account, site, skill } = await setup(0);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 300, size: 'max' }), async (web) => {
        const now = Date.now();
        const items = web.map((onWeb, i) => {
          const echoId = `b:${uniq()}`;
          return {
            input: {
              accountId: account.id,
              siteId: site.id,
              visitorId: null,
              channel: onWeb ? ('web' as const) : ('sms' as const),
              source: 'invitation' as const,
              skillId: skill.id,
              status: 'closed' as const,
              closedBy: 'campaign' as const,
              tokenHash: `hash-${uniq()}`,
              invitation: { text: `offer ${i} ${echoId}`, from: null, echoId },
            },
            outbox: { id: `out_${uniq()}`, dueAt: now + i, pacePerMinute: null, once: true },
          };
        });
        const made = await s.db
          .transaction()
          .execute((trx) => s.conversations.createInvitations(trx, account.id, items, now));
        assert.equal(made.conversations.length, items.length);
        const ids = made.conversations.map((c) => c.id);
        assert.equal(new Set(ids).size, ids.length, 'each conversation once');
        for (const [i, c] of made.conversations.entries()) {
          const stored = await s.conversations.get(account.id, c.id);
          assert.equal(stored.channel, items[i]!.input.channel);
          const lines = await s.messages.after(account.id, c.id, 0);
          assert.deepEqual(
            lines.map((m) => [m.seq, m.text, m.echoId]),
            [[1, items[i]!.input.invitation.text, items[i]!.input.invitation.echoId]],
          );
        }
        // One outbox row for each conversation off web chat, its own, due when its item said.
        const rows = await s.db
          .selectFrom('outbox')
          .select(['id', 'conversation_id', 'next_attempt_at'])
          .where('conversation_id', 'in', ids)
          .execute();
        const expected = items.flatMap((it, i) =>
          it.input.channel === 'web' ? [] : [[it.outbox.id, ids[i], it.outbox.dueAt]],
        );
        const key = (r: unknown[]) => String(r[0]);
        assert.deepEqual(
          rows
            .map((r) => [r.id, r.conversation_id, Number(r.next_attempt_at)])
            .sort((a, b) => key(a).localeCompare(key(b))),
          expected.sort((a, b) => key(a).localeCompare(key(b))),
        );
      }),
      { numRuns: 8, interruptAfterTimeLimit: 60_000, markInterruptAsFailure: true },
    );
  });

  test('messages: a retry is found among the messages after the sequence its client had seen', async () => {
    const { s, account, start } = await setup(0);
    const c = await start();
    const send = (
      echoId: string | null,
      text: string,
      afterSeq?: number,
      sender: Sender = { kind: 'visitor' },
    ) =>
      s.messages.appendBatch([
        { accountId: account.id, conversationId: c.id, sender, echoId, text, afterSeq },
      ]);
    const [first] = await send('r1', 'the original', 0);
    assert.ok(first!.ok && !first.duplicate && first.message.seq === 1);
    // Much happens before the retry arrives: 300 lines, in batches, from the same side and the system.
    for (let b = 0; b < 6; b++)
      await s.messages.appendBatch(
        Array.from({ length: 50 }, (_, j) => ({
          accountId: account.id,
          conversationId: c.id,
          sender: (j % 2 ? { kind: 'system' } : { kind: 'visitor' }) as Sender,
          echoId: j % 2 ? null : `o${b}-${j}`,
          text: `line ${b}.${j}`,
          afterSeq: 1 + b * 50 + j,
        })),
      );
    const [retry] = await send('r1', 'the original', 0);
    assert.ok(retry!.ok && retry.duplicate, "the retry with the first attempt's afterSeq is recognised");
    assert.deepEqual([retry.message.seq, retry.message.text], [1, 'the original']);
    const [bare] = await send('r1', 'the original');
    assert.ok(
      bare!.ok && bare.duplicate && bare.message.seq === 1,
      'without afterSeq the recent window is searched',
    );
    // The same echo id from someone else is their own message, not a retry.
    const [system] = await send('r1', 'another sender', 0, { kind: 'system' });
    assert.ok(system!.ok && !system.duplicate && system.message.seq === 302);
    const all = await s.messages.after(account.id, c.id, 0, { limit: 1000 });
    assert.equal(all.length, 302);
    assert.equal(all.filter((m) => m.echoId === 'r1').length, 2);
  });

  test('messages: concurrent batches on one conversation never share or skip a sequence number', async () => {
    const { s, account, start } = await setup(0);
    const c = await start();
    const batches = Array.from({ length: 20 }, (_, i) =>
      s.messages.appendBatch(
        Array.from({ length: 5 }, (_, j) => ({
          accountId: account.id,
          conversationId: c.id,
          sender: { kind: 'visitor' } as Sender,
          echoId: `b${i}-m${j}`,
          text: `${i}.${j}`,
        })),
      ),
    );
    await Promise.all(batches);
    const seqs = (await s.messages.after(account.id, c.id, 0, { limit: 1000 })).map((m) => m.seq);
    assert.deepEqual(
      seqs,
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
  });

  test('messages: agents write only to what they hold; notes stay out of the visitor view; closed is closed', async () => {
    const { s, account, skill, users, start } = await setup(2);
    const [a0, a1] = users as [(typeof users)[0], (typeof users)[0]];
    const c = await start();
    const [early] = await s.messages.appendBatch([
      {
        accountId: account.id,
        conversationId: c.id,
        sender: agentSender(a0),
        echoId: 'x',
        text: 'too early',
      },
    ]);
    assert.equal(!early!.ok && early!.error.status, 403);
    assert.equal((await s.assignment.accept(account.id, c.id, actor(a0, [skill.id]))).ok, true);
    const res = await s.messages.appendBatch([
      { accountId: account.id, conversationId: c.id, sender: agentSender(a0), echoId: 'm1', text: 'Hello' },
      {
        accountId: account.id,
        conversationId: c.id,
        sender: agentSender(a1),
        echoId: 'm1',
        text: 'not mine',
      },
      {
        accountId: account.id,
        conversationId: c.id,
        sender: { ...agentSender(a0), kind: 'note' } as Sender,
        echoId: 'n1',
        text: 'VIP',
      },
      {
        accountId: account.id,
        conversationId: c.id,
        sender: { ...agentSender(a1, true), kind: 'note' } as Sender,
        echoId: 'n2',
        text: 'coach',
      },
    ]);
    assert.deepEqual(
      res.map((r) => (r.ok ? r.message.seq : r.error.status)),
      [1, 403, 2, 3],
    );
    const conv = await s.conversations.get(account.id, c.id);
    assert.ok(conv.firstResponseAt, 'the first agent message sets the first response time');
    const last = res[3]!.ok ? res[3]!.message : undefined;
    assert.deepEqual([conv.lastSeq, conv.lastMessageAt], [3, last?.createdAt]);
    const [again] = await s.messages.appendBatch(
      [{ accountId: account.id, conversationId: c.id, sender: agentSender(a0), echoId: 'm2', text: 'More' }],
      Date.parse(conv.firstResponseAt) + 60_000,
    );
    const later = await s.conversations.get(account.id, c.id);
    assert.equal(later.firstResponseAt, conv.firstResponseAt, 'a later reply leaves the first response time');
    assert.deepEqual([later.lastSeq, later.lastMessageAt], [4, again!.ok ? again!.message.createdAt : null]);
    assert.deepEqual(
      (await s.messages.after(account.id, c.id, 0, { visitorView: true })).map((m) => m.text),
      ['Hello', 'More'],
    );
    const shut = await s.assignment.close(
      account.id,
      c.id,
      { agentId: a0.id, supervisor: false },
      { disposition: 'sold', tags: ['vip', 'vip'] },
    );
    assert.deepEqual([shut.conversation.status, shut.conversation.lastSeq], ['closed', 4]);
    const [late] = await s.messages.appendBatch([
      {
        accountId: account.id,
        conversationId: c.id,
        sender: { kind: 'visitor' },
        echoId: 'late',
        text: 'hello?',
      },
    ]);
    assert.equal(!late!.ok && late!.error.code, 'conversation_closed');
    const closed = await s.conversations.get(account.id, c.id);
    assert.deepEqual([closed.status, closed.disposition, closed.tags], ['closed', 'sold', ['vip']]);
    assert.equal(closed.lastSeq, 4);
    const csat = await s.conversations.setCsat(account.id, c.id, 5, 'great');
    assert.deepEqual([csat.csatScore, csat.csatComment], [5, 'great']);
  });

  test('assignment: many agents accepting one conversation at once — exactly one wins', async () => {
    const { s, account, skill, users, start } = await setup(12, 1);
    for (let round = 0; round < 3; round++) {
      const c = await start();
      const results = await Promise.all(
        users.map((u) => s.assignment.accept(account.id, c.id, actor(u, [skill.id]))),
      );
      const winners = results.filter((r) => r.ok);
      assert.equal(winners.length, 1, `round ${round}: one winner`);
      assert.ok(results.every((r) => r.ok || r.reason === 'taken' || r.reason === 'capacity'));
      const after = await s.conversations.get(account.id, c.id);
      assert.equal(after.status, 'active');
      assert.equal(
        after.assignedAgentId,
        (winners[0] as { conversation: { assignedAgentId: string } }).conversation.assignedAgentId,
      );
    }
  });

  test('assignment: one agent taking many conversations at once never exceeds capacity', async () => {
    const { s, account, skill, users, start } = await setup(1, 3);
    const convs = await Promise.all(Array.from({ length: 10 }, () => start()));
    const results = await Promise.all(
      convs.map((c) => s.assignment.accept(account.id, c.id, actor(users[0]!, [skill.id]))),
    );
    assert.equal(results.filter((r) => r.ok).length, 3);
    assert.ok(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'capacity'));
    const offered = await Promise.all(convs.map((c) => s.assignment.offer(account.id, c.id, users[0]!.id)));
    assert.equal(offered.filter(Boolean).length, 0, 'no offers beyond capacity either');
    const agents = await s.routing.agents(account.id);
    assert.equal(agents[0]!.load, 3);
  });

  test('assignment: offers respect status and capacity; decline or timeout queues again and passes the agent', async () => {
    const { s, account, skill, other, users, start } = await setup(2, 1);
    const [a0, a1] = users as [(typeof users)[0], (typeof users)[0]];
    const c1 = await start();
    const c2 = await start();
    assert.equal((await s.assignment.offer(account.id, c1.id, a0.id))?.status, 'offered');
    assert.equal(await s.assignment.offer(account.id, c1.id, a1.id), undefined, 'already offered');
    assert.equal(
      await s.assignment.offer(account.id, c2.id, a0.id),
      undefined,
      'a pending offer counts against capacity',
    );
    assert.deepEqual(
      await s.assignment.accept(account.id, c1.id, actor(a1, [skill.id])),
      { ok: false, reason: 'taken' },
      'an offer is reserved for its agent',
    );
    assert.equal((await s.assignment.revokeOffer(account.id, c1.id, a0.id, 'timeout'))?.status, 'queued');
    assert.equal(await s.assignment.revokeOffer(account.id, c1.id, a0.id, 'timeout'), undefined, 'only once');
    assert.equal(await s.assignment.recordMiss(account.id, a0.id), 1);
    assert.equal(await s.assignment.recordMiss(account.id, a0.id), 2);
    const snap = await s.routing.snapshot(account.id);
    assert.deepEqual(snap.queue.find((q) => q.id === c1.id)?.passedAgentIds, [a0.id]);
    assert.equal(snap.skills.get(skill.id)?.offerTimeoutSeconds, 30);
    assert.equal(snap.agents.find((a) => a.id === a0.id)?.missedOffers, 2);
    await s.users.update(account.id, a1.id, { status: 'away' });
    assert.equal(await s.assignment.offer(account.id, c1.id, a1.id), undefined, 'away agents get no offers');
    // Accepting resets the miss count; overflow moves only a still-queued conversation.
    assert.equal((await s.assignment.accept(account.id, c2.id, actor(a0, [skill.id]))).ok, true);
    assert.equal((await s.routing.agents(account.id)).find((a) => a.id === a0.id)?.missedOffers, 0);
    assert.equal(await s.assignment.overflow(account.id, c2.id, skill.id, 'offline'), undefined);
    const moved = await s.assignment.overflow(account.id, c1.id, skill.id, { skillId: other.id });
    assert.deepEqual([moved?.skillId, moved?.status], [other.id, 'queued']);
    assert.equal((await s.assignment.overflow(account.id, c1.id, other.id, 'offline'))?.status, 'offline');
  });

  test('assignment: passes list oldest first, a repeat moves to the back; a dropped console or going away is no pass', async () => {
    const { s, account, users, start } = await setup(2, 2);
    const [a0, a1] = users as [(typeof users)[0], (typeof users)[0]];
    const c = await start();
    const passedBy = async () =>
      (await s.routing.snapshot(account.id)).queue.find((q) => q.id === c.id)?.passedAgentIds;
    await s.assignment.offer(account.id, c.id, a0.id, 1000);
    await s.assignment.revokeOffer(account.id, c.id, a0.id, 'timeout', 1000);
    await s.assignment.offer(account.id, c.id, a1.id, 2000);
    await s.assignment.revokeOffer(account.id, c.id, a1.id, 'declined', 2000);
    assert.deepEqual(await passedBy(), [a0.id, a1.id]);
    await s.assignment.offer(account.id, c.id, a0.id, 3000);
    await s.assignment.revokeOffer(account.id, c.id, a0.id, 'declined', 3000);
    assert.deepEqual(await passedBy(), [a1.id, a0.id], 'passed again: now the most recent');
    const reasons = await s.db
      .selectFrom('conversation_passes')
      .select(['agent_id', 'reason'])
      .where('conversation_id', '=', c.id)
      .orderBy('created_at')
      .execute();
    assert.deepEqual(
      reasons.map((r) => [r.agent_id, r.reason]),
      [
        [a1.id, 'declined'],
        [a0.id, 'declined'],
      ],
      'a repeat holds the latest pass: its reason and time',
    );
    const declinesOf = async () =>
      (await s.routing.snapshot(account.id)).queue.find((q) => q.id === c.id)?.declines;
    assert.deepEqual(await declinesOf(), [
      { agentId: a1.id, at: 2000 },
      { agentId: a0.id, at: 3000 },
    ]);
    await s.assignment.offer(account.id, c.id, a1.id, 3500);
    await s.assignment.revokeOffer(account.id, c.id, a1.id, 'timeout', 3500);
    assert.deepEqual(await declinesOf(), [{ agentId: a0.id, at: 3000 }], 'a later miss is no decline');
    const d = await start();
    for (const [end, at] of [
      ['disconnected', 4000],
      ['away', 4100],
    ] as const) {
      await s.assignment.offer(account.id, d.id, a1.id, at);
      assert.equal((await s.assignment.revokeOffer(account.id, d.id, a1.id, end, at))?.status, 'queued');
    }
    assert.deepEqual(
      (await s.routing.snapshot(account.id)).queue.find((q) => q.id === d.id)?.passedAgentIds,
      [],
    );
    // Misses: read back, and cleared when the agent chooses a status.
    await s.assignment.recordMiss(account.id, a1.id);
    assert.equal(await s.assignment.missedOffers(account.id, a1.id), 1);
    await s.assignment.clearMisses(account.id, a1.id);
    assert.equal(await s.assignment.missedOffers(account.id, a1.id), 0);
    assert.equal(await s.assignment.missedOffers(account.id, 'nobody'), 0);
  });

  test('assignment: transfer to a skill or an agent, supervisors reassign, agents only what they hold', async () => {
    const { s, account, skill, other, users, start } = await setup(3, 2);
    const [a0, a1, a2] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];
    const c = await start();
    await s.assignment.accept(account.id, c.id, actor(a0, [skill.id]));
    await assert.rejects(
      s.assignment.transfer(account.id, c.id, { agentId: a1.id, supervisor: false }, { agentId: a2.id }),
      {
        status: 403,
      },
    );
    const t1 = await s.assignment.transfer(
      account.id,
      c.id,
      { agentId: a0.id, supervisor: false },
      { agentId: a1.id },
    );
    assert.deepEqual([t1.conversation.assignedAgentId, t1.previousAgentId], [a1.id, a0.id]);
    await s.users.update(account.id, a2.id, { status: 'offline' });
    await assert.rejects(
      s.assignment.transfer(account.id, c.id, { agentId: a1.id, supervisor: false }, { agentId: a2.id }),
      {
        status: 409,
      },
    );
    const t2 = await s.assignment.transfer(
      account.id,
      c.id,
      { agentId: a1.id, supervisor: false },
      { skillId: other.id },
    );
    assert.deepEqual(
      [t2.conversation.status, t2.conversation.skillId, t2.conversation.assignedAgentId],
      ['queued', other.id, null],
    );
    assert.deepEqual(
      (await s.routing.snapshot(account.id)).queue.find((q) => q.id === c.id)?.passedAgentIds,
      [a1.id],
    );
    const forced = await s.assignment.transfer(
      account.id,
      c.id,
      { agentId: 'supervisor', supervisor: true },
      { agentId: a2.id },
    );
    assert.deepEqual([forced.conversation.status, forced.conversation.assignedAgentId], ['active', a2.id]);
    await assert.rejects(
      s.assignment.transfer(
        account.id,
        c.id,
        { agentId: 'supervisor', supervisor: true },
        { skillId: 'skill_nope' },
      ),
      { status: 400 },
    );
    const stranger = await s.accounts.create('Stranger');
    await assert.rejects(
      s.assignment.transfer(stranger.id, c.id, { agentId: 'x', supervisor: true }, { skillId: other.id }),
      {
        status: 404,
      },
    );
    const closed = await s.assignment.close(account.id, c.id, 'visitor');
    assert.deepEqual(
      [closed.conversation.status, closed.conversation.closedBy, closed.alreadyClosed],
      ['closed', 'visitor', false],
    );
    assert.equal((await s.assignment.close(account.id, c.id, 'visitor')).alreadyClosed, true);
  });

  test('history search: text, status, agent, skill, CSAT, and pages that never repeat', async () => {
    const { s, account, skill, other, users, start } = await setup(1, 10);
    const a0 = users[0]!;
    const made = [];
    for (let i = 0; i < 7; i++)
      made.push(await start({ skillId: i % 2 ? other.id : skill.id, visitorName: `Visitor ${i}` }));
    await s.assignment.accept(account.id, made[0]!.id, actor(a0, [skill.id]));
    await s.messages.appendBatch([
      {
        accountId: account.id,
        conversationId: made[0]!.id,
        sender: { kind: 'visitor' },
        echoId: 'q',
        text: 'Where is my 50% Parcel?',
      },
    ]);
    await s.assignment.close(account.id, made[0]!.id, { agentId: a0.id, supervisor: false });
    await s.conversations.setCsat(account.id, made[0]!.id, 2, null);
    const ids = async (f: Parameters<Store['conversations']['search']>[1]) =>
      (await s.conversations.search(account.id, f)).items.map((c) => c.id);
    assert.deepEqual(await ids({ q: 'parcel' }), [made[0]!.id]);
    assert.deepEqual(await ids({ q: '50%' }), [made[0]!.id]);
    assert.deepEqual(await ids({ q: '%' }), [made[0]!.id], 'wildcards are literal');
    assert.deepEqual(await ids({ q: 'visitor 3' }), [made[3]!.id]);
    assert.deepEqual(await ids({ agentId: a0.id }), [made[0]!.id]);
    assert.deepEqual(await ids({ csatMax: 3 }), [made[0]!.id]);
    assert.equal((await ids({ skillId: other.id })).length, 3);
    assert.equal((await ids({ status: 'queued' })).length, 6);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await s.conversations.search(account.id, { limit: 3, cursor });
      seen.push(...page.items.map((c) => c.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    assert.equal(seen.length, 7);
    assert.equal(new Set(seen).size, 7);
    const scoped = await s.conversations.search(account.id, {}, { agentId: a0.id, skillIds: [skill.id] });
    assert.equal(scoped.items.length, 1 + 3, 'their own conversation and the queue of their skill');
  });
}
