/** Visitors: the live list (/visitors) and one visitor's journey (/visitors/:id). */
import { usePath } from '../../router/router.tsx';
import { NotFoundPage } from '../not-found/not-found-page.tsx';
import { LiveVisitors } from './live-visitors.tsx';
import { VisitorDetail } from './visitor-detail.tsx';

export function VisitorsPage() {
  const path = usePath();
  if (path === '/visitors') return <LiveVisitors />;
  const rest = path.slice('/visitors/'.length);
  if (!rest || rest.includes('/')) return <NotFoundPage />;
  const siteId = new URLSearchParams(window.location.search).get('site') ?? undefined;
  return <VisitorDetail key={rest} visitorId={decodeURIComponent(rest)} siteId={siteId} />;
}
