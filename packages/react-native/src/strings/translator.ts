import {
  WIDGET_LANGUAGES as LANGUAGES,
  type WidgetLanguage as Language,
  widgetLanguageOf,
} from '@beckon/protocol/widget-languages';
import { OWN_PHRASES } from './own-phrases.ts';
import { type Phrase, WIDGET_PHRASES } from './widget-phrases.ts';

export { LANGUAGES, type Language };

const RTL: readonly string[] = ['ar', 'he'];

/** The UI's language for a BCP 47 tag (`pt-BR` → `pt`), English when it does not speak it. */
export const languageOf = (tag: string | null | undefined): Language => widgetLanguageOf(tag) ?? 'en';

export const isRtl = (lang: string): boolean => RTL.includes(lang);

/** `t(english, vars)`: the phrase in `lang`, with `{vars}` filled in; an app's `overrides` win. */
export type Translate = (en: string, vars?: Record<string, string | number>) => string;

/**
 * A translator for `lang`. Phrases are the widget's (keyed by their English text), so an app's
 * `overrides` use the same keys: `{ 'Start chat': 'Talk to us' }`. Numbers are written the
 * language's way; a plural phrase picks its form by `{n}`.
 */
export function translator(lang: Language, overrides: Record<string, string> = {}): Translate {
  const phrases = { ...WIDGET_PHRASES[lang], ...OWN_PHRASES[lang] };
  const plurals = new Intl.PluralRules(lang);
  return (en, vars = {}) => {
    const found: Phrase = overrides[en] ?? phrases[en] ?? en;
    const text =
      typeof found === 'string' ? found : (found[plurals.select(Number(vars.n))] ?? found['other'] ?? en);
    return text.replace(/\{(\w+)\}/g, (whole, k: string) => {
      const v = vars[k];
      return v === undefined ? whole : typeof v === 'number' ? v.toLocaleString(lang) : v;
    });
  };
}
