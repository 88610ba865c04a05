import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Suggestion } from '@beckon/protocol/assist-api';
import { SuggestionTracker } from '../src/pages/conversations/chat/assist/suggestion-feedback.ts';

const KB: Suggestion = { source: 'knowledge', text: 'Returns are free within 30 days.' };
const CANNED: Suggestion = { source: 'canned', text: 'I have sent a copy of your invoice.' };
const MODEL: Suggestion = { source: 'model', text: 'Sorry! I will check your parcel now.' };

/** A tracker and the counts it posted, as `source:outcome`. */
function tracked() {
  const posted: string[] = [];
  const tracker = new SuggestionTracker((_id, source, outcome) => posted.push(`${source}:${outcome}`));
  return { tracker, posted };
}

describe('what the agent did with suggested replies', () => {
  it('counts each suggestion shown once, however often the composer draws it', () => {
    const { tracker, posted } = tracked();
    tracker.shown('c1', 4, [KB, CANNED]);
    tracker.shown('c1', 4, [KB, CANNED]);
    tracker.shown('c1', 4, [KB, CANNED, MODEL]);
    assert.deepEqual(posted, ['knowledge:shown', 'canned:shown', 'model:shown']);
  });

  it('a reply sent unchanged is used; the others shown are ignored', () => {
    const { tracker, posted } = tracked();
    tracker.shown('c1', 4, [KB, CANNED]);
    tracker.inserted('c1', 4, CANNED);
    tracker.sent('c1', `  ${CANNED.text} `);
    assert.deepEqual(posted.slice(2), ['canned:used', 'knowledge:ignored']);
    assert.equal(tracker.settled('c1', 4), true, 'its suggestions are done with');
  });

  it('a reply changed after inserting is edited', () => {
    const { tracker, posted } = tracked();
    tracker.shown('c1', 4, [MODEL]);
    tracker.inserted('c1', 4, MODEL);
    tracker.sent('c1', `${MODEL.text} It should arrive tomorrow.`);
    assert.deepEqual(posted, ['model:shown', 'model:edited']);
  });

  it('a reply written without them ignores them all, and a second reply counts nothing more', () => {
    const { tracker, posted } = tracked();
    tracker.shown('c1', 4, [KB, CANNED]);
    tracker.sent('c1', 'Hello!');
    tracker.sent('c1', 'Anything else?');
    assert.deepEqual(posted.slice(2), ['knowledge:ignored', 'canned:ignored']);
  });

  it('the customer moving on settles the older line as ignored; a late frame of it is dropped', () => {
    const { tracker, posted } = tracked();
    tracker.shown('c1', 4, [KB]);
    tracker.inserted('c1', 4, KB);
    tracker.shown('c1', 6, [CANNED]);
    tracker.shown('c1', 4, [MODEL]);
    assert.deepEqual(posted, ['knowledge:shown', 'knowledge:ignored', 'canned:shown']);
  });

  it('a chat that ends ignores what was shown; conversations are counted apart', () => {
    const { tracker, posted } = tracked();
    tracker.shown('c1', 4, [KB]);
    tracker.shown('c2', 9, [CANNED]);
    tracker.ended('c1');
    tracker.ended('c1');
    assert.deepEqual(posted, ['knowledge:shown', 'canned:shown', 'knowledge:ignored']);
    assert.equal(tracker.settled('c2', 9), false);
  });
});
