import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as protocol from '@beckon/protocol';
import * as limits from '../src/limits.ts';

describe('tag limits mirror the protocol', () => {
  it('uses the same wire limits and close codes as @beckon/protocol', () => {
    assert.equal(limits.MAX_BATCH_EVENTS, protocol.MAX_BATCH_EVENTS);
    assert.equal(limits.MAX_SECTIONS, protocol.MAX_SECTIONS);
    assert.equal(limits.MAX_NAME_LENGTH, protocol.MAX_NAME_LENGTH);
    assert.equal(limits.MAX_PROPS, protocol.MAX_PROPS);
    assert.equal(limits.MAX_ID_LENGTH, protocol.MAX_ID_LENGTH);
    assert.equal(limits.MAX_STRING_LENGTH, protocol.MAX_STRING_LENGTH);
    assert.equal(limits.MAX_TEXT_LENGTH, protocol.MAX_TEXT_LENGTH);
    assert.equal(limits.MAX_URL_LENGTH, protocol.MAX_URL_LENGTH);
    assert.equal(limits.MAX_FRAME_BYTES, protocol.MAX_FRAME_BYTES);
    assert.equal(limits.CLOSE_TOO_LARGE, protocol.CloseCode.TooLarge);
    assert.equal(limits.CLOSE_BAD_FRAME, protocol.CloseCode.BadFrame);
    assert.equal(limits.CLOSE_FORBIDDEN, protocol.CloseCode.Forbidden);
    assert.equal(limits.CLOSE_TIMEOUT, protocol.CloseCode.Timeout);
    assert.equal(limits.CLOSE_RATE_LIMITED, protocol.CloseCode.RateLimited);
    assert.deepEqual([...limits.ATTR_TYPES], protocol.ATTR_TYPES);
  });
});
