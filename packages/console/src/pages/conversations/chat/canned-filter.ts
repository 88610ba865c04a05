/** Which canned responses match what the agent typed after "/" (or in the picker's search), best first. */
import type { CannedResponse } from '../../../api/canned-responses.ts';

/** Shortcuts starting with the query first, then other shortcut or title matches; at most `limit`. */
export function filterCanned(items: CannedResponse[], query: string, limit = 8): CannedResponse[] {
  const q = query.trim().toLowerCase().replace(/^\//, '');
  if (!q) return items.slice(0, limit);
  const scored: [number, CannedResponse][] = [];
  for (const item of items) {
    const shortcut = item.shortcut.toLowerCase();
    const title = item.title.toLowerCase();
    const score = shortcut.startsWith(q) ? 0 : shortcut.includes(q) ? 1 : title.includes(q) ? 2 : -1;
    if (score >= 0) scored.push([score, item]);
  }
  return scored
    .sort((a, b) => a[0] - b[0] || a[1].shortcut.localeCompare(b[1].shortcut))
    .slice(0, limit)
    .map(([, item]) => item);
}

/** The "/query" being typed right before the caret, if any (at the start or after a space). */
export function slashQuery(text: string, caret: number): { start: number; query: string } | null {
  const match = /(^|\s)\/([a-z0-9_-]{0,32})$/i.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: match.index + match[1]!.length, query: match[2]! };
}
