/**
 * The widget's words in the visitor's language. The key is the English text itself, so English
 * needs no pack and a new string is one `t('…')` call. Other languages are packs (`packs/*.json`)
 * the widget fetches before it draws anything (see `lang-pack.ts`).
 * - `{name}` takes a variable; numbers are written the locale's way.
 * - `one|other` in an English key is a plural on `{n}`; a pack gives each of its language's plural
 *   categories (`Intl.PluralRules`), for example Arabic's six.
 */

/** A translation: plain text, or one text per plural category. */
export type Phrase = string | Record<string, string>;

/** A language pack as the server sends it (`dist/i18n/{lang}.json`). */
export interface Pack {
  lang: string;
  /** `rtl` for Arabic and Hebrew: the widget's root carries it. */
  dir?: string;
  /** Extra rules for this language (the right-to-left mirror), applied after the widget's own. */
  css?: string;
  phrases: Record<string, Phrase>;
}

/** The pack in use; English (built in) until another is loaded. */
export let pack: Pack = { lang: 'en', phrases: {} };
/** The visitor's language (a code the widget has a pack for, `en` when built in). */
export let lang = 'en';

/** How the visitor writes dates and numbers: the browser's own locale when it speaks `lang` (en-GB for en). */
export let locale = 'en';

/** Switches the widget's words to `p`; `mine` are the browser's languages, in its order. */
export function useLang(p: Pack, mine: readonly string[] = []): void {
  pack = p;
  lang = p.lang;
  locale = mine.find((l) => l.split('-')[0] === lang) || lang;
}

/**
 * The text for English `en` in the visitor's language, with `{vars}` filled in. (Written without
 * `??` and `?.`: the ES2019 build spells those out at every use, and this is in every string.)
 */
export function t(en: string, vars: Record<string, string | number> = {}): string {
  let m = pack.phrases[en] || en;
  const n = vars.n;
  m =
    typeof m === 'object'
      ? m[new Intl.PluralRules(lang).select(n as number)] || m.other!
      : m.split('|')[n === 1 ? 0 : 1] || m;
  // A number is written the locale's way; a string's toLocaleString is the string itself.
  return m.replace(/\{(\w+)\}/g, (_, k: string) => (vars[k] as number).toLocaleString(locale));
}
