/** Analytics: the live dashboard, then the reports (funnel, campaign lift, conversations, channels, agents, calls, SLA) with filters. */
import { type ReactNode, useState } from 'react';
import { ApiError } from '../../api/http.ts';
import type { ReportFilters } from '../../api/reports.ts';
import { PageHeader } from '../../components/page-header.tsx';
import { t } from '../../i18n/i18n.ts';
import { useT } from '../../i18n/language-context.tsx';
import { isUnder, Link, usePath } from '../../router/router.tsx';
import { canReadReports, useSession } from '../../session/session-context.tsx';
import { NotFoundPage } from '../not-found/not-found-page.tsx';
import { AgentsTab } from './agents-tab.tsx';
import { CallsTab } from './calls-tab.tsx';
import { ChannelsTab } from './channels-tab.tsx';
import { ConversationsTab } from './conversations-tab.tsx';
import { FunnelTab } from './funnel-tab.tsx';
import { LiftTab } from './lift-tab.tsx';
import { LiveDashboard } from './live-dashboard.tsx';
import { ReportError } from './report-error.tsx';
import { ReportFilterBar } from './report-filter-bar.tsx';
import { lastDaysFilters } from './report-format.ts';
import { SlaTab } from './sla-tab.tsx';

interface Tab {
  path: string;
  label: () => string;
  render: (f: ReportFilters) => ReactNode;
}

const TABS: Tab[] = [
  { path: '/analytics/funnel', label: () => t('Funnel'), render: (f) => <FunnelTab filters={f} /> },
  { path: '/analytics/lift', label: () => t('Campaign lift'), render: (f) => <LiftTab filters={f} /> },
  {
    path: '/analytics/conversations',
    label: () => t('Conversations'),
    render: (f) => <ConversationsTab filters={f} />,
  },
  { path: '/analytics/channels', label: () => t('Channels'), render: (f) => <ChannelsTab filters={f} /> },
  { path: '/analytics/agents', label: () => t('Agents'), render: (f) => <AgentsTab filters={f} /> },
  { path: '/analytics/calls', label: () => t('Calls'), render: (f) => <CallsTab filters={f} /> },
  { path: '/analytics/sla', label: () => t('SLA'), render: (f) => <SlaTab filters={f} /> },
];

export function AnalyticsPage() {
  const t = useT();
  const path = usePath();
  const { user } = useSession();
  const [filters, setFilters] = useState<ReportFilters>(() => lastDaysFilters(30));
  const active = path === '/analytics' ? TABS[0] : TABS.find((tab) => isUnder(path, tab.path));
  if (!active) return <NotFoundPage />;
  const header = (
    <PageHeader
      title={t('Analytics')}
      description={t(
        'What is happening now, and what engagement did to conversions and revenue against the control group.',
      )}
    />
  );
  if (!canReadReports(user.role)) {
    return (
      <>
        {header}
        <ReportError
          error={new ApiError(403, 'forbidden', 'reports need the owner, admin or analyst role')}
        />
      </>
    );
  }

  return (
    <>
      {header}
      <LiveDashboard siteId={filters.siteId} tz={filters.tz} />
      <section className="analytics-reports" aria-label={t('Reports')}>
        <nav className="tabs" aria-label={t('Reports')}>
          {TABS.map((tab) => {
            const current = tab === active;
            return (
              <Link
                key={tab.path}
                to={tab.path}
                className={current ? 'tab tab-current' : 'tab'}
                aria-current={current ? 'page' : undefined}
                data-testid={`analytics-tab-${tab.path.split('/').at(-1)}`}
              >
                {tab.label()}
              </Link>
            );
          })}
        </nav>
        <ReportFilterBar filters={filters} onChange={setFilters} />
        <div className="tab-panel">{active.render(filters)}</div>
      </section>
    </>
  );
}
