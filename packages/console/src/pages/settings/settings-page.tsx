/** Settings: a sub-navigation of tabs, each its own route under /settings/…. */
import type { ReactNode } from 'react';
import { PageHeader } from '../../components/page-header.tsx';
import { t } from '../../i18n/i18n.ts';
import { useT } from '../../i18n/language-context.tsx';
import { isUnder, Link, Redirect, usePath } from '../../router/router.tsx';
import { canManage, useSession } from '../../session/session-context.tsx';
import { NotFoundPage } from '../not-found/not-found-page.tsx';
import { ApiKeysTab } from './api-keys/api-keys-tab.tsx';
import { AssistTab } from './assist/assist-tab.tsx';
import { AuditTab } from './audit/audit-tab.tsx';
import { AutomationTab } from './automation/automation-tab.tsx';
import { BotsTab } from './bots/bots-tab.tsx';
import { KnowledgeTab } from './bots/knowledge-tab.tsx';
import { CannedTab } from './canned/canned-tab.tsx';
import { ChannelsTab } from './channels/channels-tab.tsx';
import { MacrosTab } from './macros/macros-tab.tsx';
import { ModelTab } from './model/model-tab.tsx';
import { OrdersTab } from './orders/orders-tab.tsx';
import { PhoneTab } from './phone/phone-tab.tsx';
import { ProfileTab } from './profile/profile-tab.tsx';
import { SecurityTab } from './security/security-tab.tsx';
import { SitesTab } from './sites/sites-tab.tsx';
import { SkillsTab } from './skills/skills-tab.tsx';
import { TeamTab } from './team/team-tab.tsx';
import { WebhooksTab } from './webhooks/webhooks-tab.tsx';

interface Tab {
  path: string;
  /** Read at each render, in the console's language. */
  label: () => string;
  adminOnly: boolean;
  /** Only for those who chat (analysts take no chats). */
  staffOnly?: boolean;
  render: () => ReactNode;
}

const TABS: Tab[] = [
  { path: '/settings/sites', label: () => t('Sites'), adminOnly: false, render: () => <SitesTab /> },
  { path: '/settings/skills', label: () => t('Skills'), adminOnly: false, render: () => <SkillsTab /> },
  { path: '/settings/channels', label: () => t('Channels'), adminOnly: true, render: () => <ChannelsTab /> },
  { path: '/settings/phone', label: () => t('Phone'), adminOnly: true, render: () => <PhoneTab /> },
  { path: '/settings/team', label: () => t('Team'), adminOnly: false, render: () => <TeamTab /> },
  { path: '/settings/bots', label: () => t('Bots'), adminOnly: false, render: () => <BotsTab /> },
  {
    path: '/settings/knowledge',
    label: () => t('Knowledge'),
    adminOnly: false,
    render: () => <KnowledgeTab />,
  },
  {
    path: '/settings/canned-responses',
    label: () => t('Canned responses'),
    adminOnly: false,
    staffOnly: true,
    render: () => <CannedTab />,
  },
  {
    path: '/settings/macros',
    label: () => t('Macros'),
    adminOnly: false,
    staffOnly: true,
    render: () => <MacrosTab />,
  },
  { path: '/settings/assist', label: () => t('Assist'), adminOnly: true, render: () => <AssistTab /> },
  { path: '/settings/model', label: () => t('Model'), adminOnly: false, render: () => <ModelTab /> },
  { path: '/settings/orders', label: () => t('Orders'), adminOnly: true, render: () => <OrdersTab /> },
  { path: '/settings/api-keys', label: () => t('API keys'), adminOnly: true, render: () => <ApiKeysTab /> },
  { path: '/settings/webhooks', label: () => t('Webhooks'), adminOnly: true, render: () => <WebhooksTab /> },
  {
    path: '/settings/automation',
    label: () => t('Automation'),
    adminOnly: true,
    render: () => <AutomationTab />,
  },
  {
    path: '/settings/profile',
    label: () => t('Profile'),
    adminOnly: false,
    staffOnly: true,
    render: () => <ProfileTab />,
  },
  { path: '/settings/security', label: () => t('Security'), adminOnly: false, render: () => <SecurityTab /> },
  { path: '/settings/audit-log', label: () => t('Audit log'), adminOnly: true, render: () => <AuditTab /> },
];

export function SettingsPage() {
  const t = useT();
  const path = usePath();
  const { user } = useSession();
  const manager = canManage(user.role);
  const tabs = TABS.filter(
    (tab) => (manager || !tab.adminOnly) && (user.role !== 'analyst' || !tab.staffOnly),
  );

  if (path === '/settings') return <Redirect to="/settings/sites" />;
  const active = tabs.find((tab) => isUnder(path, tab.path));
  if (!active) return <NotFoundPage />;

  return (
    <>
      <PageHeader
        title={t('Settings')}
        description={
          manager
            ? t(
                'Your sites and their tags, the skills chats are routed by, e-mail and push channels, your team, saved replies, the purchase model and API access.',
              )
            : t('How this account is set up. Only owners and admins can change these settings.')
        }
      />
      <nav className="tabs tabs-wrap" aria-label={t('Settings')}>
        {tabs.map((tab) => {
          const current = tab === active;
          return (
            <Link
              key={tab.path}
              to={tab.path}
              className={current ? 'tab tab-current' : 'tab'}
              aria-current={current ? 'page' : undefined}
              data-testid={`settings-tab-${tab.path.split('/').at(-1)}`}
            >
              {tab.label()}
            </Link>
          );
        })}
      </nav>
      <div className="tab-panel">{active.render()}</div>
    </>
  );
}
