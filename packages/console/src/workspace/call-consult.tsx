/**
 * A phone call another agent is handing this one warm: the two agents talk while the caller hears
 * music. Shown above the workspace, like the ringing notice, because the chat is not this agent's
 * until the first one completes the transfer; then the call bar moves into the chat. Meanwhile
 * "Read the chat" opens the thread to read (the server allows it only while the consult lasts).
 */
import { useEffect, useRef } from 'react';
import { useT } from '../i18n/language-context.tsx';
import { ArrivingCallBar, MuteButton } from './arriving-call-bar.tsx';
import { useAction } from './use-action.ts';
import { useCalls } from './use-calls.ts';
import { useWorkspace, useWorkspaceStore } from './workspace-context.tsx';

export function CallConsult() {
  const t = useT();
  const store = useWorkspaceStore();
  const calls = useCalls();
  const [busy, run] = useAction();
  const me = store?.calls.userId;
  const call = Object.values(calls.calls).find(
    (c) => c.warm && c.warm.fromId !== me && c.agentId === me && c.state === 'active',
  );
  // "Read the chat" has opened it: it shows already.
  const reading = useWorkspace((s) => s.selectedId !== null && s.selectedId === call?.conversationId, false);
  // The transfer completed: the call and its chat are this agent's now, so the chat opens.
  const consulted = useRef<string | undefined>(undefined);
  useEffect(() => {
    const was = consulted.current;
    consulted.current = call?.id;
    const done = was && was !== call?.id ? calls.calls[was] : undefined;
    if (done && !done.warm && done.agentId === me) store?.select(done.conversationId);
  }, [call?.id, calls.calls, me, store]);
  if (!store || !call) return null;
  const name = calls.ringingConversations[call.id]?.visitorName ?? call.phone?.number ?? t('the caller');
  const connected = calls.media[call.id] === 'connected';
  return (
    <ArrivingCallBar key={call.id} label={t('Call handed to you')} testId="call-consult">
      <div className="call-bar-text" aria-live="polite">
        <strong data-testid="call-line">
          {t('{agent} is handing you this call — {name} hears music', {
            agent: call.warm?.fromName ?? t('An agent'),
            name,
          })}
        </strong>
        <span>
          {connected ? t('The chat becomes yours when they complete the transfer.') : t('Connecting audio…')}
        </span>
      </div>
      <div className="call-bar-actions">
        <button
          type="button"
          className="button button-small"
          disabled={reading}
          data-testid="call-consult-read"
          title={t('Read what {name} wrote before the call is yours.', { name })}
          onClick={() => void store.open(call.conversationId).catch(() => {})}
        >
          {t('Read the chat')}
        </button>
        <MuteButton callId={call.id} />
        <button
          type="button"
          className="button button-small button-danger"
          disabled={busy}
          title={t('The caller goes back to {agent}.', { agent: call.warm?.fromName ?? t('An agent') })}
          onClick={() => run(() => store.calls.hangup(call.id))}
        >
          {t('Hang up')}
        </button>
      </div>
    </ArrivingCallBar>
  );
}
