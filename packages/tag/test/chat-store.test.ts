import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHAT_KEY } from '../src/chat-key.ts';
import { emptyChat } from '../src/widget/chat/chat-state.ts';
import {
  createChatStore,
  KEPT_MESSAGES,
  type SavedChat,
  type SessionLike,
} from '../src/widget/chat/chat-store.ts';

class MemorySession implements SessionLike {
  map = new Map<string, string>();
  quota = Number.POSITIVE_INFINITY;
  getItem = (k: string) => this.map.get(k) ?? null;
  setItem = (k: string, v: string) => {
    if (v.length > this.quota) throw new DOMException('full', 'QuotaExceededError');
    this.map.set(k, v);
  };
  removeItem = (k: string) => void this.map.delete(k);
}

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

describe('the chat kept for the next page', () => {
  it('keeps the token, the history and the resume point in sessionStorage, for its own site only', () => {
    const session = new MemorySession();
    const store = createChatStore(() => session);
    store.save(chat(3));
    assert.ok(session.map.has(CHAT_KEY), 'under the key the loader looks for');
    const back = store.load('site_a');
    assert.equal(back?.token, 'ct_secret_token');
    assert.equal(back?.afterSeq, 3);
    assert.equal(back?.state.messages.length, 3);
    assert.equal(store.load('site_b'), null, 'another site on the same origin does not pick it up');
    store.save(null);
    assert.equal(session.map.has(CHAT_KEY), false);
    assert.equal(store.load('site_a'), null);
  });

  it('keeps only recent messages of a long chat, and then resumes from the start', () => {
    const store = createChatStore(() => new MemorySession());
    store.save(chat(KEPT_MESSAGES + 20));
    const back = store.load('site_a')!;
    assert.equal(back.state.messages.length, KEPT_MESSAGES);
    assert.equal(back.state.messages[0]!.seq, 21);
    assert.equal(back.afterSeq, 0);
  });

  it('falls back to the token alone when storage is full, and to memory when it is blocked', () => {
    const full = new MemorySession();
    full.quota = 400;
    const small = createChatStore(() => full);
    small.save(chat(20));
    const back = JSON.parse(full.map.get(CHAT_KEY)!);
    assert.equal(back.token, 'ct_secret_token');
    assert.equal(back.afterSeq, 0);
    assert.equal(back.state.messages.length, 0);

    const blocked = createChatStore(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    blocked.save(chat(2));
    assert.equal(blocked.load('site_a')?.state.messages.length, 2, 'this page still has it');
  });

  it('ignores what it cannot read', () => {
    const session = new MemorySession();
    session.map.set(CHAT_KEY, '{not json');
    assert.equal(createChatStore(() => session).load('site_a'), null);
    session.map.set(CHAT_KEY, JSON.stringify({ siteKey: 'site_a', token: 5 }));
    assert.equal(createChatStore(() => session).load('site_a'), null);
  });
});
