import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { smsSegments } from '../src/sms-segments.ts';

describe('smsSegments: what an SMS reply costs before the agent sends it', () => {
  it('counts GSM-7 text as 160 in one message, then 153 per part', () => {
    assert.deepEqual(smsSegments(''), { encoding: 'GSM-7', segments: 0, units: 0 });
    assert.deepEqual(smsSegments('a'.repeat(160)), { encoding: 'GSM-7', segments: 1, units: 160 });
    assert.equal(smsSegments('a'.repeat(161)).segments, 2);
    assert.equal(smsSegments('a'.repeat(306)).segments, 2);
    assert.equal(smsSegments('a'.repeat(307)).segments, 3);
    assert.equal(smsSegments('Grüße à Ñandu, £5 @ 10:00').encoding, 'GSM-7');
  });

  it('counts extension characters twice and never splits one across parts', () => {
    assert.deepEqual(smsSegments('€'.repeat(80)), { encoding: 'GSM-7', segments: 1, units: 160 });
    assert.equal(smsSegments('€'.repeat(81)).segments, 2);
    // 152 septets then a two-septet "{": it opens the second part.
    assert.equal(smsSegments(`${'a'.repeat(152)}{${'a'.repeat(152)}`).segments, 3);
  });

  it('sends the whole text as UCS-2 once one character is outside GSM: 70, then 67 per part', () => {
    assert.deepEqual(smsSegments('Привет'), { encoding: 'UCS-2', segments: 1, units: 6 });
    assert.equal(smsSegments(`${'a'.repeat(69)}ç`).segments, 1);
    assert.equal(smsSegments(`${'a'.repeat(70)}ç`).segments, 2);
    assert.equal(smsSegments('😀'.repeat(35)).segments, 1);
    // 33 emoji fill 66 units; the 34th (2 units) does not fit in a part of 67.
    assert.equal(smsSegments('😀'.repeat(36)).segments, 2);
    // 134 units would fit two parts of 67, but no pair may straddle them.
    assert.equal(smsSegments(`${'a'.repeat(66)}${'😀'.repeat(34)}`).segments, 3);
  });
});
