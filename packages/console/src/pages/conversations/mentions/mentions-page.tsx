/**
 * Mentions (/conversations/mentions): the internal notes that name me, unread first. Each opens
 * its conversation in the workspace and is marked read; ↑/↓ or j/k move between them.
 */
import { useCallback, useEffect, useState } from 'react';
import { listMentions, type Mention, markMentionsRead } from '../../../api/mentions.ts';
import { EmptyState } from '../../../components/empty-state.tsx';
import { formatDateTime } from '../../../components/format.ts';
import { ConversationsIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import { navigate } from '../../../router/router.tsx';
import { useCollab } from '../../../workspace/use-collab.ts';
import { useWorkspaceStore } from '../../../workspace/workspace-context.tsx';
import { actionError } from '../../../workspace/workspace-store.ts';
import { onInboxKeyDown } from '../inbox/inbox-keys.ts';
import { ConversationsTabs } from '../workspace-bar.tsx';
import './mentions.css';

export function MentionsPage() {
  const t = useT();
  const store = useWorkspaceStore();
  const [items, setItems] = useState<Mention[] | null>(null);
  const [error, setError] = useState<unknown>();
  // A mention arriving while the page is open is listed at once.
  const unread = useCollab((s) => s.unreadMentions, null);

  const load = useCallback(() => {
    setError(undefined);
    listMentions().then(
      (list) => {
        setItems(list.items);
        store?.collab.setUnread(list.unread);
      },
      (caught: unknown) => setError(caught),
    );
  }, [store]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: a new unread count means a new mention to list.
  useEffect(() => load(), [load, unread]);

  async function markRead(ids?: string[]) {
    try {
      const r = await markMentionsRead(ids);
      store?.collab.setUnread(r.unread);
      const now = new Date().toISOString();
      setItems((list) =>
        (list ?? []).map((m) => (!ids || ids.includes(m.id) ? { ...m, readAt: m.readAt ?? now } : m)),
      );
    } catch (caught) {
      store?.notify(actionError(caught));
    }
  }

  async function open(m: Mention) {
    if (!m.readAt) void markRead([m.id]);
    try {
      await store?.open(m.conversationId);
      navigate('/conversations');
    } catch (caught) {
      store?.notify(actionError(caught));
    }
  }

  const unreadHere = items?.filter((m) => !m.readAt).length ?? 0;
  return (
    <>
      <PageHeader
        title={t('Mentions')}
        description={t('Internal notes in which a colleague wrote @ and your name. Unread ones come first.')}
      />
      <ConversationsTabs />
      {error !== undefined ? (
        <LoadError error={error} onRetry={load} />
      ) : !items ? (
        <LoadingState label={t('Loading mentions…')} />
      ) : items.length === 0 ? (
        <EmptyState icon={<ConversationsIcon />} title={t('No mentions yet')} testId="mentions-empty">
          <p>
            {t('When a colleague writes @ and your name in a note, it shows here and you are told at once.')}
          </p>
        </EmptyState>
      ) : (
        <section className="mentions" data-testid="mentions">
          <div className="mentions-tools">
            <button
              type="button"
              className="button button-small"
              disabled={unreadHere === 0}
              onClick={() => void markRead()}
              data-testid="mentions-read-all"
            >
              {t('Mark all read')}
            </button>
          </div>
          <ul className="mentions-list" onKeyDown={onInboxKeyDown}>
            {items.map((m) => (
              <li
                key={m.id}
                className={m.readAt ? 'mention' : 'mention mention-unread'}
                data-testid="mention"
              >
                <button type="button" className="mention-open" data-inbox-item onClick={() => void open(m)}>
                  <span className="mention-head">
                    {!m.readAt && (
                      <span className="mention-dot">
                        <span className="visually-hidden">{t('Unread')}</span>
                      </span>
                    )}
                    <strong>{m.authorName}</strong>
                    <span className="muted">{formatDateTime(m.createdAt)}</span>
                  </span>
                  <span className="mention-text">{m.text}</span>
                </button>
                {!m.readAt && (
                  <button
                    type="button"
                    className="button button-small button-ghost"
                    onClick={() => void markRead([m.id])}
                    data-testid="mention-read"
                  >
                    {t('Mark read')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
