/**
 * The middle pane: the open chat. Mine: messages, composer, Transfer and Close. Offered: a preview
 * with Accept. Watched (a queue preview, a supervisor's look): read-only, with Take or Reassign;
 * a supervisor may also whisper, barge in (then reply beside the agent, and leave) or take over.
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import { ConversationsIcon } from '../../../components/icons.tsx';
import { initials } from '../../../components/people.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { ContactDialButton } from '../../../workspace/phone-dial.tsx';
import { useAction } from '../../../workspace/use-action.ts';
import { useWorkspace, useWorkspaceStore } from '../../../workspace/workspace-context.tsx';
import { type ChatView, joinedByMe, visitorTyping } from '../../../workspace/workspace-state.ts';
import { actionError } from '../../../workspace/workspace-store.ts';
import { useNow } from '../../visitors/use-live.ts';
import { ChannelBadge } from '../channel-badge.tsx';
import { formatWait, STATUS_LABELS, skillAndTopic, visitorLabel } from '../conversation-format.ts';
import { useDirectory } from '../directory.tsx';
import { TickingSlaTimer } from '../sla/sla-timer.tsx';
import { CallBar, CallButton } from './call-bar.tsx';
import { CallbackCard } from './callback-card.tsx';
import { useMergedParts } from './collab/merged-thread.ts';
import { Composer } from './composer.tsx';
import { MacroMenu } from './macro-menu.tsx';
import { MessageList } from './message-list.tsx';
import { PresenceBar } from './presence-bar.tsx';
import { StateActions, StateBadge } from './state-actions.tsx';
import { useEmailOutgoing } from './use-email-outgoing.ts';
import { useWhatsAppWindow, windowLeft } from './use-whatsapp-window.ts';

// Agent assist's summary loads with the first chat opened, not with the inbox.
const AssistSummary = lazy(() => import('./assist/assist-summary.tsx'));
const IntentBadges = lazy(() => import('./assist/intent-badges.tsx'));
// Send later and merging sit under the thread: they load after it, not with the inbox.
const CollabPanel = lazy(() => import('./collab/collab-panel.tsx'));
// WhatsApp's templates (outside its 24-hour window) and the dialogs load when first needed.
const TemplateComposer = lazy(() =>
  import('./template-composer.tsx').then((m) => ({ default: m.TemplateComposer })),
);
const TransferDialog = lazy(() =>
  import('./transfer-dialog.tsx').then((m) => ({ default: m.TransferDialog })),
);
const CloseDialog = lazy(() => import('./close-dialog.tsx').then((m) => ({ default: m.CloseDialog })));

export function ChatPane({ supervisor }: { supervisor: boolean }) {
  const chat = useWorkspace((s) => (s.selectedId ? s.chats[s.selectedId] : undefined), undefined);
  const hasChats = useWorkspace((s) => s.mine.length > 0, false);
  const t = useT();
  if (!chat) {
    return (
      <section className="pane chat-pane chat-pane-empty" aria-label={t('Chat')} data-testid="chat-empty">
        <div className="chat-placeholder">
          <span className="chat-placeholder-icon">
            <ConversationsIcon />
          </span>
          <p className="chat-placeholder-title">{hasChats ? t('Pick a chat') : t('Your chats open here')}</p>
          <p className="muted">
            {hasChats
              ? t(
                  'Choose a conversation from your inbox, or move between them with j and k (Alt+↓ and Alt+↑ while typing).',
                )
              : t(
                  'Accept an offer or take someone from the queue; the conversation and the visitor’s journey show here.',
                )}
          </p>
        </div>
      </section>
    );
  }
  return <OpenChat key={chat.conversation.id} chat={chat} supervisor={supervisor} />;
}

function OpenChat({ chat, supervisor }: { chat: ChatView; supervisor: boolean }) {
  const store = useWorkspaceStore()!;
  const t = useT();
  const myId = useWorkspace((s) => s.agent?.id ?? '', '');
  const { skillName, userName } = useDirectory();
  const [dialog, setDialog] = useState<'transfer' | 'close' | null>(null);
  /** The call being transferred (the transfer dialog moves the call, not the chat). */
  const [callToMove, setCallToMove] = useState<string | null>(null);
  const [busy, run] = useAction();
  const c = chat.conversation;
  const id = c.id;
  const name = visitorLabel(c);
  const mine = chat.relation === 'mine';
  const live = mine && !chat.ended && c.status === 'active';
  const waiting = c.status === 'queued' || c.status === 'offered' || c.status === 'offline';
  // A supervisor reading someone else's live chat may whisper to its agent, barge in or take over.
  const whisper = chat.relation === 'watch' && supervisor && !chat.ended && c.status === 'active';
  // Barged in: my replies reach the visitor beside the agent who holds the chat.
  const joined = whisper && joinedByMe(chat, myId);
  const wa = useWhatsAppWindow(chat);
  const mailOut = useEmailOutgoing(c.channel);
  // Outside WhatsApp's window the agent may still write an internal note.
  const [noteInstead, setNoteInstead] = useState(false);

  // The agent reads what is on screen: mark it read while the tab is visible and focused.
  const lastSeq = chat.messages.at(-1)?.seq ?? 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new message (lastSeq) is read at once when on screen.
  useEffect(() => {
    if (!mine) return;
    const mark = () => {
      if (!document.hidden && document.hasFocus()) store.markRead(id);
    };
    mark();
    window.addEventListener('focus', mark);
    document.addEventListener('visibilitychange', mark);
    return () => {
      window.removeEventListener('focus', mark);
      document.removeEventListener('visibilitychange', mark);
    };
  }, [store, id, mine, lastSeq]);
  const merged = useMergedParts(id, lastSeq);

  const about = skillAndTopic(skillName(c.skillId), c.topic).join(' · ');
  const status = chat.ended ? t('Ended') : STATUS_LABELS[c.status];
  return (
    <section
      className="pane chat-pane"
      aria-label={t('Chat with {name}', { name })}
      data-testid="chat"
      data-conversation-id={id}
    >
      <header className="chat-header">
        <span className="avatar avatar-visitor" aria-hidden="true">
          {initials(name)}
        </span>
        <div className="chat-title">
          <h2 className="chat-name" data-testid="chat-name" title={name}>
            {name}
          </h2>
          <p className="chat-sub">
            <span className={`badge badge-chat-${chat.ended ? 'ended' : c.status}`}>{status}</span>
            {!chat.ended && <StateBadge conversation={c} />}
            <ChannelBadge channel={c.channel} />
            <Suspense fallback={null}>
              <IntentBadges
                conversationId={id}
                lastCustomerSeq={chat.messages.findLast((m) => m.senderKind === 'visitor')?.seq ?? 0}
              />
            </Suspense>
            {!chat.ended && <TickingSlaTimer conversation={c} />}
            {wa && !wa.loading && (
              <span
                className={`badge ${wa.open ? 'badge-window-open' : 'badge-window-closed'}`}
                title={
                  wa.open
                    ? t('WhatsApp allows free text for 24 hours after the customer’s last message')
                    : t('Only approved templates can be sent until the customer writes again')
                }
                data-testid="window-badge"
              >
                {wa.open
                  ? t('Window open · {left}', { left: windowLeft(wa.leftMs) })
                  : t('Window closed · templates only')}
              </span>
            )}
            {chat.relation === 'watch' && !joined && (
              <span className="badge badge-readonly">{t('Read-only')}</span>
            )}
            {joined && (
              <span className="badge badge-joined" data-testid="joined-badge">
                {t('Joined')}
              </span>
            )}
            {c.visitorEmail && (
              <span className="chat-sub-text chat-sub-email" title={c.visitorEmail}>
                {c.visitorEmail}
              </span>
            )}
            {about && (
              <span className="chat-sub-text chat-sub-about" title={about}>
                {c.visitorEmail ? `· ${about}` : about}
              </span>
            )}
            {c.tags.length > 0 && (
              <span className="chips chat-tags" data-testid="chat-tags">
                {c.tags.map((tag) => (
                  <span key={tag} className="chip chip-small">
                    {tag}
                  </span>
                ))}
              </span>
            )}
          </p>
        </div>
        <div className="chat-actions">
          {live && (
            <>
              <StateActions conversation={c} onError={(error) => store.notify(actionError(error))} />
              <CallButton conversation={c} />
              {c.contactId && <ContactDialButton contactId={c.contactId} conversationId={c.id} />}
              <button type="button" className="button button-small" onClick={() => setDialog('transfer')}>
                {t('Transfer')}
              </button>
              <button
                type="button"
                className="button button-small button-primary"
                onClick={() => setDialog('close')}
              >
                {t('Close chat')}
              </button>
            </>
          )}
          {mine && chat.ended && (
            <>
              <button type="button" className="button button-small" onClick={() => store.dismiss(id)}>
                {t('Remove from inbox')}
              </button>
              <button
                type="button"
                className="button button-small button-primary"
                onClick={() => setDialog('close')}
                data-testid="wrap-up"
              >
                {t('Wrap up')}
              </button>
            </>
          )}
          {chat.relation === 'offer' && (
            <>
              <button
                type="button"
                className="button button-small"
                disabled={busy}
                onClick={() => run(() => store.decline(id))}
              >
                {t('Decline')}
              </button>
              <button
                type="button"
                className="button button-small button-primary"
                disabled={busy}
                onClick={() => run(() => store.accept(id))}
              >
                {t('Accept')}
              </button>
            </>
          )}
          {chat.relation === 'watch' && waiting && (
            <button
              type="button"
              className="button button-small button-primary"
              disabled={busy}
              onClick={() => run(() => store.accept(id))}
              data-testid="take-chat"
            >
              {t('Take this chat')}
            </button>
          )}
          {whisper && !joined && (
            <button
              type="button"
              className="button button-small"
              onClick={() => document.getElementById(`whisper-${id}`)?.focus()}
              data-testid="whisper"
              title={t('Write to the agent only; the visitor never sees it')}
            >
              {t('Whisper')}
            </button>
          )}
          {whisper && !joined && !c.joinedAgentId && (
            <button
              type="button"
              className="button button-small"
              disabled={busy}
              onClick={() => run(() => store.join(id))}
              data-testid="barge-in"
              title={t('Join the chat as a second agent; the visitor sees you join')}
            >
              {t('Barge in')}
            </button>
          )}
          {joined && (
            <button
              type="button"
              className="button button-small"
              disabled={busy}
              onClick={() => run(() => store.leave(id))}
              data-testid="leave-chat"
              title={t('Leave the chat; its agent carries on')}
            >
              {t('Leave chat')}
            </button>
          )}
          {whisper && c.assignedAgentId !== myId && (
            <button
              type="button"
              className="button button-small button-primary"
              disabled={busy}
              onClick={() => run(() => store.transfer(id, { agentId: myId }))}
              data-testid="take-over"
              title={t('Reassign this chat to yourself; its agent sees it leave their inbox')}
            >
              {t('Take over')}
            </button>
          )}
          {chat.relation === 'watch' && supervisor && (c.status === 'active' || waiting) && (
            <button
              type="button"
              className="button button-small"
              onClick={() => setDialog('transfer')}
              data-testid="reassign"
            >
              {t('Reassign')}
            </button>
          )}
        </div>
      </header>
      {!chat.ended && c.status === 'active' && c.joinedAgentId && (
        <TwoAgents
          holder={c.assignedAgentId === myId ? null : (userName(c.assignedAgentId) ?? t('The agent'))}
          joined={c.joinedAgentId === myId ? null : (userName(c.joinedAgentId) ?? t('a supervisor'))}
        />
      )}
      {mine && <CallBar conversation={c} onTransfer={(callId) => setCallToMove(callId)} />}
      {c.channel === 'voice' && <CallbackCard conversationId={c.id} holds={live} />}
      <Suspense fallback={null}>
        <AssistSummary conversationId={id} canEdit={mine} />
      </Suspense>
      <MessageList chat={chat} merged={merged.parts} />
      <TypingLine chat={chat} name={name} />
      {!chat.ended && <PresenceBar conversationId={c.id} loaded={chat.loaded} />}
      <Suspense fallback={null}>
        <CollabPanel conversation={c} lastSeq={lastSeq} canReply={live || joined} merged={merged} />
      </Suspense>
      {live && wa && !wa.open && noteInstead ? (
        <Composer conversation={c} onTemplates={() => setNoteInstead(false)} />
      ) : live && wa && !wa.open ? (
        <Suspense fallback={null}>
          <TemplateComposer
            key={wa.info?.templates.length ?? -1}
            conversation={c}
            window={wa}
            onNote={() => setNoteInstead(true)}
          />
        </Suspense>
      ) : live || joined ? (
        <Composer
          conversation={c}
          tools={(focusInput) => <MacroMenu conversation={c} focusInput={focusInput} />}
          {...(mailOut
            ? {}
            : {
                noReplies: t(
                  'Replies by e-mail cannot be sent yet: no outgoing mail server is set up. Ask an admin to set one up. Until then, you can write internal notes here.',
                ),
              })}
        />
      ) : (
        <ReadOnlyBar chat={chat} agentName={userName(c.assignedAgentId)} skill={skillName(c.skillId)} />
      )}
      {whisper && !joined && <Composer conversation={c} whisper />}
      <Suspense fallback={null}>
        {dialog === 'transfer' && (
          <TransferDialog
            conversation={c}
            reassign={!mine}
            myId={myId}
            onClose={() => setDialog(null)}
            onDone={() => setDialog(null)}
          />
        )}
        {callToMove && (
          <TransferDialog
            conversation={c}
            reassign={false}
            myId={myId}
            callId={callToMove}
            onClose={() => setCallToMove(null)}
            onDone={() => setCallToMove(null)}
          />
        )}
        {dialog === 'close' && (
          <CloseDialog
            conversation={c}
            wrapUp={chat.ended || c.status === 'closed'}
            onClose={() => setDialog(null)}
            onDone={() => setDialog(null)}
          />
        )}
      </Suspense>
    </section>
  );
}

/** Says that two agents are in the chat: the one who holds it, and the supervisor who barged in. */
/** `null` is me. */
function TwoAgents({ holder, joined }: { holder: string | null; joined: string | null }) {
  const t = useT();
  const text =
    holder === null
      ? t('Two agents in this chat: You hold it, {joined} joined. The visitor reads you both.', {
          joined: joined ?? '',
        })
      : joined === null
        ? t('Two agents in this chat: {holder} holds it, you joined. The visitor reads you both.', { holder })
        : t('Two agents in this chat: {holder} holds it, {joined} joined. The visitor reads you both.', {
            holder,
            joined,
          });
  return (
    <p className="two-agents" role="status" data-testid="two-agents">
      <span className="two-agents-dot" aria-hidden="true" />
      {text}
    </p>
  );
}

function TypingLine({ chat, name }: { chat: ChatView; name: string }) {
  const now = useNow(1000);
  const t = useT();
  const typing = !chat.ended && visitorTyping(chat, now);
  return (
    <div className="typing-line" aria-live="polite" data-testid="visitor-typing">
      {typing && (
        <>
          <span className="typing-dots" aria-hidden="true">
            <span className="typing-dot" />
            <span className="typing-dot" />
            <span className="typing-dot" />
          </span>
          {t('{name} is typing…', { name })}
        </>
      )}
    </div>
  );
}

function ReadOnlyBar({
  chat,
  agentName,
  skill,
}: {
  chat: ChatView;
  agentName: string | null;
  skill: string | null;
}) {
  const now = useNow(1000);
  const t = useT();
  const c = chat.conversation;
  let text: string;
  if (chat.ended || c.status === 'closed')
    text =
      chat.relation === 'mine'
        ? t('This chat has ended. Wrap it up with a disposition and tags, or remove it from your inbox.')
        : t('This chat has ended.');
  else if (chat.relation === 'offer') text = t('Accept the chat to reply.');
  else if (c.status === 'queued' || c.status === 'offered') {
    const wait = formatWait((now - Date.parse(c.enqueuedAt)) / 1000);
    text = skill
      ? t('Waiting in {skill} queue for {wait}. Take the chat to reply.', { skill, wait })
      : t('Waiting in the queue for {wait}. Take the chat to reply.', { wait });
  } else if (c.status === 'offline')
    text = t(
      'Left while nobody could chat. Take it to reply: the visitor reads your answer when they come back.',
    );
  else
    text = agentName
      ? t('Read-only: {agent} is chatting. The visitor does not see you here.', { agent: agentName })
      : t('Read-only: another agent is chatting. The visitor does not see you here.');
  return (
    <div className="readonly-bar" data-testid="readonly-bar">
      {text}
    </div>
  );
}
