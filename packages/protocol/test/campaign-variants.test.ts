import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { validateCampaignInput } from '../src/campaign-validation.ts';

const invitation = {
  type: 'chat_invitation',
  skillId: 'sales',
  message: 'Need a hand?',
  style: 'toaster',
  offline: 'none',
};
const campaign = (engagement: object, extra: object = {}) => ({
  name: 'Checkout hesitation',
  status: 'active',
  goal: { type: 'purchase' },
  targeting: { field: 'cart.total', op: 'gte', value: 100 },
  controlShare: 0.1,
  engagement,
  ...extra,
});
const variants = (...list: object[]) => ({ ...invitation, variants: list });

/** The faults of `input` as "path: message". */
function faults(input: unknown): string[] {
  const r = validateCampaignInput(input);
  assert.equal(r.ok, false, 'expected the input to be refused');
  return r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`);
}

describe('engagement variants', () => {
  it('accepts 2–5 variants that override fields of the engagement kind, and keeps them', () => {
    const r = validateCampaignInput(
      campaign(
        variants(
          { key: 'A', weight: 0.5 },
          { key: 'B', weight: 0.5, message: 'Questions about sizes?', style: 'overlay' },
        ),
        { minimalEffect: 0.01 },
      ),
    );
    assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
    assert.equal(r.value.engagement.variants?.length, 2);
    assert.equal(r.value.minimalEffect, 0.01);
  });

  it('keeps a campaign without variants as it was', () => {
    const r = validateCampaignInput(campaign(invitation));
    assert.ok(r.ok);
    assert.equal('variants' in r.value.engagement, false);
    assert.equal(r.value.minimalEffect, undefined);
  });

  it('refuses weights that do not add up to 1, naming the variants', () => {
    assert.deepEqual(faults(campaign(variants({ key: 'A', weight: 0.5 }, { key: 'B', weight: 0.4 }))), [
      '/engagement/variants: weights must add up to 1 (they add up to 0.9)',
    ]);
    // Within the tolerance of 1e-6 they do.
    assert.ok(
      validateCampaignInput(
        campaign(
          variants({ key: 'A', weight: 1 / 3 }, { key: 'B', weight: 1 / 3 }, { key: 'C', weight: 0.3333334 }),
        ),
      ).ok,
    );
  });

  it('refuses duplicate keys and the key "control"', () => {
    assert.deepEqual(faults(campaign(variants({ key: 'A', weight: 0.5 }, { key: 'A', weight: 0.5 }))), [
      '/engagement/variants/1/key: duplicate key "A"',
    ]);
    assert.deepEqual(faults(campaign(variants({ key: 'control', weight: 0.5 }, { key: 'B', weight: 0.5 }))), [
      '/engagement/variants/0/key: "control" names the control group',
    ]);
  });

  it('refuses a field the engagement kind does not have, and `type`', () => {
    assert.deepEqual(
      faults(
        campaign(
          variants({ key: 'A', weight: 0.5, ctaUrl: 'https://x.example/' }, { key: 'B', weight: 0.5 }),
        ),
      ),
      ['/engagement/variants/0/ctaUrl: unknown property'],
    );
    assert.deepEqual(
      faults(campaign(variants({ key: 'A', weight: 0.5, type: 'content' }, { key: 'B', weight: 0.5 }))),
      ['/engagement/variants/0/type: unknown property'],
    );
    // A variant field is checked like the engagement's own.
    assert.deepEqual(
      faults(campaign(variants({ key: 'A', weight: 0.5, style: 'banner' }, { key: 'B', weight: 0.5 }))).map(
        (f) => f.split(':')[0],
      ),
      ['/engagement/variants/0/style'],
    );
  });

  it('refuses one variant, or more than five', () => {
    const one = faults(campaign(variants({ key: 'A', weight: 1 })));
    assert.ok(
      one.some((f) => f.startsWith('/engagement/variants:') && /2/.test(f)),
      one.join('; '),
    );
    const six = Array.from({ length: 6 }, (_, i) => ({ key: `v${i}`, weight: 1 / 6 }));
    const many = faults(campaign(variants(...six)));
    assert.ok(
      many.some((f) => f.startsWith('/engagement/variants:') && /5/.test(f)),
      many.join('; '),
    );
  });

  it('accepts any 2–5 weights that add up to 1 and refuses them scaled away from 1 (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 2, maxLength: 5 }),
        fc.double({ min: 0.5, max: 1.5, noNaN: true }),
        (parts, scale) => {
          const total = parts.reduce((a, b) => a + b, 0);
          const list = parts.map((p, i) => ({ key: `k${i}`, weight: (p / total) * scale }));
          const sum = list.reduce((a, v) => a + v.weight, 0);
          const ok = validateCampaignInput(campaign(variants(...list))).ok;
          if (Math.abs(sum - 1) <= 1e-6) assert.ok(ok);
          else if (list.every((v) => v.weight <= 1)) assert.equal(ok, false);
        },
      ),
    );
  });
});
