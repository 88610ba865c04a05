import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { identifyEvent, pageView, purchaseAttr } from '@beckon/sdk/index';
import { unzipSync } from 'fflate';
import { type Kysely, sql } from 'kysely';
import { flush, newTenant, visitor } from './engagement-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { connectAgent, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { filesHolding } from './helpers/data-dir-scan.ts';
import { recordedCall } from './helpers/recorded-call.ts';
import { PDF } from './helpers/sample-files.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

/** One person's identifiers: each must be gone from the store and the data dir after an erase. */
interface Person {
  visitorId: string;
  name: string;
  email: string;
  phone: string;
  text: string;
  fileMark: string;
  orderId: string;
  contactId: string;
  conversationId: string;
}

/**
 * Every (table, column) of the store whose text holds any of `needles`, scanned with SQL. A SQLite
 * file store moves chat messages from `messages_recent` to `messages_stored` in the background
 * (sqlite-checkpointer.js), so both read as `messages`: a move between two scans is no change.
 */
async function columnsHolding(db: Kysely<any>, needles: string[]): Promise<string[]> {
  const found = new Set<string>();
  const nameOf = (table: string) => (/^messages_(recent|stored)$/.test(table) ? 'messages' : table);
  const tables = await db.introspection.getTables({ withInternalKyselyTables: false });
  // PostgreSQL: the store's introspector reads its own schema only (pg-introspector.ts).
  for (const t of tables) {
    if (t.isView) continue;
    for (const c of t.columns) {
      for (const n of needles) {
        const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(t.name)}
          where cast(${sql.ref(c.name)} as text) like ${`%${n}%`}`.execute(db);
        if (Number(r.rows[0]?.n) > 0) found.add(`${nameOf(t.name)}.${c.name}: ${n}`);
      }
    }
  }
  return [...found].sort();
}

const needlesOf = (p: Person) => [
  p.visitorId,
  p.name,
  p.email,
  p.phone,
  p.text,
  p.fileMark,
  p.orderId,
  p.contactId,
];

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`privacy export and erase (${store}): nothing of the person is left, reports keep their totals`, {
    timeout: 120_000,
  }, () => {
    let srv: TestServer;
    let admin: ApiClient;
    const people: Person[] = [];

    /** A person who browses, says who they are, buys, chats and sends a file. */
    async function makePerson(tag: string): Promise<Person> {
      const mark = `${tag}${Math.random().toString(36).slice(2, 10)}`;
      const p = {
        visitorId: `v${mark}`,
        name: `Ann ${mark}`,
        email: `ann.${mark}@example.com`,
        phone: `+4420${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`,
        text: `my order never came ${mark}`,
        fileMark: `invoice-${mark}`,
        orderId: `order-${mark}`,
      };
      const v = await visitor(srv, srv.demo!.siteKey, p.visitorId);
      await v.sendBatch([
        pageView(`${srv.url}/lamps/${mark}`, ['product']),
        identifyEvent({ name: p.name, email: p.email, phone: p.phone }),
        purchaseAttr(p.orderId, 40),
      ]);
      await v.close();
      const agent = await connectAgent(srv, 'sales@demo.beckon.local');
      const chat = await startVisitor(srv, {
        visitorId: p.visitorId,
        name: p.name,
        email: p.email,
        skillId: srv.demo!.skillIds.sales,
      });
      await eventually(() => agent.offers.has(chat.conversation.id), 5000, 'offer');
      await agent.accept(chat.conversation.id);
      const file = Buffer.concat([PDF, Buffer.from(`%${p.fileMark}\n`)]);
      const att = await chat.upload({
        bytes: file,
        name: `${p.fileMark}.pdf`,
        contentType: 'application/pdf',
      });
      await chat.send(p.text, undefined, [att]);
      await agent.send(chat.conversation.id, `Sorry ${p.name}, looking into it`);
      await agent.close(chat.conversation.id);
      await chat.close();
      await agent.disconnect();
      await flush(srv);
      const contactId = await eventually(
        async () => {
          const r = await admin.get(`/api/v1/contacts?q=${encodeURIComponent(p.email)}`);
          return r.body.items?.[0]?.id as string | undefined;
        },
        5000,
        'contact',
      );
      return { ...p, contactId, conversationId: chat.conversation.id };
    }

    before(async () => {
      srv = await startTestServer({ demo: true, store });
      admin = new ApiClient(srv.node.app);
      assert.equal((await admin.login('admin@demo.beckon.local', 'demo-admin-pw')).status, 200);
      people.push(await makePerson('a'), await makePerson('b'), await makePerson('c'));
      // Purchases become conversions on the attribution job's next poll: every report below counts all three.
      const db = srv.node.ctx.store.db as Kysely<any>;
      await eventually(
        async () => {
          const rows = await db
            .selectFrom('conversions')
            .select('order_id')
            .where(
              'order_id',
              'in',
              people.map((p) => p.orderId),
            )
            .execute();
          return rows.length === people.length;
        },
        10_000,
        'the three purchases recorded as conversions',
      );
    });
    after(async () => srv?.close());

    it('exports everything held about a person as a ZIP of JSON files and their attachments', async () => {
      const [a] = people;
      const res = await admin.request('POST', '/api/v1/privacy/export', { email: a!.email.toUpperCase() });
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-type'], 'application/zip');
      const raw = await srv.node.app.inject({
        method: 'POST',
        url: '/api/v1/privacy/export',
        headers: { cookie: admin.cookie!, 'x-csrf-token': admin.csrf! },
        payload: { contactId: a!.contactId },
      });
      const files = unzipSync(new Uint8Array(raw.rawPayload));
      const json = (name: string) => JSON.parse(Buffer.from(files[name]!).toString('utf8'));
      assert.equal(json('contacts.json')[0].email, a!.email);
      assert.equal(json('contacts.json')[0].phone, a!.phone);
      assert.ok(json('messages.json').some((m: { body: string }) => m.body === a!.text));
      assert.ok(json('events.json').length + json('event_frames.json').length > 0, 'events');
      assert.ok(json('conversions.json').some((c: { order_id: string }) => c.order_id === a!.orderId));
      assert.deepEqual(
        json('visitors.json').map((v: { id: string }) => v.id),
        [a!.visitorId],
      );
      const pdf = Object.keys(files).find((n) => n.startsWith('attachments/'));
      assert.ok(pdf?.endsWith(`${a!.fileMark}.pdf`), pdf);
      assert.ok(Buffer.from(files[pdf!]!).includes(a!.fileMark));
      const other = JSON.stringify(Object.values(files).map((f) => Buffer.from(f).toString('latin1')));
      for (const n of needlesOf(people[1]!))
        assert.ok(!other.includes(n), `another person's ${n} in the export`);
    });

    it('erases a visitor who chatted twice: each conversation is cut loose on its own', async () => {
      const visitorId = `vtwice${Math.random().toString(36).slice(2, 10)}`;
      const email = `twice.${visitorId}@example.com`;
      for (const words of ['first question', 'second question']) {
        const chat = await startVisitor(srv, {
          visitorId,
          name: 'Twice',
          email,
          skillId: srv.demo!.skillIds.sales,
        });
        await chat.send(`${words} ${visitorId}`);
        await chat.close();
      }
      const res = await admin.post('/api/v1/privacy/erase', { visitorId });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.erased.conversations, 2);
      assert.equal(res.body.erased.messages >= 2, true);
      const db = srv.node.ctx.store.db as Kysely<any>;
      assert.deepEqual(await columnsHolding(db, [visitorId, email]), []);
      assert.equal((await admin.post('/api/v1/privacy/erase', { visitorId })).status, 404);
    });

    it('erases what assist wrote about the person: the summary and the intent of their chat', async () => {
      const visitorId = `vassist${Math.random().toString(36).slice(2, 10)}`;
      const chat = await startVisitor(srv, { visitorId, name: 'Sum', skillId: srv.demo!.skillIds.sales });
      await chat.send(`my order ${visitorId} never came`);
      await chat.close();
      const { store: st } = srv.node.ctx;
      const id = chat.conversation.id;
      await st.summaries.put(srv.demo!.accountId, id, `Customer ${visitorId}: order never came.`, 'extract');
      await (st.db as Kysely<any>)
        .insertInto('conversation_classifications')
        .values({
          conversation_id: id,
          account_id: srv.demo!.accountId,
          intent: 'order status',
          sentiment: 'negative',
          source: 'rules',
          state: 'done',
          customer_lines: 1,
          updated_at: Date.now(),
        })
        .execute();
      const res = await admin.post('/api/v1/privacy/erase', { visitorId });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const db = st.db as Kysely<any>;
      assert.deepEqual(await columnsHolding(db, [visitorId]), []);
      for (const table of ['conversation_summaries', 'conversation_classifications'])
        assert.deepEqual(
          await db.selectFrom(table).select('conversation_id').where('conversation_id', '=', id).execute(),
          [],
          `${table} keeps nothing of the erased chat`,
        );
    });

    it('erases a call and its recording: the call stays counted, the audio file goes', async () => {
      assert.equal(
        (await admin.patch(`/api/v1/sites/${srv.demo!.siteId}`, { recordCalls: true })).status,
        200,
      );
      const visitorId = `vcall${Math.random().toString(36).slice(2, 10)}`;
      const callId = await recordedCall(srv, { visitorId, name: 'Caller' }, visitorId);
      assert.ok(filesHolding(srv.dataDir, [visitorId]).length > 0, 'the recording is on disk');
      await admin.patch(`/api/v1/sites/${srv.demo!.siteId}`, { recordCalls: false });

      const res = await admin.post('/api/v1/privacy/erase', { visitorId });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.erased.calls, 1);
      assert.equal(res.body.erased.recordings, 1);
      assert.deepEqual(filesHolding(srv.dataDir, [visitorId]), []);
      const db = srv.node.ctx.store.db as Kysely<any>;
      assert.deepEqual(await columnsHolding(db, [visitorId]), []);
      const kept = await db.selectFrom('calls').select('id').where('id', '=', callId).execute();
      assert.equal(kept.length, 1, 'the call stays for the call reports');
    });

    it('refuses a request naming nobody, several keys, an unknown person or another account’s person', async () => {
      const erase = (body: unknown) => admin.post('/api/v1/privacy/erase', body);
      assert.equal((await erase({})).status, 400);
      assert.equal((await erase({ visitorId: 'x', email: 'a@b.c' })).status, 400);
      assert.equal((await erase({ visitorId: 'nobody-here' })).body.error.code, 'not_found');
      assert.equal((await erase({ email: 'nobody@example.com' })).status, 404);
      assert.equal(
        (await erase({ phone: 'call me maybe' })).body.error.message,
        '/phone: not a phone number (6 to 15 digits)',
      );
      assert.equal((await erase({ phone: '+1 555 0100 999' })).status, 404);
      const other = await newTenant(srv);
      const [, b] = people;
      for (const body of [{ contactId: b!.contactId }, { visitorId: b!.visitorId }, { email: b!.email }]) {
        assert.equal((await other.api.post('/api/v1/privacy/erase', body)).status, 404);
        assert.equal((await other.api.post('/api/v1/privacy/export', body)).status, 404);
      }
      const agent = new ApiClient(srv.node.app);
      await agent.login('sales@demo.beckon.local', 'demo-agent-pw');
      assert.equal((await agent.post('/api/v1/privacy/erase', { contactId: b!.contactId })).status, 403);
    });

    it('erases a visitor right after their tag said who they are: the contact it named goes too', async () => {
      // The tag's identify is acknowledged before a background worker stores the contact it names;
      // a request in the moment between must still find that contact, by any key.
      for (const key of ['email', 'visitorId'] as const) {
        const mark = `now${key}${Math.random().toString(36).slice(2, 9)}`;
        const email = `${mark}@example.com`;
        const v = await visitor(srv, srv.demo!.siteKey, `v${mark}`);
        await v.sendBatch([identifyEvent({ name: `Pat ${mark}`, email })]);
        const res = await admin.post(
          '/api/v1/privacy/erase',
          key === 'email' ? { email } : { visitorId: `v${mark}` },
        );
        await v.close();
        assert.equal(res.status, 200, `by ${key}: ${JSON.stringify(res.body)}`);
        assert.equal(res.body.erased.contacts, 1, `by ${key}: ${JSON.stringify(res.body.erased)}`);
        assert.equal(res.body.erased.visitors, 1, `by ${key}: ${JSON.stringify(res.body.erased)}`);
        const left = await admin.get(`/api/v1/contacts?q=${encodeURIComponent(email)}`);
        assert.deepEqual(left.body.items, [], `by ${key}: the contact is gone`);
      }
    });

    it('a failed erase says what failed and erases nothing: rows and files are all there after', async () => {
      const [, b] = people;
      const db = srv.node.ctx.store.db as Kysely<any>;
      // The store refuses the erase's last step, after every other table was written in the transaction.
      if (store === 'sqlite')
        await sql`CREATE TRIGGER erase_refused BEFORE DELETE ON contacts
          BEGIN SELECT RAISE(ABORT, 'disk said no'); END`.execute(db);
      else {
        await sql`CREATE FUNCTION erase_refused() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'disk said no'; END $$`.execute(db);
        await sql`CREATE TRIGGER erase_refused BEFORE DELETE ON contacts
          FOR EACH ROW EXECUTE FUNCTION erase_refused()`.execute(db);
      }
      const before = await columnsHolding(db, needlesOf(b!));
      try {
        const res = await admin.post('/api/v1/privacy/erase', { contactId: b!.contactId });
        assert.equal(res.status, 500);
        assert.equal(res.body.error.code, 'erase_failed');
        assert.match(
          res.body.error.message,
          /^nothing was erased: the store could not erase the person: .*disk said no/,
        );
      } finally {
        await sql`DROP TRIGGER erase_refused${store === 'postgres' ? sql` ON contacts` : sql``}`.execute(db);
        if (store === 'postgres') await sql`DROP FUNCTION erase_refused()`.execute(db);
      }
      assert.deepEqual(await columnsHolding(db, needlesOf(b!)), before, 'every row is as it was');
      assert.ok(
        filesHolding(srv.dataDir, [b!.fileMark]).some((f) => f.includes('/attachments/')),
        'the file is back under its own name',
      );
      const files = await srv.node.app.inject({
        method: 'POST',
        url: '/api/v1/privacy/export',
        headers: { cookie: admin.cookie!, 'x-csrf-token': admin.csrf! },
        payload: { contactId: b!.contactId },
      });
      const zip = unzipSync(new Uint8Array(files.rawPayload));
      const pdf = Object.keys(zip).find((n) => n.startsWith('attachments/'));
      assert.ok(pdf && Buffer.from(zip[pdf]!).includes(b!.fileMark), 'the export still holds the file');
    });

    it('erases a person from every table and file; the other person is intact and report totals hold', async () => {
      const [a, b] = people;
      const day = new Date().toISOString().slice(0, 10);
      const reports = async () =>
        Promise.all(
          ['funnel', 'conversations', 'channels', 'agents', 'campaigns'].map(async (r) => {
            const res = await admin.get(`/api/v1/reports/${r}?from=${day}&to=${day}`);
            // Time in each agent state runs on with the clock; the totals compared here do not.
            return JSON.parse(JSON.stringify(res.body, (k, v) => (k === 'states' ? undefined : v)));
          }),
        );
      const before = await reports();
      const res = await admin.post('/api/v1/privacy/erase', { contactId: a!.contactId });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.erased.contacts, 1);
      assert.ok(res.body.erased.messages >= 2);
      assert.equal(res.body.erased.attachments, 1);
      assert.equal((await admin.post('/api/v1/privacy/erase', { contactId: a!.contactId })).status, 404);
      assert.equal((await admin.post('/api/v1/privacy/erase', { visitorId: a!.visitorId })).status, 404);

      assert.deepEqual(await reports(), before, 'report totals are unchanged');
      const db = srv.node.ctx.store.db as Kysely<any>;
      assert.deepEqual(await columnsHolding(db, needlesOf(a!)), []);
      assert.deepEqual(filesHolding(srv.dataDir, needlesOf(a!)), []);

      // The other person is all there.
      const still = await columnsHolding(db, needlesOf(b!));
      for (const n of needlesOf(b!))
        assert.ok(
          still.some((f) => f.endsWith(`: ${n}`)),
          `${n} kept`,
        );
      // Named by the visitor id alone, a person goes with the contact that visitor identified as.
      const c = people[2]!;
      const byVisitor = await admin.post('/api/v1/privacy/erase', { visitorId: c.visitorId });
      assert.equal(byVisitor.status, 200, JSON.stringify(byVisitor.body));
      assert.equal(byVisitor.body.erased.contacts, 1);
      assert.deepEqual(await columnsHolding(db, needlesOf(c)), []);
      assert.deepEqual(filesHolding(srv.dataDir, needlesOf(c)), []);
      assert.deepEqual(await reports(), before, 'report totals are unchanged');

      const onDisk = filesHolding(srv.dataDir, needlesOf(b!)).join('\n');
      assert.ok(onDisk.includes(b!.fileMark), 'the scan reads the attachment files');
      if (store === 'sqlite') assert.ok(onDisk.includes(b!.text), 'the scan reads the SQLite files');
      const contact = await admin.get(`/api/v1/contacts/${b!.contactId}`);
      assert.equal(contact.status, 200);
      assert.equal(contact.body.contact.phone, b!.phone);
    });
  });
}
