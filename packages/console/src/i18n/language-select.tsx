/** The console's language picker: each language in its own words; a signed-in user's choice is saved for them. */
import { useId, useState } from 'react';
import { GlobeIcon } from '../components/icons.tsx';
import { useLanguage, useT } from './language-context.tsx';
import { CONSOLE_LANGUAGES, type ConsoleLanguage, isConsoleLanguage, LANGUAGE_NAMES } from './languages.ts';

interface LanguageSelectProps {
  /** Keeps the choice for the signed-in user on the server; absent before sign-in. */
  save?: (lang: ConsoleLanguage) => Promise<void>;
}

export function LanguageSelect({ save }: LanguageSelectProps) {
  const t = useT();
  const { lang, switchTo } = useLanguage();
  const [busy, setBusy] = useState(false);
  const id = useId();

  async function choose(value: string) {
    if (!isConsoleLanguage(value)) return;
    setBusy(true);
    try {
      // Saved first, so a reload right after the switch finds the same language on the server.
      await save?.(value).catch(() => undefined);
      await switchTo(value);
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="language-control">
      <GlobeIcon className="icon language-icon" />
      <label htmlFor={id} className="visually-hidden">
        {t('Language')}
      </label>
      <select
        id={id}
        className="input select language-select"
        value={lang}
        disabled={busy}
        onChange={(event) => choose(event.target.value)}
        data-testid="language-select"
      >
        {CONSOLE_LANGUAGES.map((code) => (
          <option key={code} value={code} lang={code}>
            {LANGUAGE_NAMES[code]}
          </option>
        ))}
      </select>
    </span>
  );
}
