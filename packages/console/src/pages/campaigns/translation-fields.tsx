/** The engagement's texts in other languages: pick a language, write its texts; empty ones fall back to the default. */
import { WIDGET_LANGUAGE_NAMES, WIDGET_LANGUAGES } from '@beckon/protocol/widget-languages';
import { useState } from 'react';
import { Field } from '../../components/field.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { type CampaignForm, translatableFields } from './campaign-form.ts';

const OTHER_LANGUAGES = WIDGET_LANGUAGES.filter((code) => code !== 'en');

interface TranslationFieldsProps {
  form: CampaignForm;
  set: (patch: Partial<CampaignForm>) => void;
  /** The default text of each field, shown as the placeholder of its translation. */
  defaults: Record<string, string>;
}

export function TranslationFields({ form, set, defaults }: TranslationFieldsProps) {
  const t = useT();
  const fields = translatableFields(form.engagementType);
  const [lang, setLang] = useState<string>(OTHER_LANGUAGES[0]!);
  if (fields.length === 0) return null;
  const texts = form.translations[lang] ?? {};
  const written = (code: string) => Object.values(form.translations[code] ?? {}).some((text) => text.trim());
  const update = (key: string, value: string) =>
    set({ translations: { ...form.translations, [lang]: { ...texts, [key]: value } } });
  const rtl = lang === 'ar' || lang === 'he';

  return (
    <fieldset className="fieldset translations" data-testid="campaign-translations">
      <legend className="field-label">{t('Texts in other languages')}</legend>
      <p className="field-hint">
        {t('The widget shows the visitor’s language. A text left empty shows the default one above.')}
      </p>
      <Field label={t('Language')}>
        {(props) => (
          <select
            {...props}
            className="input select"
            name="translationLanguage"
            value={lang}
            onChange={(event) => setLang(event.target.value)}
          >
            {OTHER_LANGUAGES.map((code) => (
              <option key={code} value={code}>
                {written(code)
                  ? t('{language} — written', { language: WIDGET_LANGUAGE_NAMES[code] })
                  : WIDGET_LANGUAGE_NAMES[code]}
              </option>
            ))}
          </select>
        )}
      </Field>
      {fields.map((f) => (
        <Field
          key={f.key}
          label={t('{field} ({language})', { field: f.label, language: WIDGET_LANGUAGE_NAMES[lang as 'de'] })}
        >
          {(props) =>
            f.long ? (
              <textarea
                {...props}
                className="input"
                rows={3}
                dir={rtl ? 'rtl' : 'ltr'}
                lang={lang}
                placeholder={defaults[f.key]}
                value={texts[f.key] ?? ''}
                onChange={(event) => update(f.key, event.target.value)}
              />
            ) : (
              <input
                {...props}
                className="input"
                dir={rtl ? 'rtl' : 'ltr'}
                lang={lang}
                placeholder={defaults[f.key]}
                value={texts[f.key] ?? ''}
                onChange={(event) => update(f.key, event.target.value)}
              />
            )
          }
        </Field>
      ))}
    </fieldset>
  );
}
