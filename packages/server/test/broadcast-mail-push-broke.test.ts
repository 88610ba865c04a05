import assert from 'node:assert/strict';
import http2 from 'node:http2';
import { after, before, describe, it } from 'node:test';
import { ChannelSendError } from '../src/channels/channel.ts';
import { Mailer } from '../src/channels/email/mailer.ts';
import { newTenant } from './engagement-fixtures.ts';
import { oneMessageLeft } from './helpers/broadcast-left.ts';
import {
  type BrokenSmtp,
  type ResettingApns,
  startBrokenSmtp,
  startResettingApns,
} from './helpers/broken-providers.ts';
import { postgresSkipReasonNow } from './helpers/postgres.ts';
import { type FakeApns, startFakeApns } from './helpers/push-providers.ts';
import { broadcastTestEnv } from './helpers/store-node.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const pgSkip = postgresSkipReasonNow();

const mail = (to: string) => ({
  from: 'shop@example.com',
  to,
  subject: 'Spring prices',
  text: 'Spring prices are in.',
});

/**
 * A mail relay whose connection is lost after the message's closing dot may have taken the mail
 * (it takes a message at the dot): in doubt. Lost before the dot, the relay must drop the message:
 * certainly not sent, so it is tried again.
 */
describe('a mail relay connection that breaks', () => {
  let relay: BrokenSmtp;
  before(async () => {
    relay = await startBrokenSmtp('after-dot');
  });
  after(() => relay?.close());

  it('after the closing dot: may have arrived', async () => {
    relay.drop = 'after-dot';
    const err = await new Mailer(relay.url).send(mail('ann@example.com')).then(
      () => assert.fail('the send succeeded'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ChannelSendError, String(err));
    assert.equal(err.retryable, true);
    assert.equal(err.mayHaveArrived, true);
    assert.match(err.reason, /broke after the mail was sent/);
    assert.equal(relay.messages.length, 1);
    assert.match(relay.messages[0]!, /Spring prices are in\./);
  });

  it('when DATA is asked for: certainly not sent', async () => {
    relay.drop = 'at-data';
    const before = relay.messages.length;
    const err = await new Mailer(relay.url).send(mail('bob@example.com')).then(
      () => assert.fail('the send succeeded'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof ChannelSendError, String(err));
    assert.equal(err.retryable, true);
    assert.equal(err.mayHaveArrived, false);
    assert.match(err.reason, /could not be reached/);
    assert.equal(relay.messages.length, before);
  });
});

/**
 * A broadcast's e-mail or push that may have reached the provider when the connection broke is in
 * doubt: never sent again. One the provider certainly did not take is tried again.
 */
for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`a broadcast's mail relay or APNs connection that breaks (${kind})`, {
    skip: kind === 'postgres' ? (pgSkip ?? false) : false,
    timeout: 120_000,
  }, () => {
    let srv: TestServer;
    let relay: BrokenSmtp;
    let apns: ResettingApns;
    let keys: FakeApns;
    let batches = 0;

    before(async () => {
      relay = await startBrokenSmtp('after-dot');
      apns = await startResettingApns(http2.constants.NGHTTP2_INTERNAL_ERROR);
      // Only its key pair: the resetting stand-in never checks the provider token.
      keys = await startFakeApns('com.example.app');
      srv = await startTestServer({
        store: kind,
        env: { ...broadcastTestEnv(relay.url), BECKON_APNS_BASE_URL: apns.url },
      });
    });
    after(async () => {
      await srv?.close();
      await apns?.close();
      await keys?.close();
      await relay?.close();
    });

    /** A broadcast on `channel` to one new contact with an address and an iPhone; its funnel once settled. */
    const broadcast = async (channel: 'email' | 'push') => {
      const t = await newTenant(srv);
      const { store } = srv.node.ctx;
      const batch = `broke-${kind}-${++batches}`;
      const push = await t.api.request('PUT', `/api/v1/sites/${t.site.id}/push`, {
        apns: { ...keys.credentials(), bundleId: 'com.example.app', environment: 'sandbox' },
      });
      assert.equal(push.status, 200, JSON.stringify(push.body));
      const c = await store.contacts.resolve(t.accountId, {
        name: 'Rita',
        email: `${batch}@example.com`,
        externalId: `rita-${batch}`,
        verified: true,
      });
      await store.contacts.addAttributes(t.accountId, c.id, { batch });
      await store.appPush.createToken(t.accountId, t.site.id, c.id);
      const token = `${batch}-${'f'.repeat(40)}`;
      await store.appPush.addDevice(t.accountId, t.site.id, c.id, { platform: 'apns', token });
      const seg = await t.api.post('/api/v1/segments', {
        name: batch,
        filter: { field: 'attribute.batch', op: 'equals', value: batch },
      });
      assert.equal(seg.status, 201, JSON.stringify(seg.body));
      const r = await t.api.post('/api/v1/broadcasts', {
        name: batch,
        segmentId: seg.body.id,
        channels: [channel],
        holdoutPercent: 0,
        content:
          channel === 'email'
            ? { email: { subject: 'Spring', text: `Spring prices are in (${batch}).` } }
            : { push: { siteId: t.site.id, title: 'Spring', text: 'Spring prices are in.' } },
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return { ...(await oneMessageLeft(t.api, store, t.accountId, r.body.id)), batch, token };
    };

    it('e-mail: a relay lost after the closing dot leaves it in doubt, taken once, never sent again', async () => {
      relay.drop = 'after-dot';
      const { funnel, recipient, row, batch } = await broadcast('email');
      assert.equal(funnel.inDoubt, 1);
      assert.equal(funnel.failed, 0);
      assert.equal(recipient.state, 'in_doubt');
      assert.match(recipient.reason, /not known whether the provider took it/);
      assert.deepEqual(row, { status: 'in_doubt', attempts: 1 });
      assert.equal(relay.messages.filter((m) => m.includes(batch)).length, 1, 'the relay had it once');
    });

    it('e-mail: a relay lost when DATA is asked for: tried again, then failed with the reason', async () => {
      relay.drop = 'at-data';
      const before = relay.messages.length;
      const { funnel, recipient, row } = await broadcast('email');
      assert.equal(funnel.failed, 1);
      assert.equal(funnel.inDoubt, 0);
      assert.equal(recipient.state, 'failed');
      assert.match(recipient.reason, /could not be reached.*gave up after 3 tries/);
      assert.deepEqual(row, { status: 'failed', attempts: 3 });
      assert.equal(relay.messages.length, before);
    });

    it('push: an APNs stream reset after the whole request leaves it in doubt, never sent again', async () => {
      const { funnel, recipient, row, token } = await broadcast('push');
      assert.equal(funnel.inDoubt, 1);
      assert.equal(funnel.failed, 0);
      assert.equal(recipient.state, 'in_doubt');
      assert.deepEqual(row, { status: 'in_doubt', attempts: 1 });
      assert.equal(apns.tokens.filter((x) => x === token).length, 1, 'APNs read it once');
    });
  });
}
