/**
 * A conversation's messages in order, with day separators and "Seen". It keeps its scroll
 * position per chat (switching chats and back lands where the agent was), follows new messages
 * while the agent is at the bottom, and otherwise offers a "New messages" jump.
 */

import { isTimelineEvent } from '@beckon/protocol/chat-lines';
import {
  memo,
  type ReactNode,
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import type { MergedPart } from '../../../api/collab.ts';
import type { Message } from '../../../api/conversations.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { useWorkspaceStore } from '../../../workspace/workspace-context.tsx';
import type { ChatView } from '../../../workspace/workspace-state.ts';
import { formatDay, visitorLabel } from '../conversation-format.ts';
import { mergedChannels, threadOf } from './collab/merged-thread.ts';
import { MessageItem, PendingItem } from './message-item.tsx';
import { useEmailOutgoing } from './use-email-outgoing.ts';

/** Messages closer than this (and from the same sender) share one name-and-time heading. */
const RUN_MS = 5 * 60_000;
const NEAR_BOTTOM_PX = 48;

function sameRun(a: Message | undefined, b: Message): boolean {
  if (!a || a.senderKind === 'system' || a.senderKind !== b.senderKind || a.senderId !== b.senderId)
    return false;
  if (isTimelineEvent(a) || isTimelineEvent(b)) return false;
  const gap = Date.parse(b.createdAt) - Date.parse(a.createdAt);
  return gap < RUN_MS && new Date(a.createdAt).toDateString() === new Date(b.createdAt).toDateString();
}

/** The messages themselves, re-rendered only when they change (not on every scroll or typing tick). */
export const MessageRows = memo(function MessageRows({
  messages,
  seenSeq,
  visitorName,
  onRetryDelivery,
  mergedFrom,
}: {
  messages: Message[];
  seenSeq: number;
  visitorName: string;
  /** Sends a line that failed on its channel again (absent for web chat). */
  onRetryDelivery?: (seq: number) => void;
  /** The channel of each conversation merged into this one, by id: their lines are in `messages`. */
  mergedFrom?: Map<string, string>;
}) {
  let lastSeen = -1;
  if (seenSeq > 0) {
    for (let i = messages.length - 1; i >= 0; i--) {
      const m = messages[i]!;
      if (m.senderKind === 'agent' && m.seq <= seenSeq && !mergedFrom?.has(m.conversationId)) {
        lastSeen = m.seq;
        break;
      }
    }
  }
  return (
    <>
      {messages.map((m, i) => {
        const previous = messages[i - 1];
        const newDay =
          !previous || new Date(previous.createdAt).toDateString() !== new Date(m.createdAt).toDateString();
        const from = mergedFrom?.get(m.conversationId);
        return (
          <MessageGroup key={`${m.conversationId}:${m.seq}`} day={newDay ? formatDay(m.createdAt) : null}>
            <MessageItem
              message={m}
              head={newDay || !sameRun(previous, m) || previous?.conversationId !== m.conversationId}
              seen={!from && m.seq === lastSeen}
              visitorName={visitorName}
              {...(from ? { mergedFrom: from } : onRetryDelivery ? { onRetryDelivery } : {})}
            />
          </MessageGroup>
        );
      })}
    </>
  );
});

function MessageGroup({ day, children }: { day: string | null; children: ReactNode }) {
  return (
    <>
      {day && (
        <li className="day-separator" aria-hidden="false">
          <span>{day}</span>
        </li>
      )}
      {children}
    </>
  );
}

export function MessageList({ chat, merged = [] }: { chat: ChatView; merged?: MergedPart[] }) {
  const store = useWorkspaceStore()!;
  const t = useT();
  const ref = useRef<HTMLDivElement>(null);
  const id = chat.conversation.id;
  const atBottom = useRef(true);
  const seenCount = useRef(chat.messages.length);
  const [newBelow, setNewBelow] = useState(false);

  // Where the agent left this chat.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const saved = store.memory.scroll(id);
    atBottom.current = saved === 'bottom';
    el.scrollTop = saved === 'bottom' ? el.scrollHeight : saved;
  }, [id, store]);

  // An image that finishes loading grows the list, and suggestions or a longer draft shrink the
  // pane: stay at the bottom if the agent was there.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onLoad = () => {
      if (atBottom.current) el.scrollTop = el.scrollHeight;
    };
    el.addEventListener('load', onLoad, true);
    // A pane that shrank by as much as the lines below view were at the bottom before it did (the
    // scroll event that says otherwise can come first).
    let height = el.clientHeight;
    const resized = new ResizeObserver(() => {
      const shrunk = height - el.clientHeight;
      height = el.clientHeight;
      const below = el.scrollHeight - el.scrollTop - el.clientHeight;
      if (shrunk > 0 && below - shrunk < NEAR_BOTTOM_PX) atBottom.current = true;
      onLoad();
    });
    resized.observe(el);
    return () => {
      el.removeEventListener('load', onLoad, true);
      resized.disconnect();
    };
  }, []);

  // New lines: follow them at the bottom, or say they are there.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const grew = chat.messages.length + chat.pending.length > seenCount.current;
    seenCount.current = chat.messages.length + chat.pending.length;
    if (atBottom.current) el.scrollTop = el.scrollHeight;
    else if (grew) setNewBelow(true);
  }, [chat.messages.length, chat.pending.length]);

  function onScroll() {
    const el = ref.current;
    if (!el) return;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
    store.memory.saveScroll(id, atBottom.current ? 'bottom' : el.scrollTop);
    if (atBottom.current) setNewBelow(false);
  }

  function jump() {
    const el = ref.current;
    if (!el) return;
    el.scrollTo({ top: el.scrollHeight, behavior: 'smooth' });
    setNewBelow(false);
  }

  // Stable across renders, so the memoised rows do not re-render for it.
  // A line e-mail could not send goes no better on Retry while no outgoing mail server is set.
  const mailOut = useEmailOutgoing(chat.conversation.channel);
  const retryDelivery = useCallback((seq: number) => store.retryDelivery(id, seq), [store, id]);
  const empty = chat.messages.length === 0 && chat.pending.length === 0;
  // Conversations merged into this one read as one thread with it, each line marked with its channel.
  const thread = useMemo(() => threadOf(chat.messages, merged), [chat.messages, merged]);
  const mergedFrom = useMemo(() => (merged.length ? mergedChannels(merged) : undefined), [merged]);
  return (
    <div className="message-scroll" ref={ref} onScroll={onScroll} data-testid="message-list">
      {empty ? (
        <p className="message-empty">
          {chat.loaded ? t('No messages yet.') : t('Loading the conversation…')}
        </p>
      ) : (
        <ol className="messages" aria-label={t('Messages')}>
          <MessageRows
            messages={thread}
            {...(mergedFrom ? { mergedFrom } : {})}
            seenSeq={chat.visitorReadSeq}
            visitorName={visitorLabel(chat.conversation)}
            {...(chat.conversation.channel !== 'web' && mailOut ? { onRetryDelivery: retryDelivery } : {})}
          />
          {chat.pending.map((p) => (
            <PendingItem
              key={p.echoId}
              pending={p}
              onRetry={() => store.retry(id, p.echoId)}
              onDiscard={() => store.discard(id, p.echoId)}
              onSendAsWritten={() => store.sendAsWritten(id, p.echoId)}
            />
          ))}
        </ol>
      )}
      {newBelow && (
        <button type="button" className="new-below" onClick={jump}>
          {t('New messages ↓')}
        </button>
      )}
    </div>
  );
}
