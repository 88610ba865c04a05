import type { ReactNode } from 'react';
import { useT } from '../i18n/language-context.tsx';
import { GoOnlinePrompt } from '../workspace/go-online-prompt.tsx';
import { useSlaAlerts } from '../workspace/sla-alerts.ts';
import { WorkspaceProvider } from '../workspace/workspace-context.tsx';
import { WorkspaceNotices } from '../workspace/workspace-notices.tsx';
import { ShortcutSheet } from './shortcut-sheet.tsx';
import { SideNav } from './side-nav.tsx';
import { TopBar } from './top-bar.tsx';

/** The frame around every signed-in page; the agent workspace lives here so chats reach agents on any page. */
export function AppShell({ children }: { children: ReactNode }) {
  return (
    <WorkspaceProvider>
      <Shell>{children}</Shell>
    </WorkspaceProvider>
  );
}

function Shell({ children }: { children: ReactNode }) {
  useSlaAlerts();
  const t = useT();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('Skip to content')}
      </a>
      <SideNav />
      <div className="shell-main">
        <TopBar />
        <GoOnlinePrompt />
        <main id="main" className="content" tabIndex={-1}>
          {children}
        </main>
      </div>
      <WorkspaceNotices />
      <ShortcutSheet />
    </div>
  );
}
