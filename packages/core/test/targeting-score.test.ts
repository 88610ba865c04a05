import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Campaign, VisitorEvent } from '@beckon/protocol';
import { type ValidationError, validateCondition } from '@beckon/protocol';
import { compileCondition } from '../src/targeting/condition-compiler.ts';
import type { CapacityFn } from '../src/targeting/eligibility.ts';
import { TargetingEngine } from '../src/targeting/targeting-engine.ts';
import { applyEvent, createVisitorState, Field, setScore, type VisitorState } from '../src/visitor-state.ts';

const T0 = Date.UTC(2024, 5, 3, 12);
const available: CapacityFn = () => 'available';

function campaign(id: string, extra: Partial<Campaign> = {}): Campaign {
  return {
    id,
    name: id,
    status: 'active',
    goal: { type: 'purchase' },
    targeting: { field: 'score', op: 'gte', value: 0.6 },
    frequency: { afterDecline: 'allow' },
    priority: 0,
    controlShare: 0,
    engagement: {
      type: 'content',
      title: 'Free shipping',
      text: '',
      ctaLabel: 'Shop',
      ctaUrl: 'https://x.test/',
    },
    attributionWindowDays: 7,
    ...extra,
  };
}
const visitor = (): VisitorState =>
  createVisitorState({ visitorId: 'v1', sessionId: 's1', returning: false, device: 'desktop' }, T0);

describe('score conditions', () => {
  it('accepts "in the top N %" on the score only, with a percentage', () => {
    const errors: ValidationError[] = [];
    assert.ok(validateCondition({ field: 'score', op: 'top_percent', value: 20 }, '', errors));
    assert.equal(validateCondition({ field: 'score', op: 'top_percent', value: 0 }, '', errors), false);
    assert.equal(validateCondition({ field: 'score', op: 'top_percent', value: 120 }, '', errors), false);
    assert.equal(validateCondition({ field: 'cart.total', op: 'top_percent', value: 20 }, '', errors), false);
    assert.match(errors.at(-1)!.message, /accepts/);
  });

  it('tests the visitor’s rank among the site’s recent visitors', () => {
    const top20 = compileCondition({ field: 'score', op: 'top_percent', value: 20 });
    const s = visitor();
    assert.equal(top20(s, T0), false, 'no score yet');
    assert.equal(setScore(s, 0.4, 15), Field.Score);
    assert.equal(top20(s, T0), true);
    assert.equal(setScore(s, 0.4, 15), 0, 'nothing changed');
    setScore(s, 0.3, 35);
    assert.equal(top20(s, T0), false);
    setScore(s, 0.3, 20);
    assert.equal(top20(s, T0), true, 'the boundary is included');
  });

  it('exposes a visitor when a new score crosses the threshold', () => {
    const engine = new TargetingEngine({ newExposureId: () => 'x1' });
    engine.setCampaigns([campaign('c')]);
    const s = visitor();
    assert.equal(engine.evaluate(s, setScore(s, 0.2, 50), T0, available), null);
    const d = engine.evaluate(s, setScore(s, 0.7, 5), T0 + 1, available);
    assert.equal(d?.campaignId, 'c');
  });
});

describe('positive-lift score bands', () => {
  it('targets only visitors the band gate admits, and re-checks when the score moves', () => {
    const gate = (id: string, score: number | undefined) =>
      id !== 'banded' || (score !== undefined && score >= 0.5);
    const engine = new TargetingEngine({ newExposureId: () => 'x', scoreBandGate: gate });
    engine.setCampaigns([
      campaign('banded', {
        targeting: { field: 'cart.total', op: 'gte', value: 50 },
        scoreBands: 'positive_lift',
      }),
    ]);
    const s = visitor();
    setScore(s, 0.2, 80);
    const cart: VisitorEvent = {
      type: 'attr',
      attrType: 'cart',
      value: { items: [], total: 80, currency: 'USD' },
      ts: 0,
    } as const;
    assert.equal(engine.evaluate(s, applyEvent(s, cart, T0), T0, available), null, 'band not admitted');
    assert.equal(engine.nextCheck(s, T0), Number.POSITIVE_INFINITY, 'no busy retry loop');
    const d = engine.evaluate(s, setScore(s, 0.55, 30), T0 + 1, available);
    assert.equal(d?.campaignId, 'banded', 'the new score falls in an admitted band');
  });

  it('ignores the mode when no gate is installed (everyone is targeted)', () => {
    const engine = new TargetingEngine({ newExposureId: () => 'x' });
    engine.setCampaigns([campaign('c', { scoreBands: 'positive_lift' })]);
    const s = visitor();
    assert.equal(engine.evaluate(s, setScore(s, 0.9, 1), T0, available)?.campaignId, 'c');
  });
});
