/** One of my chats in the inbox: who, the last line, when, unread count, and "typing…" while the visitor types. */
import { initials } from '../../../components/people.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { useWorkspace, useWorkspaceStore } from '../../../workspace/workspace-context.tsx';
import { unreadCount, visitorTyping } from '../../../workspace/workspace-state.ts';
import { ChannelBadge } from '../channel-badge.tsx';
import { formatListTime, messagePreview, visitorLabel } from '../conversation-format.ts';
import { SlaTimer } from '../sla/sla-timer.tsx';

export function ChatRow({ id, now }: { id: string; now: number }) {
  const store = useWorkspaceStore()!;
  const t = useT();
  const chat = useWorkspace((s) => s.chats[id], undefined);
  const selected = useWorkspace((s) => s.selectedId === id, false);
  const myId = useWorkspace((s) => s.agent?.id ?? null, null);
  if (!chat) return null;
  const c = chat.conversation;
  // Unread counts what I have not read in my own chats; a chat I joined is read by the agent who holds it.
  const unread = chat.ended || chat.relation !== 'mine' ? 0 : unreadCount(chat);
  const typing = !chat.ended && visitorTyping(chat, now);
  // What people said reads better than "… joined the chat".
  const last = chat.messages.findLast((m) => m.senderKind !== 'system') ?? chat.messages.at(-1);
  const name = visitorLabel(c);
  const classes = [
    'inbox-row',
    selected && 'inbox-row-selected',
    unread > 0 && 'inbox-row-unread',
    chat.ended && 'inbox-row-ended',
  ];
  return (
    <li>
      <button
        type="button"
        className={classes.filter(Boolean).join(' ')}
        onClick={() => store.select(id)}
        aria-current={selected ? 'true' : undefined}
        data-inbox-item
        data-testid="inbox-chat"
        data-conversation-id={id}
      >
        <span className="avatar avatar-small avatar-visitor" aria-hidden="true">
          {initials(name)}
        </span>
        <span className="inbox-row-body">
          <span className="inbox-row-line">
            <span className="inbox-row-name">{name}</span>
            <ChannelBadge channel={c.channel} small />
            <span className="inbox-row-time">
              {formatListTime(last?.createdAt ?? c.lastMessageAt ?? c.assignedAt)}
            </span>
          </span>
          <span className="inbox-row-line">
            {typing ? (
              <span className="inbox-row-preview inbox-row-typing">{t('typing…')}</span>
            ) : (
              <span className="inbox-row-preview">
                {chat.ended ? t('Chat ended') : messagePreview(last, myId) || c.topic || t('New chat')}
              </span>
            )}
            {unread > 0 && (
              <span className="unread-badge" data-testid="unread-count">
                {unread}
                <span className="visually-hidden"> {t('unread')}</span>
              </span>
            )}
            {!chat.ended && <SlaTimer conversation={c} now={now} small />}
            {chat.ended && <span className="chip chip-small">{t('Ended')}</span>}
          </span>
        </span>
      </button>
    </li>
  );
}
