/**
 * The composer's canned-response picker: opened by typing "/" (the query is what follows it in
 * the text) or by the button (the picker's own search); ↑/↓ choose, Enter or Tab insert the reply
 * with its variables filled in, Escape closes.
 */
import { type CannedVars, expandCannedText } from '@beckon/protocol/canned-text';
import { type KeyboardEvent, type RefObject, useState } from 'react';
import { flushSync } from 'react-dom';
import type { CannedResponse } from '../../../api/canned-responses.ts';
import { filterCanned, slashQuery } from './canned-filter.ts';
import { useCannedResponses } from './use-canned-responses.ts';

type Picker = { by: 'slash'; start: number; query: string } | { by: 'button'; query: string } | null;

interface CannedPickerOptions {
  text: string;
  /** Puts new text in the composer (after an insert). */
  replaceText: (next: string) => void;
  input: RefObject<HTMLTextAreaElement | null>;
  vars: CannedVars;
}

export function useCannedPicker({ text, replaceText, input, vars }: CannedPickerOptions) {
  const [picker, setPicker] = useState<Picker>(null);
  const [active, setActive] = useState(0);
  const canned = useCannedResponses(picker !== null);
  const matches = picker ? filterCanned(canned.items, picker.query) : [];
  const current = Math.min(active, Math.max(0, matches.length - 1));
  const expand = (item: CannedResponse) => expandCannedText(item.text, vars);

  function pick(item: CannedResponse) {
    const expanded = expand(item);
    const el = input.current;
    let from: number;
    let to: number;
    if (picker?.by === 'slash') {
      from = picker.start;
      to = picker.start + 1 + picker.query.length;
    } else {
      from = el?.selectionStart ?? text.length;
      to = el?.selectionEnd ?? from;
    }
    // Committed and the caret placed at once, not on a later frame that would move keys typed meanwhile.
    flushSync(() => {
      replaceText(text.slice(0, from) + expanded + text.slice(to));
      setPicker(null);
    });
    const caret = from + expanded.length;
    input.current?.focus();
    input.current?.setSelectionRange(caret, caret);
  }

  /** The text changed: a "/query" before the caret opens (or narrows) the picker. */
  function onText(value: string, caret: number) {
    const slash = slashQuery(value, caret);
    if (slash) {
      if (picker?.by !== 'slash' || picker.query !== slash.query) setActive(0);
      setPicker({ by: 'slash', ...slash });
    } else if (picker?.by === 'slash') setPicker(null);
  }

  /** ↑/↓, Enter/Tab and Escape drive an open picker; true when the key was used. */
  function onKey(event: KeyboardEvent<HTMLElement>): boolean {
    if (!picker) return false;
    if (event.key === 'Escape') {
      setPicker(null);
      input.current?.focus();
      return true;
    }
    if (matches.length === 0) return false;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      const step = event.key === 'ArrowDown' ? 1 : matches.length - 1;
      setActive((a) => (a + step) % matches.length);
      return true;
    }
    if (event.key === 'Enter' || event.key === 'Tab') {
      pick(matches[current]!);
      return true;
    }
    return false;
  }

  return {
    open: picker !== null,
    bySlash: picker?.by === 'slash',
    byButton: picker?.by === 'button',
    query: picker?.query ?? '',
    matches,
    active: current,
    canned,
    expand,
    pick,
    onText,
    onKey,
    setActive,
    close: () => setPicker(null),
    /** The button: opens the picker with its own search, or closes it. */
    toggle: () => {
      setActive(0);
      setPicker(picker?.by === 'button' ? null : { by: 'button', query: '' });
    },
    search: (query: string) => {
      setActive(0);
      setPicker({ by: 'button', query });
    },
  };
}
