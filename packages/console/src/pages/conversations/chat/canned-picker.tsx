/**
 * The canned-response picker above the composer: each reply by shortcut and title with its text
 * as it will be sent (variables filled in). Opened by typing "/" or by the button; it has its own
 * search field when opened by the button.
 */
import type { KeyboardEvent } from 'react';
import type { CannedResponse } from '../../../api/canned-responses.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { Link } from '../../../router/router.tsx';

interface CannedPickerProps {
  listId: string;
  items: CannedResponse[];
  active: number;
  loading: boolean;
  failed: boolean;
  /** The final text of a reply (variables expanded). */
  preview: (item: CannedResponse) => string;
  onPick: (item: CannedResponse) => void;
  onHover: (index: number) => void;
  /** Present when opened by the button: the picker's own search field. */
  search?: {
    value: string;
    onChange: (value: string) => void;
    onKeyDown: (event: KeyboardEvent<HTMLInputElement>) => void;
  };
}

export const optionId = (listId: string, index: number) => `${listId}-opt-${index}`;

export function CannedPicker({
  listId,
  items,
  active,
  loading,
  failed,
  preview,
  onPick,
  onHover,
  search,
}: CannedPickerProps) {
  const t = useT();
  return (
    <div className="canned-picker" data-testid="canned-picker">
      <div className="canned-head">
        <span className="canned-title">{t('Canned responses')}</span>
        <span className="canned-keys">
          <kbd>↑</kbd>
          <kbd>↓</kbd> {t('to choose')} · <kbd>Enter</kbd> {t('to insert')} · <kbd>Esc</kbd> {t('to close')}
        </span>
      </div>
      {search && (
        <input
          className="input canned-search"
          type="search"
          placeholder={t('Search by shortcut or title')}
          aria-label={t('Search canned responses')}
          aria-controls={listId}
          aria-activedescendant={items.length > 0 ? optionId(listId, active) : undefined}
          role="combobox"
          aria-expanded="true"
          value={search.value}
          onChange={(e) => search.onChange(e.target.value)}
          onKeyDown={search.onKeyDown}
          // biome-ignore lint/a11y/noAutofocus: the button that opened the picker hands focus to its search.
          autoFocus
        />
      )}
      {items.length === 0 ? (
        <p className="canned-empty">
          {loading ? (
            t('Loading…')
          ) : failed ? (
            t('Canned responses could not be loaded.')
          ) : (
            <>
              {t('No canned response matches.')}{' '}
              <Link to="/settings/canned-responses">{t('Manage canned responses')}</Link>
            </>
          )}
        </p>
      ) : (
        <div className="canned-list" id={listId} role="listbox" aria-label={t('Canned responses')}>
          {items.map((item, index) => (
            <div
              key={item.id}
              id={optionId(listId, index)}
              role="option"
              tabIndex={-1}
              aria-selected={index === active}
              className={index === active ? 'canned-option canned-option-active' : 'canned-option'}
              // Keep the focus in the composer: choose on mouse down, before it would move.
              onMouseDown={(e) => {
                e.preventDefault();
                onPick(item);
              }}
              onMouseEnter={() => onHover(index)}
              data-testid="canned-option"
            >
              <span className="canned-line">
                <span className="canned-shortcut">/{item.shortcut}</span>
                <span className="canned-name">{item.title}</span>
              </span>
              <span className="canned-preview">{preview(item)}</span>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
