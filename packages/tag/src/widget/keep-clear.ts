/**
 * Keeps what the widget floats over the page (an offer, the chat pill) off the page's own primary
 * actions and its title: a shopper must always reach "Add to cart". The element tries each corner
 * in turn (its own first); when every corner covers something, an offer docks as a slim bar on the
 * edge that covers least. It moves again as the page scrolls or resizes.
 */

/** What must stay uncovered: buttons, submit inputs, button-like links, and the page's title. */
const PRIMARY = 'button,[type=submit],[type=button],[role=button],a[class*=btn],a[class*=button],h1';

type Box = { l: number; t: number; r: number; b: number };

const overlap = (a: Box, b: Box) =>
  Math.max(0, Math.min(a.r, b.r) - Math.max(a.l, b.l)) * Math.max(0, Math.min(a.b, b.b) - Math.max(a.t, b.t));

/** The page's primary elements in view, as boxes in viewport coordinates. */
function targets(): Box[] {
  const boxes: Box[] = [];
  for (const el of document.querySelectorAll(PRIMARY)) {
    const r = el.getBoundingClientRect();
    if (r.width && r.height && r.bottom > 0 && r.top < innerHeight)
      boxes.push({ l: r.left, t: r.top, r: r.right, b: r.bottom });
  }
  return boxes;
}

/** The area of `box` that covers the page's primary elements. */
const covered = (box: Box, page: Box[]) => page.reduce((sum, p) => sum + overlap(box, p), 0);

/**
 * Places `el` (position: fixed) in the first corner where it covers nothing; `dock` is the class
 * that turns it into a bar when no corner is free (none: it takes the corner covering least).
 * Follows the page until `el` leaves it; returns a function that places it again (after it changed size).
 */
export function keepClear(el: HTMLElement, dock?: string): () => void {
  const s = el.style;
  let queued = false;
  const place = () => {
    queued = false;
    if (!el.isConnected) return stop();
    if (dock) el.classList.remove(dock);
    s.top = s.left = s.right = s.bottom = s.width = '';
    // Its own place, from the stylesheet (positioned: the computed values are in px, and unlike its
    // box they ignore the entrance animation's transform).
    const cs = getComputedStyle(el);
    const [top, left, right, bottom] = [cs.top, cs.left, cs.right, cs.bottom].map(parseFloat) as [
      number,
      number,
      number,
      number,
    ];
    const w = el.offsetWidth;
    const h = el.offsetHeight;
    const page = targets();
    let best = { area: Infinity, t: top, l: left };
    // Its own corner first, then the other bottom corner, then the top ones.
    for (const t of [top, bottom])
      for (const l of [left, right]) {
        const area = covered({ l, t, r: l + w, b: t + h }, page);
        if (area < best.area) best = { area, t, l };
      }
    if (best.area && dock) {
      el.classList.add(dock);
      const bar = el.offsetHeight;
      const full = (t: number) => covered({ l: 0, t, r: innerWidth, b: t + bar }, page);
      if (full(0) < full(innerHeight - bar)) {
        s.top = '0';
        s.bottom = 'auto';
      } else s.bottom = '0';
      return;
    }
    s.top = `${best.t}px`;
    s.left = `${best.l}px`;
    s.width = `${w}px`;
    s.right = s.bottom = 'auto';
  };
  const later = () => {
    if (!queued) queued = requestAnimationFrame(place) > 0;
  };
  const stop = () => {
    removeEventListener('scroll', later, true);
    removeEventListener('resize', later);
  };
  addEventListener('scroll', later, true);
  addEventListener('resize', later);
  place();
  return later;
}
