/**
 * The Macros button among the composer's tools, and its keys: `m` outside a text field, Alt+M
 * anywhere (the composer too). The picker itself loads when first opened.
 */
import type { Conversation } from '@beckon/protocol/chat-api';
import { lazy, Suspense, useEffect, useState } from 'react';
import { useT } from '../../../i18n/language-context.tsx';
import { typingInField } from '../inbox/inbox-keys.ts';
import { MacroIcon } from './composer-icons.tsx';

const MacroPicker = lazy(() => import('./macro-picker.tsx').then((m) => ({ default: m.MacroPicker })));

/** Whether a key press asks for the macros: Alt+M anywhere, or m alone outside a text field. */
export function isMacroKey(event: KeyboardEvent): boolean {
  // Taken already: `g m` goes to the mentions (the shortcut sheet's listener runs first).
  if (event.defaultPrevented || event.ctrlKey || event.metaKey) return false;
  if (event.altKey) return event.code === 'KeyM' && !event.shiftKey;
  return event.key === 'm' && !typingInField(event.target);
}

export function MacroMenu({
  conversation,
  focusInput,
}: {
  conversation: Conversation;
  focusInput: () => void;
}) {
  const t = useT();
  const [open, setOpen] = useState(false);

  useEffect(() => {
    function onKey(event: KeyboardEvent) {
      if (!isMacroKey(event) || document.querySelector('dialog[open]')) return;
      event.preventDefault();
      setOpen(true);
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const close = () => {
    setOpen(false);
    focusInput();
  };

  return (
    <>
      <button
        type="button"
        className="icon-button composer-tool"
        aria-label={t('Macros')}
        title={t('Macros ({key})', { key: 'm' })}
        aria-haspopup="listbox"
        aria-expanded={open}
        onClick={() => (open ? close() : setOpen(true))}
        data-testid="macro-button"
      >
        <MacroIcon />
      </button>
      {open && (
        <Suspense fallback={null}>
          <MacroPicker conversation={conversation} onClose={close} />
        </Suspense>
      )}
    </>
  );
}
