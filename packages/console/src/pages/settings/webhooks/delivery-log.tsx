/** One endpoint's delivery log: what was sent, what came back, how long it took; replay one or all since a time. */
import { useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import { listDeliveries, replayDelivery, replaySince, type WebhookEndpoint } from '../../../api/webhooks.ts';
import { EmptyState } from '../../../components/empty-state.tsx';
import { formatDateTime, formatNumber, formatRelative } from '../../../components/format.ts';
import { LayersIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';

/** A delivery's state in the console's language. */
function statusLabel(t: (en: string) => string, status: string): string {
  switch (status) {
    case 'delivered':
      return t('delivered');
    case 'failed':
      return t('failed');
    case 'queued':
      return t('queued');
    case 'sending':
      return t('sending');
    default:
      return status;
  }
}

const STATUS_CLASS: Record<string, string> = {
  delivered: 'badge badge-active',
  failed: 'badge badge-paused',
  queued: 'badge',
  sending: 'badge',
};

export function DeliveryLog({ endpoint }: { endpoint: WebhookEndpoint }) {
  const t = useT();
  const log = useResource(() => listDeliveries(endpoint.id));
  const [since, setSince] = useState(() => new Date(Date.now() - 3600_000).toISOString().slice(0, 16));
  const [note, setNote] = useState<string | null>(null);

  async function replayAll() {
    try {
      const r = await replaySince(endpoint.id, new Date(since).toISOString());
      setNote(
        t('{count, plural, one {# delivery queued again.} other {# deliveries queued again.}}', {
          count: r.queued,
        }),
      );
      log.reload();
    } catch (caught) {
      setNote(errorMessage(caught));
    }
  }

  return (
    <div className="panel" data-testid="delivery-log">
      <div className="delivery-toolbar">
        <label>
          {t('Replay everything since')}{' '}
          <input
            type="datetime-local"
            className="input input-small"
            value={since}
            onChange={(e) => setSince(e.target.value)}
          />
        </label>
        <button type="button" className="button button-small" onClick={replayAll} data-testid="replay-since">
          {t('Replay')}
        </button>
        <button type="button" className="button button-small" onClick={log.reload}>
          {t('Refresh')}
        </button>
        {note && (
          <span className="muted" role="status">
            {note}
          </span>
        )}
      </div>
      {log.loading && !log.data ? (
        <LoadingState label={t('Loading deliveries…')} />
      ) : log.error ? (
        <LoadError error={log.error} onRetry={log.reload} />
      ) : log.data?.length === 0 ? (
        <EmptyState icon={<LayersIcon />} title={t('Nothing delivered yet')} testId="deliveries-empty">
          <p>{t('Deliveries appear here as events happen: the request, the answer and how long it took.')}</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="delivery-table">
            <thead>
              <tr>
                <th scope="col">{t('Event')}</th>
                <th scope="col">{t('Status')}</th>
                <th scope="col">{t('Response')}</th>
                <th scope="col">{t('Duration')}</th>
                <th scope="col">{t('Attempts')}</th>
                <th scope="col">{t('When')}</th>
                <th scope="col" className="cell-actions">
                  <span className="visually-hidden">{t('Actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {log.data?.map((d) => (
                <tr key={d.id} data-testid="delivery-row">
                  <th scope="row">
                    <details>
                      <summary>
                        <code>{d.eventType}</code>
                      </summary>
                      <pre className="code-block">{d.request}</pre>
                    </details>
                  </th>
                  <td data-label={t('Status')}>
                    <span className={STATUS_CLASS[d.status]}>{statusLabel(t, d.status)}</span>
                  </td>
                  <td data-label={t('Response')} title={d.responseExcerpt ?? d.lastError ?? ''}>
                    {d.responseStatus ?? '—'}{' '}
                    <span className="muted">{(d.lastError ?? d.responseExcerpt ?? '').slice(0, 60)}</span>
                  </td>
                  <td data-label={t('Duration')}>
                    {d.durationMs === null ? '—' : `${formatNumber(d.durationMs)} ms`}
                  </td>
                  <td data-label={t('Attempts')}>{formatNumber(d.attempts)}</td>
                  <td data-label={t('When')}>
                    <time dateTime={d.createdAt} title={formatDateTime(d.createdAt)}>
                      {formatRelative(d.createdAt)}
                    </time>
                  </td>
                  <td className="cell-actions">
                    <button
                      type="button"
                      className="button button-small"
                      disabled={d.status === 'queued' || d.status === 'sending'}
                      onClick={async () => {
                        await replayDelivery(endpoint.id, d.id).catch((e) => setNote(errorMessage(e)));
                        log.reload();
                      }}
                    >
                      {t('Replay')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
