import { htmlToText, type SelectorDefinition } from 'html-to-text';
import { REST_IN_ORIGINAL } from './mail-cut.ts';

/**
 * The readable text of a mail's HTML, for a mail that has no text part of its own: scripts,
 * styles, images, hidden blocks and embedded objects give no text; a link keeps its words and
 * shows a web or mail address beside them (never a `javascript:`, `data:` or `cid:` one); a quote
 * (`<blockquote>`) keeps its `>` marks, so a quoted history is trimmed as in a text mail.
 *
 * Only the first `HTML_MAX_CHARS` characters are read: a line holds a few thousand characters, and
 * reading is linear in the HTML's size. HTML nested deeper than `HTML_MAX_DEPTH` (no mail client
 * writes that; it only costs time) is not read at all.
 */
export const HTML_MAX_CHARS = 256 * 1024;
const HTML_MAX_DEPTH = 400;

const UNREADABLE = '[the text of this mail could not be read; it is in the original mail]';

const linkTarget = (href: string): string =>
  /^https?:\/\/\S+$/i.test(href) || /^[^\s:/@<>]+@[^\s:/@<>]+$/.test(href) ? href : '';

const skipped = (selector: string): SelectorDefinition => ({ selector, format: 'skip' });

const SELECTORS: SelectorDefinition[] = [
  {
    selector: 'a',
    options: { pathRewrite: linkTarget, hideLinkHrefIfSameAsText: true, linkBrackets: ['<', '>'] },
  },
  ...['img', 'hr', 'iframe', 'object', 'embed', 'svg', 'template', 'select', 'textarea', 'head'].map(skipped),
  ...['[hidden]', '[style*="display:none"]', '[style*="display: none"]'].map(skipped),
  ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
  // Mail lays out with tables: each cell reads as a paragraph, not as a column of a grid.
  ...['table', 'tr', 'td', 'th'].map((selector) => ({ selector, format: 'block' })),
];

const VOID = new Set([
  'area',
  'base',
  'br',
  'col',
  'embed',
  'hr',
  'img',
  'input',
  'link',
  'meta',
  'param',
  'source',
  'track',
  'wbr',
]);
// Closed by the next of their kind when left open: they never nest deeper by themselves.
const IMPLIED_END = new Set(['p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'option', 'optgroup', 'rp', 'rt']);

/** Whether tags open deeper than `max` (an upper bound: an unclosed tag counts as nested). */
function tooDeep(html: string, max: number): boolean {
  let depth = 0;
  for (const m of html.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*?(\/?)>/g)) {
    const name = m[2]!.toLowerCase();
    if (VOID.has(name) || IMPLIED_END.has(name) || m[3]) continue;
    depth += m[1] ? -1 : 1;
    if (depth < 0) depth = 0;
    if (depth > max) return true;
  }
  return false;
}

export function htmlText(html: string): string {
  const cut = html.length > HTML_MAX_CHARS;
  const read = cut ? html.slice(0, HTML_MAX_CHARS) : html;
  if (tooDeep(read, HTML_MAX_DEPTH)) return UNREADABLE;
  const text = htmlToText(read, {
    wordwrap: false,
    selectors: SELECTORS,
    limits: { maxDepth: HTML_MAX_DEPTH },
  })
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return cut ? `${text}\n${REST_IN_ORIGINAL}` : text;
}
