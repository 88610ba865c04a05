import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseSession, SESSION_IDLE_MS, sessionEnded, touchSession } from '../src/session.ts';

// Local-time instants, so "midnight" is the machine's own midnight like in a browser.
const at = (h: number, m = 0, day = 10) => new Date(2025, 5, day, h, m).getTime();
let n = 0;
const nextId = () => `s${++n}`;

describe('sessions', () => {
  it('starts a session when there is none', () => {
    const s = touchSession(null, at(10), nextId);
    assert.match(s.id, /^s\d+$/);
    assert.equal(s.last, at(10));
  });

  it('continues within 30 minutes of activity and refreshes the activity time', () => {
    const s = { id: 'a', last: at(10) };
    const t = touchSession(s, at(10, 29), nextId);
    assert.equal(t.id, 'a');
    assert.equal(t.last, at(10, 29));
    // Each activity restarts the idle clock: 29 + 29 minutes is still one visit.
    assert.equal(touchSession(t, at(10, 58), nextId).id, 'a');
  });

  it('ends after 30 minutes idle', () => {
    const s = { id: 'a', last: at(10) };
    assert.equal(sessionEnded(s, at(10) + SESSION_IDLE_MS), false);
    assert.equal(sessionEnded(s, at(10) + SESSION_IDLE_MS + 1), true);
    assert.notEqual(touchSession(s, at(10, 31), nextId).id, 'a');
  });

  it('ends at local midnight even when the visitor was active a minute before', () => {
    const s = { id: 'a', last: at(23, 59) };
    assert.equal(sessionEnded(s, at(0, 1, 11)), true);
    assert.equal(sessionEnded({ id: 'a', last: at(0, 0, 11) }, at(0, 5, 11)), false);
  });

  it('reads back only well-formed stored sessions', () => {
    assert.deepEqual(parseSession(JSON.stringify({ id: 'abc-1_2', last: 5 })), { id: 'abc-1_2', last: 5 });
    assert.equal(parseSession(null), null);
    assert.equal(parseSession('not json'), null);
    assert.equal(parseSession(JSON.stringify({ id: 'has space', last: 5 })), null);
    assert.equal(parseSession(JSON.stringify({ id: 'x'.repeat(65), last: 5 })), null);
    assert.equal(parseSession(JSON.stringify({ id: 'ok', last: 'yesterday' })), null);
    assert.equal(parseSession(JSON.stringify({ id: 'ok' })), null);
  });
});
