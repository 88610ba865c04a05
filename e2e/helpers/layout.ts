import type { Page } from 'playwright-core';

/**
 * Words (runs without a plain space: "2 min 39 s" is written with non-breaking ones) that the
 * page breaks over two lines, and boxes whose text is cut, inside the elements `selector` finds.
 */
export function brokenText(page: Page, selector: string): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const out = [];
    for (const el of document.querySelectorAll(${JSON.stringify(selector)})) {
      if (el.offsetParent === null) continue;
      if (el.scrollWidth > el.clientWidth + 1)
        out.push('cut by ' + (el.scrollWidth - el.clientWidth) + ' px: “' + el.textContent.slice(0, 80) + '”');
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        for (const m of (n.textContent || '').matchAll(/[^ \\n\\t]+/g)) {
          const range = document.createRange();
          range.setStart(n, m.index);
          range.setEnd(n, m.index + m[0].length);
          const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          if (lines.size > 1) out.push('wrapped: “' + m[0] + '” in “' + el.textContent + '”');
        }
      }
    }
    return out;
  })()`);
}
