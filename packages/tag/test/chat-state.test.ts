import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VisitorConversation, VisitorMessage } from '@beckon/protocol/chat-api';
import {
  answered,
  type ChatAction,
  type ChatState,
  emptyChat,
  forVisitor,
  isLive,
  reduceChat,
  seenSeq,
  unreadCount,
} from '../src/widget/chat/chat-state.ts';

const conversation = (over: Partial<VisitorConversation> = {}): VisitorConversation => ({
  id: 'conv_1',
  status: 'active',
  agentName: 'Sam',
  skillId: 'sk_1',
  queuePosition: null,
  lastSeq: 0,
  visitorReadSeq: 0,
  agentReadSeq: 0,
  csatScore: null,
  ...over,
});
const message = (seq: number, over: Partial<VisitorMessage> = {}): VisitorMessage => ({
  conversationId: 'conv_1',
  seq,
  senderKind: 'agent',
  senderName: 'Sam',
  echoId: null,
  text: `m${seq}`,
  attachments: [],
  createdAt: '2026-01-01T10:00:00.000Z',
  ...over,
});
const run = (...actions: ChatAction[]): ChatState => actions.reduce(reduceChat, emptyChat());
const send = (echoId: string, text = echoId): ChatAction => ({
  type: 'send',
  message: { echoId, text, attachments: [] },
});

describe('the chat state', () => {
  it('keeps messages in sequence order, each once, and remembers how far delivery got', () => {
    const s = run(
      { type: 'welcome', conversation: conversation() },
      { type: 'message', message: message(2) },
      { type: 'message', message: message(1) },
      { type: 'message', message: message(2, { text: 'again' }) },
      { type: 'message', message: message(3) },
    );
    assert.deepEqual(
      s.messages.map((m) => [m.seq, m.text]),
      [
        [1, 'm1'],
        [2, 'm2'],
        [3, 'm3'],
      ],
    );
    assert.equal(s.deliveredSeq, 3);
  });

  it('shows a sent message at once and turns it into the stored one on its ack', () => {
    let s = run({ type: 'welcome', conversation: conversation() }, send('e1', 'Hello'));
    assert.deepEqual(
      s.outbox.map((o) => o.text),
      ['Hello'],
    );
    s = reduceChat(s, { type: 'ack', echoId: 'e1', seq: 4, createdAt: '2026-01-01T10:00:01.000Z' });
    assert.equal(s.outbox.length, 0);
    assert.deepEqual(
      s.messages.map((m) => [m.seq, m.senderKind, m.echoId, m.text]),
      [[4, 'visitor', 'e1', 'Hello']],
    );
    assert.equal(s.deliveredSeq, 0, 'an ack does not prove that earlier messages arrived');
  });

  it('never shows a retried message twice: a redelivered copy, a second ack or a second send change nothing', () => {
    const s = run(
      { type: 'welcome', conversation: conversation() },
      send('e1', 'Hi'),
      send('e1', 'Hi'),
      {
        type: 'message',
        message: message(5, { senderKind: 'visitor', senderName: null, echoId: 'e1', text: 'Hi' }),
      },
      { type: 'ack', echoId: 'e1', seq: 5, createdAt: '2026-01-01T10:00:01.000Z' },
    );
    assert.equal(s.outbox.length, 0);
    assert.equal(s.messages.filter((m) => m.text === 'Hi').length, 1);
  });

  it('marks a refused message, and a retry clears the mark; discard drops it', () => {
    let s = run(send('e1'), { type: 'refused', echoId: 'e1', error: 'Not sent' });
    assert.equal(s.outbox[0]?.error, 'Not sent');
    s = reduceChat(s, { type: 'retry', echoId: 'e1' });
    assert.equal(s.outbox[0]?.error, undefined);
    s = reduceChat(s, { type: 'discard', echoId: 'e1' });
    assert.equal(s.outbox.length, 0);
  });

  it('puts "Seen" under the visitor’s last message the agent has read', () => {
    const mine = (seq: number) =>
      message(seq, { senderKind: 'visitor', senderName: null, echoId: `e${seq}` });
    let s = run(
      { type: 'message', message: mine(1) },
      { type: 'message', message: message(2) },
      { type: 'message', message: mine(3) },
      { type: 'message', message: mine(4) },
    );
    assert.equal(seenSeq(s), 0);
    s = reduceChat(s, { type: 'read', seq: 3 });
    assert.equal(seenSeq(s), 3);
    s = reduceChat(s, { type: 'read', seq: 2 });
    assert.equal(seenSeq(s), 3, 'a late, older read position does not move it back');
    s = reduceChat(s, { type: 'conversation', conversation: conversation({ agentReadSeq: 4 }) });
    assert.equal(seenSeq(s), 4, 'the read position the server keeps counts too');
  });

  it('counts agent messages the visitor has not seen', () => {
    let s = run(
      { type: 'message', message: message(1) },
      { type: 'message', message: message(2, { senderKind: 'system', senderName: null }) },
      { type: 'message', message: message(3) },
    );
    assert.equal(unreadCount(s), 2);
    s = reduceChat(s, { type: 'seen', seq: 3 });
    assert.equal(unreadCount(s), 0);
    assert.equal(reduceChat(s, { type: 'seen', seq: 2 }), s, 'nothing changes, so nothing re-renders');
    const reloaded = reduceChat(emptyChat(), {
      type: 'welcome',
      conversation: conversation({ visitorReadSeq: 3 }),
    });
    assert.equal(reloaded.visitorReadSeq, 3, 'what the visitor read is kept by the server');
  });

  it('shows the typing dots until the agent stops, sends, or the chat ends', () => {
    let s = run(
      { type: 'welcome', conversation: conversation() },
      { type: 'typing', typing: true, name: 'Sam' },
    );
    assert.deepEqual(s.agentTyping, { name: 'Sam' });
    assert.equal(reduceChat(s, { type: 'message', message: message(1) }).agentTyping, null);
    assert.equal(reduceChat(s, { type: 'typing', typing: false }).agentTyping, null);
    s = reduceChat(s, { type: 'conversation', conversation: conversation({ status: 'closed' }) });
    assert.equal(s.agentTyping, null);
    assert.equal(isLive(s), false);
  });

  it('knows whether anyone answered: only then is there a chat to rate', () => {
    const unanswered = run(
      { type: 'welcome', conversation: conversation({ status: 'queued', agentName: null }) },
      { type: 'message', message: message(1, { senderKind: 'visitor', senderName: null }) },
      { type: 'conversation', conversation: conversation({ status: 'closed', agentName: null }) },
    );
    assert.equal(answered(unanswered), false);
    assert.equal(answered(run({ type: 'welcome', conversation: conversation({ status: 'closed' }) })), true);
    const spoke = reduceChat(unanswered, { type: 'message', message: message(2) });
    assert.equal(answered(spoke), true, 'an agent who wrote, even if transferred away since');
  });

  it('tells the visitor about themselves as “you”', () => {
    assert.equal(forVisitor('The visitor ended the chat.'), 'You ended the chat.');
    assert.equal(forVisitor('Sam joined the chat.'), 'Sam joined the chat.');
  });
});
