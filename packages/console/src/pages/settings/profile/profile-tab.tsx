/** Settings › Profile: what is one's own, such as the language one reads customers in. */
import { type FormEvent, useState } from 'react';
import { saveReadingLanguage } from '../../../api/auth.ts';
import { errorMessage } from '../../../api/http.ts';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import { useSession, useSessionApi } from '../../../session/session-context.tsx';
import { languageName } from '../../conversations/chat/assist/language-name.ts';

/** Languages an agent may read customers in: those live translation meets most, by their ISO 639-1 codes. */
const READING_LANGUAGES = [
  'ar',
  'bg',
  'cs',
  'da',
  'de',
  'el',
  'en',
  'es',
  'et',
  'fi',
  'fr',
  'he',
  'hi',
  'hr',
  'hu',
  'id',
  'it',
  'ja',
  'ko',
  'lt',
  'lv',
  'nl',
  'no',
  'pl',
  'pt',
  'ro',
  'ru',
  'sk',
  'sl',
  'sr',
  'sv',
  'th',
  'tr',
  'uk',
  'vi',
  'zh',
];

export function ProfileTab() {
  const t = useT();
  return (
    <section aria-labelledby="profile-heading">
      <SectionHeader title={t('Profile')} id="profile-heading" description={t('Settings of your own.')} />
      <div className="card-list">
        <ReadingLanguageCard />
      </div>
    </section>
  );
}

function ReadingLanguageCard() {
  const t = useT();
  const session = useSession();
  const { refresh } = useSessionApi();
  const [language, setLanguage] = useState(session.readingLanguage ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const options = READING_LANGUAGES.map((code) => ({ code, name: languageName(code) })).sort((a, b) =>
    a.name.localeCompare(b.name),
  );

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      await saveReadingLanguage(language || null);
      await refresh();
      setSaved(true);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card" aria-labelledby="reading-language-title" data-testid="reading-language-card">
      <header className="card-header">
        <div className="card-title-block">
          <h3 className="card-title" id="reading-language-title">
            {t('Reading language')}
          </h3>
          <p className="card-subtitle">
            {t(
              'With live translation on, customers who write in another language are shown to you in this one, and your replies are translated from it.',
            )}
          </p>
        </div>
      </header>
      <div className="card-body">
        <form className="form" onSubmit={submit} noValidate>
          <Field label={t('I read customers in')}>
            {(props) => (
              <select
                {...props}
                className="input"
                value={language}
                onChange={(e) => {
                  setLanguage(e.target.value);
                  setSaved(false);
                }}
                data-testid="reading-language-select"
              >
                <option value="">{t('The console’s language')}</option>
                {options.map((o) => (
                  <option key={o.code} value={o.code}>
                    {o.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <FormError message={error} />
          {saved && (
            <div className="alert alert-success" role="status">
              {t('Saved. Chats you open from now on are translated into this language.')}
            </div>
          )}
          <div className="form-actions">
            <button type="submit" className="button button-primary" disabled={busy}>
              {busy ? t('Saving…') : t('Save')}
            </button>
          </div>
        </form>
      </div>
    </section>
  );
}
