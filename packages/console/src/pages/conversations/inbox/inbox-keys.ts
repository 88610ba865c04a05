/** Keyboard movement in the inbox: ↑/↓ or k/j move between rows; the rows are ordinary buttons. */
import type { KeyboardEvent } from 'react';

const ITEM = '[data-inbox-item]';

/** Moves focus to the next or previous row of the list the event came from. */
export function onInboxKeyDown(event: KeyboardEvent<HTMLElement>): void {
  const down = event.key === 'ArrowDown' || event.key === 'j';
  const up = event.key === 'ArrowUp' || event.key === 'k';
  if ((!down && !up) || event.altKey || event.ctrlKey || event.metaKey) return;
  const items = Array.from(event.currentTarget.querySelectorAll<HTMLElement>(ITEM));
  if (items.length === 0) return;
  const at = items.indexOf(document.activeElement as HTMLElement);
  const next =
    at < 0 ? (down ? 0 : items.length - 1) : Math.min(items.length - 1, Math.max(0, at + (down ? 1 : -1)));
  event.preventDefault();
  items[next]?.focus();
}

/** Whether a key press belongs to a text field (then j/k are letters, not shortcuts). */
export function typingInField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.closest('dialog') !== null;
}
