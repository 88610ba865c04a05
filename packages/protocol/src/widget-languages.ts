/**
 * The languages the visitor widget speaks, with no schema library attached, so the widget, the
 * server and the console share one list. English is built into the widget; the others are packs
 * (packages/tag/src/widget/i18n/packs/{code}.json).
 */
export const WIDGET_LANGUAGES = [
  'en',
  'es',
  'fr',
  'de',
  'it',
  'pt',
  'nl',
  'pl',
  'tr',
  'ja',
  'ar',
  'he',
  'zh',
] as const;
export type WidgetLanguage = (typeof WIDGET_LANGUAGES)[number];

/** Each language's own name, as a visitor or an admin who speaks it would look for it. */
export const WIDGET_LANGUAGE_NAMES: Record<WidgetLanguage, string> = {
  en: 'English',
  es: 'Español',
  fr: 'Français',
  de: 'Deutsch',
  it: 'Italiano',
  pt: 'Português',
  nl: 'Nederlands',
  pl: 'Polski',
  tr: 'Türkçe',
  ja: '日本語',
  ar: 'العربية',
  he: 'עברית',
  zh: '中文',
};

/** A site's choice: `auto` follows the page's `<html lang>`, then the browser; a code fixes it. */
export type SiteWidgetLanguage = 'auto' | WidgetLanguage;

/** The language `tag` (a BCP 47 tag such as `pt-BR`) maps to, by its primary subtag, or null. */
export function widgetLanguageOf(tag: string | null | undefined): WidgetLanguage | null {
  const code = tag?.toLowerCase().split(/[-_]/)[0];
  return (WIDGET_LANGUAGES as readonly string[]).includes(code ?? '') ? (code as WidgetLanguage) : null;
}
