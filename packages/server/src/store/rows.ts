/** Converts epoch milliseconds from the store to the ISO strings the API speaks. */
export const iso = (ms: number | null | undefined): string | null =>
  ms == null ? null : new Date(Number(ms)).toISOString();

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
