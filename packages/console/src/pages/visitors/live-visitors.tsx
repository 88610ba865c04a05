/** Live visitors: everyone on the account's sites now, refreshed every second while the tab is visible. */
import { useCallback, useEffect, useRef, useState } from 'react';
import { knownContact, useContactNames } from '../../api/contact-names.ts';
import { listSites } from '../../api/sites.ts';
import type { Site, VisitorSummary } from '../../api/types.ts';
import { listVisitors, type VisitorFilters } from '../../api/visitors.ts';
import { placeName } from '../../components/country-names.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { formatNumber } from '../../components/format.ts';
import { GeoCredit } from '../../components/geo-credit.tsx';
import { VisitorsIcon } from '../../components/icons.tsx';
import { LoadError } from '../../components/load-error.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { PageHeader } from '../../components/page-header.tsx';
import { useResource } from '../../components/use-resource.ts';
import { useT } from '../../i18n/language-context.tsx';
import { Link, navigate } from '../../router/router.tsx';
import { AppBadge } from './app-badge.tsx';
import { DeviceIcon } from './device-icon.tsx';
import { EngagementBadge } from './engagement-badge.tsx';
import { useLive, useNow } from './use-live.ts';
import { hasFilters, VisitorFiltersBar } from './visitor-filters.tsx';
import { channelLabel, formatClock, formatMoney, pageLabel, shortId } from './visitor-format.ts';

const loadSites = () => listSites().catch(() => [] as Site[]);

export function LiveVisitors() {
  const t = useT();
  const [filters, setFilters] = useState<VisitorFilters>({});
  const sites = useResource(loadSites);
  const load = useCallback(() => listVisitors(filters), [filters]);
  const live = useLive(load);
  const now = useNow();
  const visitors = live.data?.items;
  const filtered = hasFilters(filters);

  return (
    <>
      <PageHeader
        title={t('Visitors')}
        description={t(
          'Everyone on your sites right now: where they are, for how long, their cart and where they came from.',
        )}
        actions={
          visitors && (
            <span className="live-indicator" data-testid="live-count">
              <span className={live.error ? 'live-dot live-dot-off' : 'live-dot'} aria-hidden="true" />
              {live.error
                ? t('Reconnecting…')
                : t('{count, plural, one {# visitor now} other {# visitors now}}', {
                    count: live.data?.total ?? visitors.length,
                  })}
            </span>
          )
        }
      />
      <VisitorFiltersBar sites={sites.data ?? []} filters={filters} onChange={setFilters} />
      {live.loading && !visitors ? (
        <LoadingState label={t('Looking for visitors…')} />
      ) : live.error && !visitors ? (
        <LoadError error={live.error} onRetry={() => setFilters((current) => ({ ...current }))} />
      ) : visitors && visitors.length === 0 ? (
        filtered ? (
          <EmptyState
            icon={<VisitorsIcon />}
            title={t('No visitors match these filters')}
            testId="visitors-empty-filtered"
            actions={
              <button type="button" className="button" onClick={() => setFilters({})}>
                {t('Clear filters')}
              </button>
            }
          >
            <p>
              {t(
                'Someone may be on your site, just not on those pages or with that cart. The list keeps updating.',
              )}
            </p>
          </EmptyState>
        ) : (
          <NoVisitors />
        )
      ) : visitors ? (
        <VisitorTable visitors={visitors} receivedAt={live.receivedAt} now={now} />
      ) : null}
    </>
  );
}

function NoVisitors() {
  const t = useT();
  return (
    <EmptyState
      icon={<VisitorsIcon />}
      title={t('No one on your sites right now')}
      testId="visitors-empty"
      actions={
        <>
          <Link to="/settings/sites" className="button button-primary">
            {t("Get your site's tag")}
          </Link>
          <a href="/demo/" className="button" target="_blank" rel="noopener">
            {t('Open the demo store')}
          </a>
        </>
      }
    >
      <p>
        {t(
          'Visitors appear here within a second of opening a page that carries your tag: the page they are on and for how long, pages seen this visit, cart value, where they came from, and whether a campaign engaged them.',
        )}
      </p>
      <p className="muted">
        {t(
          'Paste the tag from Settings › Sites into your pages, or open the demo store in another tab and browse around to watch yourself arrive.',
        )}
      </p>
    </EmptyState>
  );
}

interface VisitorTableProps {
  visitors: VisitorSummary[];
  receivedAt: number;
  now: number;
}

function VisitorTable({ visitors, receivedAt, now }: VisitorTableProps) {
  const t = useT();
  const ticking = useTicking(visitors);
  useContactNames(visitors);
  const contactOf = (visitorId: string) => {
    const c = knownContact(null, visitorId);
    return c?.name || c?.email || null;
  };
  const elapsed = Math.min(3, Math.max(0, (now - receivedAt) / 1000));

  return (
    <div className="table-wrap">
      <table className="table visitor-table" data-testid="visitor-table">
        <caption className="visually-hidden">
          {t('Visitors on your sites now, most recently active first')}
        </caption>
        <thead>
          <tr>
            <th scope="col">{t('Visitor')}</th>
            <th scope="col">{t('Page')}</th>
            <th scope="col" className="cell-number">
              {t('On page')}
            </th>
            <th scope="col" className="cell-number">
              {t('Pages')}
            </th>
            <th scope="col" className="cell-number">
              {t('Cart')}
            </th>
            <th scope="col" className="cell-number">
              <abbr title={t("Chance of a purchase in this visit, from the site's model")}>{t('Score')}</abbr>
            </th>
            <th scope="col">{t('Source')}</th>
            <th scope="col">{t('Engagement')}</th>
          </tr>
        </thead>
        <tbody>
          {visitors.map((v) => {
            const to = `/visitors/${encodeURIComponent(v.visitorId)}?site=${encodeURIComponent(v.siteId)}`;
            const onPage = v.timeOnPageSeconds + (v.connected && ticking.has(v.visitorId) ? elapsed : 0);
            return (
              <tr
                key={`${v.siteId}:${v.visitorId}`}
                className="row-clickable"
                data-testid="visitor-row"
                data-visitor-id={v.visitorId}
                onClick={(event) => {
                  if ((event.target as HTMLElement).closest('a, button')) return;
                  navigate(to);
                }}
              >
                <th scope="row">
                  <span className="visitor-cell">
                    <DeviceIcon device={v.device} />
                    {contactOf(v.visitorId) ? (
                      <Link to={to} className="visitor-id" data-testid="visitor-contact">
                        {contactOf(v.visitorId)}
                      </Link>
                    ) : (
                      <Link
                        to={to}
                        className="visitor-id mono"
                        aria-label={t('Visitor {id}', { id: shortId(v.visitorId) })}
                      >
                        {shortId(v.visitorId)}
                      </Link>
                    )}
                    <AppBadge app={v.app} />
                    <span className={v.returning ? 'tag tag-returning' : 'tag tag-new'}>
                      {v.returning ? t('Returning') : t('New')}
                    </span>
                    {!v.connected && <span className="tag tag-idle">{t('Idle')}</span>}
                    {v.chat ? (
                      <span className={`tag tag-chat tag-chat-${v.chat}`} data-testid="visitor-in-chat">
                        {v.chat === 'active' ? t('In chat') : t('Waiting for chat')}
                      </span>
                    ) : null}
                    {v.purchase ? (
                      <span className="tag tag-bought" data-testid="visitor-bought">
                        {t('Bought')}
                      </span>
                    ) : null}
                  </span>
                  {placeName(v.geo) && (
                    <span
                      className="visitor-place"
                      data-testid="visitor-location"
                      title={[v.geo?.region, v.geo?.timezone].filter(Boolean).join(' · ')}
                    >
                      {placeName(v.geo)}
                    </span>
                  )}
                </th>
                <td data-label={t('Page')} className="cell-page">
                  {v.page ? (
                    <span className="page-cell">
                      <span className="visitor-page-title" data-testid="visitor-page" title={v.page.url}>
                        {pageLabel(v.page)}
                      </span>
                      {v.page.sections.length > 0 && (
                        <span className="page-sections">{v.page.sections.join(' · ')}</span>
                      )}
                    </span>
                  ) : (
                    <span className="muted">{t('Arriving…')}</span>
                  )}
                </td>
                <td data-label={t('On page')} className="cell-number" data-testid="visitor-time">
                  {formatClock(onPage)}
                </td>
                <td data-label={t('Pages')} className="cell-number">
                  {v.pageViews}
                </td>
                <td data-label={t('Cart')} className="cell-number">
                  {v.cart && v.cart.itemCount > 0 ? (
                    formatMoney(v.cart.total, v.cart.currency)
                  ) : v.purchase ? (
                    <span className="cart-bought" data-testid="visitor-purchase">
                      {formatMoney(v.purchase.total, v.purchase.currency ?? v.cart?.currency ?? 'USD')}
                      <span className="cell-sub">{t('bought')}</span>
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td data-label={t('Score')} className="cell-number" data-testid="visitor-score">
                  {v.score === null ? (
                    <span className="muted" title={t("Scored from the visitor's first page")}>
                      —
                    </span>
                  ) : (
                    <span className="score-cell">
                      <span className="score-meter" aria-hidden="true">
                        <span style={{ width: `${Math.max(2, Math.round(v.score * 100))}%` }} />
                      </span>
                      {v.score < 0.01 ? '<1 %' : `${formatNumber(Math.round(v.score * 100))} %`}
                    </span>
                  )}
                </td>
                <td data-label={t('Source')}>
                  {channelLabel(v.source.channel)}
                  {v.source.source && <span className="muted"> · {v.source.source}</span>}
                </td>
                <td data-label={t('Engagement')}>
                  <EngagementBadge visitor={v} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {visitors.some((v) => v.geo) && <GeoCredit />}
    </div>
  );
}

/**
 * Visitors whose time on page grew since the previous answer: their clock keeps ticking between
 * answers. A hidden tab's time on page stands still on the server, so it must not tick here either.
 */
function useTicking(visitors: VisitorSummary[]): Set<string> {
  const previous = useRef(new Map<string, { seconds: number; url: string | undefined }>());
  const [ticking, setTicking] = useState<Set<string>>(() => new Set());
  useEffect(() => {
    const before = previous.current;
    const next = new Set<string>();
    for (const v of visitors) {
      const last = before.get(v.visitorId);
      if (last && last.url === v.page?.url && v.timeOnPageSeconds > last.seconds) next.add(v.visitorId);
    }
    previous.current = new Map(
      visitors.map((v) => [v.visitorId, { seconds: v.timeOnPageSeconds, url: v.page?.url }]),
    );
    setTicking(next);
  }, [visitors]);
  return ticking;
}
