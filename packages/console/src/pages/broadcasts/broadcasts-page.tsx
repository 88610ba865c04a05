/**
 * Broadcasts: the list (/broadcasts), the editor (/broadcasts/new and /broadcasts/:id/edit, loaded
 * on demand) and one broadcast (/broadcasts/:id).
 */
import { lazy, Suspense } from 'react';
import { LoadingState } from '../../components/loading-state.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { Redirect, usePath } from '../../router/router.tsx';
import { canManage, useSession } from '../../session/session-context.tsx';
import { NotFoundPage } from '../not-found/not-found-page.tsx';
import { BroadcastDetail } from './broadcast-detail.tsx';
import { BroadcastList } from './broadcast-list.tsx';

const BroadcastEditor = lazy(() => import('./broadcast-editor.tsx'));

export function BroadcastsPage() {
  const t = useT();
  const path = usePath();
  const { user } = useSession();
  if (path === '/broadcasts') return <BroadcastList />;
  const [rest, action, ...more] = path.slice('/broadcasts/'.length).split('/');
  if (!rest || more.length > 0 || (action !== undefined && (action !== 'edit' || rest === 'new')))
    return <NotFoundPage />;
  if (rest !== 'new' && !action) return <BroadcastDetail key={rest} id={decodeURIComponent(rest)} />;
  if (!canManage(user.role)) return <Redirect to={action ? `/broadcasts/${rest}` : '/broadcasts'} />;
  return (
    <Suspense fallback={<LoadingState label={t('Loading the broadcast editor…')} />}>
      {action ? <BroadcastEditor key={rest} id={decodeURIComponent(rest)} /> : <BroadcastEditor />}
    </Suspense>
  );
}
