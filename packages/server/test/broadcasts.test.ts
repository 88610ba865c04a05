import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compareRevenue } from '@beckon/core/stats/index';
import fc from 'fast-check';
import { inHoldout } from '../src/broadcasts/broadcast-sender.ts';
import { broadcastSenderOf } from '../src/broadcasts/broadcasts-feature.ts';
import type { BeckonNode } from '../src/node.ts';
import { newTenant } from './engagement-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import {
  postWebhook,
  SAMPLE_TEMPLATES,
  startGraphApi,
  waMessageDelivery,
} from './helpers/graph-api-server.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { broadcastTestEnv, pgStoreFor, startNodeOn as startNode } from './helpers/store-node.ts';
import { tagPurchase } from './helpers/tag-purchase.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';
import { postSigned, smsFields, startTwilioApi, TWILIO } from './helpers/twilio-server.ts';

const WA = {
  phoneNumberId: '106540352242925',
  accessToken: 'EAAG-broadcast-token',
  appSecret: 'broadcast-app-secret',
  verifyToken: 'broadcast-verify',
  wabaId: '102290129340401',
};

/** A contact as the test makes it, and what it expects the broadcast to do with them. */
interface Person {
  name: string | null;
  email?: string;
  phone?: boolean;
  optIn?: ('whatsapp' | 'sms')[];
  smsStop?: boolean;
  emailOptOut?: boolean;
  order?: string;
}

const pgSkip = postgresSkipReasonNow();
let phones = 0;
const newPhone = () =>
  `+1444${String(process.pid % 1000).padStart(3, '0')}${String(++phones).padStart(4, '0')}`;

/** The channel a person should get, given the order whatsapp, sms, email; or null. */
function expected(p: Omit<Person, 'phone'> & { phone?: unknown }): 'whatsapp' | 'sms' | 'email' | null {
  if (p.phone && p.optIn?.includes('whatsapp')) return p.order ? 'whatsapp' : null;
  if (p.phone && p.optIn?.includes('sms') && !p.smsStop) return 'sms';
  if (p.email && !p.emailOptOut) return 'email';
  return null;
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`broadcasts (${kind})`, {
    skip: kind === 'postgres' ? (pgSkip ?? false) : false,
    timeout: 180_000,
  }, () => {
    let srv: TestServer;
    let graph: Awaited<ReturnType<typeof startGraphApi>>;
    let twilio: Awaited<ReturnType<typeof startTwilioApi>>;
    let sink: SmtpSink;
    let t: Awaited<ReturnType<typeof newTenant>>;
    let waConn = '';
    let smsConn = '';
    let smsHook = '';
    let waHook = '';
    const env = () => ({ ...broadcastTestEnv(sink.url), BECKON_OUTBOX_LEASE_MS: '10000' });
    /** The node the test talks to (the restart test swaps in its own). */
    let node: BeckonNode;
    const store = () => node.ctx.store;

    before(async () => {
      graph = await startGraphApi({ ...WA, templates: SAMPLE_TEMPLATES });
      twilio = await startTwilioApi();
      sink = await startSmtpSink();
      srv = await startTestServer({ store: kind, env: env() });
      node = srv.node;
      t = await newTenant(srv);
      const wa = await t.api.post('/api/v1/channels', { type: 'whatsapp', ...WA, apiBaseUrl: graph.url });
      assert.equal(wa.status, 201, JSON.stringify(wa.body));
      waConn = wa.body.id;
      waHook = wa.body.webhookUrl;
      const sms = await t.api.post('/api/v1/channels', { type: 'sms', ...TWILIO, apiBaseUrl: twilio.url });
      assert.equal(sms.status, 201, JSON.stringify(sms.body));
      smsConn = sms.body.id;
      smsHook = sms.body.webhookUrl;
    });
    after(async () => {
      await srv?.close();
      await graph?.close();
      await twilio?.close();
      await sink?.close();
    });

    /** Makes the people in a batch (an attribute), and a segment of exactly them. */
    const seed = async (batch: string, people: Person[]) => {
      const made = [];
      for (const [i, p] of people.entries()) {
        const c = await store().contacts.resolve(t.accountId, {
          name: p.name,
          ...(p.email ? { email: p.email } : {}),
          ...(p.phone ? { phone: newPhone() } : {}),
        });
        await store().contacts.addAttributes(t.accountId, c.id, {
          batch,
          n: i,
          ...(p.order ? { order: p.order } : {}),
        });
        for (const channel of p.optIn ?? [])
          await store().consents.record(t.accountId, c.id, { channel, source: 'api', detail: 'test' });
        if (p.smsStop) await store().contacts.setSmsOptOut(t.accountId, c.id, true);
        if (p.emailOptOut) await store().contacts.update(t.accountId, c.id, { emailOptOut: true });
        made.push({ ...p, id: c.id, phone: c.phone });
      }
      const seg = await t.api.post('/api/v1/segments', {
        name: `Batch ${batch}`,
        filter: { field: 'attribute.batch', op: 'equals', value: batch },
      });
      assert.equal(seg.status, 201, JSON.stringify(seg.body));
      assert.equal(seg.body.count, people.length);
      return { people: made, segmentId: seg.body.id as string };
    };

    const body = (segmentId: string, extra: Record<string, unknown> = {}) => ({
      name: 'Spring news',
      segmentId,
      channels: ['whatsapp', 'sms', 'email'],
      holdoutPercent: 20,
      content: {
        whatsapp: {
          connectionId: waConn,
          template: {
            name: 'order_update',
            language: 'en_US',
            variables: {
              header: { '1': '{{attributes.order}}' },
              body: { '1': '{{name|there}}', '2': '{{attributes.order}}', '3': 'this week' },
            },
          },
        },
        sms: {
          connectionId: smsConn,
          text: 'Hi {{name|there}}, spring prices are in. Reply STOP to opt out.',
        },
        email: {
          subject: 'Spring for {{name|you}}',
          text: 'Hello {{name|there}}, spring prices are in.',
          html: '<html><body><p>Hello {{name|there}}, <b>spring</b> prices are in.</p></body></html>',
        },
      },
      ...extra,
    });

    const messagesTo = (p: { phone: string | null; email?: string }) => ({
      whatsapp: p.phone ? graph.sent.filter((s) => s.to === p.phone!.slice(1)).length : 0,
      sms: p.phone ? twilio.sent.filter((s) => s.To === p.phone).length : 0,
      email: p.email ? sink.mails.filter((m) => m.to.includes(p.email!)).length : 0,
    });

    const finished = async (id: string) => {
      await eventually(
        async () => (await t.api.get(`/api/v1/broadcasts/${id}`)).body.status === 'sent',
        30_000,
        'the broadcast is sent',
      );
      // every queued message has left the outbox
      const b = await eventually(
        async () => {
          const v = (await t.api.get(`/api/v1/broadcasts/${id}`)).body;
          return v.funnel.sent + v.funnel.failed + v.funnel.inDoubt === v.funnel.queued ? v : undefined;
        },
        30_000,
        'the outbox is empty',
      );
      // None of these tests has a message in doubt: each would name why (a stand-in that did not answer).
      if (b.funnel.inDoubt > 0) {
        const page = await t.api.get(`/api/v1/broadcasts/${id}/recipients?limit=200`);
        const why = page.body.items.filter((r: { state: string }) => r.state === 'in_doubt');
        assert.fail(`messages in doubt: ${JSON.stringify(why)}`);
      }
      return b;
    };

    it('refuses what it could not send, naming the field', async () => {
      const { segmentId } = await seed('refusals', [{ name: 'R', email: 'r@example.com' }]);
      const bad = async (b: unknown) => {
        const r = await t.api.post('/api/v1/broadcasts', b);
        assert.equal(r.status, 400, JSON.stringify(r.body));
        return String(r.body.error.message);
      };
      assert.match(await bad(body('seg_nope')), /\/segmentId: no segment/);
      assert.match(
        await bad(body(segmentId, { sendAt: '2020-01-01T00:00:00Z' })),
        /\/sendAt: is in the past/,
      );
      const noSms = body(segmentId);
      delete (noSms.content as Record<string, unknown>).sms;
      assert.match(await bad(noSms), /\/content\/sms: required/);
      const unbound = body(segmentId);
      delete (unbound.content.whatsapp.template.variables.body as Record<string, string>)['3'];
      assert.match(await bad(unbound), /\/content\/whatsapp\/template\/variables\/body\/3/);
      const badVar = body(segmentId);
      badVar.content.sms.text = 'Hi {{password}}';
      assert.match(await bad(badVar), /\/content\/sms\/text: \{\{password\}\}/);
      const rejected = body(segmentId);
      rejected.content.whatsapp.template.name = 'spring_sale';
      assert.match(await bad(rejected), /REJECTED, not APPROVED/);
      assert.equal((await t.api.get('/api/v1/broadcasts/bc_nope')).status, 404);
    });

    it('reaches each member once on their first reachable channel; the holdout and the opted-out get nothing', async () => {
      const people: Person[] = [];
      for (let i = 0; i < 4; i++) {
        people.push({
          name: `Wa ${i}`,
          phone: true,
          optIn: ['whatsapp', 'sms'],
          order: `#${100 + i}`,
          email: `wa${i}-${kind}@example.com`,
        });
        people.push({ name: `Sms ${i}`, phone: true, optIn: ['sms'], email: `sms${i}-${kind}@example.com` });
        people.push({ name: i % 2 ? null : `Mail ${i}`, email: `mail${i}-${kind}@example.com` });
        people.push({
          name: `Stop ${i}`,
          phone: true,
          optIn: ['sms'],
          smsStop: true,
          email: `stop${i}-${kind}@example.com`,
          emailOptOut: true,
        });
        people.push({
          name: `StopSms ${i}`,
          phone: true,
          optIn: ['sms'],
          smsStop: true,
          email: `stopsms${i}-${kind}@example.com`,
        });
        people.push({ name: `NoOrder ${i}`, phone: true, optIn: ['whatsapp'] });
        people.push({ name: `Nobody ${i}`, phone: true });
      }
      const { people: made, segmentId } = await seed(`main-${kind}`, people);
      // A 30 % holdout of 28 people holds none out once in 22,000 broadcasts (at 20 %, once in 520).
      const HOLDOUT = 30;
      const r = await t.api.post('/api/v1/broadcasts', body(segmentId, { holdoutPercent: HOLDOUT }));
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const id = r.body.id as string;
      const b = await finished(id);

      let held = 0;
      let skipped = 0;
      let queued = 0;
      for (const p of made) {
        const got = messagesTo(p);
        const holdout = inHoldout(id, p.id, HOLDOUT);
        const want = holdout ? null : expected(p);
        if (holdout) held++;
        else if (want) queued++;
        else skipped++;
        for (const ch of ['whatsapp', 'sms', 'email'] as const)
          assert.equal(
            got[ch],
            want === ch ? 1 : 0,
            `${p.name} on ${ch} (holdout ${holdout}, expected ${want})`,
          );
      }
      assert.ok(held > 0 && held < made.length, `some held out (${held})`);
      assert.deepEqual(
        {
          targeted: b.funnel.targeted,
          heldOut: b.funnel.heldOut,
          queued: b.funnel.queued,
          sent: b.funnel.sent,
          failed: b.funnel.failed,
          skipped: b.funnel.skipped,
        },
        { targeted: made.length, heldOut: held, queued, sent: queued, failed: 0, skipped },
      );
      const reasons = Object.keys(b.funnel.skippedBy).sort();
      for (const why of reasons) assert.match(why, /^(no attributes\.order|opted out|no reachable channel)$/);

      // The WhatsApp template went with the contact's values; the mail with HTML and a stop link.
      const wa0 = made.find((p) => p.name === 'Wa 0' && !inHoldout(id, p.id, HOLDOUT));
      if (wa0) {
        const sent = graph.sent.find((s) => s.to === wa0.phone!.slice(1))!;
        assert.match(JSON.stringify(sent.raw.template), /"text":"Wa 0".*"text":"#100"/);
      }
      const mail = sink.mails.find((m) => m.to.some((a) => a.startsWith('mail0-')));
      if (mail) {
        assert.equal(mail.parsed.subject, 'Spring for Mail 0');
        assert.match(String(mail.parsed.html), /<b>spring<\/b>.*unsubscribe/s);
        assert.match(mail.raw.toString(), /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
      }
      // the recipients' page says the same
      const page = await t.api.get(`/api/v1/broadcasts/${id}/recipients?limit=500`);
      assert.equal(page.status, 200);
      assert.equal(page.body.items.length, made.length);
      assert.equal(page.body.items.filter((x: { arm: string }) => x.arm === 'holdout').length, held);
    });

    it('a reply to the broadcast opens its conversation in the broadcast’s skill', async () => {
      const skill = await t.api.post('/api/v1/skills', { name: `Spring ${kind}` });
      assert.equal(skill.status, 201, JSON.stringify(skill.body));
      const { people: made, segmentId } = await seed(`reply-${kind}`, [
        { name: 'Replier', phone: true, optIn: ['sms'] },
      ]);
      const r = await t.api.post(
        '/api/v1/broadcasts',
        body(segmentId, { holdoutPercent: 0, skillId: skill.body.id }),
      );
      assert.equal(r.status, 201);
      await finished(r.body.id);
      const conv = (await store().conversations.search(t.accountId, { contactId: made[0]!.id })).items[0]!;
      assert.equal(conv.skillId, skill.body.id);
      assert.equal(conv.channel, 'sms');
      assert.equal(conv.state, 'resolved', 'no agent queue fills with unanswered broadcast messages');
      // The customer answers: the broadcast's conversation opens in the broadcast's skill.
      const from = made[0]!.phone!;
      assert.equal((await postSigned(smsHook, smsFields(from, 'Is the blue one in stock?'))).status, 200);
      await eventually(
        async () => (await store().conversations.get(t.accountId, conv.id)).state === 'open',
        10_000,
        'the conversation opens',
      );
      const opened = await store().conversations.get(t.accountId, conv.id);
      assert.equal(opened.skillId, skill.body.id);
      assert.equal(
        (await store().conversations.search(t.accountId, { contactId: made[0]!.id })).items.length,
        1,
      );
    });

    /** A tracked link's path (`/b/{token}`) in a text, the n-th one. */
    const trackedPaths = (text: string) =>
      [...text.matchAll(/https?:\/\/[^\s"'<>]*?(\/b\/[A-Za-z0-9_-]{22})/g)].map((m) => m[1]!);
    const follow = (path: string, method: 'GET' | 'HEAD' = 'GET') => node.app.inject({ method, url: path });

    it('tracks clicks on the links of SMS and mails, and counts replies, in the funnel', async () => {
      const { people: made, segmentId } = await seed(`clicks-${kind}`, [
        { name: 'Texted', phone: true, optIn: ['sms'] },
        { name: 'Mailed', email: `clicks-${kind}@example.com` },
      ]);
      const shop = 'https://shop.example/spring?x=1&y=2';
      const b0 = body(segmentId, { holdoutPercent: 0 });
      b0.content.sms.text = `Spring is in (${shop}). Reply STOP to opt out.`;
      b0.content.email.text = `Hello {{name|there}}, see ${shop}.`;
      b0.content.email.html =
        '<p>Hello, <a class="x" href="https://shop.example/spring?x=1&amp;y=2">spring</a></p>';
      const r = await t.api.post('/api/v1/broadcasts', b0);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const id = r.body.id as string;
      await finished(id);
      const [texted, mailed] = made;
      // What left: the link is ours, the shop's address is not in the message.
      const sms = twilio.sent.find((m) => m.To === texted!.phone)!;
      assert.doesNotMatch(sms.Body, /shop\.example/);
      const [smsLink] = trackedPaths(sms.Body);
      assert.ok(smsLink, sms.Body);
      assert.match(sms.Body, /\/b\/[A-Za-z0-9_-]{22}\)\. Reply STOP/, 'the sentence around it stays');
      const mail = sink.mails.find((m) => m.to.includes(mailed!.email!))!;
      const [textLink] = trackedPaths(mail.parsed.text ?? '');
      const [htmlLink] = trackedPaths(String(mail.parsed.html));
      assert.ok(textLink && htmlLink);
      assert.equal(textLink, htmlLink, 'one address, one link');
      assert.doesNotMatch(String(mail.parsed.html), /shop\.example/);
      assert.match(String(mail.parsed.html), /\/email\/unsubscribe/, 'the stop link stays as it is');

      // A link preview (HEAD) leads on but is no click; the first GET is; a second changes nothing.
      const head = await follow(textLink!, 'HEAD');
      assert.equal(head.statusCode, 302);
      assert.equal((await t.api.get(`/api/v1/broadcasts/${id}`)).body.funnel.clicked, 0);
      for (let i = 0; i < 2; i++) {
        const res = await follow(textLink!);
        assert.equal(res.statusCode, 302);
        assert.equal(res.headers.location, shop);
      }
      assert.equal(
        (await follow('/b/AAAAAAAAAAAAAAAAAAAAAA')).statusCode,
        404,
        'a made-up token leads nowhere',
      );
      let b = (await t.api.get(`/api/v1/broadcasts/${id}`)).body;
      assert.equal(b.funnel.clicked, 1);
      assert.equal(b.funnel.byChannel.email.clicked, 1);
      assert.equal(b.funnel.byChannel.sms.clicked, 0);
      assert.equal(b.funnel.replied, 0);
      const page = (await t.api.get(`/api/v1/broadcasts/${id}/recipients`)).body.items as {
        contactId: string;
        clickedAt: string | null;
      }[];
      assert.ok(page.find((x) => x.contactId === mailed!.id)!.clickedAt);
      assert.equal(page.find((x) => x.contactId === texted!.id)!.clickedAt, null);

      // The texted contact answers: a reply; then clicks too.
      assert.equal((await postSigned(smsHook, smsFields(texted!.phone!, 'Is it in blue?'))).status, 200);
      b = await eventually(async () => {
        const v = (await t.api.get(`/api/v1/broadcasts/${id}`)).body;
        return v.funnel.replied === 1 ? v : undefined;
      });
      assert.equal(b.funnel.byChannel.sms.replied, 1);
      assert.equal(b.funnel.byChannel.email.replied, 0);
      assert.equal((await follow(smsLink!)).headers.location, shop);
      b = (await t.api.get(`/api/v1/broadcasts/${id}`)).body;
      assert.deepEqual([b.funnel.clicked, b.funnel.byChannel.sms.clicked], [2, 1]);
    });

    it('a STOP on SMS or WhatsApp and a one-click unsubscribe of a mail keep the next broadcast away', async () => {
      const { people: made, segmentId } = await seed(`stop-${kind}`, [
        { name: 'Sms', phone: true, optIn: ['sms'] },
        { name: 'Wa', phone: true, optIn: ['whatsapp'], order: '#7' },
        { name: 'Mail', email: `stop-${kind}@example.com` },
      ]);
      const [smsP, waP, mailP] = made;
      const first = await t.api.post('/api/v1/broadcasts', body(segmentId, { holdoutPercent: 0 }));
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const b1 = await finished(first.body.id);
      assert.equal(b1.funnel.queued, 3);
      assert.deepEqual(messagesTo(smsP!), { whatsapp: 0, sms: 1, email: 0 });
      assert.deepEqual(messagesTo(waP!), { whatsapp: 1, sms: 0, email: 0 });
      assert.deepEqual(messagesTo(mailP!), { whatsapp: 0, sms: 0, email: 1 });

      // STOP through each provider's webhook, signed as the provider signs it.
      assert.equal((await postSigned(smsHook, smsFields(smsP!.phone!, 'Stop'))).status, 200);
      const wa = waMessageDelivery(WA.phoneNumberId, waP!.phone!.slice(1), ' UNSUBSCRIBE ');
      assert.equal((await postWebhook(waHook, wa.body, WA.appSecret)).status, 200);
      // The mail client's unsubscribe button: a POST to the List-Unsubscribe address (RFC 8058).
      const mail = sink.mails.find((m) => m.to.includes(mailP!.email!))!;
      const headers = mail.raw
        .toString()
        .split(/\r?\n\r?\n/)[0]!
        .replace(/\r?\n[ \t]+/g, ' ');
      assert.match(headers, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/im);
      const url = /^List-Unsubscribe: <([^>]+)>/im.exec(headers)?.[1];
      assert.ok(url, headers);
      const res = await node.app.inject({
        method: 'POST',
        url: url!.slice(url!.indexOf('/email/unsubscribe')),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'List-Unsubscribe=One-Click',
      });
      assert.equal(res.statusCode, 200);
      await eventually(
        async () =>
          (await store().contacts.smsOptedOut(t.accountId, smsP!.id)) &&
          (await store().contacts.whatsAppOptedOut(t.accountId, waP!.id)) &&
          (await store().contacts.get(t.accountId, mailP!.id)).emailOptOut,
        10_000,
        'the three opt-outs are recorded',
      );
      assert.equal(await store().consents.has(t.accountId, waP!.id, 'whatsapp'), false);

      const second = await t.api.post('/api/v1/broadcasts', body(segmentId, { holdoutPercent: 0 }));
      const b2 = await finished(second.body.id);
      assert.equal(b2.funnel.queued, 0);
      assert.deepEqual(b2.funnel.skippedBy, { 'opted out': 3 });
      for (const p of made) {
        const got = messagesTo(p);
        assert.equal(got.whatsapp + got.sms + got.email, 1, `${p.name} got the first broadcast only`);
      }
      // START on WhatsApp lets broadcasts reach them again.
      const back = waMessageDelivery(WA.phoneNumberId, waP!.phone!.slice(1), 'START');
      assert.equal((await postWebhook(waHook, back.body, WA.appSecret)).status, 200);
      await eventually(
        async () => !(await store().contacts.whatsAppOptedOut(t.accountId, waP!.id)),
        10_000,
        'START recorded',
      );
    });

    it('property: the lift’s arm figures are a recount of the recipients and their conversions', async () => {
      let run = 0;
      // The account's currency is that of its latest purchase: none before the first one.
      let sold =
        (await store()
          .db.selectFrom('conversions')
          .select('id')
          .where('account_id', '=', t.accountId)
          .where('currency', 'is not', null)
          .executeTakeFirst()) !== undefined;
      const HOUR = 3_600_000;
      const WINDOW_DAYS = 3;
      const conversionArb = fc.record({
        // hours after the contact was reached: before it, inside the window, after it
        at: fc.oneof(
          fc.integer({ min: -48, max: -1 }),
          fc.integer({ min: 0, max: 71 }),
          fc.integer({ min: 72, max: 200 }),
        ),
        value: fc.integer({ min: 0, max: 500 }),
        via: fc.constantFrom('email' as const, 'visitor' as const),
        twice: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(conversionArb, { maxLength: 3 }), { minLength: 2, maxLength: 12 }),
          async (histories) => {
            const batch = `lift-${kind}-${++run}`;
            const { people: made, segmentId } = await seed(
              batch,
              histories.map((_, i) => ({ name: null, email: `${batch}-${i}@example.com` })),
            );
            const b0 = body(segmentId, {
              holdoutPercent: 40,
              channels: ['email'],
              attributionWindowDays: WINDOW_DAYS,
            });
            b0.content = { email: b0.content.email } as typeof b0.content;
            const r = await t.api.post('/api/v1/broadcasts', b0);
            assert.equal(r.status, 201, JSON.stringify(r.body));
            const id = r.body.id as string;
            await finished(id);
            // The contacts were reached nine days ago; their histories happen from then on.
            const reached = Date.now() - 9 * 24 * HOUR;
            await store()
              .db.updateTable('broadcast_recipients')
              .set({ created_at: reached })
              .where('broadcast_id', '=', id)
              .execute();
            const want = {
              send: { contacts: 0, converted: 0, conversions: 0, revenue: 0 },
              holdout: { contacts: 0, converted: 0, conversions: 0, revenue: 0 },
            };
            // Each contact's revenue in the window, zeros counted: what the revenue interval reads.
            const perContact = { send: [] as number[], holdout: [] as number[] };
            for (const [i, p] of made.entries()) {
              const arm = inHoldout(id, p.id, 40) ? 'holdout' : 'send';
              want[arm].contacts++;
              let converted = false;
              let spent = 0;
              for (const [k, c] of histories[i]!.entries()) {
                sold = true;
                const orderId = `${batch}-${i}-${k}`;
                const ts = reached + c.at * HOUR;
                if (c.via === 'email') {
                  for (let n = 0; n < (c.twice ? 2 : 1); n++) {
                    const res = await t.api.post('/api/v1/conversions', {
                      orderId,
                      value: c.value,
                      currency: 'EUR',
                      occurredAt: new Date(ts).toISOString(),
                      email: p.email,
                    });
                    assert.ok(res.status === 200 || res.status === 201, JSON.stringify(res.body));
                  }
                } else {
                  await tagPurchase(store(), {
                    accountId: t.accountId,
                    siteId: t.site.id,
                    contactId: p.id,
                    orderId,
                    value: c.value,
                    ts,
                  });
                }
                if (c.at >= 0 && c.at < WINDOW_DAYS * 24) {
                  converted = true;
                  want[arm].conversions++;
                  want[arm].revenue += c.value;
                  spent += c.value;
                }
              }
              if (converted) want[arm].converted++;
              perContact[arm].push(spent);
            }
            const lift = (await t.api.get(`/api/v1/broadcasts/${id}`)).body.lift;
            assert.equal(lift.attributionWindowDays, WINDOW_DAYS);
            assert.equal(lift.currency, sold ? 'EUR' : '');
            for (const arm of ['send', 'holdout'] as const) {
              const got = lift[arm];
              assert.deepEqual(
                {
                  contacts: got.contacts,
                  converted: got.converted,
                  conversions: got.conversions,
                  revenue: got.revenue,
                },
                want[arm],
                arm,
              );
              const rate = want[arm].contacts ? want[arm].converted / want[arm].contacts : 0;
              assert.ok(Math.abs(got.conversionRate - rate) < 1e-12);
            }
            if (want.send.contacts && want.holdout.contacts)
              assert.ok(
                Math.abs(
                  lift.absoluteLift.estimate - (lift.send.conversionRate - lift.holdout.conversionRate),
                ) < 1e-12,
              );
            else assert.equal(lift.absoluteLift.estimate, null);
            assert.equal(lift.verdict, 'not_enough_data', 'a dozen contacts are too few for a verdict');
            // The revenue interval, recomputed from each contact's revenue (Welch's t, zeros counted).
            const revenue = lift.revenue.difference;
            assert.equal(revenue.method, 'welch-t');
            if (!want.send.contacts || !want.holdout.contacts) assert.equal(revenue.estimate, null);
            else {
              const r = compareRevenue(perContact.send, perContact.holdout, { bootstrapIterations: 0 });
              const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));
              assert.ok(close(revenue.estimate, r.difference.estimate), 'revenue difference');
              assert.ok(
                close(revenue.estimate, lift.send.revenuePerContact - lift.holdout.revenuePerContact),
                'the difference of the arms’ revenue per contact',
              );
              if (r.difference.ci === null) assert.equal(revenue.ci, null);
              else {
                assert.ok(close(revenue.ci[0], r.difference.ci[0]), `low ${revenue.ci} ${r.difference.ci}`);
                assert.ok(close(revenue.ci[1], r.difference.ci[1]), `high ${revenue.ci} ${r.difference.ci}`);
              }
              if (r.pValue === null) assert.equal(lift.revenue.pValue, null);
              else assert.ok(Math.abs(lift.revenue.pValue - r.pValue) < 1e-9, 'revenue p-value');
            }
          },
        ),
        { numRuns: 5 },
      );
    });

    it('a segment that matches nobody: the broadcast is sent to no one, and says so', async () => {
      const seg = await t.api.post('/api/v1/segments', {
        name: 'Nobody',
        filter: { field: 'attribute.batch', op: 'equals', value: `nobody-${kind}` },
      });
      const r = await t.api.post('/api/v1/broadcasts', body(seg.body.id));
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const b = await finished(r.body.id);
      assert.equal(b.funnel.targeted, 0);
      assert.equal(b.funnel.queued, 0);
    });

    it('a broadcast scheduled later waits; cancelled, it sends nothing', async () => {
      const { people: made, segmentId } = await seed(`later-${kind}`, [
        { name: 'Later', email: `later-${kind}@example.com` },
      ]);
      const at = new Date(Date.now() + 600).toISOString();
      const r = await t.api.post('/api/v1/broadcasts', body(segmentId, { holdoutPercent: 0, sendAt: at }));
      assert.equal(r.status, 201);
      assert.equal(r.body.status, 'scheduled');
      assert.equal(r.body.lift, null, 'no lift before the send starts');
      assert.equal(messagesTo(made[0]!).email, 0);
      await finished(r.body.id);
      await eventually(() => messagesTo(made[0]!).email === 1, 10_000, 'the mail at its time');

      const c = await t.api.post(
        '/api/v1/broadcasts',
        body(segmentId, { holdoutPercent: 0, sendAt: new Date(Date.now() + 60_000).toISOString() }),
      );
      const cancelled = await t.api.post(`/api/v1/broadcasts/${c.body.id}/cancel`, {});
      assert.equal(cancelled.status, 200);
      assert.equal(cancelled.body.status, 'cancelled');
      assert.equal((await t.api.post(`/api/v1/broadcasts/${c.body.id}/cancel`, {})).status, 409);
      assert.equal(cancelled.body.funnel.targeted, 0);
    });

    it('documents every broadcast route in the OpenAPI document, and audits creating and cancelling', async () => {
      const doc = (await t.api.request('GET', '/api/openapi.json')).body as {
        paths: Record<string, Record<string, unknown>>;
      };
      const ops = Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/api/v1/broadcasts'))
        .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
        .sort();
      assert.deepEqual(ops, [
        'GET /api/v1/broadcasts',
        'GET /api/v1/broadcasts/{id}',
        'GET /api/v1/broadcasts/{id}/recipients',
        'PATCH /api/v1/broadcasts/{id}',
        'POST /api/v1/broadcasts',
        'POST /api/v1/broadcasts/{id}/cancel',
      ]);
      const audit = await store().audit.list(t.accountId, { limit: 200 });
      const actions = new Set(audit.map((e: { action: string }) => e.action));
      for (const a of ['broadcast.created', 'broadcast.cancelled']) assert.ok(actions.has(a), a);
    });

    it('property: every contact gets at most one message, and exactly the eligible ones outside the holdout get one', async () => {
      let run = 0;
      const personArb: fc.Arbitrary<Person> = fc.record({
        name: fc.option(fc.constantFrom('Ana', 'Bo', 'Cy'), { nil: null }),
        email: fc.option(fc.constant('x'), { nil: undefined }),
        phone: fc.boolean(),
        optIn: fc.subarray(['whatsapp', 'sms'] as ('whatsapp' | 'sms')[]),
        smsStop: fc.boolean(),
        emailOptOut: fc.boolean(),
        order: fc.option(fc.constant('#9'), { nil: undefined }),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(personArb, { minLength: 1, maxLength: 10 }), async (generated) => {
          const batch = `prop-${kind}-${++run}`;
          const people = generated.map((p, i) => ({
            ...p,
            email: p.email ? `${batch}-${i}@example.com` : undefined,
            // a contact is known by an address or a number
            phone: p.phone || !p.email,
          }));
          const { people: made, segmentId } = await seed(batch, people);
          const r = await t.api.post('/api/v1/broadcasts', body(segmentId, { holdoutPercent: 30 }));
          assert.equal(r.status, 201, JSON.stringify(r.body));
          const b = await finished(r.body.id);
          let queued = 0;
          for (const p of made) {
            const got = messagesTo(p);
            const total = got.whatsapp + got.sms + got.email;
            const want = inHoldout(r.body.id, p.id, 30) ? null : expected(p);
            assert.equal(total, want ? 1 : 0, JSON.stringify({ p, got, want }));
            if (want) {
              queued++;
              assert.equal(got[want], 1);
            }
          }
          assert.equal(b.funnel.queued, queued);
          assert.equal(b.funnel.targeted, made.length);
        }),
        { numRuns: 6 },
      );
    });

    it('a node stopped mid-send: a new node on the same store sends the rest exactly once', async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'beckon-broadcast-'));
      const pg = await pgStoreFor(kind);
      const saved = { node, t };
      let second: BeckonNode | undefined;
      try {
        // One contact a page: the test sees the send begun long before it is done.
        const first = await startNode(kind, dataDir, pg, { ...env(), BECKON_BROADCAST_PAGE: '1' });
        node = first;
        t = await newTenant({ node: first } as TestServer);
        const people: Person[] = [];
        for (let i = 0; i < 60; i++)
          people.push({ name: `R ${i}`, email: `restart${i}-${kind}@example.com` });
        const { people: made, segmentId } = await seed(`restart-${kind}`, people);
        const b0 = body(segmentId, { holdoutPercent: 10, channels: ['email'] });
        b0.content = { email: b0.content.email } as typeof b0.content;
        const r = await t.api.post('/api/v1/broadcasts', b0);
        assert.equal(r.status, 201, JSON.stringify(r.body));
        const id = r.body.id as string;
        const recorded = async () =>
          Number(
            (
              await first.ctx.store.db
                .selectFrom('broadcast_recipients')
                .select((eb) => eb.fn.countAll().as('n'))
                .where('broadcast_id', '=', id)
                .executeTakeFirstOrThrow()
            ).n,
          );
        await eventually(async () => (await recorded()) >= 8, 20_000, 'part sent');
        // Its sender stops at once (closing the node stops it only after the node's sockets): the
        // first node leaves the send part done.
        await broadcastSenderOf(first.ctx)?.stop();
        const mid = await recorded();
        assert.ok(mid < made.length, `stopped mid-send (${mid})`);
        await first.close();
        // A second node on the same store takes the broadcast on.
        second = await startNode(kind, dataDir, pg, env());
        node = second;
        const bearer = t.api.bearer;
        t = { ...t, api: new ApiClient(second.app) };
        t.api.bearer = bearer;
        const b = await finished(id);
        assert.equal(b.funnel.targeted, made.length);
        for (const p of made) assert.equal(messagesTo(p).email, inHoldout(id, p.id, 10) ? 0 : 1, p.name!);
      } finally {
        await second?.close();
        ({ node, t } = saved);
        await pg?.drop();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('property: a node that died mid-send and another that took over reach each eligible contact outside the holdout exactly once, and nobody else', async () => {
      let run = 0;
      const personArb: fc.Arbitrary<Person> = fc.record({
        name: fc.option(fc.constantFrom('Ana', 'Bo', 'Cy'), { nil: null }),
        email: fc.option(fc.constant('x'), { nil: undefined }),
        phone: fc.boolean(),
        optIn: fc.subarray(['whatsapp', 'sms'] as ('whatsapp' | 'sms')[]),
        smsStop: fc.boolean(),
        emailOptOut: fc.boolean(),
        order: fc.option(fc.constant('#9'), { nil: undefined }),
      });
      const sender = broadcastSenderOf(srv.node.ctx)!;
      const reachPage = (
        sender as unknown as { reachPage(b: unknown, c: readonly string[]): Promise<boolean> }
      ).reachPage.bind(sender);
      await fc.assert(
        fc.asyncProperty(
          fc.array(personArb, { minLength: 1, maxLength: 12 }),
          fc.integer({ min: 0, max: 50 }),
          // How far the dead node got: its saved pages, then the part of the next page it committed.
          fc.nat(),
          fc.nat(),
          async (generated, holdoutPercent, savedAt, partAt) => {
            const batch = `crash-${kind}-${++run}`;
            const people = generated.map((p, i) => ({
              ...p,
              email: p.email ? `${batch}-${i}@example.com` : undefined,
              phone: p.phone || !p.email,
            }));
            const { people: made, segmentId } = await seed(batch, people);
            const ids = made.map((p) => p.id).sort();
            const saved = savedAt % (ids.length + 1);
            const part = partAt % (ids.length - saved + 1);
            await sender.stop();
            let id = '';
            try {
              const r = await t.api.post('/api/v1/broadcasts', body(segmentId, { holdoutPercent }));
              assert.equal(r.status, 201, JSON.stringify(r.body));
              id = r.body.id as string;
              const now = Date.now();
              // The dead node's claim: its lease runs out a moment from now, its cursor at its last saved page.
              await store()
                .db.updateTable('broadcast_jobs')
                .set({
                  status: 'sending',
                  claim_token: 'dead',
                  lease_until: now + 500,
                  next_attempt_at: now + 500,
                  cursor: saved > 0 ? ids[saved - 1]! : null,
                })
                .where('id', '=', id)
                .execute();
              await store()
                .db.updateTable('broadcasts')
                .set({ status: 'sending', started_at: now })
                .where('id', '=', id)
                .execute();
              const rec = await store().broadcasts.get(t.accountId, id);
              if (saved > 0) await reachPage(rec, ids.slice(0, saved));
              if (part > 0) await reachPage(rec, ids.slice(saved, saved + part));
            } finally {
              sender.start();
            }
            const b = await finished(id);
            assert.equal(b.funnel.targeted, made.length);
            let queued = 0;
            for (const p of made) {
              const got = messagesTo(p);
              const want = inHoldout(id, p.id, holdoutPercent) ? null : expected(p);
              assert.equal(
                got.whatsapp + got.sms + got.email,
                want ? 1 : 0,
                JSON.stringify({ p, got, want }),
              );
              if (want) {
                queued++;
                assert.equal(got[want], 1);
              }
            }
            assert.equal(b.funnel.queued, queued);
          },
        ),
        { numRuns: 6 },
      );
    });

    it('a node that died holding the broadcast: its lease runs out and another sends the rest, none twice', async () => {
      const people: Person[] = [];
      for (let i = 0; i < 20; i++) people.push({ name: `D ${i}`, email: `dead${i}-${kind}@example.com` });
      const { people: made, segmentId } = await seed(`dead-${kind}`, people);
      const sender = broadcastSenderOf(srv.node.ctx)!;
      await sender.stop();
      try {
        const r = await t.api.post('/api/v1/broadcasts', body(segmentId, { holdoutPercent: 0 }));
        const id = r.body.id as string;
        // The dead node had claimed the job, saved its first page (5 contacts) and written 3 of the
        // next page's recipients with their messages before it died.
        const ids = made.map((p) => p.id).sort();
        const now = Date.now();
        await store()
          .db.updateTable('broadcast_jobs')
          .set({
            status: 'sending',
            claim_token: 'dead',
            lease_until: now + 1000,
            next_attempt_at: now + 1000,
            cursor: ids[4]!,
          })
          .where('id', '=', id)
          .execute();
        await store()
          .db.updateTable('broadcasts')
          .set({ status: 'sending', started_at: now })
          .where('id', '=', id)
          .execute();
        const dead = broadcastSenderOf(srv.node.ctx)!;
        // write the dead node's rows through the sender's own code path: its saved page, then the
        // part of the next one it committed
        const reachPage = (
          dead as unknown as { reachPage(b: unknown, c: readonly string[]): Promise<void> }
        ).reachPage.bind(dead);
        const rec = await store().broadcasts.get(t.accountId, id);
        await reachPage(rec, ids.slice(0, 5));
        await reachPage(rec, ids.slice(5, 8));
        sender.start();
        const b = await finished(id);
        assert.equal(b.funnel.targeted, made.length);
        assert.equal(b.funnel.queued, made.length);
        for (const p of made) assert.equal(messagesTo(p).email, 1, p.name!);
      } finally {
        sender.start();
      }
    });
  });
}
