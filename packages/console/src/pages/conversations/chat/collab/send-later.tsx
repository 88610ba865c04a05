/**
 * Send later: the conversation's scheduled replies and note reminders, with a form to add one and
 * buttons to edit or cancel one while it waits. The server sends it at its time, signed in or not.
 */
import type { Conversation } from '@beckon/protocol/chat-api';
import { CANCELLED_BY_REPLY } from '@beckon/protocol/chat-lines';
import { useCallback, useEffect, useState } from 'react';
import {
  cancelScheduled,
  listScheduled,
  type ScheduledMessage,
  scheduleMessage,
  updateScheduled,
} from '../../../../api/collab.ts';
import { errorMessage, readableMessage } from '../../../../api/http.ts';
import { currentLocale, t } from '../../../../i18n/i18n.ts';
import { useT } from '../../../../i18n/language-context.tsx';
import { useCollab } from '../../../../workspace/use-collab.ts';

/** A `datetime-local` value (local time, to the minute) for a moment. */
const localInput = (ms: number) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};
const when = (iso: string) =>
  new Date(iso).toLocaleString(currentLocale(), { dateStyle: 'medium', timeStyle: 'short' });

/** Why a scheduled message stopped, in the agent's language (the server gives its reasons in English). */
const reasonText = (reason: string) =>
  reason === CANCELLED_BY_REPLY ? t('The customer replied first.') : readableMessage(reason);

export function SendLater({ conversation, lastSeq }: { conversation: Conversation; lastSeq: number }) {
  const t = useT();
  const id = conversation.id;
  const [items, setItems] = useState<ScheduledMessage[]>([]);
  const [open, setOpen] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [at, setAt] = useState(() => localInput(Date.now() + 3600_000));
  const [note, setNote] = useState(false);
  const [cancelOnReply, setCancelOnReply] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    listScheduled(id).then(setItems, () => undefined);
  }, [id]);
  // Every change to the list comes as a frame (`scheduled_changed`): a colleague's, a send, a cancel by
  // the customer's reply. The last two come after their line, which reads the list once more too.
  const changes = useCollab((s) => s.scheduled[id] ?? 0, 0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: lastSeq and changes are the triggers.
  useEffect(() => reload(), [reload, lastSeq, changes]);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const sendAt = new Date(at).toISOString();
      if (editing) await updateScheduled(id, editing, { text, sendAt, cancelOnReply });
      else await scheduleMessage(id, { text, sendAt, note, cancelOnReply });
      setText('');
      setEditing(null);
      setOpen(false);
      reload();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const edit = (m: ScheduledMessage) => {
    setEditing(m.id);
    setText(m.text);
    setAt(localInput(Date.parse(m.sendAt)));
    setNote(m.note);
    setCancelOnReply(m.cancelOnReply);
    setOpen(true);
  };
  const waiting = items.filter((m) => m.status === 'queued');
  const settled = items.filter((m) => m.status !== 'queued').slice(-3);
  return (
    <div className="collab-box" data-testid="send-later">
      <div className="collab-head">
        <strong>{t('Send later')}</strong>
        {!open && (
          <button
            type="button"
            className="button button-small"
            onClick={() => {
              setEditing(null);
              setOpen(true);
            }}
            data-testid="send-later-open"
          >
            {t('Schedule a reply')}
          </button>
        )}
      </div>
      {[...waiting, ...settled].length > 0 && (
        <ul className="collab-list">
          {[...waiting, ...settled].map((m) => (
            <li key={m.id} data-testid="scheduled-item" data-status={m.status}>
              <span className="collab-when">
                {m.note ? t('Note reminder') : t('Reply')} · {when(m.sendAt)}
              </span>
              <span className="collab-text">{m.text}</span>
              <span className="collab-status">
                {m.status === 'queued'
                  ? t('Scheduled')
                  : m.status === 'sent'
                    ? t('Sent')
                    : m.status === 'cancelled'
                      ? t('Cancelled')
                      : t('Failed')}
                {m.reason ? ` · ${reasonText(m.reason)}` : ''}
              </span>
              {m.status === 'queued' && (
                <>
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => edit(m)}
                    aria-label={
                      m.note
                        ? t('Edit the note reminder for {when}', { when: when(m.sendAt) })
                        : t('Edit the reply scheduled for {when}', { when: when(m.sendAt) })
                    }
                  >
                    {t('Edit')}
                  </button>
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={
                      m.note
                        ? t('Cancel the note reminder for {when}', { when: when(m.sendAt) })
                        : t('Cancel the reply scheduled for {when}', { when: when(m.sendAt) })
                    }
                    onClick={() =>
                      cancelScheduled(id, m.id).then(reload, (err) => setError(errorMessage(err)))
                    }
                  >
                    {t('Cancel')}
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {open && (
        <form className="collab-form" onSubmit={submit} aria-label={t('Schedule a reply')}>
          <textarea
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder={t('What to send')}
            aria-label={t('What to send')}
            data-testid="send-later-text"
            required
            rows={2}
          />
          <label>
            {t('Send at')}{' '}
            <input
              type="datetime-local"
              step={1}
              value={at}
              onChange={(e) => setAt(e.target.value)}
              data-testid="send-later-at"
              required
            />
          </label>
          {!editing && (
            <label>
              <input type="checkbox" checked={note} onChange={(e) => setNote(e.target.checked)} />{' '}
              {t('As a note reminder for the team')}
            </label>
          )}
          <label>
            <input
              type="checkbox"
              checked={cancelOnReply}
              onChange={(e) => setCancelOnReply(e.target.checked)}
            />{' '}
            {t('Cancel it if the customer replies first')}
          </label>
          {error && (
            <p className="form-error" role="alert">
              {error}
            </p>
          )}
          <div className="collab-actions">
            <button type="button" className="button button-small" onClick={() => setOpen(false)}>
              {t('Close')}
            </button>
            <button
              type="submit"
              className="button button-small button-primary"
              data-testid="send-later-save"
            >
              {editing ? t('Save') : t('Schedule')}
            </button>
          </div>
        </form>
      )}
      {!open && error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
