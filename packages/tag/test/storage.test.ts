import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStorage, type KeyValueStore } from '../src/storage.ts';
import { blocked, Jar, MemoryStore } from './storage-fakes.ts';

describe('first-party storage', () => {
  it('uses localStorage when it works and sets no cookie', () => {
    const local = new MemoryStore();
    const jar = new Jar();
    const s = createStorage(() => local, jar);
    s.set('beckon.vid', 'v1');
    assert.equal(s.get('beckon.vid'), 'v1');
    assert.equal(local.map.get('beckon.vid'), 'v1');
    assert.equal(jar.writes.length, 0);
    s.set('beckon.vid', null);
    assert.equal(s.get('beckon.vid'), null);
  });

  it('falls back to a first-party cookie when localStorage is blocked', () => {
    const jar = new Jar();
    const s = createStorage(blocked, jar, true);
    s.set('beckon.sid', JSON.stringify({ id: 'a b;c', last: 1 }));
    assert.deepEqual(JSON.parse(s.get('beckon.sid')!), { id: 'a b;c', last: 1 });
    assert.match(jar.writes[0]!, /; max-age=\d+; path=\/; SameSite=Lax; Secure$/);
    s.set('beckon.sid', null);
    assert.equal(s.get('beckon.sid'), null);
  });

  it('falls back to the cookie when localStorage refuses writes (quota, private mode)', () => {
    const jar = new Jar();
    const full: KeyValueStore = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('quota', 'QuotaExceededError');
      },
      removeItem: () => {},
    };
    const s = createStorage(() => full, jar);
    s.set('beckon.vid', 'v2');
    assert.equal(s.get('beckon.vid'), 'v2');
  });

  it('does not confuse keys that share a suffix, and survives a mangled cookie', () => {
    const jar = new Jar();
    jar.values.set('xbeckon.vid', 'other');
    jar.values.set('beckon.consent', '%E0%A4%A');
    const s = createStorage(blocked, jar);
    assert.equal(s.get('beckon.vid'), null);
    assert.equal(s.get('beckon.consent'), null);
  });
});
