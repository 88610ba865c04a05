// Who `@Name` in a note names: plain functions without schemas, so the console's composer can
// use them without loading the API's schema library.

/** Someone a note may mention: an id and the display name written after `@`. */
export interface Mentionable {
  id: string;
  name: string;
}

const isWordChar = (ch: string | undefined) => ch !== undefined && /[\p{L}\p{N}_.\-+]/u.test(ch);
const isNameEnd = (ch: string | undefined) => ch === undefined || !/[\p{L}\p{N}_]/u.test(ch);

/**
 * The people `@Name` names in `text`, each once, in order of first mention. An `@` counts at the
 * start or after a character that cannot be part of an e-mail address's local part (so
 * `ada@example.com` names no one); the longest name that follows it, compared without regard to
 * case and ending where a word ends, wins ("@Ada Lovelace" names Ada Lovelace, not Ada).
 */
export function findMentions(text: string, people: readonly Mentionable[]): string[] {
  const byLength = people
    .filter((p) => p.name.trim().length > 0)
    .map((p) => ({ id: p.id, name: p.name.trim().toLocaleLowerCase() }))
    .sort((a, b) => b.name.length - a.name.length);
  const lower = text.toLocaleLowerCase();
  const found: string[] = [];
  for (let at = lower.indexOf('@'); at >= 0; at = lower.indexOf('@', at + 1)) {
    if (isWordChar(lower[at - 1])) continue;
    const rest = lower.slice(at + 1);
    const hit = byLength.find((p) => rest.startsWith(p.name) && isNameEnd(rest[p.name.length]));
    if (hit && !found.includes(hit.id)) found.push(hit.id);
  }
  return found;
}

/** The text after an unfinished `@` at the caret, for the composer's picker; null when there is none. */
export function mentionQueryAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const at = before.lastIndexOf('@');
  if (at < 0 || isWordChar(before[at - 1])) return null;
  const query = before.slice(at + 1);
  if (query.length > 40 || /[\n@]/.test(query) || /\s\s/.test(query)) return null;
  return { start: at, query };
}
