/** Segments: the list (/segments) and the editor (/segments/new, /segments/:id). */
import { usePath } from '../../router/router.tsx';
import { NotFoundPage } from '../not-found/not-found-page.tsx';
import { SegmentEditor } from './segment-editor.tsx';
import { SegmentList } from './segment-list.tsx';

export function SegmentsPage() {
  const path = usePath();
  if (path === '/segments') return <SegmentList />;
  const rest = path.slice('/segments/'.length);
  if (!rest || rest.includes('/')) return <NotFoundPage />;
  return <SegmentEditor key={rest} id={rest === 'new' ? null : decodeURIComponent(rest)} />;
}
