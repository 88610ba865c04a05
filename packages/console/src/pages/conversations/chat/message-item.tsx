/**
 * One line of a conversation: the visitor's and agents' messages as bubbles, notes in yellow, the
 * invitation the visitor accepted marked as such, a bot's turns in violet with their card and
 * buttons, system lines centred, supervisors' actions (monitoring, taking over) centred and marked
 * as for the team only.
 */
import { isTimelineEvent } from '@beckon/protocol/chat-lines';
import { lazy, Suspense } from 'react';
import type { Message } from '../../../api/conversations.ts';
import { readableMessage } from '../../../api/http.ts';
import { t } from '../../../i18n/i18n.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { useWorkspace } from '../../../workspace/workspace-context.tsx';
import type { PendingSend } from '../../../workspace/workspace-state.ts';
import { callLineText } from '../call-line-text.ts';
import { CHANNEL_IN_SENTENCE, formatTime, mergeLineText } from '../conversation-format.ts';
import { useDirectory } from '../directory.tsx';
import { AttachmentList } from './attachment-list.tsx';
import { MessageText } from './message-text.tsx';

// Live translation's view of a line loads with the first translated line, not with the inbox.
const TranslatedText = lazy(() => import('./assist/translated-text.tsx'));

interface MessageItemProps {
  message: Message;
  /** Show who and when above it (the first of a run from one sender). */
  head: boolean;
  /** The visitor has read up to here. */
  seen?: boolean;
  /** How to name the visitor's messages. */
  visitorName: string;
  /** Sends this line again after its channel failed it (channels other than web chat). */
  onRetryDelivery?: (seq: number) => void;
  /** The channel of the merged conversation this line comes from (absent for the chat's own lines). */
  mergedFrom?: string;
}

const DELIVERY_LABELS: Record<NonNullable<Message['deliveryStatus']>, string> = {
  get queued() {
    return t('Queued');
  },
  get sent() {
    return t('Sent');
  },
  get delivered() {
    return t('Delivered');
  },
  get read() {
    return t('Read');
  },
  get failed() {
    return t('Not delivered');
  },
};

export function MessageItem({
  message: m,
  head,
  seen,
  visitorName,
  onRetryDelivery,
  mergedFrom,
}: MessageItemProps) {
  const t = useT();
  const directory = useDirectory();
  const live = useWorkspace((s) => s.assist[m.conversationId]?.translations?.[m.seq], undefined);
  const translation = live ?? m.translation;
  if (isTimelineEvent(m)) {
    // A supervisor's action (monitoring, taking over): for the team only, like a note.
    return (
      <li className="msg msg-system msg-event" data-testid="message" data-kind="event" data-seq={m.seq}>
        <span className="msg-system-text">
          <span className="note-label">{t('Team only')}</span> {m.text}
        </span>
        <time className="msg-system-time" dateTime={m.createdAt}>
          {formatTime(m.createdAt)}
        </time>
      </li>
    );
  }
  if (m.senderKind === 'system') {
    return (
      <li className="msg msg-system" data-testid="message" data-kind="system" data-seq={m.seq}>
        <span className="msg-system-text">
          <MessageText text={callLineText(m, directory) ?? m.text} />
        </span>
        <time className="msg-system-time" dateTime={m.createdAt}>
          {formatTime(m.createdAt)}
        </time>
      </li>
    );
  }
  const kind = m.senderKind;
  const worded = mergeLineText(m);
  const who =
    kind === 'visitor'
      ? visitorName
      : kind === 'invitation'
        ? m.senderName
        : (m.senderName ?? (kind === 'bot' ? t('Bot') : t('Agent')));
  return (
    <li
      className={`msg msg-${kind}${head ? ' msg-head' : ''}`}
      data-testid="message"
      data-kind={kind}
      data-seq={m.seq}
      {...(mergedFrom ? { 'data-merged-from': m.conversationId } : {})}
    >
      {head && (
        <div className="msg-meta">
          {mergedFrom && (
            <span className="merged-label">
              {t('From the merged {channel} conversation', {
                channel: CHANNEL_IN_SENTENCE[mergedFrom as keyof typeof CHANNEL_IN_SENTENCE] ?? mergedFrom,
              })}
            </span>
          )}
          {kind === 'note' && <span className="note-label">{t('Internal note')}</span>}
          {kind === 'invitation' && <span className="invitation-label">{t('Invitation')}</span>}
          {kind === 'bot' && <span className="bot-label">{t('Bot')}</span>}
          {who && <span className="msg-author">{who}</span>}
          <time dateTime={m.createdAt}>{formatTime(m.createdAt)}</time>
        </div>
      )}
      <div className="msg-bubble" title={head ? undefined : formatTime(m.createdAt)}>
        {worded ? (
          <p className="msg-text">{worded}</p>
        ) : m.text && translation ? (
          <Suspense fallback={<p className="msg-text">{m.text}</p>}>
            <TranslatedText message={m} translation={translation} />
          </Suspense>
        ) : (
          m.text && (
            <p className="msg-text">
              <MessageText text={m.text} />
            </p>
          )
        )}
        <AttachmentList attachments={m.attachments} />
        {m.rich?.card && (
          <div className="bot-card" data-testid="bot-card">
            <strong>{m.rich.card.title}</strong>
            {m.rich.card.text && <p>{m.rich.card.text}</p>}
          </div>
        )}
        {m.rich?.quickReplies && m.rich.quickReplies.length > 0 && (
          <div className="bot-quick" title={t('Buttons the visitor was offered')}>
            {m.rich.quickReplies.map((q) => (
              <span key={q.title}>{q.title}</span>
            ))}
          </div>
        )}
      </div>
      {seen && (
        <div className="msg-status msg-seen" data-testid="seen">
          {t('Seen')}
        </div>
      )}
      {kind === 'agent' && m.deliveryStatus && (
        <div
          className={`msg-status msg-delivery msg-delivery-${m.deliveryStatus}`}
          data-testid="delivery"
          data-status={m.deliveryStatus}
          title={m.deliveryReason}
        >
          {DELIVERY_LABELS[m.deliveryStatus]}
          {m.deliveryStatus === 'failed' && m.deliveryReason && (
            // The provider's own words, so the agent knows whether Retry can help.
            <span className="msg-delivery-reason" data-testid="delivery-reason">
              {': '}
              {m.deliveryReason}
            </span>
          )}
          {m.deliveryStatus === 'failed' && onRetryDelivery && (
            <>
              {' · '}
              <button type="button" className="link-button" onClick={() => onRetryDelivery(m.seq)}>
                {t('Retry')}
              </button>
            </>
          )}
        </div>
      )}
    </li>
  );
}

interface PendingItemProps {
  pending: PendingSend;
  onRetry: () => void;
  onDiscard: () => void;
  /** A reply whose translation failed: send it as the agent wrote it. */
  onSendAsWritten?: () => void;
}

/** A message on its way: shown at once, confirmed by the server's ack, or offered for retry. */
export function PendingItem({ pending: p, onRetry, onDiscard, onSendAsWritten }: PendingItemProps) {
  const t = useT();
  const kind = p.note ? 'note' : 'agent';
  const translationFailed = p.errorCode === 'translation_failed' && onSendAsWritten;
  return (
    <li className={`msg msg-${kind} msg-pending`} data-testid="pending-message" data-state={p.state}>
      <div className="msg-bubble">
        {p.text && (
          <p className="msg-text">
            <MessageText text={p.text} />
          </p>
        )}
        <AttachmentList attachments={p.attachments} />
      </div>
      {p.state === 'sending' ? (
        <div className="msg-status">{t('Sending…')}</div>
      ) : (
        <div className="msg-status msg-failed" role="alert" data-code={p.errorCode}>
          {translationFailed
            ? `${t('Not sent.')} ${readableMessage(p.error ?? '')}`
            : p.error
              ? t('Not sent: {error}.', { error: p.error })
              : t('Not sent.')}{' '}
          {translationFailed && (
            <>
              <button type="button" className="link-button" onClick={onSendAsWritten}>
                {t('Send as written')}
              </button>{' '}
              ·{' '}
            </>
          )}
          <button type="button" className="link-button" onClick={onRetry}>
            {t('Retry')}
          </button>{' '}
          ·{' '}
          <button type="button" className="link-button" onClick={onDiscard}>
            {t('Discard')}
          </button>
        </div>
      )}
    </li>
  );
}
