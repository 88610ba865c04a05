/** One endpoint's delivery log: what was sent, what came back, how long it took; replay one or all since a time. */
import { useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import { listDeliveries, replayDelivery, replaySince, type WebhookEndpoint } from '../../../api/webhooks.ts';
import { EmptyState } from '../../../components/empty-state.tsx';
import { formatDateTime, formatRelative } from '../../../components/format.ts';
import { LayersIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { useResource } from '../../../components/use-resource.ts';

const STATUS_CLASS: Record<string, string> = {
  delivered: 'badge badge-active',
  failed: 'badge badge-paused',
  queued: 'badge',
  sending: 'badge',
};

export function DeliveryLog({ endpoint }: { endpoint: WebhookEndpoint }) {
  const log = useResource(() => listDeliveries(endpoint.id));
  const [since, setSince] = useState(() => new Date(Date.now() - 3600_000).toISOString().slice(0, 16));
  const [note, setNote] = useState<string | null>(null);

  async function replayAll() {
    try {
      const r = await replaySince(endpoint.id, new Date(since).toISOString());
      setNote(`${r.queued} deliveries queued again.`);
      log.reload();
    } catch (caught) {
      setNote(errorMessage(caught));
    }
  }

  return (
    <div className="panel" data-testid="delivery-log">
      <div className="delivery-toolbar">
        <label>
          Replay everything since{' '}
          <input
            type="datetime-local"
            className="input input-small"
            value={since}
            onChange={(e) => setSince(e.target.value)}
          />
        </label>
        <button type="button" className="button button-small" onClick={replayAll} data-testid="replay-since">
          Replay
        </button>
        <button type="button" className="button button-small" onClick={log.reload}>
          Refresh
        </button>
        {note && (
          <span className="muted" role="status">
            {note}
          </span>
        )}
      </div>
      {log.loading && !log.data ? (
        <LoadingState label="Loading deliveries…" />
      ) : log.error ? (
        <LoadError error={log.error} onRetry={log.reload} />
      ) : log.data?.length === 0 ? (
        <EmptyState icon={<LayersIcon />} title="Nothing delivered yet" testId="deliveries-empty">
          <p>Deliveries appear here as events happen: the request, the answer and how long it took.</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="delivery-table">
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Answer</th>
                <th scope="col">Duration</th>
                <th scope="col">Attempts</th>
                <th scope="col">When</th>
                <th scope="col" className="cell-actions">
                  <span className="visually-hidden">Actions</span>
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
                  <td data-label="Status">
                    <span className={STATUS_CLASS[d.status]}>{d.status}</span>
                  </td>
                  <td data-label="Answer" title={d.responseExcerpt ?? d.lastError ?? ''}>
                    {d.responseStatus ?? '—'}{' '}
                    <span className="muted">{(d.lastError ?? d.responseExcerpt ?? '').slice(0, 60)}</span>
                  </td>
                  <td data-label="Duration">{d.durationMs === null ? '—' : `${d.durationMs} ms`}</td>
                  <td data-label="Attempts">{d.attempts}</td>
                  <td data-label="When">
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
                      Replay
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
