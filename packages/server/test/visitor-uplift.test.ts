// A visitor's predicted uplift is computed when a rule reads it, from the features as they were scored.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { LIVE_FEATURE_COUNT } from '@beckon/core/features/index';
import { walkMargin } from '@beckon/core/model/forest';
import { predictUplift, type UpliftModel } from '@beckon/core/model/index';
import { compileNode } from '@beckon/core/targeting/condition-compiler';
import { upliftFiltered } from '@beckon/core/targeting/uplift-mode';
import { createVisitorState, type UpliftReader } from '@beckon/core/visitor-state';
import type { Campaign } from '@beckon/protocol';
import fc from 'fast-check';
import { setUplift, type UpliftUser, type VisitorUplift } from '../src/scoring/uplift-registry.ts';
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
  /** Campaign c2 retrained, and a third campaign c3. */
  let retrained: UpliftUser;
  let third: UpliftUser;
  before(() => {
    ({ sessions, users } = uciUpliftUsers([1, 2], 30));
    [retrained, third] = [uciUpliftUsers([2], 20).users[0]!, uciUpliftUsers([3], 40).users[0]!];
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

  it('reads what the whole prediction gives, and so decides alike, over generated histories of updates, retrained and removed campaigns', () => {
    const T0 = Date.UTC(2026, 10, 2, 9);
    const positiveOnly = (id: string) =>
      upliftFiltered(
        compileNode({ field: 'session.pageViews', op: 'gte', value: 0 }, id),
        { id, uplift: { mode: 'positive_only', holdout: 0 } } as Campaign,
        () => true,
      ).test;
    const rules = ['c1', 'c2', 'c3'].flatMap((id) => [
      compileNode({ field: 'uplift', op: 'gte', value: 0.005 }, id).test,
      compileNode({ field: 'uplift', op: 'lte', value: 0 }, id).test,
      positiveOnly(id),
    ]);
    // The campaigns reading uplift as the registry lists them after a refresh.
    const lists = [
      users,
      [users[0]!, retrained],
      [retrained, third, users[0]!],
      [third],
      [users[1]!, users[0]!],
      [],
    ];
    const feature = fc.integer({ min: 0, max: LIVE_FEATURE_COUNT - 1 });
    const move = feature.chain((k) =>
      fc
        .oneof(
          fc.integer({ min: 0, max: sessions.length - 1 }).map((i) => sessions[i]![k]!),
          fc.constantFrom(Number.NaN, -1, 0, 0.5, 3, 40, 1e4),
        )
        .map((v): [number, number] => [k, v]),
    );
    const step = fc.record({
      /** Features moved (to another real session's value, or to a special one), or a new session. */
      moves: fc.array(move, { maxLength: 4 }),
      restart: fc.option(fc.integer({ min: 0, max: sessions.length - 1 }), { nil: undefined }),
      /** The registry refreshed with another list of campaigns. */
      list: fc.option(fc.integer({ min: 0, max: lists.length - 1 }), { nil: undefined, freq: 8 }),
      /** Whether a rule reads the visitor's uplift after this update (most updates none does). */
      read: fc.boolean(),
    });
    let reads = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: sessions.length - 1 }),
        fc.array(step, { minLength: 20, maxLength: 60 }),
        (start, steps) => {
          const visitor = createVisitorState(
            { visitorId: 'v', sessionId: 's', returning: false, device: 'desktop' },
            T0,
          );
          const reference = createVisitorState(
            { visitorId: 'v', sessionId: 's', returning: false, device: 'desktop' },
            T0,
          );
          const x = new Float64Array(LIVE_FEATURE_COUNT);
          x.set(sessions[start]!);
          let list = lists[0]!;
          for (const s of steps) {
            if (s.restart !== undefined) x.set(sessions[s.restart]!);
            for (const [k, v] of s.moves) x[k] = v;
            if (s.list !== undefined) list = lists[s.list]!;
            setUplift(visitor, list, x);
            // One memory per campaign listed, empty or of that campaign's current model: none of a
            // removed campaign, none of a model retrained since.
            const memos = () => (visitor.uplift as VisitorUplift | undefined)?.memos ?? [];
            assert.equal(memos().length, list.length);
            memos().forEach((m, i) => {
              assert.ok(m.model === null || m.model === list[i]!.model, `memory ${i} of another model`);
            });
            if (!s.read) continue;
            reference.uplift = new Map(list.map((u) => [u.campaignId, predictUplift(u.model, x)]));
            for (const u of list) {
              const got = visitor.uplift?.get(u.campaignId);
              assert.ok(Object.is(got, reference.uplift.get(u.campaignId)), `${u.campaignId}: ${got}`);
              reads++;
            }
            for (const rule of rules) assert.equal(rule(visitor, T0), rule(reference, T0));
            assert.deepEqual(
              memos().map((m) => m.model),
              list.map((u) => u.model),
              'each campaign read remembers its prediction',
            );
          }
        },
      ),
      { numRuns: 150 },
    );
    assert.ok(reads > 1000, `only ${reads} reads were checked`);
  });
});
