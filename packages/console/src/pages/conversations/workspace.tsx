/** The agent workspace: inbox on the left, the open chat in the middle, the visitor's context on the right. */
import type { ReactNode } from 'react';
import { EmptyState } from '../../components/empty-state.tsx';
import { AlertIcon } from '../../components/icons.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { CallConsult } from '../../workspace/call-consult.tsx';
import { CallRinging } from '../../workspace/call-ringing.tsx';
import { RateLimitText, useRateLimitNotice } from '../../workspace/rate-limit-notice.tsx';
import { useWorkspace, useWorkspaceStore } from '../../workspace/workspace-context.tsx';
import { ChatPane } from './chat/chat-pane.tsx';
import { ContextPane } from './context/context-pane.tsx';
import { useDirectory } from './directory.tsx';
import { InboxPane } from './inbox/inbox-pane.tsx';
import { WorkspaceBar } from './workspace-bar.tsx';

export function Workspace() {
  const t = useT();
  const connection = useWorkspace((s) => s.connection, 'refused');
  const refusedReason = useWorkspace((s) => s.refusedReason, null);
  const role = useWorkspace((s) => s.agent?.role ?? null, null);
  const rateLimited = useRateLimitNotice();
  const store = useWorkspaceStore();
  const { skillName } = useDirectory();
  const supervisor = role === 'owner' || role === 'admin';

  let body: ReactNode;
  if (connection === 'refused') {
    body = (
      <div className="workspace-message">
        <EmptyState icon={<AlertIcon />} title={t('Chats are not available for you')}>
          <p>{refusedReason ?? t('Your role does not take chats.')}</p>
        </EmptyState>
      </div>
    );
  } else if (!role) {
    body = (
      <div className="workspace-message">
        <LoadingState
          label={
            rateLimited ? (
              <RateLimitText text={rateLimited} />
            ) : connection === 'reconnecting' ? (
              t('Reconnecting to Beckon…')
            ) : (
              t('Connecting to your inbox…')
            )
          }
        />
      </div>
    );
  } else {
    body = (
      <div className="workspace-panes">
        <InboxPane supervisor={supervisor} />
        <ChatPane supervisor={supervisor} />
        <ContextPane />
      </div>
    );
  }

  return (
    <div className="workspace" data-testid="workspace">
      <WorkspaceBar />
      {connection === 'reconnecting' && role && (
        <div className="workspace-banner" role="status" data-testid="reconnecting">
          <span className="spinner spinner-small" aria-hidden="true" />
          {rateLimited ? <RateLimitText text={`${rateLimited}.`} /> : t('Connection lost — reconnecting.')}{' '}
          {t('Messages you send now go out as soon as it is back.')}
        </div>
      )}
      {role && <CallRinging skillName={skillName} onAnswered={(id) => store?.select(id)} />}
      {role && <CallConsult />}
      {body}
    </div>
  );
}
