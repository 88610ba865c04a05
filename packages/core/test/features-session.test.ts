import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VisitorEvent } from '@beckon/protocol';
import {
  applyBatchToFeatures,
  compileSectionKinds,
  DEFAULT_KINDS,
  type FeatureEnv,
  LF,
  LIVE_FEATURE_NAMES,
  PageStats,
  pageKey,
  pageKindOf,
  rebuildFeatures,
  type SessionCalendar,
  SessionFeatures,
  sessionPageCounts,
  type VisitedPage,
} from '../src/features/index.ts';
import { applyEvent, createVisitorState, type VisitorState } from '../src/visitor-state.ts';

// Feb 8 2024, 10:00 UTC: a Thursday, six days before Valentine's Day.
const T0 = Date.UTC(2024, 1, 8, 10, 0);
const CALENDAR: SessionCalendar = { month: 2, weekend: false, specialDay: 1 };
const SITE = 'https://shop.test';

const view = (path: string, sections: string[] = [], referrer?: string): VisitorEvent => ({
  type: 'page_view',
  url: SITE + path,
  ts: 0,
  sections,
  ...(referrer ? { referrer } : {}),
});
const cart = (total: number, quantity: number): VisitorEvent => ({
  type: 'attr',
  attrType: 'cart',
  value: {
    items: quantity ? [{ sku: 'LAMP', price: total / quantity, quantity }] : [],
    total,
    currency: 'USD',
  },
  ts: 0,
});

/** Statistics of three finished sessions whose every figure is worked out in the comments below. */
function knownStats(): PageStats {
  const stats = new PageStats();
  stats.addSession({ pages: ['/', '/products/lamp', '/checkout'], pagesBeforePurchase: 3, revenue: 120 });
  stats.addSession({ pages: ['/'], pagesBeforePurchase: 0, revenue: 0 });
  stats.addSession({ pages: ['/products/lamp', '/'], pagesBeforePurchase: 0, revenue: 0 });
  return stats;
}

/** A tracker in miniature: the real reducer, the journey as the tracker keeps it, features after each batch. */
class Session {
  readonly state: VisitorState;
  readonly journey: VisitedPage[] = [];
  readonly f = new SessionFeatures();
  constructor(readonly env: FeatureEnv) {
    this.state = createVisitorState(
      { visitorId: 'v', sessionId: 's1', returning: false, device: 'desktop' },
      T0,
    );
    this.f.reset('s1', T0, CALENDAR);
  }
  batch(atSeconds: number, ...events: VisitorEvent[]): boolean {
    const now = T0 + atSeconds * 1000;
    for (const ev of events) {
      applyEvent(this.state, ev, now);
      if (ev.type === 'page_view') this.journey.push({ page: this.state.page!, at: now });
    }
    return applyBatchToFeatures(this.f, this.state, this.journey, events, this.env, now);
  }
  get(name: (typeof LIVE_FEATURE_NAMES)[number]): number {
    return this.f.vector[LF[name]]!;
  }
}

describe('page statistics', () => {
  it('computes bounce rate, exit rate and page value per page, leaning on the site rate when data is thin', () => {
    const stats = knownStats();
    // Site: 3 sessions (entrances), 6 page views, 1 bounce, 3 exits.
    assert.equal(stats.siteBounceRate, 1 / 3);
    assert.equal(stats.siteExitRate, 0.5);
    const r = { bounce: 0, exit: 0, value: 0 };
    // Revenue per session: 120 over 3 sessions. A page's value reads above that.
    assert.equal(stats.siteValue, 40);
    // "/": 3 views, 3 uniques, 2 entrances, 1 bounce, 2 exits, 120 revenue: page value 120 / 3 = 40, 0 above the site's.
    stats.rates('/', r);
    assert.ok(Math.abs(r.bounce - (1 + 5 / 3) / 7) < 1e-12);
    assert.ok(Math.abs(r.exit - (2 + 2.5) / 8) < 1e-12);
    assert.equal(r.value, 0);
    // "/checkout": 1 view, no entrance, 1 exit; page value = 120 / 1, 80 above the site's.
    stats.rates('/checkout', r);
    assert.ok(Math.abs(r.bounce - 1 / 3) < 1e-12);
    assert.ok(Math.abs(r.exit - 3.5 / 6) < 1e-12);
    assert.equal(r.value, 80);
    // A page never seen reads the site's rates and is worth nothing.
    stats.rates('/about', r);
    assert.deepEqual(r, { bounce: 1 / 3, exit: 0.5, value: 0 });
  });

  it('credits revenue only to pages viewed before the purchase, once per session', () => {
    const counts = sessionPageCounts({
      pages: ['/', '/p', '/', '/checkout', '/thanks'],
      pagesBeforePurchase: 4,
      revenue: 50,
    });
    assert.deepEqual(counts.get('/'), {
      pageviews: 2,
      uniques: 1,
      entrances: 1,
      bounces: 0,
      exits: 0,
      revenue: 50,
    });
    assert.equal(counts.get('/thanks')!.revenue, 0);
    assert.equal(counts.get('/thanks')!.exits, 1);
  });

  it('keys pages by path without query, fragment, trailing slash or case', () => {
    assert.equal(pageKey('/Products/Lamp/?ref=home#top'), '/products/lamp');
    assert.equal(pageKey('/'), '/');
    assert.equal(pageKey('/?utm_source=x'), '/');
  });
});

describe('page kinds', () => {
  it('maps section labels to the three UCI kinds, with per-site overrides', () => {
    assert.equal(pageKindOf(['Product'], DEFAULT_KINDS), 2);
    assert.equal(pageKindOf(['faq'], DEFAULT_KINDS), 1);
    assert.equal(pageKindOf(['account'], DEFAULT_KINDS), 0);
    assert.equal(pageKindOf([], DEFAULT_KINDS), 1, 'unlabelled pages count as informational by default');
    const mine = compileSectionKinds({ lookbook: 'product', blog: null }, null);
    assert.equal(pageKindOf(['lookbook'], mine), 2);
    assert.equal(pageKindOf(['blog'], mine), -1);
    assert.equal(pageKindOf(['unknown', 'cart'], mine), 2, 'the first label the mapping knows decides');
  });
});

describe('session features from tag events', () => {
  it('computes the UCI features of a hand-built session', () => {
    const s = new Session({ stats: knownStats(), kinds: DEFAULT_KINDS });
    s.batch(0, view('/', [], 'https://www.google.com/'));
    s.batch(30, view('/products/lamp?ref=home', ['product']), {
      type: 'attr',
      attrType: 'product_view',
      value: { sku: 'LAMP' },
      ts: 0,
    });
    s.batch(90, cart(120, 1), { type: 'event', name: 'add_to_cart', ts: 0 });
    s.batch(100, view('/about', ['about']));
    s.batch(160, view('/account/login', ['login']));

    assert.equal(s.get('Administrative'), 1);
    assert.equal(s.get('Administrative_Duration'), 0, 'the open page has no time yet, as in web analytics');
    assert.equal(s.get('Informational'), 2, 'the unlabelled home page and /about');
    assert.equal(s.get('Informational_Duration'), 30 + 60);
    assert.equal(s.get('ProductRelated'), 1);
    assert.equal(s.get('ProductRelated_Duration'), 70);
    // Rates of "/", "/products/lamp", "/about" (unknown), "/account/login" (unknown), on the UCI 0–0.2 scale.
    const bounce = ((1 + 5 / 3) / 7 + 5 / 3 / 6 + 1 / 3 + 1 / 3) / 4;
    const exit = (4.5 / 8 + 2.5 / 7 + 0.5 + 0.5) / 4;
    assert.ok(Math.abs(s.get('BounceRates') - bounce * 0.2) < 1e-12);
    assert.ok(Math.abs(s.get('ExitRates') - exit * 0.2) < 1e-12);
    // Page values above the site's 40 per session: "/" 0, the lamp 120 / 2 − 40 = 20, unknown pages 0.
    assert.equal(s.get('PageValues'), (0 + 20 + 0 + 0) / 4);
    assert.equal(s.get('SpecialDay'), 1);
    assert.equal(s.get('Month'), 2);
    assert.equal(s.get('Weekend'), 0);
    assert.equal(s.get('VisitorType'), 0);
    assert.equal(s.get('Device'), 0);
    assert.equal(s.get('TrafficSource'), 1, 'search');
    assert.equal(s.get('CartValue'), 120);
    assert.equal(s.get('CartItems'), 1);
    assert.equal(s.get('ProductViews'), 1);
    assert.equal(s.get('CustomEvents'), 1);
    assert.equal(s.get('Customer'), 0);
  });

  it('freezes the vector just before the first purchase for training, and keeps scoring after it', () => {
    const s = new Session({ stats: knownStats(), kinds: DEFAULT_KINDS });
    s.batch(0, view('/'));
    s.batch(30, view('/products/lamp', ['product']));
    s.batch(90, cart(120, 1));
    s.batch(100, view('/checkout', ['checkout']));
    s.batch(
      130,
      { type: 'attr', attrType: 'purchase', value: { orderId: 'o1', total: 120, currency: 'USD' }, ts: 0 },
      view('/confirmation', ['confirmation']),
      cart(0, 0),
    );
    const before = s.f.beforePurchase!;
    assert.ok(before, 'frozen at the purchase');
    assert.equal(before[LF.ProductRelated], 2, 'lamp and checkout, not the confirmation page');
    assert.equal(before[LF.ProductRelated_Duration], 70, 'checkout still open at the purchase');
    assert.equal(before[LF.CartValue], 120, 'the cart as it was when they bought');
    assert.equal(before[LF.PageValues], (0 + 20 + 80) / 3);
    assert.equal(s.get('ProductRelated'), 3);
    assert.equal(s.get('CartValue'), 0);
    assert.equal(s.f.trainingVector(), before);
    assert.equal(s.f.revenue, 120);
    assert.deepEqual(s.f.pages, ['/', '/products/lamp', '/checkout', '/confirmation']);
    assert.equal(s.f.pagesBeforePurchase, 3);
  });

  it('moves a page to its new kind when a single-page app labels it after the view', () => {
    const s = new Session({ stats: new PageStats(), kinds: DEFAULT_KINDS });
    s.batch(0, view('/app'));
    assert.equal(s.get('Informational'), 1);
    assert.equal(s.batch(5, { type: 'section', sections: ['checkout'] }), true);
    assert.equal(s.get('Informational'), 0);
    assert.equal(s.get('ProductRelated'), 1);
    s.batch(65, view('/app/done', ['account']));
    assert.equal(s.get('ProductRelated_Duration'), 65, 'the relabelled page kept its whole time');
  });

  it('reports no change for events that do not touch a feature', () => {
    const s = new Session({ stats: new PageStats(), kinds: DEFAULT_KINDS });
    s.batch(0, view('/'));
    s.f.dirty = false;
    assert.equal(s.batch(3, { type: 'visibility', visible: false, ts: 0 }), false);
  });

  it('rebuilds the same vector from the state and journey of a restored visitor', () => {
    const env = { stats: knownStats(), kinds: DEFAULT_KINDS };
    const s = new Session(env);
    s.batch(0, view('/', [], 'https://www.google.com/'));
    s.batch(30, view('/products/lamp', ['product']), cart(120, 1));
    s.batch(100, view('/about', ['about']));
    const rebuilt = new SessionFeatures();
    rebuildFeatures(rebuilt, s.state, s.journey, env, CALENDAR);
    for (const name of LIVE_FEATURE_NAMES) {
      assert.equal(rebuilt.vector[LF[name]], s.get(name), name);
    }
  });
});
