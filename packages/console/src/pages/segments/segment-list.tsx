/** The segment list: each segment with how many contacts match it now; delete. */
import { useState } from 'react';
import { deleteSegment, listSegments, type SegmentView } from '../../api/segments.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { formatNumber, formatRelative } from '../../components/format.ts';
import { PlusIcon, SegmentsIcon } from '../../components/icons.tsx';
import { LoadError } from '../../components/load-error.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useResource } from '../../components/use-resource.ts';
import { useT } from '../../i18n/language-context.tsx';
import { Link } from '../../router/router.tsx';
import { canManage, useSession } from '../../session/session-context.tsx';
import { filterSummary } from './segment-summary.ts';

export function SegmentList() {
  const t = useT();
  const { user } = useSession();
  const manager = canManage(user.role);
  const loaded = useResource(listSegments);
  const [deleting, setDeleting] = useState<SegmentView | null>(null);
  const segments = loaded.data;

  const newButton = manager && (
    <Link to="/segments/new" className="button button-primary">
      <PlusIcon />
      {t('New segment')}
    </Link>
  );

  return (
    <>
      <PageHeader
        title={t('Segments')}
        description={t(
          'Saved groups of contacts: who they are, where they can be reached, what they bought and what they did on your site. Counts are always current.',
        )}
        actions={segments && segments.length > 0 ? newButton : null}
      />
      {loaded.loading && !segments ? (
        <LoadingState label={t('Loading segments…')} />
      ) : loaded.error ? (
        <LoadError error={loaded.error} onRetry={loaded.reload} />
      ) : segments && segments.length === 0 ? (
        <EmptyState
          icon={<SegmentsIcon />}
          title={t('No segments yet')}
          testId="segments-empty"
          actions={newButton}
        >
          <p>
            {t(
              'A segment is a filter over your contacts, such as “bought twice, reachable on WhatsApp, seen in the last 30 days”.',
            )}
          </p>
          <p className="muted">
            {manager
              ? t('Start with one: the editor counts the matching contacts as you build the filter.')
              : t('Owners and admins create segments; they will be listed here.')}
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table segment-table" data-testid="segment-table">
            <thead>
              <tr>
                <th scope="col">{t('Segment')}</th>
                <th scope="col" className="cell-number">
                  {t('Contacts')}
                </th>
                <th scope="col">{t('Changed')}</th>
                {manager && (
                  <th scope="col" className="cell-actions">
                    <span className="visually-hidden">{t('Actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {segments?.map((segment) => (
                <tr key={segment.id} data-testid="segment-row">
                  <th scope="row" className="cell-strong">
                    <span className="campaign-cell">
                      <Link to={`/segments/${encodeURIComponent(segment.id)}`} className="row-link">
                        {segment.name}
                      </Link>
                      <span className="campaign-goal">{filterSummary(segment.filter)}</span>
                    </span>
                  </th>
                  <td data-label={t('Contacts')} className="cell-number" data-testid="segment-count">
                    {formatNumber(segment.count)}
                  </td>
                  <td data-label={t('Changed')}>{formatRelative(segment.updatedAt)}</td>
                  {manager && (
                    <td className="cell-actions">
                      <button
                        type="button"
                        className="button button-small button-danger-quiet"
                        onClick={() => setDeleting(segment)}
                        aria-label={t('Delete {name}', { name: segment.name })}
                      >
                        {t('Delete')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {deleting && (
        <ConfirmDialog
          title={t('Delete {name}?', { name: deleting.name })}
          confirmLabel={t('Delete segment')}
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await deleteSegment(deleting.id);
            const id = deleting.id;
            loaded.update((data) => data.filter((item) => item.id !== id));
          }}
        >
          <p>{t('The filter is deleted. Its contacts stay as they are.')}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
