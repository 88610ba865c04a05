// A visitor's predicted uplift is computed when a rule reads it, from the features as they were scored.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { walkMargin } from '@beckon/core/model/forest';
import type { UpliftModel } from '@beckon/core/model/index';
import type { UpliftReader } from '@beckon/core/visitor-state';
import { setUplift, type UpliftUser } from '../src/scoring/uplift-registry.ts';
import { uciUpliftUsers } from './helpers/uci-uplift.ts';

/** The uplift the trees give (walked one by one), to float rounding. */
function assertWalked(actual: number | undefined, m: UpliftModel, x: Float64Array): void {
  const walked =
    1 / (1 + Math.exp(-walkMargin(m.treated, x))) - 1 / (1 + Math.exp(-walkMargin(m.control, x)));
  assert.ok(actual !== undefined && Math.abs(actual - walked) < 1e-12, `${actual} against ${walked}`);
}

describe('a visitor’s predicted uplift', () => {
  let users: UpliftUser[];
  let sessions: Float64Array[];
  before(() => {
    ({ sessions, users } = uciUpliftUsers([1, 2], 30));
  });

  it('is each campaign’s own prediction from the scored features, even when they change before it is read', () => {
    const visitor: { uplift?: UpliftReader } = {};
    for (const x of sessions.slice(0, 300)) {
      const live = x.slice();
      assert.equal(setUplift(visitor, users, live), true);
      live.fill(0); // the session's vector moves on; the visitor was scored with x
      for (const u of users) assertWalked(visitor.uplift?.get(u.campaignId), u.model, x);
      assert.equal(visitor.uplift?.get('c9'), undefined, 'a campaign without a model has none');
    }
  });

  it('is cleared when no campaign reads it any more, and says so once', () => {
    const visitor: { uplift?: UpliftReader } = {};
    assert.equal(setUplift(visitor, [], sessions[0]!), false);
    setUplift(visitor, users, sessions[0]!);
    assert.equal(setUplift(visitor, [], sessions[0]!), true);
    assert.equal(visitor.uplift?.get('c1'), undefined);
    assert.equal(setUplift(visitor, [], sessions[0]!), false);
    setUplift(visitor, users.slice(1), sessions[1]!);
    assert.equal(visitor.uplift?.get('c1'), undefined);
    assertWalked(visitor.uplift?.get('c2'), users[1]!.model, sessions[1]!);
  });
});
