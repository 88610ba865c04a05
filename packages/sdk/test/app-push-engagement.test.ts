import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { isControl } from '@beckon/core';
import type { CampaignInput } from '@beckon/protocol';
import { userHashOf } from '../../server/src/channels/identity.ts';
import {
  campaignLift,
  eventually,
  flush,
  metric,
  newTenant,
  runtime,
} from '../../server/test/engagement-fixtures.ts';
import { postgresSkipReasonNow } from '../../server/test/helpers/postgres.ts';
import { type FakeFcm, startFakeFcm } from '../../server/test/helpers/push-providers.ts';
import { startTestServer, type TestServer } from '../../server/test/helpers/test-server.ts';
import type { AppTracker } from '../src/messaging/index.ts';
import { memoryStorage } from '../src/messaging/index.ts';
import { createNodeAppTracker } from '../src/messaging/node.ts';

const pgSkip = postgresSkipReasonNow();

/** Waits for `check` to find something, and answers it. */
const found = async <T>(check: () => T | undefined | Promise<T | undefined>, ms = 10_000): Promise<T> =>
  (await eventually(check, ms)) as T;

/** A push campaign: app users who leave the app with something in their cart. */
const pushCampaign = (name: string, extra: Partial<CampaignInput> = {}): CampaignInput => ({
  name,
  status: 'active',
  goal: { type: 'purchase' },
  surfaces: 'app',
  targeting: { field: 'cart.total', op: 'gte', value: 1 },
  engagement: {
    type: 'message',
    channel: 'push',
    subject: 'Your cart is waiting',
    text: 'The blue mug is still in your cart.',
  },
  ...extra,
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe(`a push as a campaign's engagement, for app users who left the app (${kind})`, {
    skip: kind === 'postgres' ? (pgSkip ?? false) : false,
    timeout: 120_000,
  }, () => {
    let srv: TestServer;
    let fcm: FakeFcm;
    let t: Awaited<ReturnType<typeof newTenant>>;
    let secret: string;
    const trackers: AppTracker[] = [];
    const store = () => srv.node.ctx.store;
    let users = 0;

    before(async () => {
      fcm = await startFakeFcm();
      srv = await startTestServer({ store: kind, env: { BECKON_FCM_BASE_URL: fcm.url } });
      t = await newTenant(srv);
      secret = await store().sites.identitySecret(t.accountId, t.site.id);
      const push = await t.api.request('PUT', `/api/v1/sites/${t.site.id}/push`, {
        fcm: { serviceAccount: fcm.serviceAccount() },
      });
      assert.equal(push.status, 200, JSON.stringify(push.body));
    });
    after(async () => {
      for (const a of trackers) a.close();
      await srv?.close();
      await fcm?.close();
    });

    let running: string[] = [];
    /** A campaign that runs until the test ends. */
    const campaign = async (input: CampaignInput) => {
      const res = await t.api.post('/api/v1/campaigns', input);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      running.push(res.body.id);
      return res.body as { id: string };
    };
    afterEach(async () => {
      for (const id of running) await t.api.patch(`/api/v1/campaigns/${id}`, { status: 'paused' });
      running = [];
    });

    /** An app user signed in (a verified user id), with a phone that takes pushes unless `device` is false. */
    const signedIn = async (
      opts: { device?: boolean; control?: { campaignId: string; share: number } } = {},
    ) => {
      const install = async () => {
        const made = createNodeAppTracker({
          baseUrl: srv.url,
          siteKey: t.site.siteKey,
          platform: 'android',
          appVersion: '5.1.0',
          storage: memoryStorage(),
        });
        await made.ready;
        return made;
      };
      let a = await install();
      // A control test needs a visitor the stable hash holds out: new installs until one is.
      while (opts.control && !isControl(a.visitorId, opts.control.campaignId, opts.control.share)) {
        a.close();
        a = await install();
      }
      trackers.push(a);
      const userId = `user-${kind}-${++users}`;
      a.identify({ userId, userHash: userHashOf(secret, userId), name: `Pat ${users}` });
      a.screen({ name: 'Home', section: 'home' });
      const contact = await found(() => store().contacts.ofVisitor(t.accountId, t.site.id, a.visitorId));
      const token = `fcm-${userId}`;
      if (opts.device !== false)
        await store().appPush.addDevice(t.accountId, t.site.id, contact.id, { platform: 'fcm', token });
      return { app: a, contactId: contact.id, token };
    };

    const exposureOf = async (visitorId: string, campaignId: string) => {
      await flush(srv);
      return store()
        .db.selectFrom('exposures')
        .select(['id', 'outcome', 'control', 'engagement_type'])
        .where('visitor_id', '=', visitorId)
        .where('campaign_id', '=', campaignId)
        .executeTakeFirst();
    };
    /** Everything the app sent is applied and every campaign message is handled. */
    const settled = async (a: AppTracker) => {
      await a.persisted(); // the calls so far are queued
      await eventually(() => a.pending === 0, 10_000);
      await runtime(srv).proactive.idle();
      await flush(srv);
    };
    const lift = (id: string) => campaignLift(srv, t.api, id);

    it('refuses a push campaign that does not run in apps, naming /surfaces', async () => {
      const res = await t.api.post('/api/v1/campaigns', { ...pushCampaign('Web push'), surfaces: 'web' });
      assert.equal(res.status, 400);
      assert.match(JSON.stringify(res.body), /\/surfaces: a push goes to app users/);
      const none = pushCampaign('No surface');
      delete none.surfaces;
      assert.equal((await t.api.post('/api/v1/campaigns', none)).status, 400);
    });

    it('pushes when the user leaves the app, not while they are in it; opening it is the accept, and the purchase counts in the lift', async () => {
      const c = await campaign(pushCampaign('Cart reminder'));
      const { app, token } = await signedIn();
      app.cart(24, [{ sku: 'mug-blue', price: 24, quantity: 1 }]);
      await settled(app);
      assert.equal(await exposureOf(app.visitorId, c.id), undefined, 'no push while in the app');
      assert.equal(fcm.messages.filter((m) => m.token === token).length, 0);

      app.appState('background');
      const sent = await found(() => fcm.messages.find((m) => m.token === token));
      assert.deepEqual(sent.notification, {
        title: 'Your cart is waiting',
        body: 'The blue mug is still in your cart.',
      });
      assert.equal(sent.data.campaignId, c.id);
      const exposure = await found(async () => {
        const e = await exposureOf(app.visitorId, c.id);
        return e?.outcome === 'shown' ? e : undefined;
      }, 10_000);
      assert.equal(sent.data.exposureId, exposure.id);
      assert.equal(exposure.engagement_type, 'message');
      assert.equal(exposure.control, 0);

      // The user taps the notification: the app opens, reports it, and buys.
      app.appState('foreground');
      app.pushOpened(sent.data);
      app.purchase({ orderId: `push-${kind}-1`, value: 24, currency: 'USD' });
      await settled(app);
      assert.equal((await exposureOf(app.visitorId, c.id))?.outcome, 'accepted');
      const l = await lift(c.id);
      assert.equal(l.exposed.visitors, 1);
      assert.equal(l.exposed.conversions, 1);
      assert.equal(l.exposed.revenue, 24);
      assert.equal(fcm.messages.filter((m) => m.token === token).length, 1, 'one push');
    });

    it('pushes when the app is killed without saying it went to the background', async () => {
      const c = await campaign(pushCampaign('Cart reminder, app killed'));
      const { app, token } = await signedIn();
      app.cart(12, [{ sku: 'cup', price: 12, quantity: 1 }]);
      await settled(app);
      app.close();
      const sent = await found(() => fcm.messages.find((m) => m.token === token));
      assert.equal(sent.data.campaignId, c.id);
    });

    it('sends nothing to a user with no device (no consent to notifications): the exposure is ignored', async () => {
      const c = await campaign(pushCampaign('Cart reminder, no device'));
      const before = await metric(srv, 'beckon_proactive_messages_total', { result: 'no_opt_in' });
      const { app, token } = await signedIn({ device: false });
      app.cart(9, [{ sku: 'spoon', price: 9, quantity: 1 }]);
      app.appState('background');
      await settled(app);
      await eventually(async () => (await exposureOf(app.visitorId, c.id))?.outcome === 'ignored', 10_000);
      assert.equal(await metric(srv, 'beckon_proactive_messages_total', { result: 'no_opt_in' }), before + 1);
      assert.equal(fcm.messages.filter((m) => m.token === token).length, 0);
    });

    it('holds the control group out: recorded as control, no push, counted in the lift', async () => {
      const c = await campaign(pushCampaign('Cart reminder, control', { controlShare: 0.5 }));
      const { app, token } = await signedIn({ control: { campaignId: c.id, share: 0.5 } });
      app.cart(15, [{ sku: 'plate', price: 15, quantity: 1 }]);
      app.appState('background');
      await settled(app);
      const e = await found(() => exposureOf(app.visitorId, c.id));
      assert.equal(e.control, 1);
      assert.equal(e.outcome, null);
      assert.equal(fcm.messages.filter((m) => m.token === token).length, 0);
      const l = await lift(c.id);
      assert.equal(l.control.visitors, 1);
      assert.equal(l.exposed.visitors, 0);
    });

    it('keeps to the account’s frequency cap, which broadcasts share', async () => {
      const c = await campaign(pushCampaign('Cart reminder, capped'));
      await store().sendingSettings.change(t.accountId, { cap_messages: 1, cap_days: 7 }, Date.now());
      try {
        const { app, contactId, token } = await signedIn();
        const booked = await store().contactMessages.bookOne(t.accountId, {
          contactId,
          kind: 'broadcast',
          ref: `bc-${kind}`,
        });
        assert.equal(booked, true);
        const before = await metric(srv, 'beckon_proactive_messages_total', { result: 'frequency_cap' });
        app.cart(30, [{ sku: 'bowl', price: 30, quantity: 1 }]);
        app.appState('background');
        await settled(app);
        await eventually(async () => (await exposureOf(app.visitorId, c.id))?.outcome === 'ignored', 10_000);
        assert.equal(
          await metric(srv, 'beckon_proactive_messages_total', { result: 'frequency_cap' }),
          before + 1,
        );
        assert.equal(fcm.messages.filter((m) => m.token === token).length, 0);
      } finally {
        await store().sendingSettings.change(t.accountId, { cap_messages: null, cap_days: null }, Date.now());
      }
    });

    it('an opened report naming an exposure that is not this user’s changes nothing', async () => {
      const c = await campaign(pushCampaign('Cart reminder, forged open'));
      const victim = await signedIn();
      victim.app.cart(40, [{ sku: 'pot', price: 40, quantity: 1 }]);
      victim.app.appState('background');
      const sent = await found(() => fcm.messages.find((m) => m.token === victim.token));
      await eventually(
        async () => (await exposureOf(victim.app.visitorId, c.id))?.outcome === 'shown',
        10_000,
      );
      const other = await signedIn();
      other.app.pushOpened(sent.data);
      other.app.pushOpened({ exposureId: 'x'.repeat(500) });
      other.app.pushOpened({ conversationId: 'c1', seq: '3' });
      await settled(other.app);
      assert.equal((await exposureOf(victim.app.visitorId, c.id))?.outcome, 'shown');
    });
  });
}
