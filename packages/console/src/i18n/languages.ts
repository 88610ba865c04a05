/** The languages the console speaks, and which one a browser gets before its user picks. */

export const CONSOLE_LANGUAGES = ['en', 'de', 'es'] as const;
export type ConsoleLanguage = (typeof CONSOLE_LANGUAGES)[number];

/** Each language in its own words, as the language picker lists it. */
export const LANGUAGE_NAMES: Record<ConsoleLanguage, string> = {
  en: 'English',
  de: 'Deutsch',
  es: 'Español',
};

export function isConsoleLanguage(value: unknown): value is ConsoleLanguage {
  return typeof value === 'string' && (CONSOLE_LANGUAGES as readonly string[]).includes(value);
}

/** The first of the browser's languages the console speaks ("de-AT" → de), else English. */
export function browserLanguage(preferred: readonly string[]): ConsoleLanguage {
  for (const tag of preferred) {
    const base = tag.toLowerCase().split('-')[0];
    if (isConsoleLanguage(base)) return base;
  }
  return 'en';
}

/**
 * The locale dates and numbers follow: the browser's own variant of the language when it has one
 * (en-GB writes 26 Nov, en-US Nov 26), else the language itself.
 */
export function localeFor(lang: ConsoleLanguage, preferred: readonly string[]): string {
  return preferred.find((tag) => tag.toLowerCase().split('-')[0] === lang) ?? lang;
}
