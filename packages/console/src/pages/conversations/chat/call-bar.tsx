/** A call in the open chat: who, how long, and the agent's controls (mute, hold, transfer, hang up). */
import type { CallView } from '@beckon/protocol/call-protocol';
import { useState } from 'react';
import type { Conversation } from '../../../api/conversations.ts';
import { PhoneIcon } from '../../../components/icons.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import { ArrivingCallBar, MuteButton } from '../../../workspace/arriving-call-bar.tsx';
import { Keypad } from '../../../workspace/phone-dial.tsx';
import { useAction } from '../../../workspace/use-action.ts';
import { callClock, useCalls } from '../../../workspace/use-calls.ts';
import { useWorkspaceStore } from '../../../workspace/workspace-context.tsx';
import { useNow } from '../../visitors/use-live.ts';
import { visitorLabel } from '../conversation-format.ts';

export function CallBar({
  conversation: c,
  onTransfer,
}: {
  conversation: Conversation;
  onTransfer: (callId: string) => void;
}) {
  const store = useWorkspaceStore()!;
  const t = useT();
  const calls = useCalls();
  const call = store.calls.inConversation(calls, c.id);
  const now = useNow(1000);
  const [busy, run] = useAction();
  const [keypad, setKeypad] = useState(false);
  const ended = calls.ended;
  if (!call && ended?.conversationId === c.id && ended.phone?.direction === 'outbound')
    return <DialOutcome call={ended} onDismiss={() => store.calls.dismissEnded()} />;
  if (call?.warm?.fromId === store.calls.userId)
    return (
      <WarmBar
        call={call}
        name={visitorLabel(c)}
        onDone={(action) => run(() => store.calls.warm(call.id, action))}
        busy={busy}
      />
    );
  // The next agent of a warm transfer talks to the first one above the workspace (call-consult.tsx).
  if (!call || call.state === 'ringing' || call.warm) return null;
  const held = call.state === 'held';
  const media = calls.media[call.id];
  const name = visitorLabel(c);
  const dialling = call.state === 'inviting' && call.phone?.direction === 'outbound';
  const line = dialling
    ? t('Calling {number}…', { number: call.phone!.number })
    : call.state === 'inviting'
      ? t('Waiting for {name} to accept the call…', { name })
      : held && call.phone
        ? t('On hold — the caller hears music')
        : held
          ? t('On hold — the visitor hears nothing')
          : media === 'reconnecting'
            ? t('Connection lost — reconnecting…')
            : media === 'connected'
              ? t('On a call with {name}', { name })
              : t('Connecting audio…');
  return (
    <section
      className={`call-bar${held ? ' call-bar-held' : ''}`}
      aria-label={t('Call')}
      data-testid="call-bar"
    >
      <PhoneIcon className="call-bar-icon" />
      <div className="call-bar-text">
        <strong data-testid="call-line">{line}</strong>
        {call.answeredAt && (
          <span className="call-bar-timer" data-testid="call-timer" title={t('Call time')}>
            {callClock(now - Date.parse(call.answeredAt))}
          </span>
        )}
        {calls.visitorMuted[call.id] && <span className="badge">{t('Visitor muted')}</span>}
        {call.recorded && call.state !== 'inviting' && (
          <span
            className="badge call-recording"
            data-testid="call-recording"
            title={t('This site records its calls; the visitor was told.')}
          >
            <span className="call-recording-dot" aria-hidden="true" />
            {calls.recording[call.id] === 'failed' ? t('Recording stopped') : t('Recording')}
          </span>
        )}
      </div>
      <div className="call-bar-actions">
        {call.state !== 'inviting' && (
          <>
            {call.phone && (
              <button
                type="button"
                className="button button-small"
                aria-pressed={keypad}
                aria-expanded={keypad}
                onClick={() => setKeypad(!keypad)}
              >
                {t('Keypad')}
              </button>
            )}
            <MuteButton callId={call.id} />
            <button
              type="button"
              className="button button-small"
              disabled={busy}
              onClick={() => run(() => store.calls.hold(call.id, !held))}
            >
              {held ? t('Resume') : t('Hold')}
            </button>
            <button
              type="button"
              className="button button-small"
              disabled={busy}
              onClick={() => onTransfer(call.id)}
            >
              {t('Transfer call')}
            </button>
          </>
        )}
        <button
          type="button"
          className="button button-small button-danger"
          disabled={busy}
          onClick={() => run(() => store.calls.hangup(call.id))}
        >
          {call.state === 'inviting' ? t('Cancel') : t('Hang up')}
        </button>
      </div>
      {keypad && call.phone && call.state !== 'inviting' && (
        <div className="call-bar-keypad">
          <Keypad label={t('Keypad')} onKey={(key) => store.calls.dtmf(call.id, key)} />
        </div>
      )}
    </section>
  );
}

/**
 * A warm transfer this agent started: the caller hears music while the next agent's console
 * rings, then while the two agents talk. The agent completes it or takes the caller back.
 */
function WarmBar({
  call,
  name,
  busy,
  onDone,
}: {
  call: CallView;
  name: string;
  busy: boolean;
  onDone: (action: 'complete' | 'cancel') => void;
}) {
  const t = useT();
  const talking = call.state === 'active';
  return (
    <ArrivingCallBar key={call.id} label={t('Call')} testId="call-bar-warm">
      <div className="call-bar-text" aria-live="polite">
        <strong data-testid="call-line">
          {talking
            ? t('Talking with {agent} — {name} hears music', { agent: call.agentName ?? t('An agent'), name })
            : t('Ringing the next agent — {name} hears music', { name })}
        </strong>
      </div>
      <div className="call-bar-actions">
        <button
          type="button"
          className="button button-small button-primary"
          disabled={busy}
          onClick={() => onDone('complete')}
        >
          {t('Complete transfer')}
        </button>
        <button
          type="button"
          className="button button-small"
          disabled={busy}
          onClick={() => onDone('cancel')}
        >
          {t('Back to the caller')}
        </button>
      </div>
    </ArrivingCallBar>
  );
}

/** How a dialled phone call ended without an answer: busy, or nobody picked up. */
function DialOutcome({ call, onDismiss }: { call: CallView; onDismiss: () => void }) {
  const t = useT();
  const outcome =
    call.endReason === 'busy'
      ? t('Busy')
      : call.endReason === 'no_answer'
        ? t('No answer')
        : call.answeredAt
          ? t('Call ended')
          : t('The call did not connect');
  return (
    <section className="call-bar call-bar-outcome" aria-label={t('Call')} data-testid="call-outcome">
      <PhoneIcon className="call-bar-icon" />
      <div className="call-bar-text">
        <strong data-testid="call-outcome-text">{outcome}</strong>
        <span>{call.phone?.number}</span>
      </div>
      <div className="call-bar-actions">
        <button type="button" className="button button-small" onClick={onDismiss}>
          {t('Dismiss')}
        </button>
      </div>
    </section>
  );
}

/** Invites the visitor of a chat the agent holds to switch to a call. */
export function CallButton({ conversation: c }: { conversation: Conversation }) {
  const store = useWorkspaceStore()!;
  const t = useT();
  const calls = useCalls();
  const [busy, run] = useAction();
  if (c.channel !== 'web' || store.calls.inConversation(calls, c.id)) return null;
  return (
    <button
      type="button"
      className="button button-small"
      disabled={busy}
      onClick={() => run(() => store.calls.start(c.id))}
    >
      <PhoneIcon /> {t('Call')}
    </button>
  );
}
