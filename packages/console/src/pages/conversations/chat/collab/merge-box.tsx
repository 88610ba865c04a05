/**
 * Merging: the contact's other conversations this one can take in, the ones merged into it (their
 * lines are in the thread above, in time order, after the line the merge wrote) and an undo for
 * each within 24 hours.
 */
import type { Conversation } from '@beckon/protocol/chat-api';
import { useCallback, useEffect, useState } from 'react';
import { contactConversations, mergeConversation, unmergeConversation } from '../../../../api/collab.ts';
import { errorMessage } from '../../../../api/http.ts';
import { currentLocale } from '../../../../i18n/i18n.ts';
import { useT } from '../../../../i18n/language-context.tsx';
import { CHANNEL_IN_SENTENCE, CHANNEL_LABELS } from '../../conversation-format.ts';
import type { MergedParts } from './merged-thread.ts';

const when = (iso: string) =>
  new Date(iso).toLocaleString(currentLocale(), { dateStyle: 'short', timeStyle: 'short' });

export function MergeBox({
  conversation,
  lastSeq,
  merged,
}: {
  conversation: Conversation;
  lastSeq: number;
  merged: MergedParts;
}) {
  const t = useT();
  const id = conversation.id;
  const { parts, reload: reloadParts } = merged;
  const [others, setOthers] = useState<Conversation[]>([]);
  const [pick, setPick] = useState('');
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    reloadParts();
    if (conversation.contactId)
      contactConversations(conversation.contactId).then(
        (list) => setOthers(list.filter((c) => c.id !== id && !c.mergedInto)),
        () => undefined,
      );
  }, [id, conversation.contactId, reloadParts]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new line (the merge's) reloads the thread.
  useEffect(() => reload(), [reload, lastSeq]);
  const act = (p: Promise<unknown>) =>
    p.then(
      () => {
        setError(null);
        setPick('');
        reload();
      },
      (err) => setError(errorMessage(err)),
    );
  if (conversation.mergedInto)
    return (
      <div className="collab-box" data-testid="merged-into">
        {t('This conversation was merged into {id}.', { id: conversation.mergedInto })}{' '}
        <button type="button" className="button button-small" onClick={() => act(unmergeConversation(id))}>
          {t('Undo merge')}
        </button>
      </div>
    );
  if (!conversation.contactId || (parts.length === 0 && others.length === 0)) return null;
  return (
    <div className="collab-box" data-testid="merge-box">
      <div className="collab-head">
        <strong>{t('Merged conversations')}</strong>
        {others.length > 0 && (
          <span className="collab-merge-pick">
            <select
              value={pick}
              onChange={(e) => setPick(e.target.value)}
              aria-label={t('Conversation to merge into this one')}
              data-testid="merge-pick"
            >
              <option value="">{t('Merge another conversation of this contact…')}</option>
              {others.map((c) => (
                <option key={c.id} value={c.id}>
                  {CHANNEL_LABELS[c.channel]} · {when(c.createdAt)} · {c.id}
                </option>
              ))}
            </select>
            <button
              type="button"
              className="button button-small"
              disabled={!pick}
              onClick={() => act(mergeConversation(id, pick))}
              data-testid="merge-do"
            >
              {t('Merge')}
            </button>
          </span>
        )}
      </div>
      {parts.map((p) => (
        <div key={p.merge.id} className="collab-merged" data-testid="merged-part">
          {t('Merged with the {channel} conversation {id} on {when}.', {
            channel: CHANNEL_IN_SENTENCE[p.conversation.channel],
            id: p.conversation.id,
            when: when(p.merge.createdAt),
          })}{' '}
          {Date.parse(p.merge.undoUntil) > Date.now() && (
            <button
              type="button"
              className="button button-small"
              onClick={() => act(unmergeConversation(id, p.conversation.id))}
              data-testid="unmerge"
            >
              {t('Undo merge')}
            </button>
          )}
        </div>
      ))}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
