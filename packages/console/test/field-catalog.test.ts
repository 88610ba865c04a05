import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromCondition, toCondition } from '../src/pages/campaigns/condition-model.ts';
import { FIELD_GROUPS, fieldGroupsFor } from '../src/pages/campaigns/field-catalog.ts';

const offered = (groups = FIELD_GROUPS) => groups.flatMap((g) => g.fields);

describe('the rule builder’s field picker', () => {
  it('offers the cart total once, as “Cart total”', () => {
    const cartTotals = offered().filter((f) => /cart/i.test(f.label) && /total/i.test(f.label));
    assert.deepEqual(
      cartTotals.map((f) => [f.template, f.label, f.group]),
      [['cart.total', 'Cart total', 'Cart']],
    );
    assert.equal(offered().filter((f) => /cart/i.test(f.label) && /currency/i.test(f.label)).length, 1);
  });

  it('gives every offered field its own label', () => {
    const labels = offered().map((f) => f.label);
    assert.equal(new Set(labels).size, labels.length);
  });

  it('still shows and saves a condition stored with the cart attribute’s total', () => {
    const stored = { field: 'attr.cart.total', op: 'gte' as const, value: 100 };
    const root = fromCondition(stored);
    const leaf = root.children[0]!;
    assert.equal(leaf.kind === 'leaf' && leaf.template, 'attr.cart.total', 'not read as another field');
    assert.deepEqual(toCondition(root).condition, { all: [stored] });
    const cart = fieldGroupsFor('attr.cart.total').find((g) => g.label === 'Cart')!;
    assert.ok(
      cart.fields.some((f) => f.template === 'attr.cart.total'),
      'its own field stays in its picker',
    );
    assert.equal(fieldGroupsFor('cart.total'), FIELD_GROUPS);
  });
});
