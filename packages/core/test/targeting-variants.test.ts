import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Campaign, ChatInvitation, Engagement } from '@beckon/protocol';
import fc from 'fast-check';
import { controlDraw } from '../src/targeting/control-group.ts';
import type { CapacityFn } from '../src/targeting/eligibility.ts';
import { TargetingEngine } from '../src/targeting/targeting-engine.ts';
import { armFor, pickVariant, variantDraw, variantEngagement } from '../src/targeting/variant-arms.ts';
import { applyEvent, createVisitorState, type VisitorState } from '../src/visitor-state.ts';

const T0 = Date.UTC(2024, 5, 3, 12);
const available: CapacityFn = () => 'available';

const invitation: Engagement = {
  type: 'chat_invitation',
  skillId: 'sales',
  message: 'Hi',
  style: 'toaster',
  offline: 'none',
  translations: { de: { message: 'Hallo' } },
};

function campaign(engagement: Engagement, extra: Partial<Campaign> = {}): Campaign {
  return {
    id: 'c1',
    name: 'c1',
    status: 'active',
    goal: { type: 'purchase' },
    targeting: { field: 'cart.total', op: 'gte', value: 100 },
    frequency: { afterDecline: 'allow' },
    priority: 0,
    controlShare: 0.2,
    engagement,
    attributionWindowDays: 7,
    ...extra,
  };
}
const withVariants = (weights: Record<string, number>, extra: Record<string, object> = {}): Engagement => ({
  ...invitation,
  variants: Object.entries(weights).map(([key, weight]) => ({ key, weight, ...extra[key] })),
});
const visitor = (id: string): VisitorState =>
  createVisitorState({ visitorId: id, sessionId: 's1', returning: false, device: 'desktop' }, T0);

const cart = (s: VisitorState, total: number, now: number) =>
  applyEvent(s, { type: 'attr', attrType: 'cart', value: { items: [], total, currency: 'USD' }, ts: 0 }, now);
/** Qualifies the visitor afresh (cart below, then above 100) and returns the engine's decision (or null). */
function decide(engine: TargetingEngine, s: VisitorState, now = T0 + 1000) {
  engine.evaluate(s, cart(s, 50, now - 1), now - 1, available);
  return engine.evaluate(s, cart(s, 150, now), now, available);
}
function engineWith(c: Campaign): TargetingEngine {
  let n = 0;
  const engine = new TargetingEngine({ newExposureId: () => `x${++n}` });
  assert.deepEqual(engine.setCampaigns([c]), []);
  return engine;
}

describe('variant arms', () => {
  it('splits the visitors not held out by weight, and holds out the control share as before', () => {
    const c = campaign(withVariants({ A: 0.5, B: 0.3, C: 0.2 }));
    const counts: Record<string, number> = { control: 0, A: 0, B: 0, C: 0 };
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const arm = armFor(visitor(`v${i}`), c)!;
      counts[arm.control ? 'control' : arm.variant!]!++;
    }
    const near = (k: string, share: number) =>
      assert.ok(Math.abs(counts[k]! / n - share) < 0.015, `${k}: ${counts[k]! / n} vs ${share}`);
    near('control', 0.2);
    near('A', 0.8 * 0.5);
    near('B', 0.8 * 0.3);
    near('C', 0.8 * 0.2);
  });

  it('draws the variant independently of the control draw', () => {
    // Visitors with a low control draw get the same variant split as those with a high one.
    let lowA = 0;
    let low = 0;
    let highA = 0;
    let high = 0;
    for (let i = 0; i < 40_000; i++) {
      const id = `v${i}`;
      const a = variantDraw(id, 'c1') < 0.5;
      if (controlDraw(id, 'c1') < 0.5) {
        low++;
        if (a) lowA++;
      } else {
        high++;
        if (a) highA++;
      }
    }
    assert.ok(Math.abs(lowA / low - highA / high) < 0.02, `${lowA / low} vs ${highA / high}`);
  });

  it('picks by cumulative weight and never a variant of weight 0', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 2, maxLength: 5 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (weights, draw) => {
          if (weights.every((w) => w === 0)) return;
          const variants = weights.map((weight, i) => ({ key: `k${i}`, weight }));
          assert.ok(pickVariant(variants, draw).weight > 0);
        },
      ),
    );
  });

  it('delivers the campaign engagement with the variant fields on top, without the variants', () => {
    const e = variantEngagement(withVariants({ A: 0.5, B: 0.5 }), {
      key: 'B',
      weight: 0.5,
      message: 'Need a hand?',
      style: 'overlay',
    });
    assert.deepEqual(e, {
      type: 'chat_invitation',
      skillId: 'sales',
      message: 'Need a hand?',
      style: 'overlay',
      offline: 'none',
    });
    // A variant that keeps the text keeps its translations.
    const same = variantEngagement(withVariants({ A: 0.5, B: 0.5 }), {
      key: 'A',
      weight: 0.5,
      style: 'overlay',
    });
    assert.deepEqual((same as ChatInvitation).translations, { de: { message: 'Hallo' } });
  });

  it('keeps a visitor in their arm when the weights change, and gives nothing once their variant is removed', () => {
    const engagement = withVariants({ A: 0.5, B: 0.5 }, { B: { message: 'B text' } });
    const first = campaign(engagement, { controlShare: 0 });
    // Find a visitor drawn into B.
    const id = [...Array(100).keys()]
      .map((i) => `v${i}`)
      .find((v) => armFor(visitor(v), first)?.variant === 'B')!;
    const s = visitor(id);
    const d1 = decide(engineWith(first), s)!;
    assert.equal(d1.variant, 'B');
    assert.equal((d1.engagement as ChatInvitation).message, 'B text');
    assert.equal(s.campaigns.get('c1')!.arm, 'B');

    // Weights moved entirely to A: the visitor still sees B.
    const moved = campaign(withVariants({ A: 1, B: 0 }, { B: { message: 'B text' } }), { controlShare: 0 });
    applyEvent(
      s,
      { type: 'exposure_outcome', exposureId: d1.exposureId, outcome: 'dismissed', ts: 0 },
      T0 + 2000,
    );
    const d2 = decide(engineWith(moved), s, T0 + 3000);
    assert.equal(d2?.variant, 'B');

    // B removed: nothing more from this campaign, and the visitor is not moved to A.
    const removed = campaign(
      {
        ...invitation,
        variants: [
          { key: 'A', weight: 0.5 },
          { key: 'C', weight: 0.5 },
        ],
      },
      { controlShare: 0 },
    );
    applyEvent(
      s,
      { type: 'exposure_outcome', exposureId: d2!.exposureId, outcome: 'dismissed', ts: 0 },
      T0 + 4000,
    );
    assert.equal(decide(engineWith(removed), s, T0 + 5000), null);
    assert.equal(s.campaigns.get('c1')!.arm, 'B');
  });

  it('keeps a held-out visitor held out when the control share is lowered', () => {
    const c = campaign(withVariants({ A: 0.5, B: 0.5 }), { controlShare: 0.5 });
    const id = [...Array(100).keys()].map((i) => `v${i}`).find((v) => armFor(visitor(v), c)?.control)!;
    const s = visitor(id);
    const d = decide(engineWith(c), s)!;
    assert.equal(d.control, true);
    assert.equal(d.variant, undefined);
    assert.equal(s.campaigns.get('c1')!.arm, 'control');
    const lowered = campaign(withVariants({ A: 0.5, B: 0.5 }), { controlShare: 0 });
    assert.equal(armFor(s, lowered)!.control, true);
  });

  it('leaves a campaign without variants exactly as before: no arm recorded, its own engagement object', () => {
    const c = campaign(invitation, { controlShare: 0 });
    const s = visitor('v1');
    const d = decide(engineWith(c), s)!;
    assert.equal(d.variant, undefined);
    assert.equal(d.engagement, c.engagement);
    assert.equal(s.campaigns.get('c1')!.arm, undefined);
  });
});
