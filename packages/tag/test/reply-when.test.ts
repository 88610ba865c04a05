import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { replyWhen } from '../src/widget/chat/reply-when.ts';

describe('the offline form says when the team is back', () => {
  // The test process runs in UTC (process.env.TZ is set below before any Date is made).
  process.env.TZ = 'UTC';
  const friday = Date.parse('2026-01-16T18:00:00Z');

  it('says today, tomorrow, a weekday or a date, with the time the way the locale writes it', () => {
    assert.equal(replyWhen('2026-01-16T20:00:00Z', friday, 'en-US'), 'We reply today at 8:00 PM');
    assert.equal(replyWhen('2026-01-17T09:00:00Z', friday, 'en-US'), 'We reply tomorrow at 9:00 AM');
    assert.equal(replyWhen('2026-01-17T09:00:00Z', friday, 'de-DE'), 'We reply tomorrow at 9:00');
    assert.equal(replyWhen('2026-01-19T08:00:00Z', friday, 'en-GB'), 'We reply on Monday at 8:00');
    assert.equal(replyWhen('2026-02-02T08:00:00Z', friday, 'en-GB'), 'We reply on 2 February at 8:00');
  });

  it('says nothing for a time it cannot read', () => {
    assert.equal(replyWhen('soon', friday), '');
  });
});
