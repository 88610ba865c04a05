import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BeckonNode } from '../src/node.ts';
import { newTenant } from './engagement-fixtures.ts';
import { ApiClient } from './helpers/api-client.ts';
import { eventually } from './helpers/chat-fixtures.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import type { PgTestStore } from './helpers/schema-template.ts';
import { type SmtpSink, startSmtpSink } from './helpers/smtp-sink.ts';
import { broadcastTestEnv, pgStoreFor, startNodeOn as startNode } from './helpers/store-node.ts';
import type { TestServer } from './helpers/test-server.ts';
import { startTwilioApi, TWILIO } from './helpers/twilio-server.ts';

const pgSkip = postgresSkipReasonNow();
let phones = 0;
const newPhone = () =>
  `+1445${String(process.pid % 1000).padStart(3, '0')}${String(++phones).padStart(4, '0')}`;

/**
 * A channel's sends hold only that channel's send slots, and a paced message waiting for its moment
 * holds none: with two slots for all, a slow mail relay's answers held both, and a broadcast's SMS
 * left one per mail answered.
 */
for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`paced broadcast messages and send slots (${kind})`, {
    skip: kind === 'postgres' ? (pgSkip ?? false) : false,
    timeout: 120_000,
  }, () => {
    let twilio: Awaited<ReturnType<typeof startTwilioApi>>;
    let sink: SmtpSink;
    let dataDir: string;
    let pg: PgTestStore | undefined;
    let node: BeckonNode;
    let t: Awaited<ReturnType<typeof newTenant>>;
    let smsConn = '';
    const api = () => {
      const a = new ApiClient(node.app);
      a.bearer = t.api.bearer;
      return a;
    };

    before(async () => {
      twilio = await startTwilioApi();
      sink = await startSmtpSink();
      dataDir = mkdtempSync(join(tmpdir(), 'beckon-paced-slots-'));
      pg = await pgStoreFor(kind);
      node = await startNode(kind, dataDir, pg, {
        ...broadcastTestEnv(sink.url),
        BECKON_OUTBOX_CONCURRENCY: '2',
        // A lease long enough that a message waits in hand for a moment up to 5 s ahead.
        BECKON_OUTBOX_LEASE_MS: '20000',
      });
      t = await newTenant({ node } as TestServer);
      const sms = await api().post('/api/v1/channels', { type: 'sms', ...TWILIO, apiBaseUrl: twilio.url });
      assert.equal(sms.status, 201, JSON.stringify(sms.body));
      smsConn = sms.body.id;
    });
    after(async () => {
      await node?.close();
      await twilio?.close();
      await sink?.close();
      await pg?.drop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('a slow mail relay does not hold up a broadcast’s SMS', async () => {
      const limits = await api().request('PUT', '/api/v1/account/sending', {
        throughput: { smsPerSecond: 20, emailPerMinute: 6000 },
      });
      assert.equal(limits.status, 200, JSON.stringify(limits.body));
      sink.answerAfter(1500);
      const batch = `slots-${kind}`;
      const phonesOf: string[] = [];
      // SMS and mail recipients alternate, so their messages queue interleaved.
      for (let i = 0; i < 12; i++) {
        const sms = i % 2 === 0;
        const c = await node.ctx.store.contacts.resolve(
          t.accountId,
          sms
            ? { name: `P ${i}`, phone: newPhone() }
            : { name: `P ${i}`, email: `${batch}-${i}@example.com` },
        );
        await node.ctx.store.contacts.addAttributes(t.accountId, c.id, { batch });
        if (sms) {
          await node.ctx.store.consents.record(t.accountId, c.id, {
            channel: 'sms',
            source: 'api',
            detail: 'test',
          });
          phonesOf.push(c.phone!);
        }
      }
      const seg = await api().post('/api/v1/segments', {
        name: `Batch ${batch}`,
        filter: { field: 'attribute.batch', op: 'equals', value: batch },
      });
      assert.equal(seg.status, 201, JSON.stringify(seg.body));
      const created = await api().post('/api/v1/broadcasts', {
        name: 'Slots',
        segmentId: seg.body.id,
        channels: ['sms', 'email'],
        holdoutPercent: 0,
        content: {
          sms: { connectionId: smsConn, text: 'Hi {{name|there}}, news. Reply STOP to opt out.' },
          email: { subject: 'News for {{name|you}}', text: 'Hello {{name|there}}.' },
        },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const mailsTo = () => sink.mails.filter((m) => m.to.some((to) => to.startsWith(`${batch}-`))).length;
      const smsCalls = () => twilio.sent.filter((s) => phonesOf.includes(s.To)).length;
      await eventually(() => smsCalls() === 6, 30_000, 'the six SMS arrive');
      // Two mails at a time, each answered after 1.5 s: the SMS did not wait for them.
      const mailedWhenTexted = mailsTo();
      assert.ok(mailedWhenTexted <= 2, `the SMS arrived only after ${mailedWhenTexted} mails`);
      await eventually(() => mailsTo() === 6, 30_000, 'the six mails arrive');
      sink.answerAfter(0);
    });
  });
}
