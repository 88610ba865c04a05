/**
 * The colleague picker of a note: typing `@` and the start of a name lists the colleagues it
 * matches; ↑/↓ choose, Enter or Tab insert `@Name `, Esc closes. The focus stays in the composer.
 */
import { mentionQueryAt } from '@beckon/protocol/mention-names';
import { type KeyboardEvent, type RefObject, useState } from 'react';
import { flushSync } from 'react-dom';
import { useT } from '../../../i18n/language-context.tsx';

export interface Colleague {
  id: string;
  name: string;
}

/** At most this many names are listed. */
const MAX = 6;

export function useMentionPicker(opts: {
  text: string;
  enabled: boolean;
  people: readonly Colleague[];
  input: RefObject<HTMLTextAreaElement | null>;
  replaceText: (next: string) => void;
}) {
  const [caret, setCaret] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const [closedAt, setClosedAt] = useState<number | null>(null);
  const at = opts.enabled && caret !== null ? mentionQueryAt(opts.text, caret) : null;
  const query = at?.query.toLocaleLowerCase() ?? '';
  const matches =
    at && closedAt !== at.start
      ? opts.people.filter((p) => p.name.toLocaleLowerCase().startsWith(query)).slice(0, MAX)
      : [];
  const open = matches.length > 0;

  function pick(p: Colleague) {
    if (!at || caret === null) return;
    const inserted = `@${p.name} `;
    const next = opts.text.slice(0, at.start) + inserted + opts.text.slice(caret);
    const where = at.start + inserted.length;
    // The text is committed now, and the caret placed after the name at once: a caret placed on a
    // later frame lands after keys the agent typed meanwhile, and moves them.
    flushSync(() => {
      opts.replaceText(next);
      setCaret(null);
    });
    opts.input.current?.setSelectionRange(where, where);
  }

  return {
    open,
    matches,
    active: Math.min(active, Math.max(0, matches.length - 1)),
    pick,
    setActive,
    /** The text or the caret moved. */
    onText(value: string, position: number) {
      setCaret(position);
      const next = mentionQueryAt(value, position);
      if (!next || next.start !== closedAt) setClosedAt(null);
      setActive(0);
    },
    /** ↑/↓, Enter/Tab and Escape drive an open picker; true when the key was used. */
    onKey(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
      if (!open) return false;
      if (event.key === 'Escape') {
        setClosedAt(at?.start ?? null);
        return true;
      }
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        const step = event.key === 'ArrowDown' ? 1 : matches.length - 1;
        setActive((a) => (Math.min(a, matches.length - 1) + step) % matches.length);
        return true;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        const p = matches[Math.min(active, matches.length - 1)];
        if (p) pick(p);
        return true;
      }
      return false;
    },
  };
}

export function MentionPicker({
  items,
  active,
  onPick,
  onHover,
}: {
  items: readonly Colleague[];
  active: number;
  onPick: (p: Colleague) => void;
  onHover: (index: number) => void;
}) {
  const t = useT();
  return (
    <div className="canned-picker" data-testid="mention-picker">
      <div className="canned-head">
        <span className="canned-title">{t('Mention a colleague')}</span>
        <span className="canned-keys">
          <kbd>↑</kbd>
          <kbd>↓</kbd> {t('to choose')} · <kbd>Enter</kbd> {t('to insert')} · <kbd>Esc</kbd> {t('to close')}
        </span>
      </div>
      <div className="canned-list" role="listbox" aria-label={t('Mention a colleague')}>
        {items.map((p, index) => (
          <div
            key={p.id}
            role="option"
            tabIndex={-1}
            aria-selected={index === active}
            className={index === active ? 'canned-option canned-option-active' : 'canned-option'}
            onMouseDown={(e) => {
              e.preventDefault();
              onPick(p);
            }}
            onMouseEnter={() => onHover(index)}
            data-testid="mention-option"
          >
            <span className="canned-line">
              <span className="canned-name">@{p.name}</span>
            </span>
          </div>
        ))}
      </div>
    </div>
  );
}
