import { eld } from 'eld/small';

/**
 * The language a customer's line is written in (ISO 639-1): `unsure` for a line too short to
 * tell ("ok", "Hallo"; the caller keeps the conversation's last language), null when the detector
 * knows no language like it. Its small database loads with the module; a line takes well under a
 * millisecond.
 */
export function detectLanguage(text: string): string | 'unsure' | null {
  const r = eld.detect(text);
  if (!r.language) return null;
  return r.isReliable() ? r.language : 'unsure';
}

const names = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });
const known = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' });

/** Whether `code` is an ISO 639-1 language code with a name (`fr` is, `xx` is not). */
export const isLanguageCode = (code: string): boolean =>
  /^[a-z]{2}$/.test(code) && known.of(code) !== undefined;

/** A language's English name, for a model's prompt ("Spanish"). */
export const languageName = (code: string): string => names.of(code) ?? code;
