import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import type { Condition, LeafCondition, VisitorEvent } from '@beckon/protocol';
import {
  compileCondition,
  fieldsOf,
  InvalidConditionError,
  inputsOf,
} from '../src/targeting/condition-compiler.ts';
import { compileGlob } from '../src/targeting/glob.ts';
import {
  applyEvent,
  attrBit,
  createVisitorState,
  Field,
  setScore,
  type VisitorState,
} from '../src/visitor-state.ts';

const T0 = 1_700_000_000_000;

/** A visitor 40 s into a checkout page, after two product pages, with a cart that dropped from 150 to 120. */
function sample(): VisitorState {
  const s = createVisitorState({ visitorId: 'v1', sessionId: 's1', returning: true, device: 'mobile' }, T0);
  const ev = (e: VisitorEvent, at: number) => applyEvent(s, e, T0 + at);
  ev(
    {
      type: 'page_view',
      url: 'https://shop.test/p/1?utm_source=newsletter&utm_medium=email&utm_campaign=spring',
      sections: ['product'],
      ts: 0,
    },
    0,
  );
  ev({ type: 'page_view', url: 'https://shop.test/p/2', sections: ['product', 'shoes'], ts: 0 }, 10_000);
  ev(
    {
      type: 'attr',
      attrType: 'cart',
      value: { items: [{ sku: 'a', price: 75, quantity: 2 }], total: 150, currency: 'USD' },
      ts: 0,
    },
    15_000,
  );
  ev(
    {
      type: 'attr',
      attrType: 'cart',
      value: { items: [{ sku: 'a', price: 60, quantity: 2 }], total: 120, currency: 'USD' },
      ts: 0,
    },
    16_000,
  );
  ev({ type: 'attr', attrType: 'customer', value: { tier: 'silver', balance: 10 }, ts: 0 }, 17_000);
  ev({ type: 'attr', attrType: 'customer', value: { tier: 'gold', balance: 25 }, ts: 0 }, 18_000);
  ev({ type: 'event', name: 'coupon_failed', ts: 0 }, 19_000);
  ev(
    {
      type: 'page_view',
      url: 'https://shop.test/checkout/payment?step=2',
      title: 'Pay',
      sections: ['checkout'],
      ts: 0,
    },
    20_000,
  );
  setScore(s, 0.42);
  return s;
}
const NOW = T0 + 60_000; // 40 s on the checkout page, 60 s on site

function check(leaf: LeafCondition | Condition, expected: boolean, state = sample(), now = NOW) {
  assert.equal(compileCondition(leaf as Condition)(state, now), expected, JSON.stringify(leaf));
}
const both = (
  field: string,
  op: LeafCondition['op'],
  yes: LeafCondition['value'],
  no: LeafCondition['value'],
) => {
  check({ field, op, value: yes } as LeafCondition, true);
  check({ field, op, value: no } as LeafCondition, false);
};

describe('operators', () => {
  it('equals / not_equals on strings, numbers and booleans', () => {
    both('visitor.device', 'equals', 'mobile', 'desktop');
    both('visitor.device', 'not_equals', 'desktop', 'mobile');
    both('session.pageViews', 'equals', 3, 2);
    both('session.pageViews', 'not_equals', 2, 3);
    both('visitor.returning', 'equals', true, false);
    both('visitor.returning', 'not_equals', false, true);
    both('attr.customer.tier', 'equals', 'gold', 'Gold');
  });

  it('contains: case-insensitive substring on strings, membership on sections', () => {
    both('page.url', 'contains', 'CHECKOUT', 'cart');
    both('page.section', 'contains', 'checkout', 'product');
  });

  it('matches: URL globs on the path or the full URL, and regexes', () => {
    both('page.url', 'matches', '/checkout*', '/cart*');
    both('page.url', 'matches', '/checkout/*?step=2', '/checkout');
    both('page.url', 'matches', 'https://shop.test/*', 'https://other.test/*');
    both('page.url', 'matches', '*PAYMENT*', '*shipping*');
    both('page.url', 'matches', { regex: '/checkout/(payment|review)' }, { regex: '^/checkout' });
    both('page.path', 'matches', { regex: '^/CHECKOUT', flags: 'i' }, { regex: '^/CHECKOUT' });
    both('page.section', 'matches', 'check*', 'prod*');
    both('marketing.campaign', 'matches', 'spr*', 'sum*');
  });

  it('in: any of a list, for scalars and for sections', () => {
    both('visitor.device', 'in', ['tablet', 'mobile'], ['desktop']);
    both('session.pageViews', 'in', [1, 3], [1, 2]);
    both('page.section', 'in', ['cart', 'checkout'], ['product']);
    both('marketing.channel', 'in', ['email', 'social'], ['paid']);
  });

  it('gte / lte on numbers, counts and times (seconds)', () => {
    both('cart.total', 'gte', 120, 120.01);
    both('cart.total', 'lte', 120, 119.99);
    both('cart.items', 'gte', 2, 3);
    both('session.sectionViews.product', 'gte', 2, 3);
    both('session.sectionViews.product', 'lte', 2, 1);
    both('session.sectionViews.unknown', 'lte', 0, -1);
    both('page.timeOnPage', 'gte', 40, 41);
    both('page.timeOnPage', 'lte', 40, 39);
    both('session.timeOnSite', 'gte', 60, 61);
    both('session.timeOnSite', 'lte', 60, 59);
    both('score', 'gte', 0.4, 0.5);
    both('attr.customer.balance', 'lte', 25, 24);
    both('event.coupon_failed', 'gte', 1, 2);
    both('event.coupon_failed', 'lte', 1, 0);
    both('event.never_seen', 'lte', 0, -1);
  });

  it('changed / increased / decreased compare with the previous differing value', () => {
    check({ field: 'cart.total', op: 'changed' }, true);
    check({ field: 'cart.total', op: 'decreased' }, true);
    check({ field: 'cart.total', op: 'decreased', value: 30 }, true);
    check({ field: 'cart.total', op: 'decreased', value: 31 }, false);
    check({ field: 'cart.total', op: 'increased' }, false);
    check({ field: 'cart.items', op: 'changed' }, false, undefined);
    check({ field: 'attr.customer.tier', op: 'changed' }, true);
    check({ field: 'attr.customer.balance', op: 'increased', value: 15 }, true);
    check({ field: 'attr.customer.balance', op: 'increased', value: 16 }, false);
    check({ field: 'attr.customer.balance', op: 'decreased' }, false);
    check({ field: 'attr.lead.value', op: 'changed' }, false);
  });

  it('a first cart counts as an increase from nothing', () => {
    const s = createVisitorState({ visitorId: 'v', sessionId: 's', returning: false, device: 'desktop' }, T0);
    applyEvent(
      s,
      { type: 'attr', attrType: 'cart', value: { items: [], total: 30, currency: 'USD' }, ts: 0 },
      T0,
    );
    check({ field: 'cart.total', op: 'increased' }, true, s, T0);
    check({ field: 'cart.total', op: 'changed' }, true, s, T0);
  });

  it('within: an event or an attribute reported in the last N seconds', () => {
    both('event.coupon_failed', 'within', 41, 40);
    both('attr.customer', 'within', 42, 41);
    check({ field: 'event.never_seen', op: 'within', value: 1e6 }, false);
    check({ field: 'attr.purchase', op: 'within', value: 1e6 }, false);
  });

  it('every field kind reads the state', () => {
    both('page.path', 'equals', '/checkout/payment?step=2', '/checkout/payment');
    both('marketing.source', 'equals', 'newsletter', 'google');
    both('marketing.medium', 'equals', 'email', 'cpc');
    both('cart.currency', 'equals', 'USD', 'EUR');
    both('attr.cart.total', 'equals', 120, 150);
    both('attr.cart.currency', 'in', ['USD'], ['EUR']);
  });

  it('absent facts satisfy no operator, not even not_equals', () => {
    const s = createVisitorState({ visitorId: 'v', sessionId: 's', returning: false, device: 'desktop' }, T0);
    for (const leaf of [
      { field: 'score', op: 'not_equals', value: 1 },
      { field: 'attr.customer.tier', op: 'not_equals', value: 'gold' },
      { field: 'page.url', op: 'matches', value: '*' },
      { field: 'page.url', op: 'contains', value: '/' },
      { field: 'marketing.source', op: 'in', value: ['x'] },
      { field: 'page.section', op: 'contains', value: 'x' },
    ] as LeafCondition[]) {
      check(leaf, false, s, T0);
    }
    check({ field: 'cart.total', op: 'lte', value: 0 }, true, s, T0);
    check({ field: 'cart.items', op: 'equals', value: 0 }, true, s, T0);
    check({ not: { field: 'attr.customer.tier', op: 'equals', value: 'gold' } }, true, s, T0);
  });
});

describe('trees', () => {
  const yes: Condition = { field: 'visitor.device', op: 'equals', value: 'mobile' };
  const no: Condition = { field: 'visitor.device', op: 'equals', value: 'desktop' };
  it('all / any / not combine, with empty all = true and empty any = false', () => {
    check({ all: [yes, yes] }, true);
    check({ all: [yes, no] }, false);
    check({ any: [no, yes] }, true);
    check({ any: [no, no] }, false);
    check({ not: no }, true);
    check({ not: yes }, false);
    check({ all: [] }, true);
    check({ any: [] }, false);
    check({ all: [{ any: [no, { not: no }] }, { not: { all: [yes, no] } }] }, true);
  });

  it('refuses to compile an invalid tree', () => {
    assert.throws(
      () => compileCondition({ all: [{ field: 'page.url', op: 'gte', value: 1 }] } as Condition),
      (e: unknown) => e instanceof InvalidConditionError && e.errors[0]?.path === '/all/0/op',
    );
  });

  it('reports the inputs a tree depends on', () => {
    const tree: Condition = {
      all: [
        { field: 'page.section', op: 'contains', value: 'checkout' },
        { field: 'page.timeOnPage', op: 'gte', value: 30 },
        { not: { field: 'attr.customer.tier', op: 'equals', value: 'gold' } },
      ],
    };
    assert.equal(inputsOf(tree), Field.Page | Field.PageTime | Field.Clock | attrBit('customer'));
    assert.equal(inputsOf({ field: 'cart.total', op: 'gte', value: 1 }), Field.Cart);
    assert.equal(inputsOf({ field: 'event.x', op: 'gte', value: 1 }), Field.Event | Field.Session);
    assert.equal(inputsOf({ field: 'event.x', op: 'within', value: 1 }) & Field.Clock, Field.Clock);
    assert.deepEqual([...fieldsOf(tree)], ['page.section', 'page.timeOnPage', 'attr.customer.tier']);
  });
});

describe('globs', () => {
  it('match literally except for *, case-insensitively, in linear time', () => {
    const g = compileGlob('/checkout*');
    assert.equal(g('/checkout'), true);
    assert.equal(g('/CHECKOUT/step'), true);
    assert.equal(g('/check'), false);
    assert.equal(compileGlob('/a.b?c')('/a.b?c'), true);
    assert.equal(compileGlob('/a.b?c')('/aXb?c'), false);
    assert.equal(compileGlob('*x*y*')('axbyc'), true);
    assert.equal(compileGlob('*x*y*')('aybxc'), false);
    assert.equal(compileGlob('a*a')('a'), false);
    assert.equal(compileGlob('*')(''), true);
    const hostile = compileGlob(`${'*a'.repeat(100)}*b`);
    // A backtracking regex for this pattern would not finish; the segment matcher does at once.
    assert.equal(hostile('a'.repeat(2000)), false);
  });
});

describe('hostile campaign regexes', () => {
  it('cost bounded time against a long URL once the server has turned the fall-back engine on', () => {
    setFlagsFromString('--enable-experimental-regexp-engine');
    setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
    const s = createVisitorState(
      { visitorId: 'v1', sessionId: 's1', returning: false, device: 'desktop' },
      T0,
    );
    applyEvent(s, { type: 'page_view', url: `https://shop.test/${'a'.repeat(5000)}!`, ts: T0 }, T0);
    // Backtracking alone would take longer than the age of the universe here; the test would hang.
    for (const regex of ['(a+)+$', '^https://shop.test/(a|a)*$', '/([a-z]+)*[0-9]$']) {
      const c = compileCondition({ field: 'page.url', op: 'matches', value: { regex } });
      assert.equal(c(s, T0), false, regex);
    }
    const ci = compileCondition({
      field: 'page.url',
      op: 'matches',
      value: { regex: '/(A+)+$', flags: 'i' },
    });
    assert.equal(ci(s, T0), false);
  });
});
