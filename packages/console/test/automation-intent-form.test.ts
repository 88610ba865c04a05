import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { draft, emptyForm, ruleOf } from '../src/pages/settings/automation/automation-form.ts';
import { describeAutomation } from '../src/pages/settings/automation/automation-text.ts';

const names = {
  skill: () => 'Support',
  agent: () => '',
  canned: () => '',
  endpoint: () => '',
  site: () => '',
};

describe('automation rules on intent and sentiment', () => {
  it('routes returns to Support when the conversation is classified, and reads as a sentence', () => {
    const form = {
      ...emptyForm(),
      trigger: 'conversation.classified' as const,
      conditions: [draft('intent' as const, 'return, refund'), draft('sentiment' as const, 'negative')],
      actions: [draft('assign_skill' as const, 'skill_support')],
    };
    const rule = ruleOf(form);
    assert.ok(rule.ok);
    assert.deepEqual(rule.trigger, { type: 'conversation.classified' });
    assert.deepEqual(rule.conditions, [
      { type: 'intent', in: ['return', 'refund'] },
      { type: 'sentiment', in: ['negative'] },
    ]);
    assert.equal(
      describeAutomation(rule, names),
      'When a conversation’s intent or sentiment is set and the intent is “return” or “refund” and the sentiment is negative, assign it to Support.',
    );
  });

  it('names the row of an empty intent or sentiment', () => {
    const noIntent = ruleOf({ ...emptyForm(), conditions: [draft('intent' as const, ' , ')] });
    assert.deepEqual(noIntent, { ok: false, fault: 'Condition 1: enter an intent.' });
    const noSentiment = ruleOf({ ...emptyForm(), conditions: [draft('sentiment' as const, '')] });
    assert.deepEqual(noSentiment, { ok: false, fault: 'Condition 1: choose a sentiment.' });
  });
});
