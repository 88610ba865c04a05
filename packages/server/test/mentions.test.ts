import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { chatOf } from '../src/conversations/chat-module.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const pgSkip = postgresSkipReasonNow();

// The SQLite and PostgreSQL runs share nothing (own server, mail sink, agent), so they run side by
// side, each waiting on its own store; the tests within each run one after another.
describe('mentions in internal notes', { concurrency: true }, () => {
  for (const kind of ['sqlite', 'postgres'] as const) {
    describe(`mentions in internal notes on ${kind}`, {
      skip: kind === 'postgres' ? (pgSkip ?? false) : false,
      timeout: 90_000,
      concurrency: 1,
    }, () => {
      let srv: TestServer;
      let smtp: SmtpSink;
      let sales: AgentChatClient;
      let conversationId: string;
      let closeVisitor: () => Promise<unknown>;
      const as = async (email: string) => {
        const s = await cookieFor(srv, email);
        const c = new ApiClient(srv.node.app);
        c.cookie = s.cookie;
        c.csrf = s.csrf;
        return c;
      };
      const storedLines = async () =>
        (await srv.node.ctx.store.messages.after(srv.demo!.accountId, conversationId, 0, { limit: 500 }))
          .length;

      before(async () => {
        smtp = await startSmtpSink();
        srv = await startTestServer({ demo: true, store: kind, env: { BECKON_SMTP_URL: smtp.url } });
        sales = await connectAgent(srv, 'sales@demo.beckon.local');
        const visitor = await startVisitor(srv, { name: 'Ada', skillId: srv.demo!.skillIds.sales });
        closeVisitor = () => visitor.close();
        conversationId = visitor.conversation.id;
        await eventually(() => sales.offers.has(conversationId), 5000, 'offer');
        await sales.accept(conversationId);
      });
      after(async () => {
        await closeVisitor?.();
        await sales?.disconnect();
        await srv?.close();
        await smtp?.close();
      });

      it('refuses a note naming a colleague who cannot see the chat, names them, and stores nothing', async () => {
        const before = await storedLines();
        await assert.rejects(
          sales.send(conversationId, 'Hi @Support Agent, can you take this?', { note: true }),
          (err: Error & { code?: string }) => {
            assert.equal(err.code, 'mention_without_access');
            assert.match(err.message, /Support Agent cannot see this conversation/);
            return true;
          },
        );
        // The same over HTTP: a clear 400 naming them.
        const api = await as('sales@demo.beckon.local');
        const r = await api.post(`/api/v1/conversations/${conversationId}/messages`, {
          echoId: 'e-refused-1',
          text: 'Over to @support agent',
          note: true,
        });
        assert.equal(r.status, 400);
        assert.equal(r.body.error.code, 'mention_without_access');
        assert.match(r.body.error.message, /Support Agent/);
        assert.equal(await storedLines(), before, 'no line was stored');
        const support = await as('support@demo.beckon.local');
        assert.deepEqual((await support.get('/api/v1/mentions')).body, { items: [], unread: 0 });
      });

      it('tells a colleague on their console at once, and lists the note unread for them', async () => {
        const admin = await connectAgent(srv, 'admin@demo.beckon.local');
        try {
          const heard = admin.next('mention', (f) => f.mention.conversationId === conversationId, 8000);
          const ack = await sales.send(conversationId, '@Demo Admin may I refund the shipping?', {
            note: true,
          });
          const frame = await heard;
          assert.equal(frame.mention.seq, ack.seq);
          assert.equal(frame.mention.authorName, 'Sales Agent');
          assert.equal(frame.mention.text, '@Demo Admin may I refund the shipping?');
          const api = await as('admin@demo.beckon.local');
          const list = await api.get('/api/v1/mentions');
          assert.equal(list.status, 200);
          assert.equal(list.body.unread, 1);
          assert.equal(list.body.items[0].seq, ack.seq);
          assert.equal(list.body.items[0].readAt, null);
          assert.equal(smtp.mails.length, 0, 'an online colleague is not mailed');
        } finally {
          await admin.disconnect();
        }
      });

      it('mails a colleague who is away; lists unread first; marks read; a reply mentions no one', async () => {
        const api = await as('admin@demo.beckon.local');
        // Their console closed: not present any more (the test server lets go at once).
        const adminId = (await cookieFor(srv, 'admin@demo.beckon.local')).userId;
        await eventually(
          async () => !(await chatOf(srv.node.ctx)!.presence.connected(srv.demo!.accountId)).has(adminId),
          5000,
          'the admin to leave',
        );
        const ack = await sales.send(conversationId, 'Thanks @demo admin, done.', { note: true });
        const mail = await eventually(
          () => smtp.mails.find((m) => m.to.includes('admin@demo.beckon.local')),
          8000,
          'mention mail',
        );
        assert.match(mail.parsed.subject ?? '', /Sales Agent mentioned you/);
        assert.match(mail.parsed.text ?? '', /Thanks @demo admin, done\./);
        assert.match(mail.parsed.text ?? '', /\/console\/conversations\/mentions/);
        const emailed = await eventually(
          async () =>
            (
              await srv.node.ctx.store.db
                .selectFrom('mentions')
                .select('emailed_at')
                .where('seq', '=', ack.seq)
                .where('conversation_id', '=', conversationId)
                .executeTakeFirst()
            )?.emailed_at,
          5000,
          'the mention marked as e-mailed',
        );
        assert.ok(Number(emailed) > 0);
        await sales.send(conversationId, 'A reply to @Demo Admin is not a note');

        const list = await api.get('/api/v1/mentions');
        assert.equal(list.body.unread, 2);
        assert.equal(list.body.items.length, 2, 'a reply is no mention');
        const [newest, older] = list.body.items;
        assert.equal(newest.seq, ack.seq);
        const marked = await api.post('/api/v1/mentions/read', { ids: [newest.id] });
        assert.equal(marked.status, 200);
        assert.deepEqual(marked.body, { marked: 1, unread: 1 });
        const again = await api.get('/api/v1/mentions');
        assert.deepEqual(
          again.body.items.map((m: { id: string }) => m.id),
          [older.id, newest.id],
          'unread first',
        );
        assert.equal((await api.get('/api/v1/mentions?unread=true')).body.items.length, 1);
        const bad = await api.post('/api/v1/mentions/read', { ids: 'all' });
        assert.equal(bad.status, 400);
        assert.ok(bad.body.error.code);
      });

      it('never shows or marks another account’s mentions', async () => {
        const { store } = srv.node.ctx;
        const other = await store.accounts.create('Other Co');
        const twin = await store.users.create(other.id, {
          email: `twin-${kind}@other.example`,
          name: 'Demo Admin',
          role: 'owner',
          passwordHash: 'x',
        });
        const s = await store.authSessions.create(twin.id, other.id, 3600_000);
        const api = new ApiClient(srv.node.app);
        api.cookie = `beckon_session=${s.token}`;
        api.csrf = s.csrfToken;
        assert.deepEqual((await api.get('/api/v1/mentions')).body, { items: [], unread: 0 });
        const theirs = (await (await as('admin@demo.beckon.local')).get('/api/v1/mentions')).body.items;
        const r = await api.post('/api/v1/mentions/read', { ids: theirs.map((m: { id: string }) => m.id) });
        assert.deepEqual(r.body, { marked: 0, unread: 0 });
        const still = await (await as('admin@demo.beckon.local')).get('/api/v1/mentions');
        assert.equal(still.body.unread, 1);
        const anon = await new ApiClient(srv.node.app).get('/api/v1/mentions');
        assert.equal(anon.status, 401);
      });
    });
  }
});
