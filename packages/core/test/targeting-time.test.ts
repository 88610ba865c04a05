import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Campaign, Condition } from '@beckon/protocol';
import { nextTimeCheck } from '../src/targeting/condition-compiler.ts';
import { TargetingEngine } from '../src/targeting/targeting-engine.ts';
import { applyEvent, createVisitorState, Field, type VisitorState } from '../src/visitor-state.ts';

const T0 = 1_700_000_000_000;
const INF = Number.POSITIVE_INFINITY;
const available = () => 'available' as const;

function onPage(url = 'https://shop.test/checkout', sections = ['checkout']): VisitorState {
  const s = createVisitorState({ visitorId: 'v1', sessionId: 's1', returning: false, device: 'desktop' }, T0);
  applyEvent(s, { type: 'page_view', url, sections, ts: 0 }, T0);
  return s;
}
const hide = (s: VisitorState, at: number) =>
  applyEvent(s, { type: 'visibility', visible: false, ts: 0 }, at);
const show = (s: VisitorState, at: number) => applyEvent(s, { type: 'visibility', visible: true, ts: 0 }, at);

const onPage30: Condition = { field: 'page.timeOnPage', op: 'gte', value: 30 };

describe('nextTimeCheck', () => {
  it('gives the moment time on page reaches the threshold', () => {
    const s = onPage();
    assert.equal(nextTimeCheck(onPage30, s, T0 + 10_000), T0 + 30_000);
    assert.equal(nextTimeCheck(onPage30, s, T0 + 30_000), INF, 'already true');
  });

  it('moves the moment out by the time the tab was hidden, and waits while hidden', () => {
    const s = onPage();
    hide(s, T0 + 10_000);
    assert.equal(nextTimeCheck(onPage30, s, T0 + 20_000), INF, 'a hidden page does not advance');
    show(s, T0 + 25_000);
    assert.equal(nextTimeCheck(onPage30, s, T0 + 26_000), T0 + 45_000);
  });

  it('handles time on site, which runs whether or not the page is visible', () => {
    const s = onPage();
    hide(s, T0 + 1000);
    assert.equal(
      nextTimeCheck({ field: 'session.timeOnSite', op: 'gte', value: 120 }, s, T0 + 5000),
      T0 + 120_000,
    );
  });

  it('is Infinity when only an event can make the tree true', () => {
    const s = onPage();
    const tree: Condition = { all: [onPage30, { field: 'cart.total', op: 'gte', value: 100 }] };
    assert.equal(nextTimeCheck(tree, s, T0), INF);
    assert.equal(nextTimeCheck({ field: 'cart.total', op: 'gte', value: 100 }, s, T0), INF);
    assert.equal(nextTimeCheck({ field: 'page.timeOnPage', op: 'lte', value: 30 }, s, T0 + 40_000), INF);
  });

  it('takes the latest of the false children of all, the earliest child of any', () => {
    const s = onPage();
    const site60: Condition = { field: 'session.timeOnSite', op: 'gte', value: 60 };
    assert.equal(nextTimeCheck({ all: [onPage30, site60] }, s, T0), T0 + 60_000);
    assert.equal(nextTimeCheck({ any: [onPage30, site60] }, s, T0), T0 + 30_000);
  });

  it('turns lapsing conditions into timers under not', () => {
    const s = onPage();
    applyEvent(s, { type: 'event', name: 'coupon_failed', ts: 0 }, T0 + 5000);
    const quiet: Condition = { not: { field: 'event.coupon_failed', op: 'within', value: 60 } };
    assert.equal(nextTimeCheck(quiet, s, T0 + 10_000), T0 + 65_001);
    const early: Condition = { not: { field: 'page.timeOnPage', op: 'lte', value: 10 } };
    assert.equal(nextTimeCheck(early, s, T0 + 2000), T0 + 10_001);
    const notYet: Condition = { not: onPage30 };
    assert.equal(nextTimeCheck(notYet, s, T0 + 40_000), INF, 'time on page never goes down by itself');
  });
});

function campaign(id: string, targeting: Condition, extra: Partial<Campaign> = {}): Campaign {
  return {
    id,
    name: id,
    status: 'active',
    goal: { type: 'purchase' },
    targeting,
    frequency: { afterDecline: 'allow' },
    priority: 0,
    controlShare: 0,
    engagement: {
      type: 'chat_invitation',
      skillId: 'sales',
      message: 'Hi',
      style: 'toaster',
      offline: 'none',
    },
    attributionWindowDays: 7,
    ...extra,
  };
}

describe('engine timers', () => {
  it('fires a time condition when the timer says, without another event', () => {
    const engine = new TargetingEngine();
    engine.setCampaigns([
      campaign('hesitation', {
        all: [{ field: 'page.section', op: 'contains', value: 'checkout' }, onPage30],
      }),
    ]);
    const s = onPage();
    assert.equal(engine.evaluate(s, Field.Page | Field.PageTime | Field.Session, T0, available), null);
    const at = engine.nextCheck(s, T0);
    assert.equal(at, T0 + 30_000);
    assert.equal(engine.evaluate(s, Field.Clock, at - 1, available), null);
    assert.equal(engine.evaluate(s, Field.Clock, at, available)?.campaignId, 'hesitation');
    assert.equal(engine.nextCheck(s, at), INF, 'fired: nothing more to wait for on this page');
  });

  it('wakes when a within condition lapses so the campaign can fire again later', () => {
    const engine = new TargetingEngine();
    engine.setCampaigns([campaign('c', { field: 'event.add_to_cart', op: 'within', value: 10 })]);
    const s = onPage();
    const changed = applyEvent(s, { type: 'event', name: 'add_to_cart', ts: 0 }, T0 + 1000);
    assert.ok(engine.evaluate(s, changed, T0 + 1000, available));
    applyEvent(
      s,
      { type: 'exposure_outcome', exposureId: s.exposures[0]!.exposureId, outcome: 'dismissed', ts: 0 },
      T0 + 2000,
    );
    assert.equal(engine.nextCheck(s, T0 + 2000), T0 + 11_001);
    assert.equal(engine.evaluate(s, Field.Clock, T0 + 11_001, available), null);
    const again = applyEvent(s, { type: 'event', name: 'add_to_cart', ts: 0 }, T0 + 20_000);
    assert.ok(engine.evaluate(s, again, T0 + 20_000, available), 'true again after lapsing: a new turn');
  });

  it('reuses the timer until something timed changes', () => {
    const engine = new TargetingEngine();
    engine.setCampaigns([campaign('c', { all: [onPage30, { field: 'cart.total', op: 'lte', value: 0 }] })]);
    const s = onPage();
    engine.evaluate(s, Field.Page | Field.PageTime | Field.Session, T0, available);
    assert.equal(engine.nextCheck(s, T0), T0 + 30_000);
    const ev = applyEvent(s, { type: 'event', name: 'scroll', ts: 0 }, T0 + 1000);
    engine.evaluate(s, ev, T0 + 1000, available);
    assert.equal(engine.nextCheck(s, T0 + 1000), T0 + 30_000);
    engine.evaluate(s, hide(s, T0 + 10_000), T0 + 10_000, available);
    assert.equal(engine.nextCheck(s, T0 + 10_000), INF, 'hidden: no timer');
    engine.evaluate(s, show(s, T0 + 20_000), T0 + 20_000, available);
    assert.equal(engine.nextCheck(s, T0 + 20_000), T0 + 40_000);
  });

  it('asks for an immediate evaluation after the campaigns changed', () => {
    const engine = new TargetingEngine();
    const s = onPage();
    engine.setCampaigns([]);
    engine.evaluate(s, 0, T0, available);
    engine.setCampaigns([campaign('c', onPage30)]);
    assert.equal(engine.nextCheck(s, T0 + 5), T0 + 5);
  });
});
