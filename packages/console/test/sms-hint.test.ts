import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { smsSegments } from '@beckon/protocol/sms-segments';
import { smsHint } from '../src/pages/conversations/chat/sms-hint.ts';

describe('the SMS hint under the composer', () => {
  it('says how many messages a reply is billed as, and the room left in them', () => {
    assert.equal(smsHint(smsSegments('Your order ships today.')), '1 SMS · 23 of 160 characters (GSM-7)');
    assert.equal(smsHint(smsSegments('x'.repeat(161))), '2 SMS · 161 of 306 characters (GSM-7)');
    // One character outside the GSM alphabet sends the whole text as UCS-2.
    assert.equal(smsHint(smsSegments('Merci 😊')), '1 SMS · 8 of 70 characters (UCS-2)');
  });
});
