/** The last instant `iso` formatted, and its text. */
let lastMs = Number.NaN;
let lastIso = '';

/**
 * Converts epoch milliseconds from the store to the ISO strings the API speaks. V8 formats a date
 * through printf, several thousand instructions each; the lines of one chat commit share their
 * instant, so the last one is kept.
 */
export const iso = (ms: number | null | undefined): string | null => {
  if (ms == null) return null;
  const n = Number(ms);
  if (n !== lastMs) {
    lastIso = new Date(n).toISOString();
    lastMs = n;
  }
  return lastIso;
};

/** Parses a JSON array column, tolerating legacy or empty values. */
export function jsonArray(text: string | null | undefined): string[] {
  if (!text) return [];
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

/** Parses a JSON object column; anything else (or broken JSON) is an empty object. */
export function jsonObject(text: string | null | undefined): Record<string, unknown> {
  if (!text) return {};
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
  } catch {
    return {};
  }
}

/** `%text%` for LIKE (with `escape '\\'`), the wildcards in the user's text escaped. */
export const likePattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
