/** One rule's run log: when it fired, on which conversation, and what each action did (or why not). */
import { type AutomationRule, listRuns } from '../../../api/automation.ts';
import { formatDateTime, formatRelative } from '../../../components/format.ts';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { Link } from '../../../router/router.tsx';
import { actionLabels } from './automation-text.ts';

export function RunLog({ rule }: { rule: AutomationRule }) {
  const t = useT();
  const runs = useResource(() => listRuns(rule.id));
  const labels: Record<string, string> = actionLabels();
  return (
    <div className="panel" data-testid="run-log">
      <div className="delivery-toolbar">
        <strong>{t('Run log')}</strong>
        <span className="muted">{t('The newest {count, number} runs are kept.', { count: 200 })}</span>
        <button type="button" className="button button-small" onClick={runs.reload}>
          {t('Refresh')}
        </button>
      </div>
      {runs.loading && !runs.data ? (
        <LoadingState label={t('Loading runs…')} />
      ) : runs.error ? (
        <LoadError error={runs.error} onRetry={runs.reload} />
      ) : runs.data?.length === 0 ? (
        <p className="muted rule-none" data-testid="run-log-empty">
          {t('This rule has not fired yet.')}
        </p>
      ) : (
        <table className="table table-compact">
          <thead>
            <tr>
              <th scope="col">{t('When')}</th>
              <th scope="col">{t('Conversation')}</th>
              <th scope="col">{t('What it did')}</th>
            </tr>
          </thead>
          <tbody>
            {runs.data?.map((r) => (
              <tr key={r.id} data-testid="run-row">
                <td title={formatDateTime(r.createdAt)}>{formatRelative(r.createdAt)}</td>
                <td>
                  {r.conversationId ? (
                    <Link to={`/conversations/history/${r.conversationId}`}>
                      <code>{r.conversationId.slice(0, 14)}…</code>
                    </Link>
                  ) : (
                    <span className="muted">{t('none')}</span>
                  )}
                </td>
                <td>
                  <ul className="run-steps">
                    {r.steps.map((s) => (
                      <li
                        key={`${s.type}:${s.detail}`}
                        className={s.ok ? 'run-step' : 'run-step run-step-failed'}
                      >
                        <span className={s.ok ? 'badge badge-active' : 'badge badge-paused'}>
                          {s.ok ? t('Done') : t('Failed')}
                        </span>{' '}
                        {s.ok ? s.detail : `${labels[s.type] ?? s.type}: ${s.detail}`}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
