import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateCampaignInput } from '@beckon/protocol';
import { groupProblems } from '../src/pages/campaigns/condition-checks.ts';
import { fromCondition, newGroup, newLeaf, toCondition } from '../src/pages/campaigns/condition-model.ts';
import { describeRule } from '../src/pages/campaigns/condition-text.ts';

/** Whether the API would take this targeting, as the console would send it. */
const accepted = (targeting: unknown) =>
  validateCampaignInput({
    name: 'x',
    status: 'active',
    goal: { type: 'purchase' },
    targeting,
    engagement: { type: 'content', title: 'x', text: '', ctaLabel: 'Go', ctaUrl: 'https://shop.example/' },
  });

describe('campaign conditions: empty groups', () => {
  it('will not save an empty “Any of”, which would reach no visitor', () => {
    const root = newGroup('any');
    assert.equal(groupProblems(root).size, 1);
    assert.match(groupProblems(root).get(root.id)!, /matches no visitor/);
    assert.equal(describeRule(root), 'No visitor qualifies: “Any of” needs a condition.');
    const nested = newGroup('all', [newLeaf(), newGroup('any')]);
    assert.deepEqual([...groupProblems(nested).keys()], [nested.children[1]!.id]);
    assert.match(describeRule(nested), /and no one/);
  });

  it('saves an empty “All of” or “None of” as every visitor, in a tree the API accepts', () => {
    for (const op of ['all', 'not'] as const) {
      const root = newGroup(op);
      assert.equal(groupProblems(root).size, 0);
      assert.equal(describeRule(root), 'Every visitor qualifies.');
      const { condition } = toCondition(root);
      assert.deepEqual(condition, { all: [] });
      assert.ok(accepted(condition).ok, `an empty ${op} group`);
    }
    const nested = toCondition(newGroup('all', [newLeaf(), newGroup('not')])).condition;
    assert.ok(accepted(nested).ok);
  });

  it('shows a stored empty any as an “Any of” group to fix, not as every visitor', () => {
    const root = fromCondition({ any: [] });
    assert.equal(root.op, 'any');
    assert.equal(groupProblems(root).size, 1);
  });
});
