import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { channelsOf } from '../src/channels/channels-feature.ts';
import { newTenant } from './engagement-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const pgSkip = postgresSkipReasonNow();

interface Line {
  seq: number;
  text: string;
  senderKind: string;
  echoId: string | null;
  createdAt: string;
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`merging conversations (${kind})`, {
    skip: kind === 'postgres' ? (pgSkip ?? false) : false,
    timeout: 300_000,
  }, () => {
    let srv: TestServer;
    let t: Awaited<ReturnType<typeof newTenant>>;
    let other: Awaited<ReturnType<typeof newTenant>>;
    const store = () => srv.node.ctx.store;
    before(async () => {
      srv = await startTestServer({ store: kind });
      t = await newTenant(srv);
      other = await newTenant(srv);
    });
    after(() => srv?.close());

    /** A conversation of `contactId` on `channel` with the customer's lines, closed when asked. */
    const conversation = async (
      tenant: typeof t,
      contactId: string,
      channel: 'web' | 'whatsapp' | 'email' | 'sms',
      texts: string[],
      closed = false,
    ) => {
      const c = await store().conversations.create({
        accountId: tenant.accountId,
        siteId: tenant.site.id,
        visitorId: null,
        channel,
        source: 'visitor',
        skillId: null,
        status: 'offline',
        contactId,
        tokenHash: `h-${Math.random()}`,
      });
      const results = await store().messages.appendBatch(
        texts.map((text, i) => ({
          accountId: tenant.accountId,
          conversationId: c.id,
          sender: { kind: 'visitor' as const },
          echoId: `e${i}`,
          text,
        })),
      );
      for (const r of results) assert.ok(r.ok);
      if (closed) await store().assignment.close(tenant.accountId, c.id, 'visitor');
      return c.id;
    };
    /** What a user reads of a conversation: its own lines, leaving out the merge notes, and its state. */
    const view = async (id: string) => {
      const r = await t.api.get(`/api/v1/conversations/${id}`);
      assert.equal(r.status, 200);
      const lines = (r.body.messages as Line[])
        .filter((m) => !(m.echoId ?? '').match(/^(un)?merge:/))
        .map((m) => `${m.seq}:${m.senderKind}:${m.text}`);
      const c = r.body.conversation;
      return { lines, status: c.status, state: c.state, mergedInto: c.mergedInto ?? null };
    };

    it('two conversations of one contact on two channels become one thread in time order, with a line; undo restores both', async () => {
      const contact = await store().contacts.resolve(t.accountId, { email: 'mo@example.com' });
      const web = await conversation(t, contact.id, 'web', ['hi on the site']);
      const wa = await conversation(t, contact.id, 'whatsapp', ['hi on whatsapp', 'still there?']);
      const webBefore = await view(web);
      const waBefore = await view(wa);
      const merged = await t.api.post(`/api/v1/conversations/${web}/merge`, { otherConversationId: wa });
      assert.equal(merged.status, 200, JSON.stringify(merged.body));
      assert.equal(merged.body.keptId, web);
      const keptNow = await t.api.get(`/api/v1/conversations/${web}`);
      assert.ok(
        keptNow.body.messages.some(
          (m: Line) => m.senderKind === 'note' && /Merged with the WhatsApp conversation/.test(m.text),
        ),
        'a line says so',
      );
      const waNow = await view(wa);
      assert.deepEqual([waNow.status, waNow.mergedInto], ['closed', web]);
      const thread = await t.api.get(`/api/v1/conversations/${web}/merged`);
      assert.equal(thread.status, 200);
      assert.deepEqual(
        thread.body.items.map((p: { conversation: { id: string }; messages: Line[] }) => [
          p.conversation.id,
          p.messages.map((m) => m.text),
        ]),
        [[wa, ['hi on whatsapp', 'still there?']]],
      );
      /** The transcript's lines after its header, without their times. */
      const transcript = async () => {
        const r = await t.api.get<string>(`/api/v1/conversations/${web}/transcript`);
        assert.equal(r.status, 200);
        return {
          head: r.body.split('\n\n')[0]!,
          lines: r.body
            .split('\n\n')[1]!
            .trim()
            .split('\n')
            .map((l) => l.replace(/^\[[^\]]+\] /, '')),
        };
      };
      const read = await transcript();
      assert.match(read.head, new RegExp(`Merged with the WhatsApp conversation ${wa} on .*in time order`));
      assert.deepEqual(read.lines.slice(0, 3), [
        'Visitor: hi on the site',
        '[WhatsApp] Visitor: hi on whatsapp',
        '[WhatsApp] Visitor: still there?',
      ]);
      assert.match(read.lines[3]!, /\(internal note\): Merged with the WhatsApp conversation/);
      const undone = await t.api.post(`/api/v1/conversations/${web}/unmerge`, {});
      assert.equal(undone.status, 200);
      assert.ok(undone.body.undoneAt);
      assert.deepEqual(await view(wa), waBefore);
      assert.deepEqual(await view(web), webBefore);
      assert.deepEqual((await t.api.get(`/api/v1/conversations/${web}/merged`)).body.items, []);
      const alone = await transcript();
      assert.doesNotMatch(alone.head, /Merged with/);
      assert.ok(!alone.lines.some((l) => l.startsWith('[WhatsApp]')), 'the undo takes the lines back out');
      const again = await t.api.post(`/api/v1/conversations/${web}/unmerge`, {});
      assert.equal(again.status, 404, 'nothing left to undo');
    });

    it('a customer writing again on the merged conversation’s thread reaches the kept one, on that channel', async () => {
      const contact = await store().contacts.resolve(t.accountId, { email: 'rae@example.com' });
      const web = await conversation(t, contact.id, 'web', ['is the lamp in stock?']);
      const mail = await conversation(t, contact.id, 'email', ['about my order']);
      const merged = await t.api.post(`/api/v1/conversations/${web}/merge`, { otherConversationId: mail });
      assert.equal(merged.status, 200, JSON.stringify(merged.body));
      // A reply to the mail thread, as the mail intake names it (In-Reply-To).
      const r = await channelsOf(srv.node.ctx).inbox.receive({
        channel: 'email',
        accountId: t.accountId,
        siteId: null,
        from: { email: 'rae@example.com', address: 'email' },
        externalId: `<again-${kind}@example.com>`,
        text: 'any news?',
        threadConversationId: mail,
      });
      assert.equal(r.conversation.id, web, 'the line joined the kept conversation');
      assert.equal(r.conversation.channel, 'email', 'the agent’s answer goes where the customer wrote');
      assert.deepEqual((await view(web)).lines.at(-1)?.split(':').slice(1), ['visitor', 'any news?']);
      const mailView = await view(mail);
      assert.deepEqual(
        [mailView.status, mailView.mergedInto],
        ['closed', web],
        'the merged one stays merged',
      );
      assert.ok(!mailView.lines.some((l) => l.endsWith('any news?')));
    });

    it('an undo gives an open conversation back to its agent with a hold that counts from then on', async () => {
      const agent = await store().users.create(t.accountId, {
        email: `holder-${kind}@example.com`,
        name: 'Holder',
        role: 'agent',
        passwordHash: 'x',
      });
      const contact = await store().contacts.resolve(t.accountId, { email: 'lee@example.com' });
      const kept = await conversation(t, contact.id, 'web', ['first']);
      const open = await conversation(t, contact.id, 'whatsapp', ['second']);
      const took = await store().assignment.accept(t.accountId, open, {
        agentId: agent.id,
        skillIds: [],
        supervisor: true,
      });
      assert.ok(took.ok, JSON.stringify(took));
      const holds = () =>
        store()
          .db.selectFrom('conversation_assignments')
          .select(['agent_id', 'ended_at', 'end_reason'])
          .where('conversation_id', '=', open)
          .orderBy('seq')
          .execute();
      assert.equal(
        (await t.api.post(`/api/v1/conversations/${kept}/merge`, { otherConversationId: open })).status,
        200,
      );
      assert.deepEqual(
        (await holds()).map((h) => [h.agent_id, h.ended_at === null, h.end_reason]),
        [[agent.id, false, 'closed']],
        'the merge ended the hold',
      );
      assert.equal((await t.api.post(`/api/v1/conversations/${kept}/unmerge`, {})).status, 200);
      const after = await view(open);
      assert.equal(after.status, 'active');
      assert.deepEqual(
        (await holds()).map((h) => [h.agent_id, h.ended_at === null]),
        [
          [agent.id, false],
          [agent.id, true],
        ],
        'the agent holds it again, in a hold of its own',
      );
    });

    it('refuses different contacts, another account, itself, and an undo after 24 hours', async () => {
      const a = await store().contacts.resolve(t.accountId, { email: 'a@example.com' });
      const b = await store().contacts.resolve(t.accountId, { email: 'b@example.com' });
      const ca = await conversation(t, a.id, 'web', ['a']);
      const cb = await conversation(t, b.id, 'email', ['b']);
      const diff = await t.api.post(`/api/v1/conversations/${ca}/merge`, { otherConversationId: cb });
      assert.equal(diff.status, 409);
      assert.equal(diff.body.error.code, 'different_contacts');
      assert.deepEqual((await view(cb)).mergedInto, null, 'nothing half done');
      const foreignContact = await store().contacts.resolve(other.accountId, { email: 'a@example.com' });
      const foreign = await conversation(other, foreignContact.id, 'web', ['x']);
      const cross = await t.api.post(`/api/v1/conversations/${ca}/merge`, { otherConversationId: foreign });
      assert.equal(cross.status, 404, 'another account’s conversation does not exist here');
      const self = await t.api.post(`/api/v1/conversations/${ca}/merge`, { otherConversationId: ca });
      assert.equal(self.status, 400);
      const ca2 = await conversation(t, a.id, 'sms', ['a again']);
      const m = await t.api.post(`/api/v1/conversations/${ca}/merge`, { otherConversationId: ca2 });
      assert.equal(m.status, 200);
      await store()
        .db.updateTable('conversation_merges')
        .set({ created_at: Date.now() - 25 * 3600_000 })
        .where('id', '=', m.body.id)
        .execute();
      const late = await t.api.post(`/api/v1/conversations/${ca}/unmerge`, {});
      assert.equal(late.status, 409);
      assert.equal(late.body.error.code, 'undo_expired');
    });

    it('property: any merges then their undos put every message back in its conversation, states as before', async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.record({
              channel: fc.constantFrom('web' as const, 'whatsapp' as const, 'email' as const),
              texts: fc.array(
                fc.string({ minLength: 1, maxLength: 12 }).map((s) => s.trim() || 'x'),
                { maxLength: 4 },
              ),
              closed: fc.boolean(),
            }),
            { minLength: 2, maxLength: 4 },
          ),
          fc.array(fc.tuple(fc.nat(3), fc.nat(3)), { minLength: 1, maxLength: 5 }),
          fc.array(fc.nat(10), { maxLength: 5 }),
          async (convs, merges, undoOrder) => {
            const contact = await store().contacts.resolve(t.accountId, { email: `p${n++}@example.com` });
            const ids: string[] = [];
            for (const c of convs) ids.push(await conversation(t, contact.id, c.channel, c.texts, c.closed));
            const before = await Promise.all(ids.map(view));
            const done: string[] = [];
            for (const [i, j] of merges) {
              const kept = ids[i % ids.length]!;
              const gone = ids[j % ids.length]!;
              const r = await t.api.post(`/api/v1/conversations/${kept}/merge`, {
                otherConversationId: gone,
              });
              assert.ok([200, 400, 409].includes(r.status), `${r.status} ${JSON.stringify(r.body)}`);
              if (r.status === 200) done.push(gone);
            }
            // While merged, each kept thread holds exactly the messages of what was merged into it.
            for (const id of ids) {
              const parts = (await t.api.get(`/api/v1/conversations/${id}/merged`)).body.items as {
                conversation: { id: string };
              }[];
              for (const p of parts) assert.equal((await view(p.conversation.id)).mergedInto, id);
            }
            // Undo in a shuffled order, each by the merged conversation's own id.
            const order = [...done];
            for (const [k, x] of undoOrder.entries()) {
              const a = k % Math.max(order.length, 1);
              const b = x % Math.max(order.length, 1);
              [order[a], order[b]] = [order[b]!, order[a]!];
            }
            for (const id of order) {
              if (!id) continue;
              const r = await t.api.post(`/api/v1/conversations/${id}/unmerge`, {});
              assert.equal(r.status, 200, JSON.stringify(r.body));
            }
            assert.deepEqual(await Promise.all(ids.map(view)), before);
          },
        ),
        { numRuns: kind === 'postgres' ? 15 : 25 },
      );
    });
  });
}
