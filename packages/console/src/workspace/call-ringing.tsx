/** Calls ringing for this agent: who calls, about what, and answer or decline — on every page of the console. */
import { useState } from 'react';
import { PhoneIcon } from '../components/icons.tsx';
import { useT } from '../i18n/language-context.tsx';
import { useCalls } from './use-calls.ts';
import { useWorkspaceStore } from './workspace-context.tsx';
import { actionError } from './workspace-store.ts';

export function CallRinging({
  skillName,
  onAnswered,
}: {
  skillName: (id: string | null) => string | null;
  onAnswered?: (conversationId: string) => void;
}) {
  const t = useT();
  const store = useWorkspaceStore();
  const calls = useCalls();
  const [busy, setBusy] = useState<string | null>(null);
  if (!store) return null;
  const ringing = Object.values(calls.calls).filter((c) => c.state === 'ringing');
  if (ringing.length === 0 && !calls.error) return null;
  const act = async (callId: string, work: () => Promise<void>, after?: () => void) => {
    setBusy(callId);
    try {
      await work();
      after?.();
    } catch (error) {
      store.notify(actionError(error));
    } finally {
      setBusy(null);
    }
  };
  return (
    <div
      className="call-ringing"
      role="alertdialog"
      aria-label={t('Incoming calls')}
      data-testid="call-ringing"
    >
      {calls.error && (
        <div className="call-ringing-item call-ringing-error" role="alert">
          <span>{calls.error}</span>
          <button type="button" className="button button-small" onClick={() => store.calls.dismissEnded()}>
            {t('Dismiss')}
          </button>
        </div>
      )}
      {ringing.map((c) => {
        const about = calls.ringingConversations[c.id];
        return (
          <div className="call-ringing-item" key={c.id}>
            <PhoneIcon className="call-ringing-icon" />
            <div className="call-ringing-text">
              <strong>
                {c.warm
                  ? t('{agent} wants to hand you a call from {name}', {
                      agent: c.warm.fromName ?? t('An agent'),
                      name: about?.visitorName ?? c.phone?.number ?? t('the caller'),
                    })
                  : about?.visitorName
                    ? t('Incoming call from {name}', { name: about.visitorName })
                    : t('Incoming call')}
              </strong>
              <span>
                {[
                  skillName(about?.skillId ?? null),
                  c.phone ? t('phone call') : t('web call'),
                  c.warm ? t('you talk to them first; the caller hears music') : null,
                ]
                  .filter(Boolean)
                  .join(' · ')}
              </span>
            </div>
            <button
              type="button"
              className="button button-small"
              disabled={busy === c.id}
              onClick={() => act(c.id, () => store.calls.decline(c.id))}
            >
              {t('Decline')}
            </button>
            <button
              type="button"
              className="button button-small button-primary"
              disabled={busy === c.id}
              onClick={() =>
                act(
                  c.id,
                  () => store.calls.accept(c.id),
                  // A call handed over warm opens its chat once the transfer completes (call-consult.tsx).
                  () => {
                    if (!c.warm) onAnswered?.(c.conversationId);
                  },
                )
              }
            >
              {t('Answer')}
            </button>
          </div>
        );
      })}
    </div>
  );
}
