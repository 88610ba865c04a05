/**
 * The console's words in the user's language, as ICU messages (FormatJS `intl-messageformat`).
 * - The key is the English text itself, as in the widget: English needs no pack, and a new string
 *   is one `t('…')` call that reads as what the user sees.
 * - `{name}` takes a variable; `{count, plural, one {# chat} other {# chats}}` and
 *   `{kind, select, …}` follow ICU, with the language's own plural rules.
 * - Another language is a pack (`packs/{lang}.json`, English text → translation), fetched only
 *   when that language is chosen.
 */
import { IntlMessageFormat } from 'intl-messageformat';
import type { ConsoleLanguage } from './languages.ts';

export type Messages = Record<string, string>;
export type MessageValues = Record<string, string | number | Date>;

let current: { lang: ConsoleLanguage; locale: string; messages: Messages } = {
  lang: 'en',
  locale: 'en',
  messages: {},
};
let compiled = new Map<string, IntlMessageFormat>();

/** The console's language now (`en` until a pack is in use). */
export function currentLanguage(): ConsoleLanguage {
  return current.lang;
}

/** The BCP 47 locale dates, times, numbers and currencies follow now. */
export function currentLocale(): string {
  return current.locale;
}

/** Switches every later `t()` and formatter to `lang`, with its pack (`{}` for English). */
export function applyMessages(lang: ConsoleLanguage, locale: string, messages: Messages): void {
  current = { lang, locale, messages };
  compiled = new Map();
}

/** The text for English `en` in the user's language, with its ICU arguments filled in. */
export function t(en: string, values?: MessageValues): string {
  const message = current.messages[en] ?? en;
  if (!values && !message.includes('{') && !message.includes("'")) return message;
  let format = compiled.get(en);
  if (!format) {
    try {
      format = new IntlMessageFormat(message, current.locale);
    } catch {
      // A broken translation shows the English text rather than break the page (the pack test catches it).
      format = new IntlMessageFormat(en, current.locale);
    }
    compiled.set(en, format);
  }
  return String(format.format(values));
}

/** Fetches the pack of `lang` (its own chunk, so only the chosen language is downloaded). */
export async function loadMessages(lang: ConsoleLanguage): Promise<Messages> {
  switch (lang) {
    case 'en':
      return {};
    case 'de':
      return (await import('./packs/de.json')).default;
    case 'es':
      return (await import('./packs/es.json')).default;
  }
}
