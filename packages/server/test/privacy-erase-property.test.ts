import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CallRequests } from '@beckon/sdk/call-requests';
import { identifyEvent, pageView } from '@beckon/sdk/index';
import fc from 'fast-check';
import { type Kysely, sql } from 'kysely';
import { emailOf } from '../src/channels/email/email-feature.ts';
import { userHashOf } from '../src/channels/identity.ts';
import { OUTBOX_TEST_ENV } from './channel-contract.ts';
import { flush, runtime, visitor } from './engagement-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { BOT_TOKEN, startBotApi, tgUpdate } from './helpers/bot-api-server.ts';
import { cookieFor, eventually, startVisitor } from './helpers/chat-fixtures.ts';
import { filesHolding } from './helpers/data-dir-scan.ts';
import { postWebhook, startGraphApi, waMessageDelivery } from './helpers/graph-api-server.ts';
import { MediaFiles } from './helpers/media-files.ts';
import { IG_ACCOUNT, PAGE } from './helpers/messenger-fixture.ts';
import { customerMessage, messagingDelivery, startPageGraphApi } from './helpers/messenger-graph-server.ts';
import { recordedCall } from './helpers/recorded-call.ts';
import { JPEG, PDF } from './helpers/sample-files.ts';
import { type SmtpSink, sendMail, startSmtpSink } from './helpers/smtp-sink.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';
import { postSigned, smsFields, startTwilioApi, TWILIO } from './helpers/twilio-server.ts';
import { WebhookReceiver } from './helpers/webhook-receiver.ts';
import { WA } from './helpers/whatsapp-fixture.ts';

/**
 * Erase, as a property: random histories of a few people across every channel (the tag and its
 * visits, web chat with files and callbacks, a recorded browser call, e-mail over SMTP, WhatsApp,
 * SMS with a picture, Telegram, Messenger, Instagram, the in-app Messaging API with push tokens)
 * and a shop's order posted with an API key (an audit entry that names them), with webhooks
 * copying their events and an agent merging the contacts one person became; one person is erased
 * by a random key. Afterwards no table row and no file under the data dir (the SQLite file and
 * WAL, attachments, raw mail, recordings) holds anything of theirs, and everyone else's is all
 * there. A failure names the history, the key, the counts and where a trace was found.
 */

const ACTIONS = [
  'tag',
  'chat',
  'call',
  'mail',
  'whatsapp',
  'sms',
  'telegram',
  'messenger',
  'instagram',
  'app',
  'order',
] as const;
type Action = (typeof ACTIONS)[number];
type Key = 'contactId' | 'email' | 'phone' | 'visitorId';
interface Plan {
  actions: Action[];
  upload: boolean;
  callback: boolean;
  key: Key;
}

/** One person: `mark` is in every id, name, address, word and file name of theirs. */
interface Person {
  mark: string;
  visitorId: string;
  name: string;
  email: string;
  /** Digits only: WhatsApp's wa_id; the contact keeps it with a leading '+'. */
  digits: string;
  contactIds: string[];
  web: boolean;
}

const planArb: fc.Arbitrary<Plan> = fc.record({
  actions: fc.array(fc.constantFrom<Action>(...ACTIONS), { minLength: 1, maxLength: 4 }),
  upload: fc.boolean(),
  callback: fc.boolean(),
  key: fc.constantFrom<Key>('contactId', 'email', 'phone', 'visitorId'),
});
const historyArb = fc.record({
  people: fc.array(planArb, { minLength: 2, maxLength: 3 }),
  erased: fc.nat(),
});
type History = typeof historyArb extends fc.Arbitrary<infer H> ? H : never;
/** Played first, so that every run of the file erases someone who took each kind of action. */
const everyAction: [History][] = [
  [
    {
      people: [
        { actions: ['call', 'sms', 'telegram', 'messenger'], upload: true, callback: false, key: 'phone' },
        { actions: ['chat', 'mail'], upload: false, callback: true, key: 'email' },
      ],
      erased: 0,
    },
  ],
  [
    {
      people: [
        { actions: ['sms', 'instagram'], upload: false, callback: false, key: 'contactId' },
        {
          actions: ['tag', 'order', 'whatsapp', 'instagram', 'app', 'chat', 'mail'],
          upload: true,
          callback: true,
          key: 'visitorId',
        },
      ],
      erased: 1,
    },
  ],
];

/** Every row of every table of the store, as text (PostgreSQL: this test's schema only). */
async function storeText(db: Kysely<any>): Promise<string> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: false });
  let text = '';
  for (const t of tables) {
    if (t.isView) continue;
    const rows = await db.selectFrom(t.name).selectAll().execute();
    text += `\n${t.name}: ${JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`;
  }
  return text;
}

/** Where the text holds `needle`, shown with a little of what is around it. */
const where = (text: string, needle: string) => {
  const i = text.indexOf(needle);
  return i < 0 ? null : `${needle} in …${text.slice(Math.max(0, i - 120), i + 40)}…`;
};

const needlesOf = (p: Person) => [p.mark, p.digits, ...p.contactIds];

for (const store of ['sqlite', 'postgres'] as const) {
  describe(`privacy erase over random histories (${store}): nothing of the person is left, everyone else is`, {
    timeout: 180_000,
  }, () => {
    let srv: TestServer;
    let admin: ApiClient;
    let smtp: SmtpSink;
    let rx: WebhookReceiver;
    let graph: Awaited<ReturnType<typeof startGraphApi>>;
    let twilio: Awaited<ReturnType<typeof startTwilioApi>>;
    let bot: Awaited<ReturnType<typeof startBotApi>>;
    let page: Awaited<ReturnType<typeof startPageGraphApi>>;
    let hook: string;
    const hooks = { sms: '', telegram: '', telegramSecret: '', messenger: '', instagram: '' };
    /** The shop's server: posts orders with an API key, which the audit log records with their fields. */
    let shop: ApiClient;
    let port: number;
    let serial = 0;
    let identitySecret: string;

    before(async () => {
      smtp = await startSmtpSink();
      rx = await WebhookReceiver.start();
      graph = await startGraphApi({ ...WA, media: new MediaFiles() });
      twilio = await startTwilioApi();
      bot = await startBotApi(BOT_TOKEN);
      page = await startPageGraphApi({ ...PAGE, pageName: 'Demo Store', instagram: IG_ACCOUNT });
      srv = await startTestServer({
        demo: true,
        store,
        env: {
          ...OUTBOX_TEST_ENV,
          BECKON_SMTP_PORT: '0',
          BECKON_EMAIL_DOMAIN: 'demo.beckon.local',
          BECKON_EMAIL_FROM: 'Demo Store <support@demo.beckon.local>',
          BECKON_SMTP_URL: smtp.url,
          BECKON_WEBHOOKS_ALLOW_PRIVATE: '1',
          BECKON_WEBHOOKS_POLL_MS: '50',
        },
      });
      port = emailOf(srv.node.ctx).smtpPort!;
      identitySecret = await srv.node.ctx.store.sites.identitySecret(srv.demo!.accountId, srv.demo!.siteId);
      admin = new ApiClient(srv.node.app);
      assert.equal((await admin.login('admin@demo.beckon.local', 'demo-admin-pw')).status, 200);
      const channel = await admin.post('/api/v1/channels', {
        type: 'whatsapp',
        name: 'Support line',
        ...WA,
        apiBaseUrl: graph.url,
      });
      assert.equal(channel.status, 201, JSON.stringify(channel.body));
      hook = `${srv.url}/hooks/whatsapp/${channel.body.id}`;
      const channels = {
        sms: { type: 'sms', name: 'Texts', ...TWILIO, apiBaseUrl: twilio.url },
        telegram: { type: 'telegram', botToken: BOT_TOKEN, apiBaseUrl: bot.url },
        messenger: { type: 'messenger', ...PAGE, apiBaseUrl: page.url },
        instagram: { type: 'instagram', ...PAGE, instagramAccountId: IG_ACCOUNT.id, apiBaseUrl: page.url },
      };
      for (const [type, input] of Object.entries(channels)) {
        const made = await admin.post('/api/v1/channels', input);
        assert.equal(made.status, 201, JSON.stringify(made.body));
        hooks[type as keyof typeof channels] = `${srv.url}/hooks/${type}/${made.body.id}`;
        if (type === 'telegram') hooks.telegramSecret = bot.webhooks.at(-1)!.secret_token!;
      }
      // Calls are recorded; the agent who answers them takes as many conversations as the runs open.
      const site = await admin.patch(`/api/v1/sites/${srv.demo!.siteId}`, { recordCalls: true });
      assert.equal(site.status, 200, JSON.stringify(site.body));
      const { userId } = await cookieFor(srv, 'sales@demo.beckon.local');
      await srv.node.ctx.store.users.update(srv.demo!.accountId, userId, { capacity: 500 });
      const key = await admin.post('/api/v1/api-keys', { name: 'Shop server' });
      assert.equal(key.status, 201, JSON.stringify(key.body));
      shop = new ApiClient(srv.node.app);
      shop.bearer = key.body.key;
      const endpoint = await admin.post('/api/v1/webhooks', {
        url: rx.url,
        events: ['contact.created', 'contact.updated', 'conversation.created', 'message.created'],
      });
      assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
    });
    after(async () => {
      await srv?.close();
      await graph?.close();
      await twilio?.close();
      await bot?.close();
      await page?.close();
      await rx?.close();
      await smtp?.close();
    });

    let telegramMessages = 0;
    /** Waits until a provider's message (by the end of its id) is stored. */
    const landed = (channel: string, externalId: string) =>
      eventually(
        () =>
          srv.node.ctx.store.db
            .selectFrom('channel_messages')
            .select('conversation_id')
            .where('channel', '=', channel as never)
            .where('external_id', 'like', `%${externalId}`)
            .executeTakeFirst(),
        5000,
        `the ${channel} message`,
      );

    /** Plays one person's history through the tag, the chat socket, SMTP and the WhatsApp webhook. */
    async function live(plan: Plan): Promise<Person> {
      const mark = `pz${++serial}q${Math.random().toString(36).slice(2, 9)}`;
      const p: Person = {
        mark,
        visitorId: `v${mark}`,
        name: `Kim ${mark}`,
        email: `kim.${mark}@example.com`,
        digits: `4477009${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
        contactIds: [],
        web: false,
      };
      const visit = async () => {
        p.web = true;
        const v = await visitor(srv, srv.demo!.siteKey, p.visitorId);
        await v.sendBatch([
          pageView(`${srv.url}/lamps`, ['product']),
          identifyEvent({ name: p.name, email: p.email, phone: `+${p.digits}` }),
        ]);
        await v.close();
        await flush(srv);
        // The tag's identify becomes a contact off the event path: on a loaded machine it may not
        // exist yet when the agent looks them up below.
        await runtime(srv).contacts.settled();
      };
      let line = 0;
      for (const action of plan.actions) {
        const words = `words ${mark} ${++line}`;
        if (action === 'tag') await visit();
        else if (action === 'order') {
          // They visit, then buy: the shop's server posts the order, naming them, with its API key.
          await visit();
          const order = await shop.post('/api/v1/conversions', {
            orderId: `o-${mark}-${line}`,
            value: 25,
            currency: 'EUR',
            visitorId: p.visitorId,
            email: p.email,
          });
          assert.equal(order.status, 201, JSON.stringify(order.body));
        } else if (action === 'call') {
          // A browser call to the agent in a web chat, recorded: the audio carries their mark.
          p.web = true;
          await recordedCall(srv, { visitorId: p.visitorId, name: p.name, email: p.email }, words);
        } else if (action === 'sms') {
          // A text from their phone; with a picture when they upload files.
          const picture = plan.upload
            ? twilio.media.add({ bytes: Buffer.concat([JPEG, Buffer.from(mark)]), contentType: 'image/jpeg' })
            : null;
          const f = smsFields(
            `+${p.digits}`,
            words,
            picture
              ? { NumMedia: '1', MediaUrl0: twilio.mediaUrl(picture), MediaContentType0: 'image/jpeg' }
              : {},
          );
          assert.equal((await postSigned(hooks.sms, f)).status, 200);
          await landed('sms', f.MessageSid);
        } else if (action === 'telegram') {
          // Their chat id is their phone's digits; their name carries the mark.
          const n = ++telegramMessages;
          const sent = await fetch(hooks.telegram, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-telegram-bot-api-secret-token': hooks.telegramSecret,
            },
            body: JSON.stringify(tgUpdate(Number(p.digits), words, n, p.name)),
          });
          assert.equal(sent.status, 200);
          await landed('telegram', `:${n}`);
        } else if (action === 'messenger' || action === 'instagram') {
          // Their scoped id holds their digits; the profile the Graph API answers, their name.
          const ig = action === 'instagram';
          const psid = `${ig ? 8 : 9}${p.digits}`;
          page.profile(
            psid,
            ig ? { name: p.name, username: `kim_${mark}` } : { first_name: 'Kim', last_name: mark },
          );
          const m = customerMessage(psid, { text: words });
          const d = messagingDelivery(ig ? 'instagram' : 'page', ig ? IG_ACCOUNT.id : PAGE.pageId, m.event);
          assert.equal((await postWebhook(hooks[action], d, PAGE.appSecret)).status, 200);
          await landed(action, m.mid);
        } else if (action === 'chat') {
          p.web = true;
          const chat = await startVisitor(srv, {
            visitorId: p.visitorId,
            name: p.name,
            email: p.email,
            skillId: srv.demo!.skillIds.sales,
          });
          const files = plan.upload
            ? [
                await chat.upload({
                  bytes: Buffer.concat([PDF, Buffer.from(`%${mark}\n`)]),
                  name: `bill-${mark}.pdf`,
                  contentType: 'application/pdf',
                }),
              ]
            : undefined;
          await chat.send(words, undefined, files);
          if (plan.callback) {
            const from = new Date(Date.now() + 3 * 3_600_000);
            await new CallRequests(chat.frames as never).request({
              type: 'callback_request',
              phone: `+${p.digits}`,
              windowStart: from.toISOString(),
              windowEnd: new Date(from.getTime() + 3_600_000).toISOString(),
            });
            await chat.waitForMessage((m) => m.text.includes(p.digits.slice(-6)));
          }
          await chat.close();
        } else if (action === 'mail') {
          const r = await sendMail(port, {
            from: `${p.name} <${p.email}>`,
            to: 'support@demo.beckon.local',
            subject: `About ${mark} ${line}`,
            messageId: `<${mark}.${line}@example.com>`,
            text: words,
          });
          assert.match(r.response, /^250 /);
        } else if (action === 'app') {
          // A signed-in app user writes in the app and registers a phone for push.
          const userId = `u${mark}`;
          const app = new ApiClient(srv.node.app);
          const session = await app.request('POST', '/api/v1/messaging/session', {
            siteKey: srv.demo!.siteKey,
            userId,
            userHash: userHashOf(identitySecret, userId),
            name: p.name,
            email: p.email,
          });
          assert.equal(session.status, 200, JSON.stringify(session.body));
          const headers = { 'x-beckon-chat-token': session.body.token };
          const sent = await app.request(
            'POST',
            '/api/v1/messaging/messages',
            { echoId: `e${mark}${line}`, text: words },
            headers,
          );
          assert.equal(sent.status, 201, JSON.stringify(sent.body));
          const push = await app.request(
            'POST',
            '/api/v1/messaging/push-tokens',
            { platform: 'fcm', token: `fcm-${mark}-${line}` },
            headers,
          );
          assert.equal(push.status, 204, JSON.stringify(push.body));
        } else {
          const d = waMessageDelivery(WA.phoneNumberId, p.digits, words, { name: p.name });
          assert.equal((await postWebhook(hook, d.body, WA.appSecret)).status, 200);
        }
      }
      // One person may have become two contacts (a chat by e-mail, a message from the phone): an
      // agent merges them, as the console offers.
      const found = new Set<string>();
      for (const q of [p.email, p.digits, mark]) {
        const r = await admin.get(`/api/v1/contacts?q=${encodeURIComponent(q)}`);
        for (const c of r.body.items ?? [])
          if (c.email === p.email || c.phone === `+${p.digits}` || c.name?.includes(mark)) found.add(c.id);
      }
      // A platform's profile can fail to load (a slow Graph API on a loaded machine): that contact
      // has no name to search by, but the agent sees the channel's id on it.
      const platformIds = [`8${p.digits}`, `9${p.digits}`];
      const held = await srv.node.ctx.store.db
        .selectFrom('contact_identities')
        .select('contact_id')
        .where('value', 'in', platformIds)
        .where('kind', 'in', ['instagram', 'messenger'] as never[])
        .execute();
      for (const row of held) found.add(row.contact_id);
      p.contactIds = [...found];
      const [kept, ...rest] = p.contactIds;
      for (const other of rest) {
        const m = await admin.post(`/api/v1/contacts/${kept}/merge`, { contactId: other });
        assert.equal(m.status, 201, JSON.stringify(m.body));
      }
      return p;
    }

    it('erases one person of random histories by any key, everywhere; 404 after', async () => {
      const db = srv.node.ctx.store.db as Kysely<any>;
      await fc.assert(
        fc.asyncProperty(historyArb, async ({ people: plans, erased }) => {
          const people: Person[] = [];
          for (const plan of plans) people.push(await live(plan));
          const i = erased % people.length;
          const gone = people[i]!;
          const plan = plans[i]!;
          // A key the person was known by: a number only once they gave one.
          const phoned = plan.actions.some(
            (a) => ['tag', 'order', 'whatsapp', 'sms'].includes(a) || (a === 'chat' && plan.callback),
          );
          const mailed = plan.actions.some((a) =>
            ['tag', 'order', 'chat', 'call', 'mail', 'app'].includes(a),
          );
          const known = { contactId: true, email: mailed, phone: phoned, visitorId: gone.web };
          const key = known[plan.key] ? plan.key : 'contactId';
          const body = {
            contactId: { contactId: gone.contactIds[0] },
            email: { email: gone.email },
            phone: { phone: `+${gone.digits}` },
            visitorId: { visitorId: gone.visitorId },
          }[key];
          // Their recording and files are on disk, outside the database, for the scan below to find.
          const filed =
            plan.actions.includes('call') ||
            (plan.upload && plan.actions.some((a) => a === 'chat' || a === 'sms'));
          if (filed) {
            const own = filesHolding(srv.dataDir, [gone.mark]).filter((f) => !/beckon\.db/.test(f));
            assert.ok(own.length > 0, `${gone.mark}'s files are on disk before the erase`);
          }
          // Every event of theirs has reached the webhook's table before the erase, so none lands after.
          await eventually(() => rx.received.some((r) => r.body.includes(gone.mark)), 5000, 'a webhook');
          const res = await admin.post('/api/v1/privacy/erase', body);
          assert.equal(res.status, 200, JSON.stringify(res.body));
          const e = res.body.erased;
          if (process.env.ERASE_DEBUG) console.log(key, JSON.stringify(plan), JSON.stringify(e));
          assert.ok(e.contacts >= 1 && e.conversations + e.visitors >= 1, JSON.stringify(e));
          assert.ok(e.webhookDeliveries >= 1, 'the copies sent to the webhook go too');
          if (plan.actions.includes('tag')) assert.ok(e.events >= 2 && e.visits >= 1, JSON.stringify(e));
          if (plan.actions.includes('mail')) assert.ok(e.mails >= 1, JSON.stringify(e));
          if (plan.actions.includes('app')) assert.ok(e.pushDevices >= 2, JSON.stringify(e));
          if (plan.actions.includes('call')) assert.ok(e.calls >= 1 && e.recordings >= 1, JSON.stringify(e));
          if (plan.actions.includes('order')) assert.ok(e.auditEntries >= 1, JSON.stringify(e));
          assert.equal((await admin.post('/api/v1/privacy/erase', body)).status, 404);

          const text = await storeText(db);
          const left = needlesOf(gone)
            .map((n) => where(text, n))
            .filter(Boolean);
          const history = `${gone.mark} erased by ${key}, ${JSON.stringify(plan)}, counted ${JSON.stringify(e)}`;
          assert.deepEqual(left, [], history);
          assert.deepEqual(filesHolding(srv.dataDir, needlesOf(gone)), [], history);
          const others = people.filter((o) => o !== gone);
          if (store === 'sqlite') {
            const seen = filesHolding(srv.dataDir, [others[0]!.mark]);
            assert.ok(seen.length > 0, "the scan reads the store's files");
          }
          for (const other of others) {
            assert.ok(text.includes(other.mark), `${other.mark} is kept`);
            const c = await admin.get(`/api/v1/contacts/${other.contactIds[0]}`);
            assert.equal(c.status, 200, `${other.mark}'s contact is kept`);
          }
        }),
        { numRuns: 8, endOnFailure: true, examples: everyAction },
      );
    });
  });
}
