import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { initials } from '../src/components/people.ts';

describe('avatar initials', () => {
  it('takes the first letters of the first and last names', () => {
    assert.equal(initials('Ada Lovelace'), 'AL');
    assert.equal(initials('  grace   brewster hopper '), 'GH');
    assert.equal(initials('Plato'), 'PL');
    assert.equal(initials('Émile Zola'), 'ÉZ');
  });

  it('counts letters only: no punctuation, digits, emoji or markup', () => {
    assert.equal(initials('Quinn <b>QA</b>'), 'QQ');
    assert.equal(initials('(Sales) Ada'), 'SA');
    assert.equal(initials('Ada 🙂'), 'AD');
    assert.equal(initials('"Bob" O’Neil'), 'BO');
    assert.equal(initials('Agent 007'), 'AG');
  });

  it('falls back to a question mark when there is no letter at all', () => {
    assert.equal(initials(''), '?');
    assert.equal(initials('  '), '?');
    assert.equal(initials('<b></b> 42'), '?');
  });
});
