/** A callback the agent works: the number to dial (a `tel:` link to their own phone) and how it went. */
import type { CallbackOutcome, CallbackView } from '@beckon/protocol/call-protocol';
import { useEffect, useState } from 'react';
import { request } from '../../../api/http.ts';
import { PhoneIcon } from '../../../components/icons.tsx';
import { useAction } from '../../../workspace/use-action.ts';

const OUTCOMES: { outcome: Exclude<CallbackOutcome, 'rescheduled'>; label: string }[] = [
  { outcome: 'reached', label: 'Reached' },
  { outcome: 'no_answer', label: 'No answer' },
  { outcome: 'wrong_number', label: 'Wrong number' },
];

const when = (iso: string) =>
  new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function CallbackCard({ conversationId, holds }: { conversationId: string; holds: boolean }) {
  const [callback, setCallback] = useState<CallbackView | null>(null);
  const [later, setLater] = useState('');
  const [busy, run] = useAction();
  useEffect(() => {
    request<CallbackView>('GET', `/api/v1/conversations/${conversationId}/callback`).then(
      setCallback,
      () => {},
    );
  }, [conversationId]);
  if (!callback) return null;
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
    <section className="call-bar callback-card" aria-label="Callback" data-testid="callback-card">
      <PhoneIcon className="call-bar-icon" />
      <div className="call-bar-text callback-text">
        <strong>
          Call back <a href={`tel:${callback.phone.replace(/[^+\d]/g, '')}`}>{callback.phone}</a>
        </strong>
        <span>
          {when(callback.windowStart)} –{' '}
          {new Date(callback.windowEnd).toLocaleTimeString(undefined, { timeStyle: 'short' })}
          {callback.topic ? ` · ${callback.topic}` : ''}
          {callback.attempts > 1 ? ` · try ${callback.attempts}` : ''}
        </span>
        {callback.outcome && !open && <span className="badge">{callback.outcome.replace('_', ' ')}</span>}
      </div>
      {open && (
        <div className="callback-actions">
          {OUTCOMES.map((o) => (
            <button
              key={o.outcome}
              type="button"
              className="button button-small"
              disabled={busy}
              onClick={() => record(o.outcome)}
            >
              {o.label}
            </button>
          ))}
          <label className="callback-later">
            <span className="visually-hidden">Call again at</span>
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
            Reschedule
          </button>
        </div>
      )}
    </section>
  );
}
