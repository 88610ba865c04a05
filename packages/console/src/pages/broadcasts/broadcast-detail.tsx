/**
 * One broadcast (/broadcasts/:id): what it sends to whom and when; while it is scheduled or
 * sending, its progress, read again every 2 s; once done, its funnel as a chart and per channel;
 * its lift against the holdout; and its recipients. Owners and admins can cancel it.
 */
import { useCallback, useEffect, useState } from 'react';
import { type BroadcastView, cancelBroadcast, getBroadcast } from '../../api/broadcasts.ts';
import { ApiError } from '../../api/http.ts';
import { getSegment, type SegmentView } from '../../api/segments.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { EmptyState } from '../../components/empty-state.tsx';
import { formatDateTime, formatNumber, formatTime } from '../../components/format.ts';
import { BroadcastsIcon } from '../../components/icons.tsx';
import { LoadError } from '../../components/load-error.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { Link } from '../../router/router.tsx';
import { canManage, useSession } from '../../session/session-context.tsx';
import { orderText } from './broadcast-form.ts';
import { ChannelTable, FunnelChart, SendingProgress } from './broadcast-funnel.tsx';
import { BroadcastLiftPanel } from './broadcast-lift.tsx';
import { takeBroadcastNotice } from './broadcast-notice.ts';
import { BroadcastRecipients, RECIPIENTS_PAGE } from './broadcast-recipients.tsx';
import { editable, isLive, statusLabel, statusTone } from './broadcast-text.ts';
import './broadcasts.css';

/** How often a scheduled or sending broadcast is read again. */
const POLL_MS = 2_000;

/** Messages queued that the outbox has not sent or given up on yet. */
const outboxBusy = (b: BroadcastView) =>
  b.funnel.queued > b.funnel.sent + b.funnel.failed + (b.funnel.inDoubt ?? 0) + (b.funnel.withdrawn ?? 0);

/** Reads the broadcast, and again every 2 s while it is scheduled or sending, or its messages are still leaving. */
function useBroadcast(id: string) {
  const [data, setData] = useState<BroadcastView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: tick is the signal to read again
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = async () => {
      try {
        const b = await getBroadcast(id);
        if (stopped) return;
        setData(b);
        setError(null);
        if (isLive(b.status) || outboxBusy(b)) timer = setTimeout(read, POLL_MS);
      } catch (caught) {
        if (stopped) return;
        setError(caught);
        // A blip while sending: try again; a missing broadcast stays missing.
        if (!(caught instanceof ApiError && caught.status === 404)) timer = setTimeout(read, POLL_MS * 2);
      }
    };
    void read();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id, tick]);
  return { data, error, reload: () => setTick((n) => n + 1), set: setData };
}

export function BroadcastDetail({ id }: { id: string }) {
  const t = useT();
  const { user } = useSession();
  const manager = canManage(user.role);
  const b = useBroadcast(id);
  const [notice, setNotice] = useState(() => takeBroadcastNotice(id)?.text ?? null);
  const [confirming, setConfirming] = useState(false);
  const [segment, setSegment] = useState<SegmentView | null>(null);
  const segmentId = b.data?.segmentId;
  useEffect(() => {
    if (!segmentId) return;
    getSegment(segmentId).then(setSegment, () => setSegment(null));
  }, [segmentId]);
  const refresh = useCallback(() => b.reload(), [b]);

  const broadcast = b.data;
  if (!broadcast && b.error instanceof ApiError && b.error.status === 404)
    return (
      <>
        <PageHeader title={t('Broadcast')} />
        <EmptyState
          icon={<BroadcastsIcon />}
          title={t('This broadcast does not exist')}
          testId="broadcast-not-found"
          actions={
            <Link to="/broadcasts" className="button">
              {t('Back to broadcasts')}
            </Link>
          }
        >
          <p>{t('Check the address, or open it from the list.')}</p>
        </EmptyState>
      </>
    );
  if (!broadcast && b.error) return <LoadError error={b.error} onRetry={refresh} />;
  if (!broadcast) return <LoadingState label={t('Loading the broadcast…')} />;

  const f = broadcast.funnel;
  const cancellable = manager && (broadcast.status === 'draft' || isLive(broadcast.status));
  const sending = broadcast.status === 'sending';
  return (
    <>
      <PageHeader
        title={broadcast.name}
        description={
          <Link to="/broadcasts" className="back-link">
            {t('← All broadcasts')}
          </Link>
        }
        actions={
          <>
            <span
              className={`badge badge-large ${statusTone(broadcast.status)}`}
              data-testid="broadcast-status"
            >
              {statusLabel(broadcast.status)}
            </span>
            {manager && editable(broadcast) && (
              <Link
                to={`/broadcasts/${encodeURIComponent(broadcast.id)}/edit`}
                className="button"
                data-testid="broadcast-edit"
              >
                {t('Edit')}
              </Link>
            )}
            {cancellable && (
              <button
                type="button"
                className="button button-danger-quiet"
                onClick={() => setConfirming(true)}
                data-testid="broadcast-cancel"
              >
                {t('Cancel broadcast')}
              </button>
            )}
          </>
        }
      />
      {notice && (
        <div className="alert alert-success" role="status" data-testid="broadcast-notice">
          {notice}
        </div>
      )}
      <dl className="broadcast-facts card" data-testid="broadcast-facts">
        <div>
          <dt>{t('Segment')}</dt>
          <dd>
            <Link to={`/segments/${encodeURIComponent(broadcast.segmentId)}`}>
              {segment?.name ?? broadcast.segmentId}
            </Link>
          </dd>
        </div>
        <div>
          <dt>{t('Channel order')}</dt>
          <dd>{orderText(broadcast.channels)}</dd>
        </div>
        <div>
          <dt>{broadcast.startedAt ? t('Started') : t('Goes out')}</dt>
          <dd data-testid="broadcast-send-time">{formatDateTime(broadcast.startedAt ?? broadcast.sendAt)}</dd>
        </div>
        <div>
          <dt>{t('Finished')}</dt>
          <dd>{broadcast.finishedAt ? formatDateTime(broadcast.finishedAt) : '—'}</dd>
        </div>
        <div>
          <dt>{t('Holdout')}</dt>
          <dd>{t('{percent} %', { percent: broadcast.holdoutPercent })}</dd>
        </div>
      </dl>

      {isLive(broadcast.status) ? (
        <section className="card broadcast-card" aria-labelledby="progress-title">
          <header className="card-header">
            <h2 className="card-title" id="progress-title">
              {sending ? t('Sending') : t('Waiting to send')}
            </h2>
            <span className="muted live-note" aria-live="polite">
              {sending
                ? // A large broadcast's counts are reused for a few seconds: the time says how fresh they are.
                  t('Counts as of {time}', { time: formatTime(broadcast.countedAt) })
                : t('Goes out {when}', { when: formatDateTime(broadcast.sendAt) })}
            </span>
          </header>
          <div className="broadcast-card-body">
            <SendingProgress funnel={f} expected={segment?.count ?? null} />
          </div>
        </section>
      ) : (
        broadcast.status !== 'draft' && (
          <section className="card broadcast-card" aria-labelledby="funnel-title">
            <header className="card-header">
              <div className="card-title-block">
                <h2 className="card-title" id="funnel-title">
                  {t('Funnel')}
                </h2>
                <p className="card-subtitle">
                  {t(
                    '{count, plural, one {# contact targeted} other {# contacts targeted}}, {held} held out, {skipped} skipped',
                    {
                      count: f.targeted,
                      held: formatNumber(f.heldOut),
                      skipped: formatNumber(f.skipped),
                    },
                  )}
                </p>
              </div>
            </header>
            <div className="broadcast-card-body">
              <FunnelChart funnel={f} />
            </div>
          </section>
        )
      )}
      {broadcast.status === 'draft' && (
        <p className="alert alert-info" data-testid="broadcast-draft-note">
          {manager
            ? t('A draft is not sent. Edit it to send it or schedule it.')
            : t('A draft is not sent until an admin schedules it.')}
        </p>
      )}
      {f.queued > 0 && (
        <section className="card broadcast-card" aria-labelledby="by-channel-title">
          <header className="card-header">
            <h2 className="card-title" id="by-channel-title">
              {t('By channel')}
            </h2>
          </header>
          <ChannelTable funnel={f} channels={broadcast.channels} />
        </section>
      )}
      {broadcast.status !== 'draft' && (
        <BroadcastLiftPanel lift={broadcast.lift} holdoutPercent={broadcast.holdoutPercent} />
      )}
      <BroadcastRecipients
        id={broadcast.id}
        version={`${broadcast.status}:${Math.min(f.targeted, RECIPIENTS_PAGE)}:${f.sent}`}
      />

      {confirming && (
        <ConfirmDialog
          title={t('Cancel {name}?', { name: broadcast.name })}
          confirmLabel={t('Cancel broadcast')}
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            try {
              b.set(await cancelBroadcast(broadcast.id));
              setNotice(t('Cancelled “{name}”.', { name: broadcast.name }));
            } catch (caught) {
              if (!(caught instanceof ApiError && caught.status === 409)) throw caught;
              b.reload();
              setNotice(null);
              throw new Error(
                t('“{name}” has finished already, so there is nothing left to cancel.', {
                  name: broadcast.name,
                }),
              );
            }
          }}
        >
          <p>{t('No more contacts are queued. Messages queued already still go out.')}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
