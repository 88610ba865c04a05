import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeFactor } from '../src/features/feature-words.ts';

describe('score factors in words', () => {
  it('prices money in the visitor’s currency, whole above 100 and to the cent below', () => {
    assert.equal(describeFactor('CartValue', 1250, 0.4, 'USD').text, 'Has $1,250 in the cart');
    assert.equal(describeFactor('CartValue', 12.5, 0.4, 'EUR').text, 'Has €12.50 in the cart');
    assert.equal(
      describeFactor('PageValues', 38.123, 1.2, 'GBP').text,
      'Viewed pages that lead to sales (£38.12 per view)',
    );
  });

  it('prints a bare amount when the currency is unknown, and its code when the runtime lacks it', () => {
    assert.equal(describeFactor('CartValue', 99.9, 0.1).text, 'Has 99.90 in the cart');
    assert.equal(describeFactor('CartValue', 1250, 0.1, 'QQ1').text, 'Has 1,250 QQ1 in the cart');
  });

  it('says which way the factor pushed and falls back to the feature’s name', () => {
    const f = describeFactor('CartValue', 0, -0.3, 'EUR');
    assert.equal(f.effect, 'lowered');
    assert.equal(f.text, 'Nothing in the cart');
    assert.equal(describeFactor('CartValue', Number.NaN, 0.2).text, 'Cart value: not known yet');
    assert.equal(describeFactor('Mystery', 3, 0.2).text, 'Mystery: 3');
  });
});
