import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findMentions, mentionQueryAt } from '../src/mention-names.ts';

const people = [
  { id: 'u1', name: 'Ada' },
  { id: 'u2', name: 'Ada Lovelace' },
  { id: 'u3', name: 'Support Agent' },
  { id: 'u4', name: 'José Núñez' },
];

describe('mentions in a note', () => {
  it('names the longest matching colleague, each once, ignoring case and e-mail addresses', () => {
    assert.deepEqual(findMentions('@Ada Lovelace can you look?', people), ['u2']);
    assert.deepEqual(findMentions('@ada, and @SUPPORT AGENT: and @Ada again', people), ['u1', 'u3']);
    assert.deepEqual(findMentions('write to ada@example.com', people), []);
    assert.deepEqual(findMentions('@Adam is no one here', people), []);
    assert.deepEqual(findMentions('(@josé núñez)', people), ['u4']);
  });

  it('finds every colleague written as @Name between any other words (property)', () => {
    const word = fc.stringMatching(/^[a-z ,.!?]{0,12}$/);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(word, fc.constantFrom(...people)), { minLength: 1, maxLength: 4 }),
        word,
        (parts, tail) => {
          const text = `${parts.map(([w, p]) => `${w} @${p.name}`).join(' ')} ${tail}`;
          const found = findMentions(text, people);
          // Every name written is found, or a longer name that starts with it ("Ada Lovelace" for "Ada ...").
          for (const [, p] of parts)
            assert.ok(
              found.includes(p.id) ||
                found.some((id) => people.find((x) => x.id === id)!.name.startsWith(p.name)),
              `${p.name} in ${JSON.stringify(text)}`,
            );
          assert.equal(new Set(found).size, found.length, 'each colleague once');
          for (const id of found) assert.ok(people.some((p) => p.id === id));
        },
      ),
    );
  });

  it('knows the unfinished @name at the caret, for the picker', () => {
    assert.deepEqual(mentionQueryAt('hi @Ad', 6), { start: 3, query: 'Ad' });
    assert.equal(mentionQueryAt('mail me at a@b', 14), null);
    assert.equal(mentionQueryAt('no mention', 10), null);
  });
});
