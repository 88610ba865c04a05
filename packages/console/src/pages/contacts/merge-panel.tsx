/** Merging another contact into this one: find it by name, e-mail or phone, then confirm. */
import { useEffect, useId, useState } from 'react';
import { type Contact, mergeContact, searchContacts } from '../../api/contacts.ts';
import { errorMessage } from '../../api/http.ts';
import { useT } from '../../i18n/language-context.tsx';
import { Panel } from '../visitors/visitor-panels.tsx';
import { contactLabel } from './contact-format.ts';

export function MergePanel({ contact, onMerged }: { contact: Contact; onMerged: () => void }) {
  const t = useT();
  const id = useId();
  const [text, setText] = useState('');
  const [found, setFound] = useState<Contact[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const q = text.trim();
    if (q.length < 2) {
      setFound([]);
      return;
    }
    let current = true;
    const timer = window.setTimeout(() => {
      searchContacts(q, undefined, 6).then(
        (page) => current && setFound(page.items.filter((c) => c.id !== contact.id)),
        () => current && setFound([]),
      );
    }, 250);
    return () => {
      current = false;
      window.clearTimeout(timer);
    };
  }, [text, contact.id]);

  const merge = (other: Contact) => {
    if (
      !window.confirm(
        t('Merge {other} into {contact}? Their conversations, visits and notes move here. You can undo it.', {
          other: contactLabel(other),
          contact: contactLabel(contact),
        }),
      )
    )
      return;
    setBusy(true);
    setError(null);
    mergeContact(contact.id, other.id).then(
      () => {
        setBusy(false);
        setText('');
        onMerged();
      },
      (e: unknown) => {
        setBusy(false);
        setError(errorMessage(e));
      },
    );
  };

  return (
    <Panel title={t('Merge a duplicate')} testId="contact-merge">
      <label className="field-label" htmlFor={`${id}-q`}>
        {t('Find the other contact')}
      </label>
      <input
        id={`${id}-q`}
        className="input"
        type="search"
        placeholder={t('Name, e-mail or phone')}
        value={text}
        maxLength={200}
        onChange={(e) => setText(e.target.value)}
      />
      {found.length > 0 && (
        <ul className="contact-merge-results">
          {found.map((c) => (
            <li key={c.id}>
              <button type="button" className="button button-small" disabled={busy} onClick={() => merge(c)}>
                <span>{contactLabel(c)}</span>
                <span className="muted">{c.email ?? c.phone ?? ''}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {error && <p className="field-error">{error}</p>}
    </Panel>
  );
}
