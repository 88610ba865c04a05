/** A piece of message text: plain text, or a link with the text it was written as. */
export type TextPart = string | { href: string; text: string };

/** Web addresses (http, https, or starting with www.), mailto: links and bare e-mail addresses. */
const CANDIDATE =
  /\b(?:https?:\/\/|mailto:|www\.)[^\s<>"'`]+|[\w.%+-]+@[a-z\d-]+(?:\.[a-z\d-]+)*\.[a-z]{2,}\b/gi;
const TRAILING = /[.,;:!?*_~]+$/;
const PAIRS: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const SCHEMES = new Set(['http:', 'https:', 'mailto:']);

const count = (text: string, ch: string) => text.split(ch).length - 1;

/** Drops what a sentence puts after an address: final punctuation and unbalanced closing brackets. */
function trimEnd(raw: string): string {
  let text = raw;
  for (;;) {
    const before = text;
    text = text.replace(TRAILING, '');
    const last = text.slice(-1);
    const open = PAIRS[last];
    if (open && count(text, last) > count(text, open)) text = text.slice(0, -1);
    if (text === before) return text;
  }
}

/** The link an address stands for, or null when it is not a well-formed http, https or mailto URL. */
export function linkHref(text: string): string | null {
  const lower = text.toLowerCase();
  const candidate = lower.startsWith('www.')
    ? `https://${text}`
    : /^(?:https?:|mailto:)/.test(lower)
      ? text
      : text.includes('@')
        ? `mailto:${text}`
        : '';
  if (!candidate) return null;
  try {
    const url = new URL(candidate);
    if (!SCHEMES.has(url.protocol)) return null;
    if (url.protocol !== 'mailto:' && !url.hostname) return null;
    if (url.protocol === 'mailto:' && !/^[^@\s]+@[^@\s]+$/.test(decodeURIComponent(url.pathname)))
      return null;
    return url.href;
  } catch {
    return null;
  }
}

/**
 * Splits plain message text into text and links, for rendering as text nodes and anchors. Only
 * http, https and mailto addresses become links; anything else (`javascript:`, `data:`, markup)
 * stays text, so a message can never carry script or HTML.
 */
export function linkify(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let at = 0;
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index ?? 0;
    const raw = trimEnd(match[0]);
    const href = raw ? linkHref(raw) : null;
    if (!href) continue;
    if (start > at) parts.push(text.slice(at, start));
    parts.push({ href, text: raw });
    at = start + raw.length;
  }
  if (at < text.length) parts.push(text.slice(at));
  return parts;
}
