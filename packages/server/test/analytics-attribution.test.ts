import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { AttributionJob } from '../src/analytics/attribution-job.ts';
import {
  attributeConversion,
  type CampaignTerms,
  type ConversionFact,
  type Touch,
} from '../src/analytics/attribution-rules.ts';
import { funnelReport } from '../src/analytics/funnel-report.ts';
import { MemoryBus } from '../src/bus/memory-bus.ts';
import type { Store } from '../src/store/store.ts';
import { AnalyticsFixture, campaignInput, DAY, HOUR, MIN, openTestStore } from './analytics-fixtures.ts';

const T = Date.UTC(2025, 0, 15, 12, 0, 0);
const purchase = (ts = T): ConversionFact => ({ kind: 'purchase', goalName: null, ts });
const touch = (id: string, campaignId: string | null, at: number, over: Partial<Touch> = {}): Touch => ({
  id,
  campaignId,
  exposureId: id,
  conversationId: null,
  agentId: null,
  skillId: null,
  control: false,
  kind: 'content',
  at,
  ...over,
});
const terms = (entries: Record<string, Partial<CampaignTerms>>) =>
  new Map(
    Object.entries(entries).map(([id, t]) => [
      id,
      { goal: { type: 'purchase' }, windowDays: 7, ...t } as CampaignTerms,
    ]),
  );

describe('attribution rules', () => {
  it('keeps touches within the window, both edges inclusive, and never after the conversion', () => {
    const c = terms({ a: {}, b: {}, c: {}, d: {} });
    const got = attributeConversion(
      purchase(),
      [
        touch('edge', 'a', T - 7 * DAY),
        touch('late', 'b', T - 7 * DAY - 1),
        touch('same-instant', 'c', T),
        touch('after', 'd', T + 1),
      ],
      c,
    );
    assert.deepEqual(got.map((t) => t.id).sort(), ['edge', 'same-instant']);
    assert.equal(got.find((t) => t.credited)?.id, 'same-instant', 'the last touch is credited');
  });

  it('credits the last touch, and keeps one touch per campaign (its latest)', () => {
    const got = attributeConversion(
      purchase(),
      [touch('a1', 'a', T - 3 * DAY), touch('a2', 'a', T - 2 * DAY), touch('b1', 'b', T - 1 * DAY)],
      terms({ a: {}, b: {} }),
    );
    assert.deepEqual(
      got.map((t) => [t.id, t.credited]),
      [
        ['b1', true],
        ['a2', false],
      ],
    );
  });

  it('a conversation outranks a later content offer', () => {
    const got = attributeConversion(
      purchase(),
      [
        touch('chat', 'a', T - 3 * DAY, { kind: 'conversation', conversationId: 'conv1' }),
        touch('offer', 'b', T - HOUR),
      ],
      terms({ a: {}, b: {} }),
    );
    assert.equal(got.find((t) => t.credited)?.id, 'chat');
    assert.equal(got.length, 2);
  });

  it('counts control qualifications the same way but never credits them', () => {
    const only = attributeConversion(
      purchase(),
      [touch('ctl', 'a', T - DAY, { control: true, kind: 'control' })],
      terms({ a: {} }),
    );
    assert.equal(only.length, 1);
    assert.equal(only[0]!.control, true);
    assert.equal(only[0]!.credited, false);
    const mixed = attributeConversion(
      purchase(),
      [touch('ctl', 'a', T - HOUR, { control: true, kind: 'control' }), touch('b1', 'b', T - DAY)],
      terms({ a: {}, b: {} }),
    );
    assert.equal(
      mixed.find((t) => t.credited)?.id,
      'b1',
      'a later control qualification does not take the credit',
    );
  });

  it('matches goals: a goal campaign ignores purchases, a purchase campaign ignores goal events', () => {
    const c = terms({ shop: {}, signup: { goal: { type: 'event', name: 'signup' } } });
    const touches = [
      touch('s', 'shop', T - HOUR),
      touch('g', 'signup', T - HOUR),
      touch('m', null, T - HOUR),
    ];
    assert.deepEqual(
      attributeConversion(purchase(), touches, c)
        .map((t) => t.id)
        .sort(),
      ['m', 's'],
    );
    const goal = attributeConversion({ kind: 'goal', goalName: 'signup', ts: T }, touches, c);
    assert.deepEqual(
      goal.map((t) => t.id),
      ['g'],
    );
    assert.deepEqual(attributeConversion({ kind: 'goal', goalName: 'other', ts: T }, touches, c), []);
  });

  it('uses each campaign’s own window (up to 31 days)', () => {
    const c = terms({ long: { windowDays: 31 }, short: { windowDays: 7 } });
    const got = attributeConversion(
      purchase(),
      [touch('l', 'long', T - 20 * DAY), touch('s', 'short', T - 20 * DAY)],
      c,
    );
    assert.deepEqual(
      got.map((t) => [t.id, t.windowDays]),
      [['l', 31]],
    );
  });
});

describe('attribution job over the store', () => {
  let store: Store;
  let dispose: () => Promise<void>;
  let fx: AnalyticsFixture;
  let job: AttributionJob;
  let bus: MemoryBus;
  const ids: Record<string, string> = {};

  before(async () => {
    ({ store, dispose } = await openTestStore());
    const account = await store.accounts.create('Shop');
    const site = await store.sites.create(account.id, {
      name: 'Shop',
      allowedOrigins: ['https://shop.example'],
    });
    fx = new AnalyticsFixture(store, account.id, site.id);
    const skill = await store.skills.create(account.id, { name: 'Sales' });
    ids.offer = (await store.campaigns.create(account.id, campaignInput('Offer'))).id;
    ids.chat = (
      await store.campaigns.create(
        account.id,
        campaignInput('Chat', {
          engagement: {
            type: 'chat_invitation',
            skillId: skill.id,
            message: 'Hi',
            style: 'toaster',
            offline: 'none',
          },
        }),
      )
    ).id;
    ids.signup = (
      await store.campaigns.create(
        account.id,
        campaignInput('Signup', { goal: { type: 'event', name: 'signup' } }),
      )
    ).id;

    // v1: content offer 2 days before, an accepted chat invitation with a conversation 3 days before.
    await fx.expose(['v1'], ids.offer, T - 2 * DAY);
    const [chatExposure] = await fx.expose(['v1'], ids.chat, T - 3 * DAY, {
      type: 'chat_invitation',
      outcome: 'accepted',
    });
    ids.conv = await fx.conversation('v1', {
      at: T - 3 * DAY + MIN,
      exposureId: chatExposure,
      skillId: skill.id,
    });
    await fx.purchase('v1', T, 'o1', 120);
    await fx.purchase('v1', T + MIN, 'o1', 120); // the thank-you page reloaded: the same order again
    // v2: control group of the offer.
    await fx.expose(['v2'], ids.offer, T - DAY, { control: true });
    await fx.purchase('v2', T, 'o2', 80);
    // v3: exposed 8 days before buying (outside the 7-day window).
    await fx.expose(['v3'], ids.offer, T - 8 * DAY);
    await fx.purchase('v3', T, 'o3', 50);
    // v4: signs up an hour after the signup campaign showed; 'newsletter' is no campaign's goal.
    await fx.expose(['v4'], ids.signup, T - HOUR);
    await fx.goal('v4', T, 'signup', { value: 5 });
    await fx.goal('v4', T, 'newsletter');

    bus = new MemoryBus();
    job = new AttributionJob(store, bus, pino({ level: 'silent' }));
    await job.catchUp();
  });
  after(async () => {
    await job.stop();
    await dispose();
  });

  it('records each order once, with its revenue', async () => {
    const rows = await store.db.selectFrom('conversions').selectAll().orderBy('dedupe_key').execute();
    assert.deepEqual(
      rows.map((r) => [r.visitor_id, r.kind, r.dedupe_key.replace(/:b\d+:/, ':B:'), Number(r.revenue)]),
      [
        ['v4', 'goal', 'event:v4:B:0', 5],
        ['v1', 'purchase', 'order:o1', 120],
        ['v2', 'purchase', 'order:o2', 80],
        ['v3', 'purchase', 'order:o3', 50],
      ],
    );
  });

  it('credits the conversation over the later content offer, and keeps both', async () => {
    const [c] = await store.conversions.forVisitor(fx.accountId, fx.siteId, 'v1');
    assert.deepEqual(
      c!.attributions.map((a) => [a.campaign_id, a.touch_kind, Number(a.credited), a.conversation_id]),
      [
        [ids.chat, 'conversation', 1, ids.conv],
        [ids.offer, 'content', 0, null],
      ],
    );
  });

  it('counts the control visitor’s purchase for the campaign, uncredited', async () => {
    const [c] = await store.conversions.forVisitor(fx.accountId, fx.siteId, 'v2');
    assert.deepEqual(
      c!.attributions.map((a) => [a.campaign_id, a.touch_kind, Number(a.control), Number(a.credited)]),
      [[ids.offer, 'control', 1, 0]],
    );
  });

  it('leaves a purchase outside every window unattributed, and attributes a goal only to its campaign', async () => {
    const [v3] = await store.conversions.forVisitor(fx.accountId, fx.siteId, 'v3');
    assert.equal(v3!.attributions.length, 0);
    const [v4] = await store.conversions.forVisitor(fx.accountId, fx.siteId, 'v4');
    assert.deepEqual(
      v4!.attributions.map((a) => [a.campaign_id, Number(a.credited), Number(a.revenue)]),
      [[ids.signup, 1, 5]],
    );
  });

  it('is idempotent, and finds rows committed late behind its cursor', async () => {
    await job.catchUp();
    const count = async () =>
      Number(
        (await store.db
          .selectFrom('conversions')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst())!.n,
      );
    assert.equal(await count(), 4);
    // A purchase stored after the cursor passed its time (a late writer flush): the re-scan finds it.
    await fx.purchase('v2', T + 30_000, 'o-late', 10);
    await job.catchUp();
    assert.equal(await count(), 5);
    // Two nodes' jobs sharing a bus (and a cursor) never record an order twice.
    const other = new AttributionJob(store, bus, pino({ level: 'silent' }));
    await fx.purchase('v1', T + 2 * MIN, 'o4', 30);
    await Promise.all([job.catchUp(), other.catchUp(), job.tick(), other.tick()]);
    assert.equal(await count(), 6);
  });

  it('attributes to a campaign created moments before the purchase (its terms are re-read)', async () => {
    const fresh = (await store.campaigns.create(fx.accountId, campaignInput('Flash sale'))).id;
    await fx.expose(['v9'], fresh, T + 3 * MIN);
    await fx.purchase('v9', T + 4 * MIN, 'o9', 60);
    await job.tick(); // an ordinary poll, with the terms it already held
    const [c] = await store.conversions.forVisitor(fx.accountId, fx.siteId, 'v9');
    assert.deepEqual(
      c!.attributions.map((a) => [a.campaign_id, Number(a.credited)]),
      [[fresh, 1]],
    );
  });
  it('counts a conversion for a period’s cohort only when it followed the in-period exposure', async () => {
    // v10 saw the offer before the period, bought on its first day, and saw the offer again a day later.
    const from = T + DAY;
    await fx.expose(['v10'], ids.offer, from - DAY);
    await fx.purchase('v10', from + HOUR, 'o10', 70);
    await fx.expose(['v10'], ids.offer, from + DAY);
    // v11 saw the offer in the period and bought afterwards: a cohort conversion.
    await fx.expose(['v11'], ids.offer, from + HOUR);
    await fx.purchase('v11', from + 2 * HOUR, 'o11', 40);
    await job.catchUp();
    const report = await funnelReport(store.db, {
      accountId: fx.accountId,
      siteIds: [fx.siteId],
      from,
      to: from + 3 * DAY,
      tz: 'UTC',
      campaignId: ids.offer,
    });
    assert.equal(report.exposed.visitors, 2);
    assert.deepEqual(
      [report.exposed.converted, report.exposed.conversions, report.exposed.revenue],
      [1, 1, 40],
    );
  });
});
