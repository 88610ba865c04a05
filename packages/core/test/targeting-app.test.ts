import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Campaign, type Condition, type ValidationError, validateCondition } from '@beckon/protocol';
import { compileCondition } from '../src/targeting/condition-compiler.ts';
import type { CapacityFn } from '../src/targeting/eligibility.ts';
import { TargetingEngine } from '../src/targeting/targeting-engine.ts';
import { fromSnapshot, toSnapshot } from '../src/visitor/snapshot.ts';
import { applyEvent, createVisitorState, timeOnPageMs, type VisitorState } from '../src/visitor-state.ts';

const T0 = Date.UTC(2026, 5, 3, 12);
const available: CapacityFn = () => 'available';
const checkout: Condition = { field: 'screen.section', op: 'equals', value: 'checkout' };

function appUser(platform: 'ios' | 'android' = 'ios'): VisitorState {
  const s = createVisitorState({ visitorId: 'a1', sessionId: 's1', returning: false, device: 'mobile' }, T0);
  s.app = { platform, version: '3.2.0' };
  return s;
}
const webVisitor = () =>
  createVisitorState({ visitorId: 'w1', sessionId: 's1', returning: false, device: 'desktop' }, T0);
const screen = (s: VisitorState, name: string, section: string | undefined, now: number) =>
  applyEvent(s, { type: 'screen', name, ...(section ? { section } : {}), ts: 0 }, now);
const page = (s: VisitorState, now: number) =>
  applyEvent(
    s,
    { type: 'page_view', url: 'https://shop.example/checkout', sections: ['checkout'], ts: 0 },
    now,
  );

function campaign(id: string, extra: Partial<Campaign> = {}): Campaign {
  return {
    id,
    name: id,
    status: 'active',
    goal: { type: 'purchase' },
    targeting: { field: 'page.section', op: 'contains', value: 'checkout' },
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
const problems = (tree: unknown): ValidationError[] => {
  const errors: ValidationError[] = [];
  validateCondition(tree, '/targeting', errors);
  return errors;
};

describe('app fields in targeting', () => {
  it('reads the platform, app version, screen name and section', () => {
    const s = appUser();
    screen(s, 'Cart review', 'checkout', T0);
    const yes = (c: Condition) => assert.equal(compileCondition(c)(s, T0), true, JSON.stringify(c));
    yes({ field: 'platform', op: 'equals', value: 'ios' });
    yes({ field: 'app.version', op: 'matches', value: '3.*' });
    yes({ field: 'screen.name', op: 'equals', value: 'Cart review' });
    yes(checkout);
    yes({ field: 'page.section', op: 'contains', value: 'checkout' });
    assert.equal(s.pageViews, 1, 'a screen counts as a page view of the session');
    const w = webVisitor();
    page(w, T0);
    assert.equal(compileCondition({ field: 'platform', op: 'equals', value: 'web' })(w, T0), true);
    assert.equal(compileCondition(checkout)(w, T0), false, 'a web page has no screen');
  });

  it('counts foreground time only, as the web counts a visible tab', () => {
    const s = appUser();
    screen(s, 'Home', undefined, T0);
    applyEvent(s, { type: 'app_state', state: 'background', ts: 0 }, T0 + 5000);
    applyEvent(s, { type: 'app_state', state: 'foreground', ts: 0 }, T0 + 60_000);
    assert.equal(timeOnPageMs(s, T0 + 61_000), 6000);
  });

  it('keeps the app across an eviction', () => {
    const s = appUser('android');
    screen(s, 'Home', 'home', T0);
    const back = fromSnapshot(JSON.parse(JSON.stringify(toSnapshot(s))));
    assert.deepEqual(back.app, { platform: 'android', version: '3.2.0' });
    assert.equal(compileCondition({ field: 'screen.section', op: 'equals', value: 'home' })(back, T0), true);
  });

  it('validates the fields: a known platform, no unknown screen field', () => {
    assert.deepEqual(problems({ field: 'platform', op: 'in', value: ['ios', 'android'] }), []);
    assert.match(
      problems({ field: 'platform', op: 'equals', value: 'symbian' })[0]!.message,
      /unknown platform/,
    );
    assert.match(problems({ field: 'platform', op: 'contains', value: 'i' })[0]!.message, /accepts/);
    assert.match(
      problems({ field: 'screen.orientation', op: 'equals', value: 'x' })[0]!.message,
      /unknown field/,
    );
    assert.deepEqual(problems({ field: 'screen.section', op: 'in', value: ['checkout', 'cart'] }), []);
  });
});

describe('campaign surfaces', () => {
  const decide = (c: Campaign, s: VisitorState, act: (s: VisitorState) => number) => {
    const engine = new TargetingEngine({ newExposureId: () => 'x1' });
    assert.deepEqual(engine.setCampaigns([c]), []);
    return engine.evaluate(s, act(s), T0, available);
  };
  it('runs a campaign on web pages only by default, on apps or on both when told', () => {
    const onApp = (s: VisitorState) => screen(s, 'Cart', 'checkout', T0);
    const onWeb = (s: VisitorState) => page(s, T0);
    assert.equal(decide(campaign('c'), appUser(), onApp), null, 'a web campaign does not reach the app');
    assert.notEqual(decide(campaign('c'), webVisitor(), onWeb), null);
    assert.notEqual(decide(campaign('c', { surfaces: 'app' }), appUser(), onApp), null);
    assert.equal(
      decide(campaign('c', { surfaces: 'app' }), webVisitor(), onWeb),
      null,
      'an app campaign not the web',
    );
    assert.notEqual(decide(campaign('c', { surfaces: 'both' }), appUser(), onApp), null);
    assert.notEqual(decide(campaign('c', { surfaces: 'both' }), webVisitor(), onWeb), null);
  });
});
