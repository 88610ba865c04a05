// The scoring hook scores a visitor again by walking only the trees an update can move. Over generated
// visitor histories (pages, carts, purchases, new visits, interleaved visitors), every update must
// leave the score, the predicted uplift and the targeting verdicts that read them exactly as
// scoring the session's whole vector gives them.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { predictUplift, scoreBound } from '@beckon/core/model/index';
import { compileNode } from '@beckon/core/targeting/condition-compiler';
import { applyEvent, createVisitorState, startSession } from '@beckon/core/visitor-state';
import type { VisitorEvent } from '@beckon/protocol';
import fc from 'fast-check';
import pino from 'pino';
import { type LiveVisitor, newLiveVisitor } from '../src/engagement/live-visitor.ts';
import type { SiteInfo } from '../src/engagement/site-directory.ts';
import { ModelRegistry } from '../src/scoring/model-registry.ts';
import { loadScoringConfig } from '../src/scoring/scoring-config.ts';
import { SiteScoringRegistry } from '../src/scoring/site-scoring.ts';
import type { UpliftUser } from '../src/scoring/uplift-registry.ts';
import { VisitorScorer } from '../src/scoring/visitor-scorer.ts';
import { Store } from '../src/store/store.ts';
import { uciUpliftUsers } from './helpers/uci-uplift.ts';

const SHOP = 'https://shop.test';
const T0 = Date.UTC(2026, 10, 2, 9);
const site: SiteInfo = {
  id: 'site_memo',
  accountId: 'acc_memo',
  siteKey: 'memo',
  timeZone: 'Europe/Berlin',
  allowedOrigins: new Set(),
  anonymizeIp: false,
};

function liveVisitor(visitorId: string, now: number): LiveVisitor {
  const state = createVisitorState(
    { visitorId, sessionId: `${visitorId}-0`, returning: false, device: 'desktop' },
    now,
  );
  return newLiveVisitor(site, visitorId, state, null as unknown as LiveVisitor['frames'], now);
}

// What a shopper's tag sends: pages of every kind, product views, carts, purchases, custom events.
const page = fc
  .record({
    path: fc.constantFrom('/', '/p/1', '/p/2', '/p/3', '/c/shoes', '/cart', '/checkout', '/help', '/account'),
    sections: fc.constantFrom<string[]>(
      ['product'],
      ['cart'],
      ['checkout'],
      ['home'],
      ['info'],
      ['account'],
      [],
    ),
  })
  .map(({ path, sections }): VisitorEvent => ({ type: 'page_view', url: `${SHOP}${path}`, sections, ts: 0 }));
const cart = fc
  .array(
    fc.record({
      sku: fc.constantFrom('a', 'b', 'c'),
      price: fc.integer({ min: 1, max: 300 }),
      quantity: fc.integer({ min: 1, max: 4 }),
    }),
    { maxLength: 3 },
  )
  .map(
    (items): VisitorEvent => ({
      type: 'attr',
      attrType: 'cart',
      value: { items, total: items.reduce((t, i) => t + i.price * i.quantity, 0), currency: 'EUR' },
      ts: 0,
    }),
  );
const event = fc.oneof(
  { weight: 4, arbitrary: page },
  { weight: 2, arbitrary: cart },
  {
    weight: 1,
    arbitrary: fc.constant<VisitorEvent>({
      type: 'attr',
      attrType: 'product_view',
      value: { sku: 'a' },
      ts: 0,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 1, max: 900 }).map(
      (total): VisitorEvent => ({
        type: 'attr',
        attrType: 'purchase',
        value: { orderId: `o${total}`, total, currency: 'EUR' },
        ts: 0,
      }),
    ),
  },
  { weight: 1, arbitrary: fc.constant<VisitorEvent>({ type: 'event', name: 'wishlist', ts: 0 }) },
);
const batch = fc.record({
  visitor: fc.integer({ min: 0, max: 2 }),
  events: fc.array(event, { minLength: 1, maxLength: 3 }),
  /** Seconds since the visitor's previous batch; over 30 minutes starts a new visit. */
  gap: fc.oneof(fc.integer({ min: 0, max: 600 }), fc.constant(3600)),
});

describe('the scoring hook over generated visitor histories', () => {
  let dir: string;
  let store: Store;
  let models: ModelRegistry;
  let sites: SiteScoringRegistry;
  let users: UpliftUser[];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'beckon-memo-'));
    store = await Store.open({ sqlitePath: join(dir, 'beckon.db') });
    await store.migrate();
    const log = pino({ level: 'silent' });
    models = new ModelRegistry(store, log);
    sites = new SiteScoringRegistry(
      store,
      { ...loadScoringConfig({}), statsReloadMs: Number.POSITIVE_INFINITY },
      log,
      async () => {},
    );
    await models.ensure(site.accountId);
    await sites.ready(site);
    ({ users } = uciUpliftUsers([1, 2], 30));
  });

  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves every score, predicted uplift and targeting verdict as scoring the whole vector does', () => {
    const rules = [
      compileNode({ field: 'score', op: 'gte', value: 0.2 }, 'c1').test,
      compileNode({ field: 'score', op: 'lte', value: 0.05 }, 'c1').test,
      compileNode({ field: 'uplift', op: 'gte', value: 0 }, 'c1').test,
      compileNode({ field: 'uplift', op: 'lte', value: 0.01 }, 'c2').test,
    ];
    let updates = 0;
    fc.assert(
      fc.property(fc.array(batch, { minLength: 10, maxLength: 80 }), (batches) => {
        const scorer = new VisitorScorer(models, sites, () => {}, { version: 0, usedBy: () => users });
        const bound = models.get(site.accountId).bound;
        const visitors = [0, 1, 2].map((i) => ({ live: liveVisitor(`v${i}`, T0), now: T0, visits: 0 }));
        for (const b of batches) {
          const v = visitors[b.visitor];
          v.now += b.gap * 1000;
          const { live, now } = v;
          if (b.gap >= 1800) {
            startSession(live.state, `${live.visitorId}-${++v.visits}`, now);
            live.pages = [];
          }
          for (const ev of b.events) {
            applyEvent(live.state, ev, now);
            if (ev.type === 'page_view') live.pages.push({ page: live.state.page!, at: now });
          }
          scorer.update(live, b.events, now);
          if (live.state.pageViews === 0) continue;
          const vector = scorer.sessions.get(live.key)!.features.vector;
          const expected = scoreBound(bound, vector);
          assert.ok(Object.is(live.state.score, expected), `${live.state.score} instead of ${expected}`);
          for (const u of users)
            assert.ok(Object.is(live.state.uplift?.get(u.campaignId), predictUplift(u.model, vector)));
          const reference = createVisitorState(
            { visitorId: 'ref', sessionId: 'ref', returning: false, device: 'desktop' },
            now,
          );
          reference.score = expected;
          reference.uplift = new Map(users.map((u) => [u.campaignId, predictUplift(u.model, vector)]));
          for (const rule of rules) assert.equal(rule(live.state, now), rule(reference, now));
          updates++;
        }
        scorer.finishAll();
      }),
      { numRuns: 200 },
    );
    assert.ok(updates > 1000, `only ${updates} updates were scored`);
  });
});
