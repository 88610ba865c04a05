/** A broadcast's recipients in contact id order, a page at a time: arm, channel, state and reason. */
import { useCallback, useEffect, useState } from 'react';
import { type BroadcastRecipient, listRecipients } from '../../api/broadcasts.ts';
import { contactNames } from '../../api/contacts.ts';
import { errorMessage } from '../../api/http.ts';
import { formatDateTime } from '../../components/format.ts';
import { useT } from '../../i18n/language-context.tsx';
import { Link } from '../../router/router.tsx';
import { channelLabel, reasonLabel, recipientStateLabel } from './broadcast-text.ts';

/** Recipients a page holds. */
export const RECIPIENTS_PAGE = 50;

const stateTone: Record<string, string> = {
  held_out: 'badge-control',
  skipped: 'badge-neutral',
  failed: 'badge-danger',
  in_doubt: 'badge-paused',
  read: 'badge-active',
  delivered: 'badge-active',
  sent: 'badge-outcome-pending',
  queued: 'badge-outcome-pending',
};

export function BroadcastRecipients({ id, version }: { id: string; version: string }) {
  const t = useT();
  const [items, setItems] = useState<BroadcastRecipient[]>([]);
  const [names, setNames] = useState<Record<string, string | null>>({});
  const [next, setNext] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);

  const fetchPage = useCallback(
    async (after: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await listRecipients(id, after, RECIPIENTS_PAGE);
        const ids = page.items.map((r) => r.contactId);
        const found = ids.length
          ? await contactNames(ids, []).then(
              (n) => Object.fromEntries(Object.entries(n.contacts).map(([k, c]) => [k, c.name ?? c.email])),
              () => ({}),
            )
          : {};
        setItems((current) => (after ? [...current, ...page.items] : page.items));
        setNames((current) => ({ ...current, ...found }));
        setNext(page.next);
      } catch (caught) {
        setError(errorMessage(caught));
      } finally {
        setLoading(false);
      }
    },
    [id],
  );

  // The first page again when the broadcast moved on (a poll brought new counts).
  // biome-ignore lint/correctness/useExhaustiveDependencies: version is the signal to read again
  useEffect(() => {
    void fetchPage(null);
  }, [fetchPage, version]);

  return (
    <section
      className="card broadcast-card"
      aria-labelledby="recipients-title"
      data-testid="broadcast-recipients"
    >
      <header className="card-header">
        <h2 className="card-title" id="recipients-title">
          {t('Recipients')}
        </h2>
      </header>
      {error && (
        <p className="field-error broadcast-card-body" role="alert">
          {error}
        </p>
      )}
      {items.length === 0 && !loading && !error ? (
        <p className="muted broadcast-card-body">{t('No contact has been reached yet.')}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-compact" data-testid="recipient-table">
            <thead>
              <tr>
                <th scope="col">{t('Contact')}</th>
                <th scope="col">{t('Group')}</th>
                <th scope="col">{t('Channel')}</th>
                <th scope="col">{t('State')}</th>
                <th scope="col">{t('Reason')}</th>
                <th scope="col">{t('At')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((r) => (
                <tr key={r.contactId} data-testid="recipient-row" data-state={r.state}>
                  <th scope="row" className="cell-strong">
                    <Link to={`/contacts/${encodeURIComponent(r.contactId)}`} className="row-link">
                      {names[r.contactId] ?? r.contactId}
                    </Link>
                  </th>
                  <td data-label={t('Group')}>{r.arm === 'holdout' ? t('Holdout') : t('Send group')}</td>
                  <td data-label={t('Channel')}>{r.channel ? channelLabel(r.channel) : '—'}</td>
                  <td data-label={t('State')}>
                    <span className={`badge ${stateTone[r.state] ?? 'badge-neutral'}`}>
                      {recipientStateLabel(r.state)}
                    </span>
                  </td>
                  <td data-label={t('Reason')}>{r.reason ? reasonLabel(r.reason) : ''}</td>
                  <td data-label={t('At')}>{formatDateTime(r.at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(next || loading) && (
        <div className="broadcast-card-foot">
          <button
            type="button"
            className="button button-small"
            disabled={loading}
            onClick={() => void fetchPage(next)}
            data-testid="recipients-more"
          >
            {loading ? t('Loading…') : t('Show more')}
          </button>
        </div>
      )}
    </section>
  );
}
