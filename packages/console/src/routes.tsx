/** Which page renders for which console path. A new page is one folder under pages/ and one line here. */
import { lazy, type ReactNode, Suspense } from 'react';
import { LoadingState } from './components/loading-state.tsx';
import { CampaignsPage } from './pages/campaigns/campaigns-page.tsx';
import { ContactsPage } from './pages/contacts/contacts-page.tsx';
import { NotFoundPage } from './pages/not-found/not-found-page.tsx';
import { SettingsPage } from './pages/settings/settings-page.tsx';
import { VisitorsPage } from './pages/visitors/visitors-page.tsx';
import { WallboardPage } from './pages/wallboard/wallboard-page.tsx';
import { isUnder, Redirect, usePath } from './router/router.tsx';

// Analytics (and its charting library) loads only when opened, keeping the console's first load small.
const AnalyticsPage = lazy(() =>
  import('./pages/analytics/analytics-page.tsx').then((m) => ({ default: m.AnalyticsPage })),
);

// The agent workspace loads when opened too; the socket behind it (status, offers, alerts) is always on.
const ConversationsPage = lazy(() =>
  import('./pages/conversations/conversations-page.tsx').then((m) => ({ default: m.ConversationsPage })),
);

const ROUTES: { prefix: string; render: () => ReactNode }[] = [
  { prefix: '/visitors', render: () => <VisitorsPage /> },
  {
    prefix: '/conversations',
    render: () => (
      <Suspense fallback={<LoadingState label="Loading conversations…" />}>
        <ConversationsPage />
      </Suspense>
    ),
  },
  { prefix: '/contacts', render: () => <ContactsPage /> },
  { prefix: '/campaigns', render: () => <CampaignsPage /> },
  {
    prefix: '/analytics',
    render: () => (
      <Suspense fallback={<LoadingState label="Loading analytics…" />}>
        <AnalyticsPage />
      </Suspense>
    ),
  },
  { prefix: '/wallboard', render: () => <WallboardPage /> },
  { prefix: '/settings', render: () => <SettingsPage /> },
];

export function Routes() {
  const path = usePath();
  // "/" and "/login" (e.g. a bookmark from before logging in) land on the first section.
  if (path === '/' || path === '/login') return <Redirect to="/visitors" />;
  const route = ROUTES.find((item) => isUnder(path, item.prefix));
  return route ? route.render() : <NotFoundPage />;
}
