import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ID_PATTERN, randomId } from '../src/ids.ts';

describe('ids', () => {
  it('are protocol-valid, 128-bit and unique', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = randomId();
      assert.match(id, ID_PATTERN);
      assert.equal(id.length, 32);
      seen.add(id);
    }
    assert.equal(seen.size, 2000);
  });
});
