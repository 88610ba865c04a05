/** One past conversation: its facts (agent, skill, outcome, rating) and the full transcript, with a download. */
import { type ReactNode, useCallback } from 'react';
import { getWholeConversation, transcriptUrl } from '../../../api/conversations.ts';
import { ApiError } from '../../../api/http.ts';
import { EmptyState } from '../../../components/empty-state.tsx';
import { formatDateTime } from '../../../components/format.ts';
import { ConversationsIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { Link } from '../../../router/router.tsx';
import { formatClock } from '../../visitors/visitor-format.ts';
import { AssistSummary } from '../chat/assist/assist-summary.tsx';
import { dispositionLabel } from '../chat/close-dialog.tsx';
import { MessageRows } from '../chat/message-list.tsx';
import { howStarted, STATUS_LABELS, visitorLabel } from '../conversation-format.ts';
import { useDirectory } from '../directory.tsx';
import { CsatStars } from './csat-stars.tsx';

export function TranscriptPage({ id }: { id: string }) {
  const load = useCallback(() => getWholeConversation(id), [id]);
  const { data, error, reload } = useResource(load);
  const { userName, skillName } = useDirectory();
  const t = useT();
  const back = (
    <Link to={`/conversations/history${window.location.search}`} className="back-link">
      {t('← Conversation history')}
    </Link>
  );

  if (!data) {
    const missing = error instanceof ApiError && error.status === 404;
    return (
      <>
        <PageHeader title={t('Conversation')} description={back} />
        {missing ? (
          <EmptyState
            icon={<ConversationsIcon />}
            title={t("We can't find this conversation")}
            testId="transcript-missing"
          >
            <p>{t('It does not exist, or it is not one you may read.')}</p>
          </EmptyState>
        ) : error ? (
          <LoadError error={error} onRetry={reload} />
        ) : (
          <LoadingState label={t('Loading the transcript…')} />
        )}
      </>
    );
  }

  const { conversation: c, messages } = data;
  const duration =
    c.closedAt && c.assignedAt
      ? formatClock((Date.parse(c.closedAt) - Date.parse(c.assignedAt)) / 1000)
      : null;
  const facts: [string, ReactNode][] = [
    [t('Status'), STATUS_LABELS[c.status]],
    [t('Started'), formatDateTime(c.createdAt)],
    ...(c.closedAt ? ([[t('Ended'), formatDateTime(c.closedAt)]] as [string, string][]) : []),
    ...(duration ? ([[t('Duration'), duration]] as [string, string][]) : []),
    [t('Agent'), userName(c.assignedAgentId) ?? '—'],
    [t('Skill'), skillName(c.skillId) ?? '—'],
    [t('How'), howStarted(c)],
    [t('Disposition'), c.disposition ? dispositionLabel(c.disposition) : '—'],
  ];

  return (
    <>
      <PageHeader
        title={visitorLabel(c)}
        description={back}
        actions={
          <>
            {c.visitorEmail && (
              <a
                className="button"
                href={`mailto:${encodeURIComponent(c.visitorEmail).replaceAll('%40', '@')}`}
              >
                {t('E-mail the visitor')}
              </a>
            )}
            <a
              className="button button-primary"
              href={transcriptUrl(c.id)}
              download
              data-testid="transcript-download"
            >
              {t('Download transcript')}
            </a>
          </>
        }
      />
      <div className="transcript-layout" data-testid="transcript">
        <section className="card transcript-card" aria-label={t('Transcript')}>
          {messages.length === 0 ? (
            <p className="message-empty">{t('No messages in this conversation.')}</p>
          ) : (
            <ol className="messages transcript-messages">
              <MessageRows messages={messages} seenSeq={0} visitorName={visitorLabel(c)} />
            </ol>
          )}
        </section>
        <aside className="transcript-aside">
          <AssistSummary conversationId={c.id} canEdit />
          <section className="card panel">
            <header className="panel-header">
              <h2 className="panel-title">{t('Details')}</h2>
            </header>
            <dl className="panel-facts">
              {facts.map(([label, value]) => (
                <div key={label} className="panel-fact">
                  <dt>{label}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
              {c.topic && (
                <div className="panel-fact">
                  <dt>{t('Topic')}</dt>
                  <dd>{c.topic}</dd>
                </div>
              )}
              {c.visitorEmail && (
                <div className="panel-fact">
                  <dt>{t('E-mail')}</dt>
                  <dd className="wrap">{c.visitorEmail}</dd>
                </div>
              )}
            </dl>
            {c.tags.length > 0 && (
              <p className="chips transcript-tags" data-testid="transcript-tags">
                {c.tags.map((tag) => (
                  <span key={tag} className="chip">
                    {tag}
                  </span>
                ))}
              </p>
            )}
          </section>
          <section className="card panel" data-testid="transcript-csat">
            <header className="panel-header">
              <h2 className="panel-title">{t('Visitor rating')}</h2>
            </header>
            {c.csatScore === null ? (
              <p className="panel-empty">{t('The visitor did not rate this chat.')}</p>
            ) : (
              <>
                <CsatStars score={c.csatScore} />
                {c.csatComment && <blockquote className="csat-comment">{c.csatComment}</blockquote>}
              </>
            )}
          </section>
        </aside>
      </div>
    </>
  );
}
