import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isControl } from '@beckon/core';
import type { CampaignInput, Condition } from '@beckon/protocol';
import { VisitorClient } from '@beckon/sdk/index';
import { hashPassword } from '../../server/src/auth/passwords.ts';
import {
  campaignLift,
  contentCampaign,
  eventually,
  flush,
  metric,
  newTenant,
  runtime,
  visitor,
} from '../../server/test/engagement-fixtures.ts';
import { connectAgent } from '../../server/test/helpers/chat-fixtures.ts';
import { startTestServer, type TestServer } from '../../server/test/helpers/test-server.ts';
import type { AppEngagement, AppTracker, StorageAdapter } from '../src/messaging/index.ts';
import { memoryStorage } from '../src/messaging/index.ts';
import { createNodeAppTracker } from '../src/messaging/node.ts';

const section = (value: string): Condition => ({ field: 'screen.section', op: 'equals', value });

/** Resolves with the tracker's next engagement, or null when none comes within `ms`. */
const nextEngagement = (app: AppTracker, ms = 3000) =>
  new Promise<AppEngagement | null>((resolve) => {
    const timer = setTimeout(() => {
      stop();
      resolve(null);
    }, ms);
    const stop = app.on('engagement', (e) => {
      clearTimeout(timer);
      stop();
      resolve(e);
    });
  });

/** The server's event log for one visitor: every event of every stored batch, batches in queue order. */
async function loggedEvents(srv: TestServer, visitorId: string) {
  await flush(srv);
  const rows = await srv.node.ctx.store.db
    .selectFrom('event_frames')
    .select(['batch_id', 'frame', 'ts'])
    .where('visitor_id', '=', visitorId)
    .execute();
  const chunk = (id: string) => Number(id.slice(id.lastIndexOf('-') + 1));
  rows.sort((a, b) => chunk(a.batch_id) - chunk(b.batch_id));
  for (let i = 1; i < rows.length; i++)
    assert.ok(Number(rows[i]!.ts) >= Number(rows[i - 1]!.ts), 'batches arrived in queue order');
  assert.equal(new Set(rows.map((r) => r.batch_id)).size, rows.length, 'each batch stored once');
  return rows.flatMap(
    (r) => (JSON.parse(r.frame) as { events: { type: string; props?: { n?: number } }[] }).events,
  );
}

/** The `n` of every `tick` event the server stored, in order. */
const ticks = async (srv: TestServer, visitorId: string) =>
  (await loggedEvents(srv, visitorId)).filter((e) => e.type === 'event').map((e) => e.props?.n);

function appSuite(store: 'sqlite' | 'postgres'): void {
  describe(`app behaviour and in-app engagements over the SDK (${store})`, { concurrency: 1 }, () => {
    let srv: TestServer;
    let t: Awaited<ReturnType<typeof newTenant>>;
    let skillId: string;
    let agent: Awaited<ReturnType<typeof connectAgent>>;
    const trackers: AppTracker[] = [];
    const app = (storage: StorageAdapter = memoryStorage(), baseUrl = srv.url) => {
      const a = createNodeAppTracker({
        baseUrl,
        siteKey: t.site.siteKey,
        platform: 'ios',
        appVersion: '3.2.0',
        storage,
      });
      trackers.push(a);
      return a;
    };
    const campaign = async (input: CampaignInput) => {
      const res = await t.api.post('/api/v1/campaigns', input);
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body as { id: string };
    };
    const pause = (id: string) => t.api.patch(`/api/v1/campaigns/${id}`, { status: 'paused' });
    const lift = (id: string) => campaignLift(srv, t.api, id);

    before(async () => {
      srv = await startTestServer({
        store,
        env: { BECKON_CAPACITY_TTL_MS: '50', BECKON_CAPACITY_RETRY_MS: '200' },
      });
      t = await newTenant(srv);
      skillId = (await t.api.post('/api/v1/skills', { name: 'Sales' })).body.id;
      const email = `ada-${store}@tenant.example`;
      await srv.node.ctx.store.users.create(t.accountId, {
        email,
        name: 'Ada',
        role: 'agent',
        passwordHash: await hashPassword('x-password'),
        skillIds: [skillId],
        status: 'online',
        capacity: 20,
      });
      agent = await connectAgent(srv, email);
    });
    after(async () => {
      for (const a of trackers) a.close();
      await agent.disconnect();
      await srv.close();
    });

    it('keeps a campaign on the web unless told otherwise, and refuses an unknown surface', async () => {
      const plain = await t.api.post('/api/v1/campaigns', contentCampaign('Plain', section('x')));
      assert.equal(plain.status, 201);
      assert.equal(plain.body.surfaces, undefined, 'web, as before');
      const both = await t.api.patch(`/api/v1/campaigns/${plain.body.id}`, { surfaces: 'both' });
      assert.equal(both.body.surfaces, 'both');
      const back = await t.api.patch(`/api/v1/campaigns/${plain.body.id}`, { status: 'paused' });
      assert.equal(back.body.surfaces, 'both', 'kept by an edit that does not name it');
      const bad = await t.api.post('/api/v1/campaigns', {
        ...contentCampaign('Bad', section('x')),
        surfaces: 'tv',
      });
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(bad.body), /surfaces/);
      const badField = await t.api.post('/api/v1/campaigns', {
        ...contentCampaign('Bad field', { field: 'screen.orientation', op: 'equals', value: 'x' }),
        surfaces: 'app',
      });
      assert.equal(badField.status, 400);
      assert.match(JSON.stringify(badField.body), /unknown field/);
    });

    it('invites an app user on a checkout screen; the accept and the purchase count in the lift report', async () => {
      const c = await campaign({
        ...contentCampaign('Checkout help', section('checkout')),
        surfaces: 'app',
        engagement: {
          type: 'chat_invitation',
          skillId,
          message: 'Need a hand?',
          style: 'toaster',
          offline: 'none',
        },
      });
      const a = app();
      a.screen({ name: 'Home', section: 'home' });
      assert.equal(await nextEngagement(a, 500), null, 'not on the home screen');
      a.screen({ name: 'Cart', section: 'checkout', params: { items: 2 } });
      const e = await nextEngagement(a);
      assert.ok(e);
      assert.equal(e.campaignId, c.id);
      assert.equal(e.engagement.type, 'chat_invitation');
      assert.equal(e.engagement.message, 'Need a hand?');
      a.accept(e.id);
      a.purchase({ orderId: `o-${store}-1`, value: 42, currency: 'USD' });
      await eventually(() => a.pending === 0, 5000);
      const live = runtime(srv).tracker.peek(t.site.id, a.visitorId)!;
      assert.equal(live.state.page?.url, 'app://ios/Cart?items=2');
      assert.notEqual(live.state.score, undefined, 'the purchase score is computed for the app session');
      await flush(srv);
      const row = await srv.node.ctx.store.db
        .selectFrom('exposures')
        .select(['outcome', 'control'])
        .where('id', '=', e.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.outcome, 'accepted');
      const l = await lift(c.id);
      assert.equal(l.exposed.visitors, 1);
      assert.equal(l.exposed.conversions, 1);
      assert.equal(l.exposed.revenue, 42);
      await pause(c.id);
    });

    it('delivers a chat button and a call button, with their answers recorded', async () => {
      const button = await campaign({
        ...contentCampaign('Support button', section('support')),
        surfaces: 'both',
        engagement: { type: 'chat_button', skillId, label: 'Chat with us' },
      });
      const call = await campaign({
        ...contentCampaign('Call us', section('phone')),
        surfaces: 'app',
        engagement: { type: 'call', skillId, label: 'Call us', offline: 'callback' },
      });
      const a = app();
      a.screen({ name: 'Support', section: 'support' });
      const b = await nextEngagement(a);
      assert.equal(b?.campaignId, button.id);
      assert.equal(b?.engagement.type, 'chat_button');
      assert.equal(b?.engagement.label, 'Chat with us');
      a.accept(b!.id);
      a.screen({ name: 'Phone', section: 'phone' });
      const c = await nextEngagement(a);
      assert.equal(c?.campaignId, call.id);
      assert.equal(c?.engagement.type, 'call', 'an agent of the skill is free to answer');
      assert.equal(c?.engagement.label, 'Call us');
      a.decline(c!.id);
      await eventually(() => a.pending === 0);
      await flush(srv);
      const rows = await srv.node.ctx.store.db
        .selectFrom('exposures')
        .select(['id', 'outcome'])
        .where('visitor_id', '=', a.visitorId)
        .execute();
      const outcome = Object.fromEntries(rows.map((r) => [r.id, r.outcome]));
      assert.deepEqual(outcome, { [b!.id]: 'accepted', [c!.id]: 'dismissed' });
      await pause(button.id);
      await pause(call.id);
    });

    it('keeps a web-only campaign off the app and an app-only one off the web', async () => {
      const promo: Condition = { field: 'page.section', op: 'contains', value: 'promo' };
      const web = await campaign({ ...contentCampaign('Web promo', promo), priority: 10 });
      const inApp = await campaign({ ...contentCampaign('App promo', promo), surfaces: 'app' });
      const a = app();
      a.screen({ name: 'Deals', section: 'promo' });
      const e = await nextEngagement(a);
      assert.equal(e?.campaignId, inApp.id, 'the app gets the app campaign, not the higher web one');
      assert.equal(e?.engagement.type, 'content');
      a.decline(e!.id);
      const v = await visitor(srv, t.site.siteKey, `web-${store}`);
      await v.sendBatch([
        { type: 'page_view', url: `${srv.url}/deals`, sections: ['promo'], ts: Date.now() },
      ]);
      const w = await v.nextEngage();
      assert.equal(w.campaignId, web.id);
      await v.sendBatch([
        { type: 'exposure_outcome', exposureId: w.exposureId, outcome: 'dismissed', ts: Date.now() },
      ]);
      await v.sendBatch([{ type: 'page_view', url: `${srv.url}/more`, sections: ['promo'], ts: Date.now() }]);
      await assert.rejects(v.nextEngage(500), /no engage frame/, 'the app campaign does not reach the web');
      await v.close();
      await eventually(() => a.pending === 0);
      await flush(srv);
      const row = await srv.node.ctx.store.db
        .selectFrom('exposures')
        .select('outcome')
        .where('id', '=', e!.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.outcome, 'dismissed');
      await pause(web.id);
      await pause(inApp.id);
    });

    it('keeps the control group out: nothing shown, counted as control in the lift report', async () => {
      const c = await campaign({
        ...contentCampaign('Held out', section('account')),
        surfaces: 'app',
        controlShare: 0.5,
      });
      let a = app();
      await a.ready;
      while (!isControl(a.visitorId, c.id, 0.5)) {
        a.close();
        a = app();
        await a.ready;
      }
      a.screen({ name: 'Account', section: 'account' });
      assert.equal(await nextEngagement(a, 800), null);
      const l = await lift(c.id);
      assert.equal(l.control.visitors, 1);
      assert.equal(l.exposed.visitors, 0);
      await pause(c.id);
    });

    it('sends 10,000 events queued offline across restarts in order, none lost, none twice', async () => {
      const storage = memoryStorage();
      const offline = app(storage, 'http://127.0.0.1:9');
      for (let n = 0; n < 10_000; n++) offline.event('tick', { n });
      await offline.persisted();
      assert.equal(offline.pending, 10_000);
      offline.close();

      const first = app(storage);
      await first.ready;
      assert.equal(first.pending, 10_000, 'the queue survived the restart');
      await eventually(() => first.pending < 6000, 20_000);
      first.close(); // the app is killed while batches are in flight; their acks never arrive
      await first.persisted();
      const second = app(storage);
      await second.ready;
      assert.equal(second.visitorId, first.visitorId, 'the same install after a restart');
      await eventually(() => second.pending === 0, 30_000);
      const got = await ticks(srv, second.visitorId);
      assert.equal(got.length, 10_000);
      assert.ok(
        got.every((n, i) => n === i),
        'each event once, in order',
      );
      assert.equal(
        runtime(srv).tracker.peek(t.site.id, second.visitorId)?.state.events.get('tick')?.count,
        10_000,
      );
      assert.equal(
        await metric(srv, 'beckon_visitor_refusals_total', { reason: 'visitor_rate' }),
        0,
        'within the rate limit',
      );
    });

    it('refuses a forged user hash as on the web, and links nobody', async () => {
      const a = app();
      const refused = new Promise<string>((resolve) => a.on('error', (e) => resolve(e.code)));
      a.identify({ userId: 'user-42', userHash: 'ab'.repeat(32), name: 'Mallory' });
      assert.equal(await refused, 'identity_unverified');
      assert.equal(runtime(srv).tracker.peek(t.site.id, a.visitorId)?.state.contactId, undefined);
    });

    it('ignores screen fields it does not know, and takes the server clock, not the app’s', async () => {
      const c = await campaign({ ...contentCampaign('Future screen', section('help')), surfaces: 'app' });
      const raw = await VisitorClient.connect(srv.url, t.site.siteKey);
      await raw.hello({
        visitorId: `raw-${store}`,
        page: { url: 'app://android' },
        device: 'mobile',
        app: { platform: 'android', version: '9.0.0' },
      });
      const future = Date.now() + 10 * 365 * 86_400_000;
      await raw.sendBatch([
        { type: 'screen', name: 'Help', section: 'help', orientation: 'landscape', ts: future } as never,
      ]);
      const e = await raw.nextEngage();
      assert.equal(e.campaignId, c.id);
      assert.deepEqual(raw.errors, []);
      const live = runtime(srv).tracker.peek(t.site.id, `raw-${store}`)!;
      assert.ok(live.state.lastEventAt <= Date.now(), 'the server’s clock');
      const [screen] = await loggedEvents(srv, `raw-${store}`);
      assert.deepEqual(Object.keys(screen!).sort(), ['sections', 'title', 'ts', 'type', 'url']);
      await raw.close();
      await pause(c.id);
    });
  });
}

// The SQLite and PostgreSQL runs share nothing (own server, tenant, agent, trackers), so they run
// side by side; the tests within each run one after another.
describe('app tracking', { concurrency: true }, () => {
  appSuite('sqlite');
  appSuite('postgres');
});
