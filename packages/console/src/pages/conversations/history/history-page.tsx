/** Every past conversation the user may see, newest first: search, filter, and open a transcript. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useContactNames } from '../../../api/contact-names.ts';
import { type Conversation, searchConversations } from '../../../api/conversations.ts';
import { errorMessage } from '../../../api/http.ts';
import { EmptyState } from '../../../components/empty-state.tsx';
import { formatDateTime } from '../../../components/format.ts';
import { ConversationsIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import { href, Link, navigate } from '../../../router/router.tsx';
import { canManage, useSession } from '../../../session/session-context.tsx';
import { ChannelBadge } from '../channel-badge.tsx';
import { dispositionLabel } from '../chat/close-dialog.tsx';
import { STATUS_LABELS, visitorLabel } from '../conversation-format.ts';
import { useDirectory } from '../directory.tsx';
import { ConversationsTabs } from '../workspace-bar.tsx';
import { CsatStars } from './csat-stars.tsx';
import { HistoryFilterBar } from './history-filter-bar.tsx';
import { filtersQuery, type HistoryFilters, hasFilters, parseFilters, toSearch } from './history-filters.ts';

const PAGE = 50;

interface Results {
  items: Conversation[];
  nextCursor: string | null;
}

export function HistoryPage() {
  const { user } = useSession();
  const t = useT();
  const supervisor = canManage(user.role);
  const [filters, setFilters] = useState<HistoryFilters>(() => parseFilters(window.location.search));
  const [results, setResults] = useState<Results | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [more, setMore] = useState<'idle' | 'loading' | string>('idle');
  const ticket = useRef(0);

  const load = useCallback((f: HistoryFilters) => {
    const mine = ++ticket.current;
    setError(undefined);
    searchConversations({ ...toSearch(f), limit: PAGE }).then(
      (page) => mine === ticket.current && setResults(page),
      (caught: unknown) => mine === ticket.current && setError(caught),
    );
  }, []);

  useEffect(() => load(filters), [load, filters]);

  const change = useCallback((next: HistoryFilters) => {
    window.history.replaceState(null, '', href('/conversations/history') + filtersQuery(next));
    setResults(null);
    setFilters(next);
  }, []);

  async function loadMore() {
    if (!results?.nextCursor) return;
    setMore('loading');
    try {
      const page = await searchConversations({
        ...toSearch(filters),
        limit: PAGE,
        cursor: results.nextCursor,
      });
      setResults({ items: [...results.items, ...page.items], nextCursor: page.nextCursor });
      setMore('idle');
    } catch (caught) {
      setMore(errorMessage(caught));
    }
  }

  return (
    <>
      <PageHeader
        title={t('Conversation history')}
        description={
          supervisor
            ? t(
                'Every conversation of your team. Search the words said, or narrow by agent, skill, date and rating.',
              )
            : t(
                'The conversations you took part in. Search the words said, or narrow by skill, date and rating.',
              )
        }
      />
      <ConversationsTabs />
      <HistoryFilterBar filters={filters} onChange={change} supervisor={supervisor} />
      {error !== undefined ? (
        <LoadError error={error} onRetry={() => load(filters)} />
      ) : !results ? (
        <LoadingState label={t('Searching conversations…')} />
      ) : results.items.length === 0 ? (
        <EmptyState
          icon={<ConversationsIcon />}
          title={hasFilters(filters) ? t('Nothing matches') : t('No conversations yet')}
          testId="history-empty"
        >
          <p>
            {hasFilters(filters)
              ? t('No conversation matches these filters. Try fewer words or a wider date range.')
              : t('Closed chats and offline messages are kept here with their transcripts.')}
          </p>
        </EmptyState>
      ) : (
        <>
          <HistoryTable items={results.items} />
          <div className="history-more">
            {results.nextCursor ? (
              <button type="button" className="button" onClick={loadMore} disabled={more === 'loading'}>
                {more === 'loading' ? t('Loading…') : t('Load older conversations')}
              </button>
            ) : (
              <span className="muted">
                {t('{count, plural, one {# conversation} other {# conversations}}', {
                  count: results.items.length,
                })}
              </span>
            )}
            {more !== 'idle' && more !== 'loading' && <span className="field-error">{more}</span>}
          </div>
        </>
      )}
    </>
  );
}

function HistoryTable({ items }: { items: Conversation[] }) {
  const { userName, skillName } = useDirectory();
  const t = useT();
  useContactNames(items);
  return (
    <div className="table-wrap">
      <table className="table history-table" data-testid="history-table">
        <thead>
          <tr>
            <th scope="col">{t('Visitor')}</th>
            <th scope="col">{t('Agent')}</th>
            <th scope="col">{t('Skill')}</th>
            <th scope="col">{t('Started')}</th>
            <th scope="col">{t('Outcome')}</th>
            <th scope="col">CSAT</th>
          </tr>
        </thead>
        <tbody>
          {items.map((c) => {
            const to = `/conversations/history/${encodeURIComponent(c.id)}`;
            return (
              <tr key={c.id} className="row-clickable" onClick={() => navigate(to)} data-testid="history-row">
                <td>
                  <Link to={to} className="history-visitor" onClick={(e) => e.stopPropagation()}>
                    {visitorLabel(c)}
                  </Link>
                  <ChannelBadge channel={c.channel} small />
                  {(c.topic || c.visitorEmail) && (
                    <span className="history-sub">
                      {[c.topic, c.visitorName ? c.visitorEmail : null].filter(Boolean).join(' · ')}
                    </span>
                  )}
                </td>
                <td data-label={t('Agent')}>
                  {userName(c.assignedAgentId) ?? <span className="muted">—</span>}
                </td>
                <td data-label={t('Skill')}>{skillName(c.skillId) ?? <span className="muted">—</span>}</td>
                <td className="cell-nowrap" data-label={t('Started')}>
                  {formatDateTime(c.createdAt)}
                </td>
                <td data-label={t('Outcome')}>
                  <span className={`badge badge-chat-${c.status}`}>
                    {c.disposition ? dispositionLabel(c.disposition) : STATUS_LABELS[c.status]}
                  </span>
                  {c.tags.length > 0 && (
                    <span className="chips history-tags">
                      {c.tags.map((tag) => (
                        <span key={tag} className="chip chip-small">
                          {tag}
                        </span>
                      ))}
                    </span>
                  )}
                </td>
                <td data-label="CSAT">
                  <CsatStars score={c.csatScore} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
