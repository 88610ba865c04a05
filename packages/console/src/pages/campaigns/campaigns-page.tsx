/** Campaigns: the list (/campaigns) and the editor (/campaigns/new, /campaigns/:id, loaded on demand). */
import { lazy, Suspense } from 'react';
import { LoadingState } from '../../components/loading-state.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { Redirect, usePath } from '../../router/router.tsx';
import { canManage, useSession } from '../../session/session-context.tsx';
import { NotFoundPage } from '../not-found/not-found-page.tsx';
import { CampaignList } from './campaign-list.tsx';

const CampaignEditor = lazy(() => import('./campaign-editor.tsx'));

export function CampaignsPage() {
  const t = useT();
  const path = usePath();
  const { user } = useSession();
  if (path === '/campaigns') return <CampaignList />;
  const rest = path.slice('/campaigns/'.length);
  if (!rest || rest.includes('/')) return <NotFoundPage />;
  if (rest === 'new' && !canManage(user.role)) return <Redirect to="/campaigns" />;
  return (
    <Suspense fallback={<LoadingState label={t('Loading the campaign editor…')} />}>
      <CampaignEditor id={rest === 'new' ? null : decodeURIComponent(rest)} />
    </Suspense>
  );
}
