import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AutomationFacts, conditionsHold } from '../src/automation/automation-conditions.ts';

const facts: AutomationFacts = {
  channel: 'web',
  skillId: 'sk_billing',
  siteId: 'site_1',
  contactAttributes: { plan: 'Gold', seats: 12, vip: true, empty: '' },
  text: 'I would like a Refund, please',
  open: false,
  score: 0.42,
};

describe('automation conditions', () => {
  it('a rule without conditions always holds; every condition must hold', () => {
    assert.equal(conditionsHold([], facts), true);
    assert.equal(
      conditionsHold(
        [
          { type: 'channel', in: ['web'] },
          { type: 'channel', in: ['email'] },
        ],
        facts,
      ),
      false,
    );
  });

  it('channel, skill and site are one of a list', () => {
    assert.equal(conditionsHold([{ type: 'channel', in: ['email', 'web'] }], facts), true);
    assert.equal(conditionsHold([{ type: 'skill', in: ['sk_sales'] }], facts), false);
    assert.equal(conditionsHold([{ type: 'site', in: ['site_1'] }], facts), true);
    assert.equal(conditionsHold([{ type: 'skill', in: ['sk_billing'] }], { ...facts, skillId: null }), false);
  });

  it('text contains any of the words, ignoring case; no text never matches', () => {
    assert.equal(conditionsHold([{ type: 'text_contains', any: ['refund'] }], facts), true);
    assert.equal(conditionsHold([{ type: 'text_contains', any: ['cancel', 'REFUND'] }], facts), true);
    assert.equal(conditionsHold([{ type: 'text_contains', any: ['cancel'] }], facts), false);
    assert.equal(
      conditionsHold([{ type: 'text_contains', any: ['refund'] }], { ...facts, text: null }),
      false,
    );
  });

  it('contact attributes: equals and contains ignore case; exists needs a value; no contact fails', () => {
    const attr = (op: 'equals' | 'contains' | 'exists', key: string, value?: string) =>
      conditionsHold([{ type: 'contact_attribute', key, op, value }], facts);
    assert.equal(attr('equals', 'plan', 'gold'), true);
    assert.equal(attr('equals', 'plan', 'go'), false);
    assert.equal(attr('contains', 'plan', 'OL'), true);
    assert.equal(attr('equals', 'seats', '12'), true);
    assert.equal(attr('equals', 'vip', 'true'), true);
    assert.equal(attr('exists', 'plan'), true);
    assert.equal(attr('exists', 'empty'), false);
    assert.equal(attr('exists', 'missing'), false);
    assert.equal(attr('equals', 'toString', 'x'), false, 'only own attributes');
    assert.equal(
      conditionsHold([{ type: 'contact_attribute', key: 'plan', op: 'exists' }], {
        ...facts,
        contactAttributes: null,
      }),
      false,
    );
  });

  it('business hours: open or closed now', () => {
    assert.equal(conditionsHold([{ type: 'business_hours', open: false }], facts), true);
    assert.equal(conditionsHold([{ type: 'business_hours', open: true }], facts), false);
  });

  it('purchase score: at least, or below; an unknown score matches neither', () => {
    assert.equal(conditionsHold([{ type: 'purchase_score', op: 'at_least', value: 0.42 }], facts), true);
    assert.equal(conditionsHold([{ type: 'purchase_score', op: 'below', value: 0.42 }], facts), false);
    assert.equal(conditionsHold([{ type: 'purchase_score', op: 'below', value: 0.5 }], facts), true);
    const unknown = { ...facts, score: null };
    assert.equal(conditionsHold([{ type: 'purchase_score', op: 'below', value: 0.5 }], unknown), false);
    assert.equal(conditionsHold([{ type: 'purchase_score', op: 'at_least', value: 0 }], unknown), false);
  });
});
