import { type Pack, useLang } from './i18n.ts';

/**
 * Switches the widget to the site's language before it draws anything. It sends the page's
 * `<html lang>` and the browser's languages, in that order; the server picks (the site's fixed
 * language, else the first of these the widget speaks, else English) and redirects to that
 * language's pack, cached for a year. Any failure leaves the widget in English.
 */
export async function loadLang(origin: string, siteKey: string): Promise<void> {
  const tags = [document.documentElement.lang, ...navigator.languages].join();
  try {
    const pack = (await (
      await fetch(`${origin}/t/lang/${siteKey}?l=${encodeURIComponent(tags)}`)
    ).json()) as Pack;
    // An error body (a site deleted a moment ago) is not a pack.
    if (pack.phrases) useLang(pack, navigator.languages);
  } catch {
    // English is built in.
  }
}
