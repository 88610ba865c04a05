/**
 * A callback the agent works: the number (Beckon dials it through the trunk when the agent takes
 * it; "Call through Beckon" tries again; the `tel:` link dials from the agent's own phone) and how
 * it went. A call that found the line busy or nobody there offers "No answer" as the outcome.
 */
import type { CallbackOutcome, CallbackView } from '@beckon/protocol/call-protocol';
import { useEffect, useState } from 'react';
import { request } from '../../../api/http.ts';
import { formatDateTime, formatTime } from '../../../components/format.ts';
import { PhoneIcon } from '../../../components/icons.tsx';
import { t } from '../../../i18n/i18n.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { DialButton } from '../../../workspace/phone-dial.tsx';
import { useAction } from '../../../workspace/use-action.ts';
import { useCalls } from '../../../workspace/use-calls.ts';
import { useWorkspaceStore } from '../../../workspace/workspace-context.tsx';

/** Calls that reached nobody: the outcome they suggest is "No answer". */
const UNANSWERED = new Set(['busy', 'no_answer', 'declined']);

/** How a callback went, in the user's language. */
function outcomeLabel(outcome: string): string {
  switch (outcome) {
    case 'reached':
      return t('Reached');
    case 'no_answer':
      return t('No answer');
    case 'wrong_number':
      return t('Wrong number');
    case 'rescheduled':
      return t('Rescheduled');
    default:
      return outcome.replace('_', ' ');
  }
}

const OUTCOMES = ['reached', 'no_answer', 'wrong_number'] as const;

export function CallbackCard({ conversationId, holds }: { conversationId: string; holds: boolean }) {
  const t = useT();
  const [callback, setCallback] = useState<CallbackView | null>(null);
  const [later, setLater] = useState('');
  const [busy, run] = useAction();
  const store = useWorkspaceStore();
  const calls = useCalls();
  const calling = store?.calls.inConversation(calls, conversationId);
  // Read again when a call here ends: its end (busy, no answer) is the outcome offered.
  const endedHere = calls.ended?.conversationId === conversationId ? calls.ended.id : null;
  useEffect(() => {
    void endedHere;
    request<CallbackView>('GET', `/api/v1/conversations/${conversationId}/callback`).then(
      setCallback,
      () => {},
    );
  }, [conversationId, endedHere]);
  if (!callback) return null;
  const suggested = callback.lastCall && UNANSWERED.has(callback.lastCall) ? 'no_answer' : null;
  const record = (outcome: CallbackOutcome, rescheduleAt?: string) =>
    run(async () =>
      setCallback(
        await request<CallbackView>('POST', `/api/v1/callbacks/${callback.id}/outcome`, {
          body: { outcome, ...(rescheduleAt ? { rescheduleAt } : {}) },
        }),
      ),
    );
  const open = callback.status === 'queued' && holds;
  return (
    <section className="call-bar callback-card" aria-label={t('Callback')} data-testid="callback-card">
      <PhoneIcon className="call-bar-icon" />
      <div className="call-bar-text callback-text">
        <strong>
          {t('Call back')} <a href={`tel:${callback.phone.replace(/[^+\d]/g, '')}`}>{callback.phone}</a>
        </strong>
        <span>
          {formatDateTime(callback.windowStart)} – {formatTime(callback.windowEnd, 'short')}
          {callback.topic ? ` · ${callback.topic}` : ''}
          {callback.attempts > 1 ? ` · ${t('try {count}', { count: callback.attempts })}` : ''}
        </span>
        {callback.outcome && !open && <span className="badge">{outcomeLabel(callback.outcome)}</span>}
        {open && suggested && callback.lastCall && (
          <span className="muted" data-testid="callback-last-call">
            {t('Last call: {result}', {
              result: callback.lastCall === 'busy' ? t('Busy') : t('No answer'),
            })}
          </span>
        )}
      </div>
      {open && (
        <div className="callback-actions">
          {!calling && <DialButton target={{ callbackId: callback.id }} label={t('Call through Beckon')} />}
          {OUTCOMES.map((outcome) => (
            <button
              key={outcome}
              type="button"
              className={`button button-small${outcome === suggested ? ' button-primary' : ''}`}
              disabled={busy}
              onClick={() => record(outcome)}
            >
              {outcomeLabel(outcome)}
            </button>
          ))}
          <label className="callback-later">
            <span className="visually-hidden">{t('Call again at')}</span>
            <input
              type="datetime-local"
              className="input"
              value={later}
              onChange={(e) => setLater(e.target.value)}
            />
          </label>
          <button
            type="button"
            className="button button-small"
            disabled={busy || !later}
            onClick={() => record('rescheduled', new Date(later).toISOString())}
          >
            {t('Reschedule')}
          </button>
        </div>
      )}
    </section>
  );
}
