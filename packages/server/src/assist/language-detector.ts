/**
 * The detector's small database loads on the first line to detect: it takes about 0.7 s of CPU and
 * much memory to build, which a node whose accounts never translate, or a CLI command, never needs.
 */
let detector: Promise<typeof import('eld/small')> | undefined;

/**
 * The language a customer's line is written in (ISO 639-1): `unsure` for a line too short to
 * tell ("ok", "Hallo"; the caller keeps the conversation's last language), null when the detector
 * knows no language like it. Once the database is loaded, a line takes well under a millisecond.
 */
export async function detectLanguage(text: string): Promise<string | 'unsure' | null> {
  detector ??= import('eld/small');
  const { eld } = await detector;
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
