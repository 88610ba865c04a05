/** Settings › Team: the reasons agents pick when they go away (Break, Meeting…); admins edit them. */
import { type FormEvent, useEffect, useState } from 'react';
import { getAwayReasons, saveAwayReasons } from '../../../api/away-reasons.ts';
import { errorMessage } from '../../../api/http.ts';
import { CloseIcon } from '../../../components/icons.tsx';
import { useT } from '../../../i18n/language-context.tsx';

const MAX_LENGTH = 40;

export function AwayReasonsCard({ manager }: { manager: boolean }) {
  const t = useT();
  const [saved, setSaved] = useState<string[] | null>(null);
  const [reasons, setReasons] = useState<string[]>([]);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    getAwayReasons().then(
      (list) => {
        setSaved(list);
        setReasons(list);
      },
      (e) => setError(errorMessage(e)),
    );
  }, []);

  const changed = saved !== null && saved.join('\n') !== reasons.join('\n');

  function add(event: FormEvent) {
    event.preventDefault();
    const label = draft.trim();
    if (!label) return;
    if (reasons.some((r) => r.toLowerCase() === label.toLowerCase())) {
      setError(t('"{label}" is already on the list.', { label }));
      return;
    }
    setReasons([...reasons, label]);
    setDraft('');
    setError(null);
    setNotice(null);
  }

  async function save() {
    setBusy(true);
    setError(null);
    try {
      const list = await saveAwayReasons(reasons);
      setSaved(list);
      setReasons(list);
      setNotice(t('Away reasons saved. Agents see them in their status switch.'));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card away-reasons" aria-labelledby="away-reasons-heading" data-testid="away-reasons">
      <div className="card-header">
        <div>
          <h3 className="card-title" id="away-reasons-heading">
            {t('Away reasons')}
          </h3>
          <p className="card-subtitle">
            {t('Agents pick one when they step away. The agent report shows time spent in each.')}
          </p>
        </div>
      </div>
      <div className="card-body">
        {saved === null && !error ? (
          <p className="muted">{t('Loading…')}</p>
        ) : (
          <ul className="away-reason-list">
            {reasons.map((reason) => (
              <li key={reason} className="away-reason">
                <span>{reason}</span>
                {manager && reasons.length > 1 && (
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={t('Remove {name}', { name: reason })}
                    onClick={() => {
                      setReasons(reasons.filter((r) => r !== reason));
                      setNotice(null);
                    }}
                  >
                    <CloseIcon />
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
        {manager && (
          <form className="away-reason-form" onSubmit={add}>
            <label className="visually-hidden" htmlFor="away-reason-new">
              {t('New away reason')}
            </label>
            <input
              id="away-reason-new"
              className="input input-compact"
              value={draft}
              maxLength={MAX_LENGTH}
              placeholder={t('e.g. Coaching')}
              onChange={(e) => setDraft(e.target.value)}
            />
            <button type="submit" className="button button-small" disabled={!draft.trim()}>
              {t('Add')}
            </button>
            <button
              type="button"
              className="button button-small button-primary"
              onClick={save}
              disabled={!changed || busy}
            >
              {t('Save reasons')}
            </button>
          </form>
        )}
        {error && (
          <p className="field-error" role="alert">
            {error}
          </p>
        )}
        {notice && (
          <p className="field-hint" role="status">
            {notice}
          </p>
        )}
      </div>
    </section>
  );
}
