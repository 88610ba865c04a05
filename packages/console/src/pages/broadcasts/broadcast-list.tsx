/** The broadcast list, newest first: status, segment, channels, send time and the funnel in brief. */
import { useCallback } from 'react';
import { type BroadcastView, listBroadcasts } from '../../api/broadcasts.ts';
import { listSegments } from '../../api/segments.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { formatDateTime, formatNumber } from '../../components/format.ts';
import { BroadcastsIcon, PlusIcon } from '../../components/icons.tsx';
import { LoadError } from '../../components/load-error.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useResource } from '../../components/use-resource.ts';
import { useT } from '../../i18n/language-context.tsx';
import { Link } from '../../router/router.tsx';
import { canManage, useSession } from '../../session/session-context.tsx';
import { StackBar } from './broadcast-funnel.tsx';
import { channelLabel, statusLabel, statusTone } from './broadcast-text.ts';
import './broadcasts.css';

/** The list, and the segments' names by id (a deleted segment shows as its id). */
const loadAll = async () => {
  const [broadcasts, segments] = await Promise.all([listBroadcasts(), listSegments().catch(() => [])]);
  return { broadcasts, segments: new Map(segments.map((s) => [s.id, s.name])) };
};

/** The funnel in one line: the steps people ask about first. */
function FunnelBrief({ b }: { b: BroadcastView }) {
  const t = useT();
  const f = b.funnel;
  const steps: [string, number, string][] = [
    [t('targeted'), f.targeted, 'targeted'],
    [t('sent'), f.sent, 'sent'],
    [t('delivered'), f.delivered, 'delivered'],
    [t('read'), f.read, 'read'],
    [t('failed'), f.failed, 'failed'],
  ];
  if (f.targeted === 0)
    return (
      <span className="muted">
        {b.status === 'draft' || b.status === 'scheduled' ? t('Not sent yet') : '—'}
      </span>
    );
  return (
    <div className="funnel-brief-cell">
      <dl className="funnel-brief" data-testid="broadcast-funnel-brief">
        {steps.map(([label, value, key]) => (
          <div
            key={key}
            className={`funnel-brief-step funnel-brief-${key}`}
            data-step={key}
            data-failed={key === 'failed' && value > 0 ? '' : undefined}
          >
            <dt>{label}</dt>
            <dd>{formatNumber(value)}</dd>
          </div>
        ))}
      </dl>
      <StackBar {...f} />
    </div>
  );
}

export function BroadcastList() {
  const t = useT();
  const { user } = useSession();
  const manager = canManage(user.role);
  const load = useCallback(loadAll, []);
  const loaded = useResource(load);
  const broadcasts = loaded.data?.broadcasts;

  const newButton = manager && (
    <Link to="/broadcasts/new" className="button button-primary">
      <PlusIcon />
      {t('New broadcast')}
    </Link>
  );

  return (
    <>
      <PageHeader
        title={t('Broadcasts')}
        description={t(
          'Send one message to a segment on WhatsApp, SMS or e-mail, now or at a set time. Each keeps a holdout that gets nothing, so you see what the message changed.',
        )}
        actions={broadcasts && broadcasts.length > 0 ? newButton : null}
      />
      {loaded.loading && !loaded.data ? (
        <LoadingState label={t('Loading broadcasts…')} />
      ) : loaded.error ? (
        <LoadError error={loaded.error} onRetry={loaded.reload} />
      ) : broadcasts && broadcasts.length === 0 ? (
        <EmptyState
          icon={<BroadcastsIcon />}
          title={t('No broadcasts yet')}
          testId="broadcasts-empty"
          actions={newButton}
        >
          <p>
            {t(
              'A broadcast sends one message to every contact of a segment — such as “spring prices are in” to repeat buyers — each on the first channel they can be reached on.',
            )}
          </p>
          <p className="muted">
            {manager
              ? t(
                  'Start with one: pick a segment, write the message and preview it for a real contact before it goes out.',
                )
              : t('Owners and admins send broadcasts; they will be listed here.')}
          </p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table broadcast-table" data-testid="broadcast-table">
            <thead>
              <tr>
                <th scope="col">{t('Broadcast')}</th>
                <th scope="col">{t('Status')}</th>
                <th scope="col">{t('Channels')}</th>
                <th scope="col">{t('Send time')}</th>
                <th scope="col">{t('Funnel')}</th>
              </tr>
            </thead>
            <tbody>
              {broadcasts?.map((b) => (
                <tr key={b.id} data-testid="broadcast-row" data-broadcast-id={b.id}>
                  <th scope="row" className="cell-strong">
                    <span className="campaign-cell">
                      <Link to={`/broadcasts/${encodeURIComponent(b.id)}`} className="row-link">
                        {b.name}
                      </Link>
                      <span className="campaign-goal" data-testid="broadcast-segment">
                        {t('To {segment}', {
                          segment: loaded.data?.segments.get(b.segmentId) ?? b.segmentId,
                        })}
                      </span>
                    </span>
                  </th>
                  <td data-label={t('Status')}>
                    <span className={`badge ${statusTone(b.status)}`} data-testid="broadcast-status">
                      {statusLabel(b.status)}
                    </span>
                  </td>
                  <td data-label={t('Channels')}>
                    <span className="channel-chips">
                      {b.channels.map((c) => (
                        <span key={c} className={`channel-chip channel-chip-${c}`}>
                          {channelLabel(c)}
                        </span>
                      ))}
                    </span>
                  </td>
                  <td data-label={t('Send time')} className="cell-schedule">
                    {b.status === 'draft' ? '—' : formatDateTime(b.startedAt ?? b.sendAt)}
                  </td>
                  <td data-label={t('Funnel')}>
                    <FunnelBrief b={b} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
