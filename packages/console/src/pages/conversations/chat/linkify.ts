/**
 * Splits message text into plain runs and links, for rendering as text with safe auto-links:
 * only http, https and mailto targets become links (never `javascript:` or `data:`), and the
 * result is rendered by React as text nodes and <a> elements, never as HTML.
 */

export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const CANDIDATE =
  /\bhttps?:\/\/[^\s<>"'`]+|\bmailto:[^\s<>"'`]+|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/gi;
const SAFE = new Set(['http:', 'https:', 'mailto:']);
/** Punctuation that ends a sentence rather than the link it follows. */
const TRAILING = /[.,;:!?'"»”’]+$/;

/** Drops sentence punctuation and unbalanced closing brackets from the end of a match. */
function trimMatch(raw: string): string {
  let text = raw.replace(TRAILING, '');
  for (const [open, close] of [
    ['(', ')'],
    ['[', ']'],
  ] as const) {
    while (text.endsWith(close) && count(text, close) > count(text, open)) {
      text = text.slice(0, -1).replace(TRAILING, '');
    }
  }
  return text;
}

function count(text: string, ch: string): number {
  let n = 0;
  for (const c of text) if (c === ch) n++;
  return n;
}

/** The URL a match should open, or null when it is not a safe link. */
export function safeHref(text: string): string | null {
  const href = /^[a-z][a-z0-9+.-]*:/i.test(text) ? text : `mailto:${text}`;
  try {
    const url = new URL(href);
    if (!SAFE.has(url.protocol)) return null;
    if (url.protocol !== 'mailto:' && !url.hostname) return null;
    return url.href;
  } catch {
    return null;
  }
}

export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index;
    const found = trimMatch(match[0]);
    const href = found ? safeHref(found) : null;
    if (!href) continue;
    if (start > at) parts.push({ kind: 'text', text: text.slice(at, start) });
    parts.push({ kind: 'link', text: found, href });
    at = start + found.length;
  }
  if (at < text.length) parts.push({ kind: 'text', text: text.slice(at) });
  return parts;
}
