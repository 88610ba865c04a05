import { eld } from 'eld/small';

/**
 * The language a customer's line is written in (ISO 639-1), or null when the detector does not
 * know it or is unsure (short lines such as "ok"): the caller keeps the conversation's last one.
 * The detector's small database loads with the module; a line takes well under a millisecond.
 */
export function detectLanguage(text: string): string | null {
  const r = eld.detect(text);
  return r.language && r.isReliable() ? r.language : null;
}

const names = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' });

/** A language's English name, for a model's prompt ("Spanish"). */
export const languageName = (code: string): string => names.of(code) ?? code;
