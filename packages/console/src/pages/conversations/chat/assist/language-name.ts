import { currentLocale } from '../../../../i18n/i18n.ts';

/** A language's name in the console's language ("Spanish", "Spanisch"), from its code. */
export function languageName(code: string): string {
  try {
    return new Intl.DisplayNames([currentLocale()], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}
