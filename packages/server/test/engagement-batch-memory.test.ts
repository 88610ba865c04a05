import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  BATCH_MEMORY,
  type LiveVisitor,
  recentBatches,
  rememberBatch,
} from '../src/engagement/live-visitor.ts';

const visitor = () => ({ batchIds: [], batchNext: 0, batchSet: new Set() }) as unknown as LiveVisitor;

describe('batch memory: a retried batch is recognised, memory stays bounded', () => {
  it('refuses the recent ids, forgets the oldest, and keeps them in order for the snapshot', () => {
    const v = visitor();
    for (let i = 0; i < BATCH_MEMORY + 10; i++) assert.equal(rememberBatch(v, `b${i}`), true);
    assert.equal(rememberBatch(v, `b${BATCH_MEMORY + 9}`), false, 'the latest is a retry');
    assert.equal(rememberBatch(v, 'b10'), false, 'the oldest still remembered');
    const kept = recentBatches(v);
    assert.equal(kept.length, BATCH_MEMORY);
    assert.deepEqual(
      kept,
      Array.from({ length: BATCH_MEMORY }, (_, i) => `b${i + 10}`),
    );
    assert.equal(rememberBatch(v, 'b9'), true, 'forgotten ids are new again');
    assert.equal(recentBatches(v).at(-1), 'b9');
    assert.equal(v.batchSet.size, BATCH_MEMORY);
  });
});
