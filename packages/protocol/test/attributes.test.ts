import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ATTR_TYPES,
  type AttributeValues,
  attributeFieldKinds,
  isAttrType,
  isValidAttribute,
  MAX_CART_ITEMS,
  MAX_STRING_LENGTH,
} from '../src/attributes.ts';

const valid: AttributeValues = {
  cart: { items: [{ sku: 'A1', name: 'Shoe', price: 59.9, quantity: 2 }], total: 119.8, currency: 'EUR' },
  purchase: {
    orderId: 'o-1',
    total: 119.8,
    currency: 'EUR',
    items: [{ sku: 'A1', price: 59.9, quantity: 2 }],
  },
  product_view: { sku: 'A1', name: 'Shoe', price: 59.9, category: 'shoes' },
  customer: { type: 'vip', status: 'active', tier: 'gold', balance: -12.5, id: 'c-9' },
  marketing: { channel: 'email', campaign: 'spring', affiliate: 'aff', source: 'newsletter' },
  lead: { topic: 'mortgage', value: 250000 },
  service: { topic: 'returns', status: 'open' },
  error: { code: 'E42', message: 'card declined' },
  search: { keywords: 'red shoes' },
  personal: { name: 'Ada', language: 'en-GB', email: 'ada@example.com' },
};

describe('engagement attributes', () => {
  it('accepts a typical value of every type', () => {
    for (const t of ATTR_TYPES) assert.equal(isValidAttribute(t, valid[t]), true, t);
  });

  it('accepts minimal values (optional fields left out)', () => {
    assert.equal(isValidAttribute('purchase', { orderId: 'x', total: 0 }), true);
    assert.equal(isValidAttribute('customer', {}), true);
    assert.equal(isValidAttribute('cart', { items: [], total: 0, currency: 'USD' }), true);
  });

  it('rejects unknown fields in every type', () => {
    for (const t of ATTR_TYPES) {
      assert.equal(isValidAttribute(t, { ...valid[t], extra: 1 }), false, t);
    }
  });

  it('rejects NaN, Infinity and negative money', () => {
    assert.equal(isValidAttribute('cart', { ...valid.cart, total: Number.NaN }), false);
    assert.equal(isValidAttribute('cart', { ...valid.cart, total: Number.POSITIVE_INFINITY }), false);
    assert.equal(isValidAttribute('purchase', { orderId: 'x', total: -1 }), false);
    assert.equal(isValidAttribute('customer', { balance: Number.NaN }), false);
    assert.equal(
      isValidAttribute('cart', { items: [{ sku: 'a', price: 1, quantity: 1.5 }], total: 1, currency: 'USD' }),
      false,
    );
  });

  it('rejects oversized strings and oversized carts', () => {
    assert.equal(isValidAttribute('service', { topic: 'x'.repeat(MAX_STRING_LENGTH + 1) }), false);
    assert.equal(isValidAttribute('service', { topic: 'x'.repeat(MAX_STRING_LENGTH) }), true);
    const items = Array.from({ length: MAX_CART_ITEMS + 1 }, (_, i) => ({
      sku: `s${i}`,
      price: 1,
      quantity: 1,
    }));
    assert.equal(isValidAttribute('cart', { items, total: 1, currency: 'USD' }), false);
  });

  it('rejects wrong types and malformed currencies, languages and emails', () => {
    assert.equal(isValidAttribute('search', { keywords: 42 }), false);
    assert.equal(isValidAttribute('cart', { ...valid.cart, currency: 'euro' }), false);
    assert.equal(isValidAttribute('personal', { language: 'english please' }), false);
    assert.equal(isValidAttribute('personal', { email: 'not an email' }), false);
    assert.equal(isValidAttribute('lead', null), false);
    assert.equal(isValidAttribute('lead', ['topic']), false);
  });

  it('knows its types and their addressable scalar fields', () => {
    assert.equal(isAttrType('cart'), true);
    assert.equal(isAttrType('toString'), false);
    assert.equal(isAttrType('__proto__'), false);
    assert.deepEqual({ ...attributeFieldKinds('cart') }, { total: 'number', currency: 'string' });
    assert.equal(attributeFieldKinds('customer').balance, 'number');
    assert.equal(attributeFieldKinds('customer').tier, 'string');
  });
});
