import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AgentChatClient } from '@beckon/sdk/agent-client';
import { sql } from 'kysely';
import { emailOf } from '../src/channels/email/email-feature.ts';
import { MessageMasker } from '../src/privacy/message-masker.ts';
import { OUTBOX_TEST_ENV } from './channel-contract.ts';
import { BOT_TOKEN, startBotApi, tgUpdate } from './helpers/bot-api-server.ts';
import { connectAgent, cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { postWebhook, startGraphApi, waMessageDelivery } from './helpers/graph-api-server.ts';
import { type SmtpSink, sendMail, startSmtpSink } from './helpers/smtp-sink.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';
import { WebhookReceiver } from './helpers/webhook-receiver.ts';
import { WA } from './helpers/whatsapp-fixture.ts';

/** What customers and agents write, as written: none of it may be found anywhere after. */
const SECRETS = {
  web: '4242 4242 4242 4242',
  webIban: 'DE89 3704 0044 0532 0130 00',
  whatsapp: '5555-5555-5555-4444',
  telegram: '4000056655665556',
  emailBody: '3782 822463 10005',
  emailSubject: '6011 1111 1111 1117',
  agentReply: '4111 1111 1111 1111',
  note: '3056 9309 0259 04',
  customerNumber: 'CUST-918273',
};
/** Each secret as written and as its bare characters (no spaces or dashes). */
const needles = Object.values(SECRETS).flatMap((s) => [s, s.replace(/[ -]/g, '')]);
const found = (haystack: string) => needles.filter((n) => haystack.includes(n));

/** Every file under `dir`, with its bytes read as Latin-1 so any ASCII run in it can be searched. */
function filesUnder(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push({ path: p, text: readFileSync(p).toString('latin1') });
  }
  return out;
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`masking on ${kind}: card numbers, IBANs and the account's patterns never reach the store, logs or webhooks`, () => {
    let srv: TestServer;
    let agent: AgentChatClient;
    let rx: WebhookReceiver;
    let sink: SmtpSink;
    let graph: Awaited<ReturnType<typeof startGraphApi>>;
    let bot: Awaited<ReturnType<typeof startBotApi>>;
    let accountId: string;
    let admin: { cookie: string; csrf: string };
    const logs: string[] = [];
    let waHook = '';
    let tgHook = '';
    let tgSecret = '';

    const api = (method: string, path: string, body?: unknown) =>
      fetch(`${srv.url}${path}`, {
        method,
        headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    /** The agent takes the conversation's offer (routing may take a moment). */
    const take = async (conversationId: string) => {
      await eventually(() => agent.offers.get(conversationId), 5000, 'the offer');
      await agent.accept(conversationId);
    };
    const conversationOfExternal = (externalLike: string) =>
      eventually(
        async () =>
          (
            await srv.node.ctx.store.db
              .selectFrom('channel_messages')
              .select('conversation_id')
              .where('external_id', 'like', externalLike)
              .executeTakeFirst()
          )?.conversation_id,
        5000,
        'the channel message',
      );

    before(async () => {
      rx = await WebhookReceiver.start();
      sink = await startSmtpSink();
      graph = await startGraphApi({ ...WA });
      bot = await startBotApi(BOT_TOKEN);
      srv = await startTestServer({
        demo: true,
        store: kind,
        logs: { write: (line) => void logs.push(line) },
        env: {
          ...OUTBOX_TEST_ENV,
          BECKON_WEBHOOKS_ALLOW_PRIVATE: '1',
          BECKON_WEBHOOKS_POLL_MS: '50',
          BECKON_SMTP_PORT: '0',
          BECKON_EMAIL_DOMAIN: 'demo.beckon.local',
          BECKON_EMAIL_FROM: 'Demo Store <support@demo.beckon.local>',
          BECKON_SMTP_URL: sink.url,
        },
      });
      accountId = srv.demo!.accountId;
      const who = await cookieFor(srv, 'admin@demo.beckon.local');
      admin = who;
      await srv.node.ctx.store.users.update(accountId, who.userId, { capacity: 20 });
      const wa = await api('POST', '/api/v1/channels', {
        type: 'whatsapp',
        name: 'Support line',
        ...WA,
        apiBaseUrl: graph.url,
      });
      assert.equal(wa.status, 201, await wa.clone().text());
      waHook = `${srv.url}/hooks/whatsapp/${((await wa.json()) as { id: string }).id}`;
      const tg = await api('POST', '/api/v1/channels', {
        type: 'telegram',
        botToken: BOT_TOKEN,
        apiBaseUrl: bot.url,
      });
      assert.equal(tg.status, 201, await tg.clone().text());
      const tgCreated = (await tg.json()) as { id: string; webhookUrl: string };
      tgHook = `${srv.url}/hooks/telegram/${tgCreated.id}`;
      tgSecret = bot.webhooks.findLast((w) => w.url === tgCreated.webhookUrl)!.secret_token!;
      const hook = await api('POST', '/api/v1/webhooks', {
        url: rx.url,
        events: ['message.created', 'conversation.created'],
      });
      assert.equal(hook.status, 201, await hook.clone().text());
      agent = await connectAgent(srv, 'admin@demo.beckon.local');
    });
    after(async () => {
      await agent?.disconnect();
      await srv?.close();
      await Promise.all([rx?.close(), sink?.close(), graph?.close(), bot?.close()]);
    });

    it('refuses a pattern that could backtrack or is no regex, naming it; admins only; the change is audited', async () => {
      const bad = await api('PUT', '/api/v1/account/masking', {
        cards: true,
        ibans: true,
        patterns: [
          { name: 'Fine', pattern: 'CUST-\\d{6}', replacement: '[customer]' },
          { name: 'Echo', pattern: '(\\d)\\1+', replacement: 'x' },
        ],
      });
      assert.equal(bad.status, 400);
      const { error } = (await bad.json()) as { error: { code: string; message: string } };
      assert.equal(error.code, 'invalid_mask_pattern');
      assert.match(error.message, /^\/patterns\/1\/pattern \("Echo"\): backreferences and lookarounds/);
      const broken = await api('PUT', '/api/v1/account/masking', {
        cards: true,
        ibans: true,
        patterns: [{ name: 'Open', pattern: '(', replacement: 'x' }],
      });
      assert.equal(broken.status, 400);
      assert.match(
        ((await broken.json()) as { error: { message: string } }).error.message,
        /"Open"\): invalid regex/,
      );
      const agentOnly = await cookieFor(srv, 'sales@demo.beckon.local');
      const refused = await fetch(`${srv.url}/api/v1/account/masking`, {
        headers: { cookie: agentOnly.cookie },
      });
      assert.equal(refused.status, 403);

      const current = await api('GET', '/api/v1/account/masking');
      assert.deepEqual(await current.json(), { cards: true, ibans: true, patterns: [] }, 'on by default');
      const ok = await api('PUT', '/api/v1/account/masking', {
        cards: true,
        ibans: true,
        patterns: [
          { name: 'Customer number', pattern: 'cust-\\d{6}', flags: 'i', replacement: '[customer]' },
        ],
      });
      assert.equal(ok.status, 200, await ok.clone().text());
      const audit = await eventually(
        async () =>
          (
            await srv.node.ctx.store.db
              .selectFrom('audit_log')
              .selectAll()
              .where('action', '=', 'masking.changed')
              .execute()
          )[0],
        5000,
        'the audit entry',
      );
      assert.equal(audit.target_type, 'account');
    });

    it('web chat: the agent sees •••• 4242, the IBAN and the customer number masked; the topic and survey comment too', async () => {
      const visitor = await startVisitor(srv, { name: 'Ada', topic: `Card ${SECRETS.web}` });
      const id = visitor.conversation.id;
      await take(id);
      const ack = await visitor.send(
        `My card is ${SECRETS.web}, IBAN ${SECRETS.webIban}, customer ${SECRETS.customerNumber}`,
      );
      assert.equal(
        ack.text,
        'My card is •••• 4242, IBAN •••• 3000, customer [customer]',
        'the visitor’s own line, as stored',
      );
      const seen = await agent.waitForMessage(
        id,
        (m) => m.senderKind === 'visitor' && m.text.startsWith('My card'),
      );
      assert.equal(seen.text, 'My card is •••• 4242, IBAN •••• 3000, customer [customer]');
      assert.equal((await srv.node.ctx.store.conversations.get(accountId, id)).topic, 'Card •••• 4242');
      await agent.close(id);
      await visitor.waitForConversation((c) => c.status === 'closed');
      visitor.csat(5, `Thanks! My card was ${SECRETS.web}`);
      const rated = await eventually(
        async () => (await srv.node.ctx.store.conversations.get(accountId, id)).csatComment,
        5000,
        'the survey comment',
      );
      assert.equal(rated, 'Thanks! My card was •••• 4242');
      await visitor.close();
    });

    it('WhatsApp: the customer’s card is masked, and the agent’s reply is masked on its way out too', async () => {
      const d = waMessageDelivery(WA.phoneNumberId, '15550001111', `pay with ${SECRETS.whatsapp} please`);
      assert.equal((await postWebhook(waHook, d.body, WA.appSecret)).status, 200);
      const id = await conversationOfExternal(d.id);
      await take(id);
      const seen = await agent.waitForMessage(id, (m) => m.senderKind === 'visitor');
      assert.equal(seen.text, 'pay with •••• 4444 please');
      const ack = await agent.send(id, `Charged ${SECRETS.agentReply}, thanks`);
      assert.equal(ack.text, 'Charged •••• 1111, thanks');
      assert.equal(
        agent.messages(id).at(-1)?.text,
        'Charged •••• 1111, thanks',
        'the agent’s own line, as stored',
      );
      await agent.send(id, `Card on file: ${SECRETS.note}`, { note: true });
      const out = await eventually(
        () => graph.sent.find((s) => s.body.startsWith('Charged')),
        5000,
        'the reply sent',
      );
      assert.equal(out.body, 'Charged •••• 1111, thanks');
    });

    it('Telegram: the customer’s card is masked', async () => {
      const user = 700_123_456;
      const res = await fetch(tgHook, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': tgSecret },
        body: JSON.stringify(tgUpdate(user, `card ${SECRETS.telegram}`, 1)),
      });
      assert.equal(res.status, 200);
      const id = await conversationOfExternal(`%${user}:1`);
      await take(id);
      const seen = await agent.waitForMessage(id, (m) => m.senderKind === 'visitor');
      assert.equal(seen.text, 'card •••• 5556');
    });

    it('e-mail: body and subject are masked, and the original mail is not kept', async () => {
      const r = await sendMail(emailOf(srv.node.ctx).smtpPort!, {
        from: 'Ana <ana@example.com>',
        to: 'support@demo.beckon.local',
        subject: `Card ${SECRETS.emailSubject}`,
        messageId: '<masking-1@example.com>',
        text: `Please charge ${SECRETS.emailBody} for order 1042.`,
      });
      assert.match(r.response, /^250 /);
      const id = await conversationOfExternal('<masking-1@example.com>');
      const conversation = await srv.node.ctx.store.conversations.get(accountId, id);
      assert.equal(conversation.topic, 'Card •••• 1117');
      await take(id);
      const seen = await agent.waitForMessage(id, (m) => m.senderKind === 'visitor');
      assert.equal(seen.text, 'Please charge •••• 0005 for order 1042.');
      const raw = await api('GET', `/api/v1/conversations/${id}/messages/${seen.seq}/raw`);
      assert.equal(raw.status, 404, 'the raw mail held the card');
    });

    it('a change reaches another node’s copy of the rules over the bus', async () => {
      const { store, bus, logger } = srv.node.ctx;
      const other = new MessageMasker(store, bus, logger);
      await other.start();
      assert.equal(await other.mask(accountId, 'CUST-111111'), '[customer]');
      const res = await api('PUT', '/api/v1/account/masking', {
        cards: true,
        ibans: true,
        patterns: [{ name: 'Customer number', pattern: 'cust-\\d{6}', flags: 'i', replacement: '[cust]' }],
      });
      assert.equal(res.status, 200);
      await eventually(
        async () => (await other.mask(accountId, 'CUST-111111')) === '[cust]',
        5000,
        'the new rules',
      );
    });

    it('none of it is in any table, the database files, the data dir, the logs or the webhooks', async () => {
      // Every line above was published: the webhook deliveries of all of them come first.
      await eventually(
        () => rx.events('message.created').filter((e) => /••••/.test(JSON.stringify(e.data))).length >= 6,
        10_000,
        'the webhook deliveries',
      );
      const db = srv.node.ctx.store.db;
      const tables =
        kind === 'sqlite'
          ? (
              await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)
            ).rows.map((r) => r.name)
          : (
              await sql<{ name: string }>`select table_name as name from information_schema.tables
                where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db)
            ).rows.map((r) => r.name);
      assert.ok(tables.includes('messages_stored') && tables.includes('outbox'), tables.join());
      for (const t of tables) {
        const rows = (await sql`select * from ${sql.table(t)}`.execute(db)).rows;
        assert.deepEqual(found(JSON.stringify(rows)), [], `table ${t}`);
      }
      const masked = (await sql<{ body: string }>`select body from messages`.execute(db)).rows.filter((r) =>
        r.body.includes('••••'),
      );
      assert.ok(masked.length >= 6, 'the masked lines are stored');
      if (kind === 'sqlite') {
        const files = filesUnder(srv.dataDir);
        assert.ok(
          files.some((f) => f.path.endsWith('beckon.db-wal')),
          'the WAL is read too',
        );
        for (const f of files) {
          assert.deepEqual(found(f.text), [], f.path);
          // SQLite stores text as UTF-8: the digits of a card would be there as they are.
          assert.deepEqual(found(Buffer.from(f.text, 'latin1').toString('utf8')), [], f.path);
        }
      }
      assert.ok(logs.length > 0, 'the log stream was captured');
      assert.deepEqual(found(logs.join('\n')), [], 'the logs');
      assert.deepEqual(found(rx.received.map((r) => r.body).join('\n')), [], 'the webhook deliveries');
    });
  });
}
