import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHAT_KEY } from '../src/chat-key.ts';
import { createStorage, type KeyValueStore } from '../src/storage.ts';
import { emptyChat } from '../src/widget/chat/chat-state.ts';
import {
  createChatStore,
  KEPT_MESSAGES,
  type OtherTabs,
  type SavedChat,
  type StorageChange,
} from '../src/widget/chat/chat-store.ts';
import { blocked, Jar, MemoryStore } from './storage-fakes.ts';

const chat = (messages: number, over: Partial<SavedChat> = {}): SavedChat => ({
  siteKey: 'site_a',
  token: 'ct_secret_token',
  afterSeq: messages,
  open: true,
  state: {
    ...emptyChat(),
    deliveredSeq: messages,
    messages: Array.from({ length: messages }, (_, i) => ({
      conversationId: 'c',
      seq: i + 1,
      senderKind: 'agent' as const,
      senderName: 'Sam',
      echoId: null,
      text: `message ${i + 1}`,
      attachments: [],
      createdAt: '2026-01-01T10:00:00.000Z',
    })),
  },
  ...over,
});

/** The other tabs of the site, as `window` relays their storage changes. */
class Tabs implements OtherTabs {
  private readonly heard: ((e: StorageChange) => void)[] = [];
  addEventListener(_type: 'storage', listener: (e: StorageChange) => void) {
    this.heard.push(listener);
  }
  change(key: string | null, newValue: string | null) {
    for (const l of this.heard) l({ key, newValue });
  }
}

/** A chat store over `local` with the cookie fallback in `jar`, as a page of the site makes it. */
const storeOver = (local: () => KeyValueStore, jar = new Jar(), tabs = new Tabs()) =>
  createChatStore(local, createStorage(local, jar), tabs);

describe('the chat kept for the next page and the other tabs', () => {
  it('keeps the token, the history and the resume point in localStorage, for its own site only', () => {
    const local = new MemoryStore();
    const store = storeOver(() => local);
    store.save(chat(3));
    assert.ok(local.map.has(CHAT_KEY), 'under the key the loader looks for');
    const back = storeOver(() => local).load('site_a');
    assert.equal(back?.token, 'ct_secret_token', 'another page (or tab) of the site finds it');
    assert.equal(back?.afterSeq, 3);
    assert.equal(back?.state.messages.length, 3);
    assert.equal(store.load('site_b'), null, 'another site on the same origin does not pick it up');
    store.save(null);
    assert.equal(local.map.has(CHAT_KEY), false);
    assert.equal(store.load('site_a'), null);
  });

  it('keeps only recent messages of a long chat, and then resumes from the start', () => {
    const local = new MemoryStore();
    const store = storeOver(() => local);
    store.save(chat(KEPT_MESSAGES + 20));
    const back = store.load('site_a')!;
    assert.equal(back.state.messages.length, KEPT_MESSAGES);
    assert.equal(back.state.messages[0]!.seq, 21);
    assert.equal(back.afterSeq, 0);
  });

  it('keeps the token alone when storage is full, in a cookie when it is blocked, in memory when neither works', () => {
    const full = new MemoryStore();
    full.quota = 400;
    const unsent = { echoId: 'w1', text: 'x'.repeat(500), attachments: [] };
    storeOver(() => full).save(chat(20, { state: { ...chat(20).state, outbox: [unsent] } }));
    const back = JSON.parse(full.map.get(CHAT_KEY)!);
    assert.equal(back.token, 'ct_secret_token');
    assert.equal(back.afterSeq, 0);
    assert.deepEqual([back.state.messages.length, back.state.outbox.length], [0, 0]);

    const jar = new Jar();
    storeOver(blocked, jar).save(chat(20));
    assert.ok(jar.values.has(CHAT_KEY), 'the same fallback as the visitor id');
    const fromCookie = storeOver(blocked, jar).load('site_a');
    assert.equal(fromCookie?.token, 'ct_secret_token', 'the next page reopens it from the cookie');
    assert.equal(fromCookie?.state.messages.length, 0, 'without its history, which the server sends again');
    storeOver(blocked, jar).save(null);
    assert.equal(jar.values.has(CHAT_KEY), false, 'forgetting clears the cookie');

    const nowhere = createChatStore(blocked, { get: () => null, set: () => {} }, new Tabs());
    nowhere.save(chat(2));
    assert.equal(nowhere.load('site_a')?.state.messages.length, 2, 'this page still has it');
  });

  it('hears when another tab saves or forgets the chat', () => {
    const local = new MemoryStore();
    const tabs = new Tabs();
    const store = storeOver(() => local, new Jar(), tabs);
    const heard: (string | null)[] = [];
    store.watch('site_a', (c) => heard.push(c ? c.token : null));
    tabs.change(CHAT_KEY, JSON.stringify(chat(1, { token: 'ct_other_tab' })));
    tabs.change('beckon.sid', '{}');
    tabs.change(CHAT_KEY, JSON.stringify(chat(1, { siteKey: 'site_b' })));
    tabs.change(CHAT_KEY, null);
    tabs.change(null, null);
    assert.deepEqual(heard, ['ct_other_tab', null, null, null], 'other keys are not its business');
  });

  it('ignores what it cannot read', () => {
    const local = new MemoryStore();
    local.map.set(CHAT_KEY, '{not json');
    assert.equal(storeOver(() => local).load('site_a'), null);
    local.map.set(CHAT_KEY, JSON.stringify({ siteKey: 'site_a', token: 5 }));
    assert.equal(storeOver(() => local).load('site_a'), null);
  });
});
