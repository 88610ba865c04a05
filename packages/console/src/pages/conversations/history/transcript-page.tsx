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
import { Link } from '../../../router/router.tsx';
import { formatClock } from '../../visitors/visitor-format.ts';
import { MessageRows } from '../chat/message-list.tsx';
import { howStarted, STATUS_LABELS, visitorLabel } from '../conversation-format.ts';
import { useDirectory } from '../directory.tsx';
import { CsatStars } from './csat-stars.tsx';

export function TranscriptPage({ id }: { id: string }) {
  const load = useCallback(() => getWholeConversation(id), [id]);
  const { data, error, reload } = useResource(load);
  const { userName, skillName } = useDirectory();
  const back = (
    <Link to={`/conversations/history${window.location.search}`} className="back-link">
      ← Conversation history
    </Link>
  );

  if (!data) {
    const missing = error instanceof ApiError && error.status === 404;
    return (
      <>
        <PageHeader title="Conversation" description={back} />
        {missing ? (
          <EmptyState
            icon={<ConversationsIcon />}
            title="We can't find this conversation"
            testId="transcript-missing"
          >
            <p>It does not exist, or it is not one you may read.</p>
          </EmptyState>
        ) : error ? (
          <LoadError error={error} onRetry={reload} />
        ) : (
          <LoadingState label="Loading the transcript…" />
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
    ['Status', STATUS_LABELS[c.status]],
    ['Started', formatDateTime(c.createdAt)],
    ...(c.closedAt ? ([['Ended', formatDateTime(c.closedAt)]] as [string, string][]) : []),
    ...(duration ? ([['Duration', duration]] as [string, string][]) : []),
    ['Agent', userName(c.assignedAgentId) ?? '—'],
    ['Skill', skillName(c.skillId) ?? '—'],
    ['How', howStarted(c)],
    ['Disposition', c.disposition ?? '—'],
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
                E-mail the visitor
              </a>
            )}
            <a
              className="button button-primary"
              href={transcriptUrl(c.id)}
              download
              data-testid="transcript-download"
            >
              Download transcript
            </a>
          </>
        }
      />
      <div className="transcript-layout" data-testid="transcript">
        <section className="card transcript-card" aria-label="Transcript">
          {messages.length === 0 ? (
            <p className="message-empty">No messages in this conversation.</p>
          ) : (
            <ol className="messages transcript-messages">
              <MessageRows messages={messages} seenSeq={0} visitorName={visitorLabel(c)} />
            </ol>
          )}
        </section>
        <aside className="transcript-aside">
          <section className="card panel">
            <header className="panel-header">
              <h2 className="panel-title">Details</h2>
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
                  <dt>Topic</dt>
                  <dd>{c.topic}</dd>
                </div>
              )}
              {c.visitorEmail && (
                <div className="panel-fact">
                  <dt>E-mail</dt>
                  <dd className="wrap">{c.visitorEmail}</dd>
                </div>
              )}
            </dl>
            {c.tags.length > 0 && (
              <p className="chips transcript-tags" data-testid="transcript-tags">
                {c.tags.map((t) => (
                  <span key={t} className="chip">
                    {t}
                  </span>
                ))}
              </p>
            )}
          </section>
          <section className="card panel" data-testid="transcript-csat">
            <header className="panel-header">
              <h2 className="panel-title">Visitor rating</h2>
            </header>
            {c.csatScore === null ? (
              <p className="panel-empty">The visitor did not rate this chat.</p>
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
