/** Settings › Audit log: who did what and when, filtered, paged, and exported as CSV. */
import { useCallback, useEffect, useId, useState } from 'react';
import {
  type AuditEntry,
  type AuditFilters,
  auditCsvUrl,
  EMPTY_AUDIT_FILTERS,
  fetchAuditPage,
} from '../../../api/governance.ts';
import { Dialog } from '../../../components/dialog.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { formatDateTime, formatRelative } from '../../../components/format.ts';
import { CloseIcon, LayersIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import { ACTION_CHOICES, actionLabel, groupLabel, TARGET_CHOICES, targetLabel } from './audit-labels.ts';
import './audit.css';
import { RetentionPanel } from './retention-panel.tsx';

interface Page {
  items: AuditEntry[];
  nextCursor: string | null;
}

/** A member's role, in a row's small print. */
function roleLabel(t: ReturnType<typeof useT>, role: string | null | undefined): string {
  switch (role) {
    case 'owner':
      return t('owner');
    case 'admin':
      return t('admin');
    case 'analyst':
      return t('analyst');
    case 'agent':
      return t('agent');
    default:
      return role ?? '';
  }
}

/** How the actor signed in, in a row's small print. */
function methodLabel(t: ReturnType<typeof useT>, method: string): string {
  switch (method) {
    case 'password':
      return t('password');
    case 'password+totp':
      return t('password and app code');
    case 'password+recovery':
      return t('password and recovery code');
    case 'oidc':
      return t('single sign-on');
    default:
      return method;
  }
}

const hasFilters = (f: AuditFilters) => Object.values(f).some((v) => v !== '');

/** A short name for a browser from its User-Agent. */
function browserOf(t: ReturnType<typeof useT>, ua: string | null): string {
  if (!ua) return '';
  const m = /(Firefox|Edg|Chrome|Safari)\/[\d.]+/.exec(ua);
  const os = /Windows|Mac OS X|Linux|Android|iPhone/.exec(ua)?.[0]?.replace('Mac OS X', 'macOS') ?? '';
  if (!m) return ua.slice(0, 40);
  const browser = m[1] === 'Edg' ? 'Edge' : (m[1] ?? '');
  return os ? t('{browser} on {os}', { browser, os }) : browser;
}

function AuditFilterBar({
  filters,
  onChange,
}: {
  filters: AuditFilters;
  onChange: (f: AuditFilters) => void;
}) {
  const t = useT();
  const id = useId();
  const [actor, setActor] = useState(filters.actor);
  useEffect(() => {
    if (actor.trim() === filters.actor) return;
    const timer = window.setTimeout(() => onChange({ ...filters, actor: actor.trim() }), 300);
    return () => window.clearTimeout(timer);
  }, [actor, filters, onChange]);
  const set = (patch: Partial<AuditFilters>) => onChange({ ...filters, ...patch });
  return (
    <search
      className="toolbar audit-toolbar"
      aria-label={t('Filter the audit log')}
      data-testid="audit-filters"
    >
      <div className="toolbar-field toolbar-search">
        <label className="toolbar-label" htmlFor={`${id}-actor`}>
          {t('Who')}
        </label>
        <input
          id={`${id}-actor`}
          className="input"
          type="search"
          placeholder={t('An e-mail, a user or key id')}
          value={actor}
          maxLength={200}
          onChange={(e) => setActor(e.target.value)}
        />
      </div>
      <div className="toolbar-field">
        <label className="toolbar-label" htmlFor={`${id}-action`}>
          {t('Action')}
        </label>
        <select
          id={`${id}-action`}
          className="input select"
          value={filters.action}
          onChange={(e) => set({ action: e.target.value })}
        >
          <option value="">{t('Any action')}</option>
          {ACTION_CHOICES.map((g) => (
            <optgroup key={g.group} label={groupLabel(g.group)}>
              {g.actions.map((a) => (
                <option key={a} value={a}>
                  {actionLabel(a)}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
      </div>
      <div className="toolbar-field">
        <label className="toolbar-label" htmlFor={`${id}-target`}>
          {t('Target')}
        </label>
        <select
          id={`${id}-target`}
          className="input select"
          value={filters.targetType}
          onChange={(e) => set({ targetType: e.target.value })}
        >
          <option value="">{t('Anything')}</option>
          {TARGET_CHOICES.map((type) => (
            <option key={type} value={type}>
              {targetLabel(type)}
            </option>
          ))}
        </select>
      </div>
      <fieldset className="toolbar-field toolbar-fieldset">
        <legend className="toolbar-label">{t('Between')}</legend>
        <div className="date-range">
          <input
            className="input"
            type="date"
            aria-label={t('From')}
            value={filters.from}
            max={filters.to || undefined}
            onChange={(e) => set({ from: e.target.value })}
          />
          <span aria-hidden="true">–</span>
          <input
            className="input"
            type="date"
            aria-label={t('To')}
            value={filters.to}
            min={filters.from || undefined}
            onChange={(e) => set({ to: e.target.value })}
          />
        </div>
      </fieldset>
      {hasFilters(filters) && (
        <button
          type="button"
          className="button button-ghost toolbar-clear"
          onClick={() => {
            setActor('');
            onChange(EMPTY_AUDIT_FILTERS);
          }}
        >
          <CloseIcon />
          {t('Clear')}
        </button>
      )}
    </search>
  );
}

function Details({ details }: { details: AuditEntry['details'] }) {
  const t = useT();
  if (!details) return <span className="muted">—</span>;
  const entries = Object.entries(details);
  return (
    <dl className="audit-details">
      {entries.slice(0, 6).map(([k, v]) => (
        <div key={k}>
          <dt>{k}</dt>
          <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
        </div>
      ))}
      {entries.length > 6 && (
        <div className="muted">{t('and {count, number} more', { count: entries.length - 6 })}</div>
      )}
    </dl>
  );
}

export function AuditTab() {
  const t = useT();
  const [filters, setFilters] = useState<AuditFilters>(EMPTY_AUDIT_FILTERS);
  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [retention, setRetention] = useState(false);

  const load = useCallback(() => {
    let current = true;
    setLoading(true);
    setError(undefined);
    fetchAuditPage(filters).then(
      (p) => {
        if (!current) return;
        setPage(p);
        setLoading(false);
      },
      (e: unknown) => {
        if (!current) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [filters]);
  useEffect(load, [load]);

  async function more() {
    if (!page?.nextCursor) return;
    setLoadingMore(true);
    try {
      const next = await fetchAuditPage(filters, page.nextCursor);
      setPage({ items: [...page.items, ...next.items], nextCursor: next.nextCursor });
    } catch (e) {
      setError(e);
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <section aria-labelledby="audit-heading">
      <SectionHeader
        title={t('Audit log')}
        id="audit-heading"
        description={t(
          'Every change made to this account, every sign-in and every API-key write: who, when, from where, and what changed. Secrets are never shown.',
        )}
        actions={
          <>
            <button
              type="button"
              className="button"
              onClick={() => setRetention(true)}
              data-testid="open-retention"
            >
              {t('Data retention')}
            </button>
            <a className="button" href={auditCsvUrl(filters)} download data-testid="audit-csv">
              {t('Export CSV')}
            </a>
          </>
        }
      />
      {retention && (
        <Dialog
          title={t('Data retention')}
          description={t(
            'How long this account keeps each kind of data. A daily sweep deletes what is older, for good.',
          )}
          onClose={() => setRetention(false)}
          size="large"
          testId="retention-dialog"
        >
          <RetentionPanel />
        </Dialog>
      )}
      <AuditFilterBar filters={filters} onChange={setFilters} />
      {loading && !page ? (
        <LoadingState label={t('Loading the audit log…')} />
      ) : error ? (
        <LoadError error={error} onRetry={load} />
      ) : page && page.items.length === 0 ? (
        <EmptyState
          icon={<LayersIcon />}
          title={hasFilters(filters) ? t('Nothing matches these filters') : t('Nothing recorded yet')}
          testId="audit-empty"
        >
          <p>
            {hasFilters(filters)
              ? t('Try a wider time range, or clear the filters.')
              : t(
                  'Sign-ins and changes to users, sites, campaigns, channels and settings appear here as they happen.',
                )}
          </p>
        </EmptyState>
      ) : (
        <>
          <div className="table-wrap" aria-busy={loading}>
            <table className="table audit-table" data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">{t('When')}</th>
                  <th scope="col">{t('Who')}</th>
                  <th scope="col">{t('Action')}</th>
                  <th scope="col">{t('Target')}</th>
                  <th scope="col">{t('From')}</th>
                  <th scope="col">{t('Changed')}</th>
                </tr>
              </thead>
              <tbody>
                {page?.items.map((e) => (
                  <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                    <td data-label={t('When')}>
                      <time dateTime={e.at} title={formatDateTime(e.at)}>
                        {formatRelative(e.at)}
                      </time>
                    </td>
                    <th scope="row" className="cell-strong">
                      <span className="audit-actor">
                        {e.actor.label ?? (e.actor.type === 'system' ? 'Beckon' : e.actor.id)}
                      </span>
                      <span className="muted audit-sub">
                        {e.actor.type === 'api_key'
                          ? t('API key')
                          : e.actor.type === 'system'
                            ? t('automatic')
                            : roleLabel(t, e.actor.role)}
                        {e.actor.method && e.actor.type === 'user'
                          ? ` · ${methodLabel(t, e.actor.method)}`
                          : ''}
                      </span>
                    </th>
                    <td data-label={t('Action')}>
                      <span className={e.action.endsWith('failed') ? 'badge badge-paused' : 'badge'}>
                        {actionLabel(e.action)}
                      </span>
                    </td>
                    <td data-label={t('Target')}>
                      {targetLabel(e.targetType)}
                      {e.targetId && (
                        <code className="audit-id" title={e.targetId}>
                          {e.targetId.length > 18 ? `${e.targetId.slice(0, 18)}…` : e.targetId}
                        </code>
                      )}
                    </td>
                    <td data-label={t('From')}>
                      {e.ip ?? '—'}
                      <span className="muted audit-sub">{browserOf(t, e.userAgent)}</span>
                    </td>
                    <td data-label={t('Changed')}>
                      <Details details={e.details} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {page?.nextCursor && (
            <div className="audit-more">
              <button type="button" className="button" onClick={more} disabled={loadingMore}>
                {loadingMore ? t('Loading…') : t('Show older entries')}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
