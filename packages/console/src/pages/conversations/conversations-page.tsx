/**
 * Conversations: the agent workspace (/conversations) and the history (/conversations/history,
 * one transcript at /conversations/history/:id). Loaded only when opened.
 */
import { lazy, type ReactNode, Suspense } from 'react';
import { EmptyState } from '../../components/empty-state.tsx';
import { ConversationsIcon } from '../../components/icons.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { isUnder, Link, usePath } from '../../router/router.tsx';
import { useSession } from '../../session/session-context.tsx';
import { NotFoundPage } from '../not-found/not-found-page.tsx';
import { DirectoryProvider } from './directory.tsx';
import { Workspace } from './workspace.tsx';
import './workspace.css';
import './chat/chat.css';
import './context/context.css';
import './history/history.css';

// The inbox loads with the page; History, a transcript and Mentions when first opened, so signing
// in and opening the inbox download only what the inbox shows (PERFORMANCE.md, W5).
const HistoryPage = lazy(() =>
  import('./history/history-page.tsx').then((m) => ({ default: m.HistoryPage })),
);
const TranscriptPage = lazy(() =>
  import('./history/transcript-page.tsx').then((m) => ({ default: m.TranscriptPage })),
);
const MentionsPage = lazy(() =>
  import('./mentions/mentions-page.tsx').then((m) => ({ default: m.MentionsPage })),
);

export function ConversationsPage() {
  const path = usePath();
  const { user } = useSession();
  if (user.role === 'analyst') return <AnalystNote />;
  let page: ReactNode;
  if (path === '/conversations') page = <Workspace />;
  else if (path === '/conversations/history') page = <HistoryPage />;
  else if (path === '/conversations/mentions') page = <MentionsPage />;
  else if (isUnder(path, '/conversations/history')) {
    const rest = path.slice('/conversations/history/'.length);
    page =
      rest && !rest.includes('/') ? (
        <TranscriptPage key={rest} id={decodeURIComponent(rest)} />
      ) : (
        <NotFoundPage />
      );
  } else page = <NotFoundPage />;
  return (
    <DirectoryProvider>
      <Suspense fallback={<LoadingState />}>{page}</Suspense>
    </DirectoryProvider>
  );
}

function AnalystNote() {
  const t = useT();
  return (
    <>
      <PageHeader title={t('Conversations')} description={t('Chats between visitors and your agents.')} />
      <EmptyState
        icon={<ConversationsIcon />}
        title={t('Conversations are for agents')}
        actions={
          <Link to="/analytics" className="button button-primary">
            {t('Open Analytics')}
          </Link>
        }
      >
        <p>{t('Analysts read chat volumes, wait times, CSAT and agent figures in Analytics.')}</p>
      </EmptyState>
    </>
  );
}
