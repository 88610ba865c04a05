/** One rule's run log: when it fired, on which conversation, and what each action did (or why not). */
import { type AutomationRule, listRuns } from '../../../api/automation.ts';
import { formatDateTime, formatRelative } from '../../../components/format.ts';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { Link } from '../../../router/router.tsx';
import { ACTION_LABELS } from './automation-text.ts';

export function RunLog({ rule }: { rule: AutomationRule }) {
  const runs = useResource(() => listRuns(rule.id));
  return (
    <div className="panel" data-testid="run-log">
      <div className="delivery-toolbar">
        <strong>Run log</strong>
        <span className="muted">The newest 200 runs are kept.</span>
        <button type="button" className="button button-small" onClick={runs.reload}>
          Refresh
        </button>
      </div>
      {runs.loading && !runs.data ? (
        <LoadingState label="Loading runs…" />
      ) : runs.error ? (
        <LoadError error={runs.error} onRetry={runs.reload} />
      ) : runs.data?.length === 0 ? (
        <p className="muted rule-none" data-testid="run-log-empty">
          This rule has not fired yet.
        </p>
      ) : (
        <table className="table table-compact">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Conversation</th>
              <th scope="col">What it did</th>
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
                    <span className="muted">none</span>
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
                          {s.ok ? 'Done' : 'Failed'}
                        </span>{' '}
                        {s.ok
                          ? s.detail
                          : `${ACTION_LABELS[s.type as keyof typeof ACTION_LABELS] ?? s.type}: ${s.detail}`}
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
