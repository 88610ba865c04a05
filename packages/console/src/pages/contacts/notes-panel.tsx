/** Notes agents keep about a contact, newest first, with a box to add one. */
import { useId, useState } from 'react';
import { addContactNote, type ContactNote } from '../../api/contacts.ts';
import { errorMessage } from '../../api/http.ts';
import { formatDateTime, formatNumber } from '../../components/format.ts';
import { useT } from '../../i18n/language-context.tsx';
import { Panel } from '../visitors/visitor-panels.tsx';

interface NotesPanelProps {
  contactId: string;
  notes: ContactNote[];
  mayEdit: boolean;
  onAdded: () => void;
}

export function NotesPanel({ contactId, notes, mayEdit, onAdded }: NotesPanelProps) {
  const t = useT();
  const id = useId();
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = () => {
    if (!body.trim() || busy) return;
    setBusy(true);
    setError(null);
    addContactNote(contactId, body).then(
      () => {
        setBusy(false);
        setBody('');
        onAdded();
      },
      (e: unknown) => {
        setBusy(false);
        setError(errorMessage(e));
      },
    );
  };
  return (
    <Panel title={t('Notes')} meta={formatNumber(notes.length)} testId="contact-notes">
      {mayEdit && (
        <form
          className="contact-note-form"
          onSubmit={(e) => {
            e.preventDefault();
            save();
          }}
        >
          <label className="visually-hidden" htmlFor={`${id}-note`}>
            {t('New note')}
          </label>
          <textarea
            id={`${id}-note`}
            className="textarea"
            placeholder={t('A note for your team about this person… (Ctrl+Enter saves)')}
            value={body}
            maxLength={4000}
            data-testid="contact-note-input"
            onChange={(e) => setBody(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
                e.preventDefault();
                save();
              }
            }}
          />
          <div>
            <button
              type="submit"
              className="button button-primary button-small"
              disabled={busy || !body.trim()}
            >
              {busy ? t('Saving…') : t('Add note')}
            </button>
          </div>
          {error && <p className="field-error">{error}</p>}
        </form>
      )}
      {notes.length === 0 ? (
        <p className="muted contact-empty-line">{t('No notes yet.')}</p>
      ) : (
        <ul className="contact-list-plain">
          {notes.map((n) => (
            <li key={n.id} data-testid="contact-note">
              <strong>{n.authorName ?? t('Someone')}</strong>
              <span className="muted">{formatDateTime(n.createdAt)}</span>
              <span className="contact-note-body">{n.body}</span>
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
