/** Which page renders for which console path. A new page is one folder under pages/ and one line here. */
import { type ComponentType, lazy, Suspense } from 'react';
import { LoadingState } from './components/loading-state.tsx';
import { useT } from './i18n/language-context.tsx';
import { NotFoundPage } from './pages/not-found/not-found-page.tsx';
import { isUnder, Redirect, usePath } from './router/router.tsx';

type Translate = ReturnType<typeof useT>;

// Every page loads when it is first opened, so signing in and the inbox download only what they
// show. The agent socket behind the workspace (status, offers, alerts) is in the shell, always on.
const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(() => load().then((m) => ({ default: m[name] })));

const VisitorsPage = page(() => import('./pages/visitors/visitors-page.tsx'), 'VisitorsPage');
const ConversationsPage = page(
  () => import('./pages/conversations/conversations-page.tsx'),
  'ConversationsPage',
);
const ContactsPage = page(() => import('./pages/contacts/contacts-page.tsx'), 'ContactsPage');
const CampaignsPage = page(() => import('./pages/campaigns/campaigns-page.tsx'), 'CampaignsPage');
const SegmentsPage = page(() => import('./pages/segments/segments-page.tsx'), 'SegmentsPage');
const BroadcastsPage = page(() => import('./pages/broadcasts/broadcasts-page.tsx'), 'BroadcastsPage');
// Analytics carries the charting library.
const AnalyticsPage = page(() => import('./pages/analytics/analytics-page.tsx'), 'AnalyticsPage');
const WallboardPage = page(() => import('./pages/wallboard/wallboard-page.tsx'), 'WallboardPage');
const SettingsPage = page(() => import('./pages/settings/settings-page.tsx'), 'SettingsPage');

const ROUTES: { prefix: string; Page: ComponentType; loading?: (t: Translate) => string }[] = [
  { prefix: '/visitors', Page: VisitorsPage },
  { prefix: '/conversations', Page: ConversationsPage, loading: (t) => t('Loading conversations…') },
  { prefix: '/contacts', Page: ContactsPage },
  { prefix: '/campaigns', Page: CampaignsPage },
  { prefix: '/segments', Page: SegmentsPage },
  { prefix: '/broadcasts', Page: BroadcastsPage },
  { prefix: '/analytics', Page: AnalyticsPage, loading: (t) => t('Loading analytics…') },
  { prefix: '/wallboard', Page: WallboardPage },
  { prefix: '/settings', Page: SettingsPage },
];

export function Routes() {
  const path = usePath();
  const t = useT();
  // "/" and "/login" (e.g. a bookmark from before logging in) land on the first section.
  if (path === '/' || path === '/login') return <Redirect to="/visitors" />;
  const route = ROUTES.find((item) => isUnder(path, item.prefix));
  if (!route) return <NotFoundPage />;
  return (
    <Suspense fallback={<LoadingState label={route.loading?.(t)} />}>
      <route.Page />
    </Suspense>
  );
}
