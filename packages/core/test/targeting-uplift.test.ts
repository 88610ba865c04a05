import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Campaign } from '@beckon/protocol';
import { validateCampaignInput } from '@beckon/protocol';
import fc from 'fast-check';
import { compileNode } from '../src/targeting/condition-compiler.ts';
import type { CapacityFn } from '../src/targeting/eligibility.ts';
import { TargetingEngine } from '../src/targeting/targeting-engine.ts';
import { inUpliftHoldout } from '../src/targeting/uplift-mode.ts';
import { ALL_FIELDS, createVisitorState, Field, type VisitorState } from '../src/visitor-state.ts';

const T0 = Date.UTC(2024, 5, 3, 12);
const available: CapacityFn = () => 'available';

function campaign(id: string, extra: Partial<Campaign> = {}): Campaign {
  return {
    id,
    name: id,
    status: 'active',
    goal: { type: 'purchase' },
    targeting: { field: 'session.pageViews', op: 'gte', value: 0 },
    frequency: { afterDecline: 'allow' },
    priority: 0,
    controlShare: 0,
    engagement: { type: 'content', title: 'Offer', text: '', ctaLabel: 'Shop', ctaUrl: 'https://x.test/' },
    attributionWindowDays: 7,
    ...extra,
  };
}

function visitor(id: string, uplift?: Record<string, number>): VisitorState {
  const s = createVisitorState({ visitorId: id, sessionId: 's1', returning: false, device: 'desktop' }, T0);
  if (uplift) s.uplift = new Map(Object.entries(uplift));
  return s;
}

const engaged = (engine: TargetingEngine, s: VisitorState) =>
  engine.evaluate(s, ALL_FIELDS, T0, available)?.campaignId ?? null;

describe('the uplift field', () => {
  it('reads the predicted uplift of the campaign being tested, and is not met without one', () => {
    const helps = compileNode({ field: 'uplift', op: 'gte', value: 0.05 }, 'c').test;
    assert.equal(helps(visitor('a', { c: 0.08 }), T0), true);
    assert.equal(helps(visitor('b', { c: 0.01 }), T0), false);
    assert.equal(
      helps(visitor('c', { other: 0.3 }), T0),
      false,
      'another campaign’s uplift is not this one’s',
    );
    assert.equal(helps(visitor('d'), T0), false, 'no model: not met');
    const hurts = compileNode({ field: 'uplift', op: 'lte', value: 0 }, 'c').test;
    assert.equal(hurts(visitor('e'), T0), false, 'no model: not met either way');
  });

  it('engages only visitors with enough predicted uplift, re-checked when the uplift changes', () => {
    const engine = new TargetingEngine({ newExposureId: () => 'x' });
    engine.setCampaigns([campaign('c', { targeting: { field: 'uplift', op: 'gte', value: 0.02 } })]);
    const s = visitor('v', { c: -0.01 });
    assert.equal(engaged(engine, s), null);
    s.uplift = new Map([['c', 0.03]]);
    assert.equal(engine.evaluate(s, Field.Score, T0 + 1, available)?.campaignId, 'c');
  });
});

describe('engage only where predicted uplift is positive', () => {
  const mode = { mode: 'positive_only' as const, holdout: 0.2 };

  it('engages positive-uplift visitors, and everyone in its holdout', () => {
    const engine = new TargetingEngine({ newExposureId: () => 'x', upliftModel: (id) => id === 'c' });
    engine.setCampaigns([campaign('c', { controlShare: 0.1, uplift: mode })]);
    let held = 0;
    for (let i = 0; i < 1000; i++) {
      const id = `v${i}`;
      const positive = i % 2 === 0;
      const s = visitor(id, { c: positive ? 0.02 : -0.02 });
      const holdout = inUpliftHoldout(id, 'c', 0.2);
      if (holdout) held++;
      assert.equal(engaged(engine, s), positive || holdout ? 'c' : null, id);
    }
    assert.ok(held > 150 && held < 250, `holdout share ${held / 1000}`);
  });

  it('targets everyone while the campaign has no uplift model', () => {
    const engine = new TargetingEngine({ newExposureId: () => 'x', upliftModel: () => false });
    engine.setCampaigns([campaign('c', { controlShare: 0.1, uplift: mode })]);
    assert.equal(engaged(engine, visitor('v1')), 'c');
    assert.equal(engaged(engine, visitor('v2', { c: -0.5 })), 'c');
  });

  it('holds for every visitor and uplift: engaged exactly when in the holdout, without a model, or uplift > 0', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }),
        fc.option(fc.double({ min: -1, max: 1, noNaN: true }), { nil: undefined }),
        fc.boolean(),
        fc.double({ min: 0.01, max: 0.5, noNaN: true }),
        (id, uplift, hasModel, holdout) => {
          const engine = new TargetingEngine({ newExposureId: () => 'x', upliftModel: () => hasModel });
          engine.setCampaigns([
            campaign('c', { controlShare: 0.1, uplift: { mode: 'positive_only', holdout } }),
          ]);
          const s = visitor(id, uplift === undefined ? undefined : { c: uplift });
          const expected =
            !hasModel || inUpliftHoldout(id, 'c', holdout) || (uplift !== undefined && uplift > 0);
          assert.equal(engaged(engine, s), expected ? 'c' : null);
        },
      ),
    );
  });

  it('refuses a holdout out of range and the mode without a control group, with the path', () => {
    const body = (uplift: unknown, controlShare = 0.1) => ({
      name: 'x',
      status: 'active',
      goal: { type: 'purchase' },
      targeting: { field: 'session.pageViews', op: 'gte', value: 1 },
      engagement: { type: 'content', title: 'Offer', text: '', ctaLabel: 'Go', ctaUrl: 'https://x.test/' },
      controlShare,
      uplift,
    });
    const bad = validateCampaignInput(body({ mode: 'positive_only', holdout: 0.9 }));
    assert.equal(bad.ok, false);
    assert.ok(!bad.ok && bad.errors.some((e) => e.path === '/uplift/holdout'), JSON.stringify(bad));
    const noControl = validateCampaignInput(body({ mode: 'positive_only' }, 0));
    assert.ok(!noControl.ok && noControl.errors.some((e) => e.path === '/uplift/mode'));
    const ok = validateCampaignInput(body({ mode: 'positive_only' }));
    assert.ok(ok.ok);
    assert.deepEqual(ok.ok && ok.value.uplift, { mode: 'positive_only', holdout: 0.1 });
    const off = validateCampaignInput(body({ mode: 'off' }, 0));
    assert.ok(off.ok && off.value.uplift === undefined);
  });
});
