/**
 * The agent's Online / Away switch in the top bar, with the away reason (Break, Lunch…) beside it
 * while away. It shows the server's truth: a change made elsewhere (another tab, or the router
 * setting the agent away after missed offers) shows here too.
 */
import { useEffect, useState } from 'react';
import { getAwayReasons } from '../api/away-reasons.ts';
import { useT } from '../i18n/language-context.tsx';
import { RateLimitText, useRateLimitNotice } from './rate-limit-notice.tsx';
import { useWorkspace, useWorkspaceStore } from './workspace-context.tsx';
import { actionError } from './workspace-store.ts';

const OPTIONS = ['online', 'away'] as const;

export function StatusSwitch() {
  const t = useT();
  const store = useWorkspaceStore();
  const status = useWorkspace((s) => s.status, 'offline');
  const connection = useWorkspace((s) => s.connection, 'refused');
  const awayReason = useWorkspace((s) => s.agent?.awayReason ?? '', '');
  const rateLimited = useRateLimitNotice();
  const [reasons, setReasons] = useState<string[]>([]);
  const hasStore = !!store;
  useEffect(() => {
    if (!hasStore) return;
    getAwayReasons().then(setReasons, () => setReasons([]));
  }, [hasStore]);
  // The choice shows at once; the server's answer (a `status` frame) confirms it, an error undoes it.
  const [pending, setPending] = useState<'online' | 'away' | null>(null);
  if (!store || connection === 'refused') return null;
  const ready = connection === 'open';
  const shown = pending ?? status;

  async function choose(next: 'online' | 'away', reason?: string) {
    if (!store || (next === status && reason === undefined)) return;
    setPending(next);
    try {
      await store.setStatus(next, reason);
    } catch (error) {
      store.notify(actionError(error));
    } finally {
      setPending(null);
    }
  }

  return (
    <div className="status-control">
      {!ready && (
        <span className="connection-pill" role="status" data-testid="connection-state">
          <span className="spinner spinner-small" aria-hidden="true" />
          {connection === 'connecting' ? (
            t('Connecting…')
          ) : rateLimited ? (
            <RateLimitText text={rateLimited} />
          ) : (
            t('Reconnecting…')
          )}
        </span>
      )}
      {ready && shown === 'offline' && (
        <span className="status-hint" data-testid="status-offline" title={t('You are offline')}>
          <span className="status-dot" aria-hidden="true" />
          <span className="status-hint-text">{t('You are offline')}</span>
        </span>
      )}
      <fieldset
        className={`status-switch status-switch-${shown}`}
        disabled={!ready || pending !== null}
        data-testid="status-switch"
        data-status={status}
      >
        <legend className="visually-hidden">{t('Your chat status')}</legend>
        {OPTIONS.map((option) => (
          <label key={option} className="status-option">
            <input
              type="radio"
              name="agent-status"
              value={option}
              checked={shown === option}
              onChange={() => choose(option)}
            />
            <span>
              <span className={`status-dot status-dot-${option}`} aria-hidden="true" />
              {option === 'online' ? t('Online') : t('Away')}
            </span>
          </label>
        ))}
      </fieldset>
      {ready && shown === 'away' && reasons.length > 0 && (
        <select
          className="input input-compact status-reason"
          aria-label={t('Away reason')}
          data-testid="away-reason"
          value={reasons.includes(awayReason) ? awayReason : ''}
          disabled={pending !== null}
          onChange={(e) => choose('away', e.target.value || undefined)}
        >
          <option value="">{t('Reason…')}</option>
          {reasons.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      )}
    </div>
  );
}
