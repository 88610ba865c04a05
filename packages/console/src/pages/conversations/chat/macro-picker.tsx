/**
 * The macro picker above the composer: the shared macros and the agent's own, filtered as they
 * type; ↑/↓ choose, Enter runs, Esc closes. A run is checked whole on the server first, so a
 * refusal (a deleted skill) is shown here and nothing has changed.
 */
import { expandCannedText } from '@beckon/protocol/canned-text';
import type { Conversation } from '@beckon/protocol/chat-api';
import { type KeyboardEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import { listMacros, type Macro, runMacro } from '../../../api/macros.ts';
import { macroSummary } from '../../../components/macro-summary.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { Link } from '../../../router/router.tsx';
import { useWorkspace, useWorkspaceStore } from '../../../workspace/workspace-context.tsx';
import { useDirectory } from '../directory.tsx';

/** The last list read, shown at once when the picker opens again while it is read afresh. */
let lastRead: Macro[] | null = null;

export function MacroPicker({
  conversation: c,
  onClose,
}: {
  conversation: Conversation;
  onClose: () => void;
}) {
  const t = useT();
  const store = useWorkspaceStore()!;
  const agentName = useWorkspace((s) => s.agent?.name ?? null, null);
  const { skillName, userName } = useDirectory();
  const [macros, setMacros] = useState<Macro[] | null>(lastRead);
  const [failed, setFailed] = useState(false);
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const listId = useId();

  useEffect(() => {
    let live = true;
    listMacros().then(
      (items) => {
        lastRead = items;
        if (live) setMacros(items);
      },
      () => live && setFailed(true),
    );
    return () => {
      live = false;
    };
  }, []);

  // A click elsewhere closes it (the Macros button toggles it itself), and Esc wherever the focus is.
  const closeRef = useRef(onClose);
  closeRef.current = onClose;
  useEffect(() => {
    const away = (e: MouseEvent) => {
      const target = e.target as Element;
      if (!root.current?.contains(target) && !target.closest?.('[data-testid="macro-button"]'))
        closeRef.current();
    };
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) closeRef.current();
    };
    document.addEventListener('mousedown', away);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', away);
      document.removeEventListener('keydown', onKey);
    };
  }, []);

  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    return (macros ?? []).filter((m) => !q || m.name.toLowerCase().includes(q));
  }, [macros, query]);
  const names = { skill: skillName, user: userName };

  async function run(macro: Macro | undefined) {
    if (!macro || busy) return;
    setBusy(true);
    setError(null);
    try {
      await runMacro(c.id, macro.id);
      const done = macroSummary(macro.actions, names).join(', ');
      store.notify(t('Ran “{name}”: {done}', { name: macro.name, done }), 'info');
      onClose();
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.nativeEvent.isComposing) return;
    const last = matches.length - 1;
    if (event.key === 'ArrowDown') setActive((i) => (i >= last ? 0 : i + 1));
    else if (event.key === 'ArrowUp') setActive((i) => (i <= 0 ? Math.max(0, last) : i - 1));
    else if (event.key === 'Enter') void run(matches[Math.min(active, last)]);
    else if (event.key === 'Escape') onClose();
    else return;
    event.preventDefault();
  }

  const optionId = (i: number) => `${listId}-opt-${i}`;
  return (
    <div className="canned-picker macro-picker" ref={root} data-testid="macro-picker">
      <div className="canned-head">
        <span className="canned-title">{t('Macros')}</span>
        <span className="canned-keys">
          <kbd>↑</kbd>
          <kbd>↓</kbd> {t('to choose')} · <kbd>Enter</kbd> {t('to run')} · <kbd>Esc</kbd> {t('to close')}
        </span>
      </div>
      <input
        className="input canned-search"
        type="search"
        placeholder={t('Search macros by name')}
        aria-label={t('Search macros')}
        aria-controls={listId}
        aria-activedescendant={matches.length > 0 ? optionId(active) : undefined}
        role="combobox"
        aria-expanded="true"
        value={query}
        aria-busy={busy || undefined}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        // biome-ignore lint/a11y/noAutofocus: the key or button that opened the picker hands focus to its search.
        autoFocus
        data-testid="macro-search"
      />
      {error && (
        <p className="field-error macro-error" role="alert" data-testid="macro-error">
          {error}
        </p>
      )}
      {matches.length === 0 ? (
        <p className="canned-empty">
          {!macros && !failed ? (
            t('Loading…')
          ) : failed ? (
            t('Macros could not be loaded.')
          ) : (
            <>
              {macros?.length ? t('No macro matches.') : t('No macros yet.')}{' '}
              <Link to="/settings/macros">{t('Manage macros')}</Link>
            </>
          )}
        </p>
      ) : (
        <div className="canned-list" id={listId} role="listbox" aria-label={t('Macros')}>
          {matches.map((m, i) => (
            <div
              key={m.id}
              id={optionId(i)}
              role="option"
              tabIndex={-1}
              aria-selected={i === active}
              aria-disabled={busy || undefined}
              className={i === active ? 'canned-option canned-option-active' : 'canned-option'}
              onMouseDown={(e) => {
                e.preventDefault();
                void run(m);
              }}
              onMouseEnter={() => setActive(i)}
              data-testid="macro-option"
            >
              <span className="canned-line">
                <span className="canned-name">{m.name}</span>
                <span className={m.shared ? 'macro-scope' : 'macro-scope macro-scope-own'}>
                  {m.shared ? t('Shared') : t('Yours')}
                </span>
                <span className="macro-does">{macroSummary(m.actions, names).join(' · ')}</span>
              </span>
              {m.actions.reply && (
                <span className="canned-preview">
                  {expandCannedText(m.actions.reply, {
                    visitor: { name: c.visitorName, email: c.visitorEmail },
                    agent: { name: agentName },
                  })}
                </span>
              )}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
