const FOCUSABLE =
  'button:not([disabled]),a[href],textarea:not([disabled]),input:not([disabled]),select:not([disabled]),[tabindex="0"]';

/** True when the visitor is typing somewhere, so a toaster should not steal the caret. */
export function isEditable(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (el as HTMLElement).isContentEditable;
}

/** Keeps Tab and Shift+Tab inside `container` (modal overlays); a trap nested inside it goes first. */
export function trapTab(container: HTMLElement, event: KeyboardEvent): void {
  if (event.key !== 'Tab' || event.defaultPrevented) return;
  // Only what is shown: a hidden button (End chat before a chat starts) is no edge of the trap.
  const items = Array.from(container.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (el) => el.getClientRects().length > 0,
  );
  if (items.length === 0) return;
  const first = items[0]!;
  const last = items[items.length - 1]!;
  const active = (container.getRootNode() as ShadowRoot).activeElement;
  if (event.shiftKey && (active === first || active === container)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && active === last) {
    event.preventDefault();
    first.focus();
  }
}

/** The element that had focus in the page (not inside the widget), to give focus back on close. */
export function pageFocus(hostEl: Element): HTMLElement | null {
  const active = document.activeElement;
  return active && active !== hostEl && active !== document.body ? (active as HTMLElement) : null;
}

/** True when focus is on `el` or inside it (in its shadow root or document). */
export function focusWithin(el: HTMLElement): boolean {
  const active = (el.getRootNode() as Document | ShadowRoot).activeElement;
  return active !== null && el.contains(active);
}
