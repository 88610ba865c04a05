import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateCampaignInput } from '@beckon/protocol';
import fc from 'fast-check';
import {
  campaignInput,
  emptyForm,
  formErrors,
  formFromCampaign,
} from '../src/pages/campaigns/campaign-form.ts';
import { addVariant, evenWeights, variantsError } from '../src/pages/campaigns/variants-form.ts';

const form = () => ({
  ...emptyForm('UTC', 'sales'),
  name: 'Headline test',
  engagementType: 'content' as const,
  title: 'Free shipping',
  ctaLabel: 'Shop',
  ctaUrl: 'https://shop.example/',
});
const target = { field: 'cart.total', op: 'gte', value: 100 } as const;

describe('campaign editor: variants', () => {
  it('starts two variants with even weights, and saves what the API accepts', () => {
    const f = { ...form(), variants: addVariant(addVariant([])) };
    assert.deepEqual(
      f.variants.map((v) => [v.key, v.weightPercent]),
      [
        ['A', '50'],
        ['B', '50'],
      ],
    );
    f.variants[1]!.fields = { title: 'Free returns', text: '  ' };
    assert.deepEqual(formErrors(f), {});
    const input = campaignInput(f, target);
    assert.deepEqual(input.engagement.variants, [
      { key: 'A', weight: 0.5 },
      { key: 'B', weight: 0.5, title: 'Free returns' },
    ]);
    const checked = validateCampaignInput(input);
    assert.ok(checked.ok, JSON.stringify(!checked.ok && checked.errors));
  });

  it('shows bad weights, names and counts before saving', () => {
    const two = addVariant(addVariant([]));
    assert.match(variantsError([{ ...two[0]!, weightPercent: '60' }, two[1]!])!, /add up to 110 %/);
    assert.match(variantsError([two[0]!, { ...two[1]!, key: 'A' }])!, /Two variants are named “A”/);
    assert.match(variantsError([two[0]!, { ...two[1]!, key: 'control' }])!, /control group/);
    assert.match(variantsError([two[0]!])!, /second variant/);
    assert.equal(variantsError([]), null);
    assert.ok(formErrors({ ...form(), variants: [two[0]!] }).variants);
  });

  it('splits any 2–5 variants evenly into weights the API accepts (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 5 }), (n) => {
        let list = addVariant([]);
        while (list.length < n) list = addVariant(list);
        list = evenWeights(list);
        assert.equal(variantsError(list), null);
        const input = campaignInput({ ...form(), variants: list }, target);
        assert.ok(validateCampaignInput(input).ok);
      }),
    );
  });

  it('reads a saved campaign’s variants back into the form unchanged', () => {
    const f = { ...form(), variants: addVariant(addVariant([])), minimalEffectPoints: '1' };
    f.variants[0]!.fields = { title: 'Free returns' };
    const input = campaignInput(f, target);
    assert.equal(input.minimalEffect, 0.01);
    const again = formFromCampaign({ ...input, id: 'c1' } as never, 'UTC', 'sales');
    assert.deepEqual(campaignInput(again, target), input);
  });
});
