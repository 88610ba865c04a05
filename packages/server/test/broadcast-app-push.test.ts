import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { newTenant } from './engagement-fixtures.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { DEAD_TOKEN_PREFIX, type FakeFcm, startFakeFcm } from './helpers/push-providers.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { broadcastTestEnv } from './helpers/store-node.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const pgSkip = postgresSkipReasonNow();
const LEASE_MS = 1500;

/** Who the test makes: signed in to the app, with a phone that allows pushes, with an address. */
interface Person {
  name: string;
  app?: boolean;
  device?: string;
  email?: string;
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`broadcasts in the app and by push (${kind})`, {
    skip: kind === 'postgres' ? (pgSkip ?? false) : false,
    timeout: 120_000,
  }, () => {
    let srv: TestServer;
    let fcm: FakeFcm;
    let sink: SmtpSink;
    let t: Awaited<ReturnType<typeof newTenant>>;
    const store = () => srv.node.ctx.store;

    before(async () => {
      fcm = await startFakeFcm();
      sink = await startSmtpSink();
      srv = await startTestServer({
        store: kind,
        // A short lease, so a provider's answer can come after it (the slow push below).
        env: {
          ...broadcastTestEnv(sink.url),
          BECKON_FCM_BASE_URL: fcm.url,
          BECKON_OUTBOX_LEASE_MS: String(LEASE_MS),
          BECKON_OUTBOX_RETRY_BASE_MS: '200',
        },
      });
      t = await newTenant(srv);
      const push = await t.api.request('PUT', `/api/v1/sites/${t.site.id}/push`, {
        fcm: { serviceAccount: fcm.serviceAccount() },
      });
      assert.equal(push.status, 200, JSON.stringify(push.body));
    });
    after(async () => {
      await srv?.close();
      await fcm?.close();
      await sink?.close();
    });

    const seed = async (batch: string, people: Person[]) => {
      const made = [];
      for (const p of people) {
        // An app's user is known by the site's user id (a verified identity), a mail-only one by address.
        const c = await store().contacts.resolve(t.accountId, {
          name: p.name,
          ...(p.email ? { email: p.email } : { externalId: `${p.name}-${batch}`, verified: true }),
        });
        await store().contacts.addAttributes(t.accountId, c.id, { batch });
        if (p.app) await store().appPush.createToken(t.accountId, t.site.id, c.id);
        if (p.device)
          await store().appPush.addDevice(t.accountId, t.site.id, c.id, { platform: 'fcm', token: p.device });
        made.push({ ...p, id: c.id });
      }
      const seg = await t.api.post('/api/v1/segments', {
        name: `Batch ${batch}`,
        filter: { field: 'attribute.batch', op: 'equals', value: batch },
      });
      assert.equal(seg.status, 201, JSON.stringify(seg.body));
      return { people: made, segmentId: seg.body.id as string };
    };

    const body = (segmentId: string, extra: Record<string, unknown> = {}) => ({
      name: 'Back in stock',
      segmentId,
      channels: ['push', 'app', 'email'],
      holdoutPercent: 0,
      content: {
        push: { siteId: t.site.id, title: 'For {{name|you}}', text: 'The blue mug is back.' },
        app: { siteId: t.site.id, text: 'Hi {{name|there}}, the blue mug is back.' },
        email: { subject: 'Back in stock', text: 'Hello {{name|there}}, the blue mug is back.' },
      },
      ...extra,
    });

    /** Sends a broadcast to the segment; its view once every queued message has settled. */
    const sendAndSettle = async (segmentId: string) => {
      const r = await t.api.post('/api/v1/broadcasts', body(segmentId));
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const id = r.body.id as string;
      const view = await eventually(
        async () => {
          const v = (await t.api.get(`/api/v1/broadcasts/${id}`)).body;
          return v.status === 'sent' && v.funnel.sent + v.funnel.failed === v.funnel.queued ? v : undefined;
        },
        30_000,
        'the broadcast has left',
      );
      return { id, view };
    };

    it('refuses an app or push message for a site that is not the account’s', async () => {
      const other = await newTenant(srv);
      const { segmentId } = await seed(`refuse-${kind}`, [{ name: 'R', email: `r-${kind}@example.com` }]);
      const b = body(segmentId);
      b.content.app.siteId = other.site.id;
      const r = await t.api.post('/api/v1/broadcasts', b);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.equal(r.body.error.code, 'invalid_broadcast');
      assert.match(r.body.error.message, /\/content\/app\/siteId: no site/);
      const missing = body(segmentId);
      delete (missing.content as Record<string, unknown>).push;
      const m = await t.api.post('/api/v1/broadcasts', missing);
      assert.equal(m.status, 400);
      assert.match(m.body.error.message, /\/content\/push: required/);
    });

    it('pushes to those with a device, leaves an in-app message for the signed-in, mails the rest', async () => {
      const tag = `${kind}-${Date.now()}`;
      const { people, segmentId } = await seed(`main-${tag}`, [
        { name: 'Pia', app: true, device: `pia-${tag}`, email: `pia-${tag}@example.com` },
        { name: 'Ari', app: true, email: `ari-${tag}@example.com` },
        { name: 'Mo', email: `mo-${tag}@example.com` },
        { name: 'Dee', app: true, device: `${DEAD_TOKEN_PREFIX}-${tag}` },
        { name: 'Nox' },
      ]);
      const { id, view: b } = await sendAndSettle(segmentId);
      const recipients = (await t.api.get(`/api/v1/broadcasts/${id}/recipients`)).body.items as {
        contactId: string;
        channel: string | null;
        state: string;
        reason: string | null;
        conversationId: string | null;
      }[];
      const of = (name: string) =>
        recipients.find((x) => x.contactId === people.find((p) => p.name === name)!.id)!;

      // Pia: one push, with her name in the title, and nothing else.
      const toPia = fcm.messages.filter((m) => m.token === `pia-${tag}`);
      assert.equal(toPia.length, 1);
      assert.deepEqual(toPia[0]!.notification, { title: 'For Pia', body: 'The blue mug is back.' });
      assert.equal(of('Pia').channel, 'push');
      assert.equal(sink.mails.filter((m) => m.to.includes(`pia-${tag}@example.com`)).length, 0);

      // Ari: signed in without a device: the message waits in the app's conversation, no push.
      assert.equal(of('Ari').channel, 'app');
      assert.equal(of('Ari').state, 'sent');
      const conv = await store().conversations.get(t.accountId, of('Ari').conversationId!);
      assert.equal(conv.channel, 'app');
      assert.equal(conv.siteId, t.site.id);
      assert.equal(
        await store().appPush.latestConversationId(t.accountId, t.site.id, of('Ari').contactId),
        conv.id,
      );

      // Mo has no app: an e-mail.
      assert.equal(of('Mo').channel, 'email');
      assert.equal(sink.mails.filter((m) => m.to.includes(`mo-${tag}@example.com`)).length, 1);

      // Dee's only device is gone: the push fails with the reason, and is never tried twice.
      assert.equal(of('Dee').channel, 'push');
      assert.equal(of('Dee').state, 'failed');
      assert.match(of('Dee').reason ?? '', /no push device/);

      assert.equal(of('Nox').state, 'skipped');
      assert.equal(of('Nox').reason, 'no reachable channel');

      assert.equal(b.funnel.byChannel.push.queued, 2);
      assert.equal(b.funnel.byChannel.push.sent, 1);
      assert.equal(b.funnel.byChannel.push.failed, 1);
      assert.equal(b.funnel.byChannel.app.sent, 1);
      assert.equal(b.funnel.byChannel.email.sent, 1);
      assert.equal(b.funnel.skippedBy['no reachable channel'], 1);
    });

    it('sends a push once when FCM answers long after the outbox lease', async () => {
      const tag = `slow-${kind}-${Date.now()}`;
      const { segmentId } = await seed(tag, [{ name: 'Sol', app: true, device: `sol-${tag}` }]);
      // FCM takes the message at once and answers after two and a half leases: the send is still
      // on its way when a lease without a heartbeat would have run out and let the row be sent again.
      fcm.answerDelayMs = LEASE_MS * 2.5;
      try {
        const { id, view: b } = await sendAndSettle(segmentId);
        // A second try would come a backoff (200 ms) after the first gave up: wait past it.
        await new Promise((res) => setTimeout(res, LEASE_MS));
        assert.equal(fcm.messages.filter((m) => m.token === `sol-${tag}`).length, 1, 'one push, not two');
        assert.equal(b.funnel.byChannel.push.sent, 1);
        assert.equal(b.funnel.byChannel.push.failed, 0);
        const row = await store()
          .db.selectFrom('outbox')
          .select(['status', 'attempts'])
          .where(
            'conversation_id',
            '=',
            (await t.api.get(`/api/v1/broadcasts/${id}/recipients`)).body.items[0].conversationId,
          )
          .executeTakeFirstOrThrow();
        assert.deepEqual(
          { status: row.status, attempts: Number(row.attempts) },
          { status: 'sent', attempts: 1 },
        );
      } finally {
        fcm.answerDelayMs = 0;
      }
    });
  });
}
