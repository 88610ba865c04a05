import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Conversation, Message } from '@beckon/protocol/chat-api';
import type { AgentProfile } from '@beckon/protocol/chat-protocol';
import { addPending, markRead, retryPending, watchChat } from '../src/workspace/workspace-actions.ts';
import {
  applyFrame,
  attentionCount,
  contiguousSeq,
  initialState,
  unreadCount,
  visitorTyping,
  type WorkspaceState,
  withTranslations,
} from '../src/workspace/workspace-state.ts';

const T = '2026-03-01T10:00:00.000Z';
const agent = (role = 'agent'): AgentProfile => ({
  id: 'user_me',
  name: 'Ada',
  role,
  status: 'online',
  capacity: 3,
  skillIds: ['skill_sales'],
});
const conv = (id: string, over: Partial<Conversation> = {}): Conversation => ({
  id,
  siteId: 'site_1',
  visitorId: 'v1',
  contactId: null,
  state: 'open',
  snoozedUntil: null,
  channel: 'web',
  source: 'visitor',
  originExposureId: null,
  skillId: 'skill_sales',
  status: 'active',
  assignedAgentId: 'user_me',
  offeredTo: null,
  priority: 0,
  value: 0,
  visitorName: 'Maria',
  visitorEmail: null,
  topic: null,
  enqueuedAt: T,
  offeredAt: null,
  assignedAt: T,
  firstResponseAt: null,
  closedAt: null,
  closedBy: null,
  disposition: null,
  tags: [],
  csatScore: null,
  csatComment: null,
  lastSeq: 0,
  lastMessageAt: null,
  visitorReadSeq: 0,
  agentReadSeq: 0,
  createdAt: T,
  ...over,
});
const msg = (conversationId: string, seq: number, over: Partial<Message> = {}): Message => ({
  conversationId,
  seq,
  senderKind: 'visitor',
  senderId: null,
  senderName: null,
  echoId: null,
  text: `m${seq}`,
  attachments: [],
  createdAt: T,
  ...over,
});

function ready(
  conversations: Conversation[],
  role = 'agent',
  s: WorkspaceState = initialState,
): WorkspaceState {
  return applyFrame(s, { type: 'ready', agent: agent(role), conversations }, 0);
}

describe('workspace state', () => {
  it('keeps messages in sequence order, each once, whatever order they arrive in', () => {
    let s = ready([conv('c1')]);
    for (const seq of [2, 1, 3, 2, 1]) s = applyFrame(s, { type: 'message', message: msg('c1', seq) }, 0);
    assert.deepEqual(
      s.chats.c1!.messages.map((m) => m.seq),
      [1, 2, 3],
    );
    s = applyFrame(s, { type: 'message', message: msg('c1', 5) }, 0);
    assert.equal(contiguousSeq(s.chats.c1!), 3, 'resume from before the gap');
  });

  it('shows a send at once and confirms it with the ack, not with an echo', () => {
    let s = ready([conv('c1')]);
    s = addPending(s, {
      echoId: 'e1',
      conversationId: 'c1',
      text: 'Hello',
      note: false,
      attachments: [],
      afterSeq: 0,
      state: 'sending',
      createdAt: T,
    });
    assert.equal(s.chats.c1!.pending.length, 1);
    s = applyFrame(
      s,
      { type: 'ack', echoId: 'e1', conversationId: 'c1', seq: 4, createdAt: T, duplicate: false },
      0,
    );
    const chat = s.chats.c1!;
    assert.equal(chat.pending.length, 0);
    assert.deepEqual(
      chat.messages.map((m) => [m.seq, m.senderKind, m.text, m.senderName]),
      [[4, 'agent', 'Hello', 'Ada']],
    );
    // The same message coming back after a reconnect (resumed from the store) is not shown twice.
    s = applyFrame(
      s,
      { type: 'message', message: msg('c1', 4, { senderKind: 'agent', echoId: 'e1', text: 'Hello' }) },
      0,
    );
    assert.equal(s.chats.c1!.messages.length, 1);
  });

  it('shows where a line on another channel is: queued on the ack, then each delivery report', () => {
    let s = ready([conv('c1', { channel: 'email' })]);
    s = addPending(s, {
      echoId: 'e1',
      conversationId: 'c1',
      text: 'Your refund is on its way',
      note: false,
      attachments: [],
      afterSeq: 0,
      state: 'sending',
      createdAt: T,
    });
    s = applyFrame(
      s,
      {
        type: 'ack',
        echoId: 'e1',
        conversationId: 'c1',
        seq: 2,
        createdAt: T,
        duplicate: false,
        deliveryStatus: 'queued',
      },
      0,
    );
    const line = () => s.chats.c1!.messages.find((m) => m.seq === 2)!;
    assert.equal(line().deliveryStatus, 'queued');
    s = applyFrame(
      s,
      { type: 'delivery', conversationId: 'c1', seq: 2, status: 'failed', reason: 'mailbox full' },
      0,
    );
    assert.deepEqual([line().deliveryStatus, line().deliveryReason], ['failed', 'mailbox full']);
    s = applyFrame(s, { type: 'delivery', conversationId: 'c1', seq: 2, status: 'sent' }, 0);
    assert.deepEqual([line().deliveryStatus, line().deliveryReason], ['sent', undefined]);
    s = applyFrame(s, { type: 'delivery', conversationId: 'c1', seq: 2, status: 'read' }, 0);
    // A late report of less never takes the line back; a failure still shows.
    s = applyFrame(s, { type: 'delivery', conversationId: 'c1', seq: 2, status: 'sent' }, 0);
    assert.equal(line().deliveryStatus, 'read');
    s = applyFrame(s, { type: 'delivery', conversationId: 'c1', seq: 2, status: 'delivered' }, 0);
    assert.equal(line().deliveryStatus, 'read');
    const before = s;
    s = applyFrame(s, { type: 'delivery', conversationId: 'c9', seq: 1, status: 'read' }, 0);
    assert.equal(s, before, 'a report for a chat not shown changes nothing');
  });

  it('marks a refused send as failed with the server’s reason', () => {
    let s = ready([conv('c1')]);
    s = addPending(s, {
      echoId: 'e9',
      conversationId: 'c1',
      text: 'x',
      note: true,
      attachments: [],
      afterSeq: 0,
      state: 'sending',
      createdAt: T,
    });
    s = applyFrame(
      s,
      {
        type: 'error',
        code: 'conversation_closed',
        message: 'the conversation is closed',
        echoId: 'e9',
        conversationId: 'c1',
      },
      0,
    );
    assert.equal(s.chats.c1!.pending[0]!.state, 'failed');
    assert.equal(s.chats.c1!.pending[0]!.error, 'the conversation is closed');
  });

  it('counts unread visitor messages until the agent reads them; offers count too', () => {
    let s = ready([conv('c1')]);
    s = applyFrame(s, { type: 'message', message: msg('c1', 1) }, 0);
    s = applyFrame(s, { type: 'message', message: msg('c1', 2, { senderKind: 'system' }) }, 0);
    s = applyFrame(s, { type: 'message', message: msg('c1', 3) }, 0);
    assert.equal(unreadCount(s.chats.c1!), 2);
    s = applyFrame(
      s,
      {
        type: 'offer',
        conversation: conv('c2', { status: 'offered', assignedAgentId: null, offeredTo: 'user_me' }),
        expiresAt: T,
      },
      0,
    );
    assert.equal(attentionCount(s), 3);
    s = markRead(s, 'c1', 3);
    assert.equal(attentionCount(s), 1);
    s = applyFrame(s, { type: 'offer_revoked', conversationId: 'c2', reason: 'timeout' }, 0);
    assert.equal(attentionCount(s), 0);
    assert.equal(s.chats.c2, undefined);
    assert.match(s.notices.at(-1)!.text, /timed out/);
  });

  it('moves an accepted offer into my chats; a reassignment takes it away with a notice', () => {
    let s = ready([]);
    const offered = conv('c1', { status: 'offered', assignedAgentId: null, offeredTo: 'user_me' });
    s = applyFrame(s, { type: 'offer', conversation: offered, expiresAt: T }, 0);
    assert.equal(s.chats.c1!.relation, 'offer');
    s = applyFrame(s, { type: 'assigned', conversation: conv('c1') }, 0);
    assert.deepEqual(s.mine, ['c1']);
    assert.deepEqual(s.offers, []);
    assert.equal(s.chats.c1!.relation, 'mine');
    s = { ...s, selectedId: 'c1' };
    s = applyFrame(s, { type: 'unassigned', conversationId: 'c1', reason: 'reassigned' }, 0);
    assert.deepEqual(s.mine, []);
    assert.equal(s.selectedId, null);
    assert.match(s.notices.at(-1)!.text, /reassigned/);
  });

  it('starts from the read positions the server kept (a reload shows no old message as unread)', () => {
    let s = ready([conv('c1', { agentReadSeq: 2, visitorReadSeq: 3 })]);
    for (const seq of [1, 2, 3]) s = applyFrame(s, { type: 'message', message: msg('c1', seq) }, 0);
    assert.equal(unreadCount(s.chats.c1!), 1);
    assert.equal(s.chats.c1!.visitorReadSeq, 3);
    // A later conversation update never moves a position back.
    s = markRead(s, 'c1', 3);
    s = applyFrame(s, { type: 'conversation', conversation: conv('c1', { agentReadSeq: 1 }) }, 0);
    assert.equal(s.chats.c1!.agentReadSeq, 3);
  });

  it('keeps a chat the visitor ended listed as ended', () => {
    let s = ready([conv('c1')]);
    s = applyFrame(s, { type: 'conversation', conversation: conv('c1', { status: 'closed' }) }, 0);
    assert.equal(s.chats.c1!.ended, true);
    assert.equal(attentionCount(s), 0);
  });

  it('tracks visitor typing, "Seen", and a status change with its reason', () => {
    let s = ready([conv('c1')]);
    s = applyFrame(s, { type: 'typing', conversationId: 'c1', from: 'visitor', typing: true }, 1000);
    assert.equal(visitorTyping(s.chats.c1!, 2000), true);
    assert.equal(visitorTyping(s.chats.c1!, 60_000), false, 'a lost "stopped" expires');
    s = applyFrame(s, { type: 'message', message: msg('c1', 1) }, 2000);
    assert.equal(visitorTyping(s.chats.c1!, 2000), false, 'a message ends typing');
    s = applyFrame(s, { type: 'read', conversationId: 'c1', by: 'visitor', seq: 7 }, 0);
    s = applyFrame(s, { type: 'read', conversationId: 'c1', by: 'visitor', seq: 5 }, 0);
    assert.equal(s.chats.c1!.visitorReadSeq, 7);
    s = applyFrame(s, { type: 'status', status: 'away', reason: 'missed_offers', missedOffers: 2 }, 0);
    assert.equal(s.status, 'away');
    assert.equal(s.notices.at(-1)!.action, 'go-online');
    assert.match(s.notices.at(-1)!.text, /Away after missing 2 chat offers in a row/);
    s = applyFrame(s, { type: 'status', status: 'online' }, 0);
    assert.deepEqual(s.notices, [], 'back online: the notice has done its job');
    assert.equal(s.agent!.statusReason, undefined);
  });

  it('says why routing set the agent away while the console was closed, once', () => {
    const away = {
      ...agent('agent'),
      status: 'away' as const,
      statusReason: 'missed_offers',
      missedOffers: 3,
    };
    let s = applyFrame(initialState, { type: 'ready', agent: away, conversations: [] }, 0);
    assert.equal(s.notices.length, 1);
    assert.match(s.notices[0]!.text, /after missing 3 chat offers in a row/);
    // A reconnect while still away repeats nothing, even once the notice was dismissed.
    s = applyFrame({ ...s, notices: [] }, { type: 'ready', agent: away, conversations: [] }, 0);
    assert.deepEqual(s.notices, []);
    // Away by choice: no notice.
    const chosen = { ...agent('agent'), status: 'away' as const };
    assert.deepEqual(
      applyFrame(initialState, { type: 'ready', agent: chosen, conversations: [] }, 0).notices,
      [],
    );
  });

  it('gives supervisors every live conversation, and drops it when it closes', () => {
    let s = ready([], 'admin');
    s = applyFrame(
      s,
      { type: 'conversation', conversation: conv('c7', { assignedAgentId: 'user_other' }) },
      0,
    );
    assert.deepEqual(Object.keys(s.live), ['c7']);
    s = applyFrame(s, { type: 'conversation', conversation: conv('c7', { status: 'closed' }) }, 0);
    assert.deepEqual(Object.keys(s.live), []);
    let agentState = ready([]);
    agentState = applyFrame(agentState, { type: 'conversation', conversation: conv('c8') }, 0);
    assert.deepEqual(Object.keys(agentState.live), [], 'agents have no live view');
  });

  it('lists a live chat a supervisor joined under Mine until they leave, take it over or it ends', () => {
    const held = { assignedAgentId: 'user_other' };
    let s = watchChat(ready([], 'admin'), conv('c9', held));
    assert.deepEqual(s.joined, [], 'watching is not joining');
    s = applyFrame(
      s,
      { type: 'conversation', conversation: conv('c9', { ...held, joinedAgentId: 'user_me' }) },
      0,
    );
    assert.deepEqual(s.joined, ['c9']);
    s = applyFrame(s, { type: 'message', message: msg('c9', 1) }, 0);
    assert.equal(attentionCount(s), 0, 'the agent who holds it reads its lines');
    const left = applyFrame(s, { type: 'conversation', conversation: conv('c9', held) }, 0);
    assert.deepEqual(left.joined, [], 'left');
    const ended = applyFrame(
      s,
      {
        type: 'conversation',
        conversation: conv('c9', { ...held, joinedAgentId: 'user_me', status: 'closed' }),
      },
      0,
    );
    assert.deepEqual(ended.joined, [], 'ended');
    const taken = applyFrame(s, { type: 'assigned', conversation: conv('c9') }, 0);
    assert.deepEqual([taken.joined, taken.mine], [[], ['c9']], 'taken over: one of mine');
  });

  it('after a reconnect, marks chats that ended meanwhile and forgets stale offers', () => {
    let s = ready([
      conv('c1'),
      conv('c2', { status: 'offered', assignedAgentId: null, offeredTo: 'user_me' }),
    ]);
    assert.deepEqual(s.mine, ['c1']);
    assert.equal(s.offers.length, 1);
    s = applyFrame(s, { type: 'message', message: msg('c1', 1) }, 0);
    s = ready([], 'agent', s);
    assert.equal(s.chats.c1!.ended, true, 'kept, with its messages, as ended');
    assert.equal(s.chats.c1!.messages.length, 1);
    assert.equal(s.chats.c2, undefined);
    assert.deepEqual(s.offers, []);
  });
  it('takes a fresh ready on the same socket (the server bus came back) without listing anything twice', () => {
    const offered = conv('c2', { status: 'offered', assignedAgentId: null, offeredTo: 'user_me' });
    let s = ready([conv('c1'), offered]);
    s = applyFrame(s, { type: 'offer', conversation: offered, expiresAt: T }, 0);
    s = applyFrame(s, { type: 'message', message: msg('c1', 1) }, 0);
    s = applyFrame(s, { type: 'message', message: msg('c1', 2) }, 0);
    // Meanwhile c3 was assigned to this agent; then the catch-up sends what followed.
    s = ready([conv('c1'), offered, conv('c3')], 'agent', s);
    s = applyFrame(s, { type: 'offer', conversation: offered, expiresAt: T }, 0);
    s = applyFrame(s, { type: 'assigned', conversation: conv('c3') }, 0);
    for (const seq of [2, 3]) s = applyFrame(s, { type: 'message', message: msg('c1', seq) }, 0);
    s = applyFrame(s, { type: 'message', message: msg('c3', 1) }, 0);
    assert.deepEqual(s.mine, ['c1', 'c3']);
    assert.deepEqual(s.offers, [{ conversationId: 'c2', expiresAt: T }]);
    assert.deepEqual(
      s.chats.c1!.messages.map((m) => m.seq),
      [1, 2, 3],
    );
    assert.equal(s.chats.c3!.messages.length, 1);
  });
});

describe('live translation in the workspace', () => {
  const es = { language: 'es', agentLanguage: 'en', state: 'done' as const };

  it('keeps each line’s translation and the customer’s language, from the socket and the server', () => {
    let s = applyFrame(
      initialState,
      {
        type: 'translation',
        conversationId: 'c1',
        seq: 4,
        translation: { ...es, text: 'Where is my order?' },
        customerLanguage: 'es',
      },
      0,
    );
    assert.equal(s.assist.c1?.customerLanguage, 'es');
    assert.equal(s.assist.c1?.agentLanguage, 'en');
    assert.equal(s.assist.c1?.translations?.[4]?.text, 'Where is my order?');
    // Read later from the server: older lines join; what the socket brought stays.
    s = withTranslations(s, 'c1', {
      customerLanguage: 'es',
      agentLanguage: 'en',
      items: [
        { seq: 2, ...es, text: 'Hello' },
        { seq: 4, ...es, text: 'stale' },
      ],
    });
    assert.equal(s.assist.c1?.translations?.[2]?.text, 'Hello');
    assert.equal(s.assist.c1?.translations?.[4]?.text, 'Where is my order?');
  });

  it('a reply whose translation failed keeps the error’s code, and goes again as written', () => {
    let s = watchChat({ ...initialState, agent: agent() }, conv('c1'));
    s = addPending(s, {
      echoId: 'e1',
      conversationId: 'c1',
      text: 'Thanks!',
      note: false,
      attachments: [],
      afterSeq: 0,
      state: 'sending',
      createdAt: T,
      translateTo: 'es',
    });
    s = applyFrame(
      s,
      {
        type: 'error',
        code: 'translation_failed',
        message: 'the translation service is down',
        echoId: 'e1',
        conversationId: 'c1',
      },
      0,
    );
    const failed = s.chats.c1!.pending[0]!;
    assert.equal(failed.state, 'failed');
    assert.equal(failed.errorCode, 'translation_failed');
    const again = retryPending(s, 'c1', 'e1', true).chats.c1!.pending[0]!;
    assert.equal(again.state, 'sending');
    assert.equal(again.translateTo, undefined, 'sent as written');
    assert.equal(retryPending(s, 'c1', 'e1').chats.c1!.pending[0]!.translateTo, 'es', 'a retry translates');
  });
});
