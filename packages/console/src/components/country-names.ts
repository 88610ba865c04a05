/** Country names in the user's language, from the browser's own region names (no table shipped). */
import { COUNTRY_CODES } from '@beckon/protocol/countries';
import { currentLocale } from '../i18n/i18n.ts';

let names: { locale: string; of: (code: string) => string } | null = null;

/** "Germany" for `DE` in English, "Deutschland" in German; the code itself when the browser has no name. */
export function countryName(code: string): string {
  const locale = currentLocale();
  if (names?.locale !== locale) {
    let display: Intl.DisplayNames | null = null;
    try {
      display = new Intl.DisplayNames([locale], { type: 'region' });
    } catch {
      display = null;
    }
    names = { locale, of: (c) => display?.of(c) ?? c };
  }
  return names.of(code);
}

/** "Berlin, Germany": where a visitor is, as the live list and the reports name it; empty when unknown. */
export function placeName(geo: { country?: string; city?: string } | null | undefined): string {
  if (!geo?.country) return geo?.city ?? '';
  const country = countryName(geo.country);
  return geo.city ? `${geo.city}, ${country}` : country;
}

export { COUNTRY_CODES };
